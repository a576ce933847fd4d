/** `nas-assay evaluate`: the paper's protocol — N_l random labels, test on all remaining cells, several seeds. */
import { Command, Option } from "commander";
import { type EvaluationResult, evaluate } from "../eval/evaluate.js";
import type { CellInput } from "../predictors/cell-inputs.js";
import { SELF_TRAINING_COST_NOTE } from "../predictors/self-training.js";
import type { SpaceName } from "../spaces/registry.js";
import { assessorFlagNames, assessorFlags, withAssessorFlags } from "./assessor-flags.js";
import { globals, note, print } from "./context.js";
import { integerFlag, labelCountFlag, nonEmptyFlag, TARGET_NAME } from "./flag-values.js";
import {
  FITTED_METHOD_HELP,
  fittedMethod,
  inputsOption,
  jobsOption,
  methodOption,
  seedsOf,
  spaceOption,
  withSeedOptions,
} from "./options.js";
import { withProgress } from "./progress.js";

const _cellCount = integerFlag(2);

/** evaluate's `--labels`: a number of cells only (the labels come from the benchmark). */
const labelCount = labelCountFlag("evaluate");

export function evaluateCommand(): Command {
  const command = new Command("evaluate")
    .description("train one model per seed on N_l random cells and score it on all remaining cells")
    .addOption(spaceOption())
    .addOption(methodOption(FITTED_METHOD_HELP, null))
    .addOption(
      new Option("--labels <n>", "labeled cells per seed (2..cells of the space − 2)")
        .argParser(labelCount)
        .makeOptionMandatory(),
    )
    .option(
      "--target <name>",
      "label to predict (default: the benchmark's test accuracy)",
      nonEmptyFlag(TARGET_NAME),
    )
    .addOption(inputsOption());
  withSeedOptions(command, 5)
    .addOption(jobsOption("seeds", "the seeds"))
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay evaluate --space nb101 --labels 1000 --seeds 0-4 --jobs 2 --json\n" +
        "  nas-assay evaluate --space nb101 --method ssa --labels 1000 --seeds 0-4 --jobs 2 --json\n" +
        "  nas-assay evaluate --space nb201 --method mlp --labels 100 --seed-count 10",
    );
  return withAssessorFlags(command).action(async (opts: Record<string, unknown>, cmd: Command) => {
    const options = globals(cmd);
    const seeds = seedsOf(opts) ?? [];
    const assessor = assessorFlags(opts);
    const method = fittedMethod(
      opts.method,
      assessorFlagNames(assessor),
      opts.inputs as CellInput[] | undefined,
    );
    if (method === "transformer-self-training") note(options, SELF_TRAINING_COST_NOTE);
    const result = await withProgress(options, "evaluate", "%", (update) =>
      evaluate(
        {
          method,
          space: opts.space as SpaceName,
          data: options.dataDir,
          target: opts.target as string | undefined,
          labels: opts.labels as number,
          options: assessor,
          ...(opts.inputs ? { inputs: opts.inputs as CellInput[] } : {}),
        },
        seeds,
        opts.jobs as number,
        (d) => update(d * 100, 100),
      ),
    );
    // over one seed a mean has no spread: "± 0.0000" read as a certainty
    const f = (s: { mean: number; std: number }, digits = 4) =>
      result.seeds.length > 1
        ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`
        : s.mean.toFixed(digits);
    print(options, result, () =>
      [
        `${result.method}${result.inputs ? ` (inputs ${result.inputs.join(", ")})` : ""} on ${result.space} (${result.target}), ${result.labels} labels, test = ${result.testCells} ${result.labeledCells < result.spaceCells ? `labeled cells (${result.labeledCells} of ${result.spaceCells} cells have labels)` : "cells"}, seeds ${result.seeds.join(",")}`,
        `Kendall tau ${f(result.ktau)}   Spearman ${f(result.spearman)}   Pearson ${f(result.pearson)}   MSE ${f(result.mse, 5)}`,
        ...whyNaN(result),
        `precision@100 ${result.testCells > 100 ? f(result.precisionAt100, 3) : `n/a (only ${result.testCells} test cells: all of them are in any top 100)`}   true ${result.target} of the predicted best ${f(result.predictedBestTruth)}`,
        ...result.runs.map(
          (r) =>
            `  seed ${r.seed}: ktau ${r.ktau.toFixed(4)}, fit ${r.fitSeconds.toFixed(1)} s, predict ${r.predictSeconds.toFixed(1)} s`,
        ),
      ].join("\n"),
    );
  });
}

/** "Kendall tau, Spearman and Pearson NaN on seeds 3, 4 (the predictions are constant)", one line per reason. */
function whyNaN(result: EvaluationResult): string[] {
  const seedsByReason = new Map<string, number[]>();
  for (const r of result.runs)
    if (r.undefinedCorrelation !== undefined)
      seedsByReason.set(r.undefinedCorrelation, [
        ...(seedsByReason.get(r.undefinedCorrelation) ?? []),
        r.seed,
      ]);
  return [...seedsByReason].map(
    ([reason, seeds]) =>
      `Kendall tau, Spearman and Pearson NaN on seed${seeds.length === 1 ? "" : "s"} ${seeds.join(", ")} (${reason})`,
  );
}
