/** `nas-assay evaluate`: the paper's protocol — N_l random labels, test on all remaining cells, several seeds. */
import { Command } from "commander";
import { UserError } from "../errors.js";
import { evaluate } from "../eval/evaluate.js";
import { methodName } from "../predictors/registry.js";
import { spaceName } from "../spaces/registry.js";
import { assessorFlags, withAssessorFlags } from "./assessor-flags.js";
import { globals, print } from "./context.js";
import { methodOption, spaceOption } from "./options.js";
import { withProgress } from "./progress.js";

export function evaluateCommand(): Command {
  const command = new Command("evaluate")
    .description("train one model per seed on N_l random cells and score it on all remaining cells")
    .addOption(spaceOption())
    .addOption(methodOption())
    .requiredOption("--labels <n>", "labeled cells per seed")
    .option("--target <name>", "label to predict (default: the benchmark's test accuracy)")
    .option("--seeds <list>", "comma-separated seeds", "0,1,2,3,4")
    .option("--jobs <n>", "seeds run in parallel worker threads", "1")
    .addHelpText(
      "after",
      "\nExample:\n  nas-assay evaluate --space nb101 --method ssa --labels 1000 --seeds 0,1,2,3,4 --jobs 2 --json",
    );
  return withAssessorFlags(command).action(async (opts: Record<string, string>, cmd: Command) => {
    const options = globals(cmd);
    const seeds = opts.seeds.split(",").map((s) => Number(s.trim()));
    if (seeds.some((s) => !Number.isInteger(s)))
      throw new UserError(`--seeds must be integers separated by commas, got "${opts.seeds}"`);
    const labels = Number(opts.labels);
    const jobs = Number(opts.jobs);
    if (!Number.isInteger(labels)) throw new UserError(`--labels must be an integer, got "${opts.labels}"`);
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new UserError(`--jobs must be a positive integer, got "${opts.jobs}"`);
    const result = await withProgress(options, "evaluate", "%", (update) =>
      evaluate(
        {
          method: methodName(opts.method),
          space: spaceName(opts.space),
          data: options.dataDir,
          target: opts.target,
          labels,
          options: assessorFlags(opts),
        },
        seeds,
        jobs,
        (d) => update(d * 100, 100),
      ),
    );
    const f = (s: { mean: number; std: number }, digits = 4) =>
      `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`;
    print(options, result, () =>
      [
        `${result.method} on ${result.space} (${result.target}), ${result.labels} labels, test = ${result.testCells} ${result.labeledCells < result.spaceCells ? `labeled cells (${result.labeledCells} of ${result.spaceCells} cells have labels)` : "cells"}, seeds ${result.seeds.join(",")}`,
        `Kendall tau ${f(result.ktau)}   Spearman ${f(result.spearman)}   Pearson ${f(result.pearson)}   MSE ${f(result.mse, 5)}`,
        `precision@100 ${f(result.precisionAt100, 3)}   true accuracy of the predicted best ${f(result.predictedBestTruth)}`,
        ...result.runs.map(
          (r) =>
            `  seed ${r.seed}: ktau ${r.ktau.toFixed(4)}, fit ${r.fitSeconds.toFixed(1)} s, predict ${r.predictSeconds.toFixed(1)} s`,
        ),
      ].join("\n"),
    );
  });
}
