/**
 * `nas-assay paper` (what `npm start` runs): the paper's pipeline on one seed, printed beside the
 * paper's numbers and written as an HTML report with its results as JSON beside it.
 */
import { Command } from "commander";
import { requireBenchmark } from "../benchmark.js";
import { type PipelineStage, runPaperPipeline } from "../pipeline/paper-pipeline.js";
import { writePipelineFiles } from "../pipeline/pipeline-file.js";
import { predictionTable, searchTable } from "../pipeline/pipeline-report.js";
import type { Method } from "../predictors/registry.js";
import { textTable } from "../report/text.js";
import { DEFAULT_EVOLUTION } from "../search/evolution.js";
import type { SpaceName } from "../spaces/registry.js";
import { assessorFlags, withAssessorFlags } from "./assessor-flags.js";
import { globals, note, print } from "./context.js";
import { integerFlag, seedFlag } from "./flag-values.js";
import { methodOption, spaceOption } from "./options.js";
import { withStages } from "./progress.js";

const STAGES: Record<PipelineStage, string> = {
  load: "loading the benchmark",
  fit: "fitting the predictor",
  predict: "predicting every cell",
  search: "searching with the predictor",
};

export function paperCommand(): Command {
  const command = new Command("paper")
    .description(
      "the paper in one run: label N_l random cells, fit the semi-supervised assessor, score it on all " +
        "remaining cells, let it guide an evolutionary search, and write an HTML report (what `npm start` runs)",
    )
    .addOption(spaceOption())
    .addOption(methodOption())
    .option("--labels <n>", "labeled cells N_l", integerFlag(2), 1000)
    .option("--seed <n>", "seed of every random choice (0..2147483647)", seedFlag(), 0)
    .option("--target <name>", "label to predict (default: the benchmark's test accuracy)")
    .option(
      "--evaluations <n>",
      "distinct cells the predictor scores in the search",
      integerFlag(1),
      DEFAULT_EVOLUTION.evaluations,
    )
    .option(
      "--out <file.html>",
      "the HTML report; its results go beside it as .json",
      "nas-assay-report.html",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  NAS_ASSAY_DATA=../shared/data nas-assay paper\n" +
        "  nas-assay --data ../shared/data paper --space nb201 --labels 100 --seed 1 --out nb201.html --json",
    );
  return withAssessorFlags(command).action(async (opts: Record<string, unknown>, cmd: Command) => {
    const options = globals(cmd);
    const space = opts.space as SpaceName;
    requireBenchmark(space, options.dataDir); // at once, with every missing file named
    const result = await withStages(
      options,
      "paper",
      (stage: PipelineStage) => STAGES[stage],
      (update) =>
        runPaperPipeline({
          space,
          data: options.dataDir,
          target: opts.target as string | undefined,
          method: opts.method as Method,
          labels: opts.labels as number,
          seed: opts.seed as number,
          options: assessorFlags(opts),
          evolution: { evaluations: opts.evaluations as number },
          onProgress: update,
          onNote: (text) => note(options, text),
        }),
    );
    const files = await writePipelineFiles(result, String(opts.out));
    // the summary leaves out the plots' data (the sample and the curve are in the .json file)
    const { curve: _curve, ...search } = result.search;
    const summary = {
      settings: result.settings,
      seconds: result.seconds,
      testCells: result.testCells,
      scores: result.scores,
      paper: result.paper,
      search,
      files,
    };
    const s = result.seconds;
    print(options, summary, () =>
      [
        `${space === "nb101" ? "NAS-Bench-101" : "NAS-Bench-201"}, ${result.settings.method}, ` +
          `${result.settings.labels.toLocaleString("en-US")} labeled cells (seed ${result.settings.seed}); ` +
          `${s.total.toFixed(0)} s: fit ${s.fit.toFixed(0)} s, predict all ${s.predict.toFixed(1)} s, search ${s.search.toFixed(1)} s`,
        "",
        textTable(predictionTable(result)),
        ...(result.scores.undefinedCorrelation
          ? [`Kendall tau, Spearman and Pearson are NaN: ${result.scores.undefinedCorrelation}`]
          : []),
        "",
        textTable(searchTable(result)),
        "",
        `report: ${files.html} (results: ${files.json})`,
      ].join("\n"),
    );
  });
}
