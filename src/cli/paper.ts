/**
 * `nas-assay paper` (what `npm start` runs): on one seed, the paper's assessor and nas-assay's own
 * choice side by side, printed beside the paper's numbers and written as an HTML report with its
 * results as JSON beside it.
 */
import { Command } from "commander";
import { requireBenchmark } from "../benchmark.js";
import { checkOutputFile, HTML_PAGE } from "../data/output-path.js";
import { UserError } from "../errors.js";
import { DEFAULT_TOP, type PipelineResult } from "../pipeline/paper-pipeline.js";
import { checkResultsOutput, writePipelineFiles } from "../pipeline/pipeline-file.js";
import { choiceShort } from "../pipeline/pipeline-report.js";
import {
  COLUMN_CHOICES,
  COLUMNS,
  type Column,
  type ColumnStage,
  runSideBySide,
} from "../pipeline/side-by-side.js";
import { sideBySideSummaryTable } from "../pipeline/side-by-side-report.js";
import type { Method } from "../predictors/registry.js";
import { textTable } from "../report/text.js";
import { checkEvaluationsFit, DEFAULT_EVOLUTION } from "../search/evolution.js";
import { SPACE_CELLS, type SpaceName } from "../spaces/registry.js";
import { assessorFlags, withAssessorFlags } from "./assessor-flags.js";
import { globals, note, print } from "./context.js";
import { integerFlag, labelCountFlag, nonEmptyFlag, seedFlag, TARGET_NAME } from "./flag-values.js";
import { jobsOption, methodOption, spaceOption } from "./options.js";
import { withStages } from "./progress.js";

const STAGES: Record<ColumnStage, string> = {
  waiting: "waiting for the other column (--jobs 1)",
  load: "loading the benchmark",
  fit: "fitting",
  predict: "predicting every cell",
  search: "searching",
  done: "done",
};

