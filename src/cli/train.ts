/** `nas-assay train`: fit a predictor on labeled cells and save it. */
import { existsSync } from "node:fs";
import { Command } from "commander";
import { drawLabeled, labeledCells, loadBenchmark, targetValues } from "../benchmark.js";
import { checkOutputFile } from "../data/output-path.js";
import {
  duplicateLine,
  failedLine,
  type LabelScale,
  readUserLabels,
  requireLabelSpread,
  targetRequired,
} from "../data/user-labels.js";
import { UserError } from "../errors.js";
import type { CellInput } from "../predictors/cell-inputs.js";
import { checkModelOutput, saveWithTarget } from "../predictors/model-file.js";
import { createPredictor } from "../predictors/registry.js";
import { SELF_TRAINING_COST_NOTE } from "../predictors/self-training.js";
import { Rng } from "../random.js";
import { loadSpace, spaceName } from "../spaces/registry.js";
import { assessorFlagNames, assessorFlags, withAssessorFlags } from "./assessor-flags.js";
import { globals, globalsForSpace, note, print, warnAll } from "./context.js";
import { nonEmptyFlag, seedFlag, TARGET_NAME } from "./flag-values.js";
import {
  FITTED_METHOD_HELP,
  fittedMethod,
  inferredScaleNote,
  inputsOption,
  methodOption,
  scaleOption,
  spaceOption,
} from "./options.js";
import { progressBar } from "./progress.js";

interface TrainOptions {
  inputs?: CellInput[];
  space: string;
  method?: string;
  labels: string;
  target?: string;
  scale?: LabelScale;
  seed: number;
  out: string;
  [flag: string]: unknown;
}

/** Duplicate cells of a label file named one per line; the rest are counted. */
const SHOWN_DUPLICATES = 20;