export function paperCommand(): Command {
  const command = new Command("paper")
    .description(
      "the paper's assessor and nas-assay's choice side by side on one seed (what `npm start` runs): label " +
        "N_l random cells, fit each predictor on them, score it on all remaining cells, let it guide an " +
        "evolutionary search, train the cells each chooses, and write an HTML report",
    )
    .addOption(spaceOption())
    .addOption(
      methodOption(
        "nas-assay's column: its predictor (the paper's column is always the assessor, ssa)",
        COLUMN_CHOICES.ours.method,
      ),
    )
    .option("--labels <n>", "labeled cells N_l (2..cells of the space − 2)", labelCountFlag("paper"), 1000)
    .option("--seed <n>", "seed of every random choice (0..2147483647)", seedFlag(), 0)
    .option(
      "--target <name>",
      "label to predict (default: the benchmark's test accuracy)",
      nonEmptyFlag(TARGET_NAME),
    )
    .option(
      "--evaluations <n>",
      `distinct cells the predictor scores in the search (more than its population of ${DEFAULT_EVOLUTION.population}, the first cells, drawn at random)`,
      integerFlag(1),
      DEFAULT_EVOLUTION.evaluations,
    )
    .option(
      "--out <file.html>",
      "the HTML report; its results go beside it as .json",
      "nas-assay-report.html",
    )
    // both columns at once by default, as `npm start` runs it and the README times it (one column a
    // core: on one core workersFor makes it 1, as the default was there before)
    .addOption(jobsOption("columns", "its 2 columns", 2))
    .addHelpText(
      "after",
      "\nThe assessor flags (--sigma … --label-transform) set the paper's column.\n" +
        "\nExamples:\n  nas-assay paper\n" +
        "  nas-assay paper --space nb201 --labels 100 --seed 1 --out nb201.html --json",
    );
  return withAssessorFlags(command).action(async (opts: Record<string, unknown>, cmd: Command) => {
    const options = globals(cmd);
    const space = opts.space as SpaceName;
    // at once, not after the minutes of work: the report and its results beside it, every missing file named
    checkOutputFile(String(opts.out), "--out", HTML_PAGE);
    checkResultsOutput(String(opts.out), "--out");
    // each column trains its top cells among those the search evaluates: fewer evaluations trained fewer
    // cells than the report said; and more than the space holds are refused before it loads
    if ((opts.evaluations as number) < DEFAULT_TOP)
      throw new UserError(
        `--evaluations ${opts.evaluations} is below the ${DEFAULT_TOP} cells each column trains, chosen among the cells the search evaluates; expected at least ${DEFAULT_TOP}`,
      );
    // paper has no --population: the library's refusal would name a flag it does not take
    const population = DEFAULT_EVOLUTION.population;
    if ((opts.evaluations as number) <= population)
      throw new UserError(
        `--evaluations ${opts.evaluations} is not above the search's population of ${population}, random cells evaluated before any child: evolution would never start; expected more than ${population}`,
      );
    checkEvaluationsFit(opts.evaluations as number, SPACE_CELLS[space], space);
    requireBenchmark(space, options.dataDir);
    const result = await withStages(
      options,
      "paper",
      (stages: string) => stages,
      (update) =>
        runSideBySide({
          space,
          data: options.dataDir,
          target: opts.target as string | undefined,
          method: opts.method as Method,
          labels: opts.labels as number,
          seed: opts.seed as number,
          options: assessorFlags(opts),
          evolution: { evaluations: opts.evaluations as number },
          jobs: opts.jobs as number,
          onProgress: (stages, done) =>
            update(COLUMNS.map((c) => `${COLUMN_CHOICES[c].title}: ${STAGES[stages[c]]}`).join("; "), done),
          onNote: (text) => note(options, text),
        }),
    );
    const files = await writePipelineFiles(result, String(opts.out));
    // the summary leaves out the plots' data (the sample and the curve are in the .json file)
    const summary = (r: PipelineResult) => {
      const { curve: _curve, ...search } = r.search;
      return { settings: r.settings, seconds: r.seconds, testCells: r.testCells, scores: r.scores, search };
    };
    const paper = result.paper;
    const labeledCells = paper.labeledCells ?? paper.spaceSize;
    const partial = labeledCells < paper.spaceSize;
    print(
      options,
      {
        seconds: result.seconds,
        jobs: result.jobs,
        labeledCells,
        spaceCells: paper.spaceSize,
        paperTable1: paper.paper,
        paper: summary(paper),
        ours: summary(result.ours),
        files,
      },
      () =>
        [
          `${space === "nb101" ? "NAS-Bench-101" : "NAS-Bench-201"}, ${paper.settings.labels.toLocaleString("en-US")} ` +
            `labeled cells (seed ${paper.settings.seed}), the same for both columns; ${result.seconds.toFixed(0)} s` +
            (result.jobs === 2 ? ", the two at once" : ""),
          ...(partial
            ? [
                `(on the ${labeledCells} labeled cells of ${paper.spaceSize}: a partial import; labeled and test cells, cells trained, the same choice with no search and ranks are among them)`,
              ]
            : []),
          ...COLUMNS.map((c: Column) => {
            const r = result[c];
            const s = r.seconds;
            return (
              `  ${COLUMN_CHOICES[c].title}: ${r.settings.method}, fit ${s.fit.toFixed(0)} s, predict all ${s.predict.toFixed(0)} s, ` +
              `search ${s.search.toFixed(0)} s; trains ${choiceShort(r)}`
            );
          }),
          "",
          textTable(sideBySideSummaryTable(result)),
          ...COLUMNS.flatMap((c: Column) =>
            result[c].scores.undefinedCorrelation
              ? [
                  `${COLUMN_CHOICES[c].title}: Kendall tau, Spearman and Pearson are NaN: ${result[c].scores.undefinedCorrelation}`,
                ]
              : [],
          ),
          "",
          "One seed says little: which column finds the better cell changes from seed to seed (`nas-assay search",
          "--method M --seeds 0-19` runs the search protocol over many; docs/results.md has the averages).",
          `report: ${files.html} (results: ${files.json})`,
        ].join("\n"),
    );
  });
}