export function trainCommand(): Command {
  const command = new Command("train")
    .description("fit a predictor on labeled cells (drawn from the benchmark, or your own file) and save it")
    .addOption(spaceOption())
    .addOption(methodOption(FITTED_METHOD_HELP, null))
    .requiredOption(
      "--labels <n|file>",
      "how many benchmark cells to label at random (2..cells of the space − 1), or a CSV/JSONL of your own",
    )
    .option(
      "--target <name>",
      "label to learn: a benchmark target, or the column of your file",
      nonEmptyFlag(TARGET_NAME),
    )
    .addOption(scaleOption())
    .addOption(inputsOption())
    .option("--seed <n>", "seed of every random choice (0..2147483647)", seedFlag(), 0)
    .requiredOption("--out <file>", "model file to write (required)")
    .addHelpText(
      "after",
      "\nExample:\n  nas-assay train --space nb101 --labels 1000 --seed 0 --out model.nasa",
    );
  return withAssessorFlags(command).action(async (opts: TrainOptions, cmd: Command) => {
    const options = globals(cmd);
    checkOutputFile(opts.out, "--out", undefined, [{ flag: "--labels", path: opts.labels }]);
    checkModelOutput(opts.out, "--out");
    const seed = opts.seed;
    const method = fittedMethod(opts.method, assessorFlagNames(assessorFlags(opts)), opts.inputs);
    if (method === "transformer-self-training") note(options, SELF_TRAINING_COST_NOTE);
    const name = spaceName(opts.space);
    let labeled: Int32Array;
    let labels: Float64Array;
    let space: Awaited<ReturnType<typeof loadSpace>>;
    let target: string;
    // cells of a label file given more than once (averaged), counted in the JSON output, and its rows of
    // runs that did not finish (left out)
    let duplicates: number | undefined;
    let warnings: string[] = [];
    let failed: number[] | undefined;
    // the scale a label file was read on (given or inferred); absent for the benchmark's labels
    let scale: LabelScale | undefined;
    const digits = /^[0-9]+$/.test(opts.labels);
    // a file named 60 beside the user made --labels 60 mean that file, and the message about a target
    // column read as if the number were wrong
    if (digits && existsSync(opts.labels))
      throw new UserError(
        `--labels ${opts.labels} is a number of cells, and a file or folder of that name is in this folder: ` +
          `give ./${opts.labels} for a labels file, or rename it`,
      );
    const isCount = digits;
    if (!isCount) globalsForSpace(cmd, name); // labels from a file: NB101's data would go unread
    if (!isCount && !existsSync(opts.labels))
      throw new UserError(
        `--labels "${opts.labels}" is neither a number of cells (decimal digits) nor an existing file`,
      );
    if (isCount && cmd.getOptionValueSource("scale") === "cli")
      throw new UserError(
        "--scale is the scale of your own file's column; leave it out with --labels N (the benchmark's labels have a known scale)",
      );
    if (isCount) {
      const benchmark = await loadBenchmark(name, options.dataDir, (t) => note(options, t));
      space = benchmark.space;
      target = opts.target ?? benchmark.defaultTarget;
      const truth = targetValues(benchmark, target);
      const n = Number(opts.labels);
      const pool = labeledCells(truth); // undefined: every cell has a label
      const available = pool?.length ?? space.size;
      // the value as typed: a number above 2^53 was shown rounded (99999999999999999999 as 100000000000000000000)
      if (n < 2 || n >= available)
        throw new UserError(
          `--labels ${opts.labels}: expected 2..${available - 1} cells${pool ? ` (only ${available} of ${space.size} cells have a label for ${target})` : ""}`,
        );
      if (pool)
        note(
          options,
          `drawing ${n} of the ${available} labeled cells (${available} of ${space.size} cells have labels)`,
        );
      labeled = drawLabeled(space, pool, new Rng(seed), n);
      labels = Float64Array.from(labeled, (id) => truth[id]);
    } else {
      if (!opts.target) throw targetRequired(opts.labels, name);
      space = await loadSpace(name, options.dataDir, (t) => note(options, t));
      const own = readUserLabels(opts.labels, space, opts.target, opts.scale);
      requireLabelSpread(own);
      const inferred = inferredScaleNote(own.scale, opts.scale);
      if (inferred) note(options, `${opts.labels}: ${opts.target} ${inferred}`);
      if (own.failed.length > 0) note(options, `${opts.labels}: ${failedLine(own.failed)}`);
      // a few lines name them; thousands of lines would bury the rest (data labels lists them all)
      for (const d of own.duplicates.slice(0, SHOWN_DUPLICATES)) note(options, duplicateLine(d));
      if (own.duplicates.length > SHOWN_DUPLICATES)
        note(
          options,
          `… and ${own.duplicates.length - SHOWN_DUPLICATES} more cells given more than once (nas-assay data labels ${opts.labels} lists them all)`,
        );
      warnAll(own.warnings);
      warnings = own.warnings;
      duplicates = own.duplicates.length;
      scale = own.scale;
      failed = own.failed;
      target = opts.target;
      labeled = own.ids;
      labels = own.values;
    }
    const predictor = createPredictor(method, space, assessorFlags(opts), { inputs: opts.inputs });
    const bar = progressBar(options, "train", "%");
    const started = performance.now();
    try {
      await predictor.fit({ space, labeled, labels, seed, onProgress: (d) => bar?.update(d * 100, 100) });
    } finally {
      bar?.stop();
    }
    saveWithTarget(() => predictor.save(opts.out), { target, ...(scale === undefined ? {} : { scale }) });
    const result = {
      model: opts.out,
      method,
      space: space.name,
      target,
      labels: labeled.length,
      seed,
      ...(scale === undefined ? {} : { scale }),
      ...(duplicates === undefined ? {} : { duplicates }),
      ...(failed === undefined ? {} : { failed }),
      // the warnings stderr carries, in the JSON too (as tell's)
      ...(warnings.length > 0 ? { warnings } : {}),
      fitSeconds: (performance.now() - started) / 1000,
    };
    print(
      options,
      result,
      () =>
        `trained ${method} on ${labeled.length} ${space.name} cells (${target}) in ${result.fitSeconds.toFixed(1)} s → ${opts.out}`,
    );
  });
}
