/**
 * The side-by-side run as a report document and as the tables `nas-assay paper` prints: the paper's
 * assessor and nas-assay's choice in two columns, on the scores, the cells found, and the settings.
 */
import { shownValue, UserError } from "../errors.js";
import { type Block, code, type ReportDocument, type TableBlock, table } from "../report/document.js";
import { NO_SEARCH_CHOICE_SHORT } from "../search/predictor-search.js";
import type { PipelineResult, ReportedCell } from "./paper-pipeline.js";
import {
  cellCaption,
  choiceText,
  choiceWeight,
  int,
  pct,
  predictionRows,
  rankPlot,
  rankShare,
  requirePipelineResult,
  SPACE_TITLE,
  searchPlot,
  toDraw,
  trainedTable,
} from "./pipeline-report.js";
import {
  COLUMN_CHOICES,
  COLUMNS,
  type Column,
  SIDE_BY_SIDE_FORMAT,
  type SideBySideResult,
} from "./side-by-side.js";

/** A column's name in tables: who, and its predictor. */
export function columnTitle(result: SideBySideResult, column: Column): string {
  return `${COLUMN_CHOICES[column].title} (\`${result[column].settings.method}\`)`;
}

/** Kendall tau, MSE … of both columns on all remaining cells, beside the paper's Table 1 where it has them. */
export function sideBySidePredictionTable(result: SideBySideResult): TableBlock {
  const { paper, ours } = result;
  const theirs = paper.paper;
  const paperRows = predictionRows(paper.scores);
  const ourRows = predictionRows(ours.scores);
  const rows = paperRows.map((row, k) => [
    row.metric,
    row.value,
    ourRows[k].value,
    ...(theirs ? [row.paper(theirs)] : []),
  ]);
  return table(
    [
      `on the ${int(paper.testCells)} remaining cells`,
      ...COLUMNS.map((c) => columnTitle(result, c)),
      ...(theirs ? [`paper (Table 1, N_l = ${int(paper.settings.labels)})`] : []),
    ],
    rows,
  );
}

/**
 * The cell each column found beside the same choice with no search, the best labeled cell, what you keep, and the
 * optimum; `compact` leaves out each cell's share of the space (for a terminal).
 */
export function sideBySideSearchTable(result: SideBySideResult, compact = false): TableBlock {
  const { paper } = result;
  const cell = (c: ReportedCell) =>
    compact
      ? `${pct(c.truth)} (rank ${int(c.rank)})`
      : `${pct(c.truth)} (rank ${int(c.rank)}, top ${rankShare(c)} %)`;
  const bestTrained = (r: PipelineResult) =>
    r.search.bestLabeled.truth > r.search.best.truth ? r.search.bestLabeled : r.search.best;
  const row = (what: string, pick: (r: PipelineResult) => ReportedCell) => [
    what,
    ...COLUMNS.map((c) => cell(pick(result[c]))),
  ];
  return table(
    ["cell (true accuracy, rank in the space)", ...COLUMNS.map((c) => columnTitle(result, c))],
    [
      row(`found: best of the ${paper.settings.top} trained`, (r) => r.search.best),
      row(NO_SEARCH_CHOICE_SHORT, (r) => r.search.exhaustive),
      row(`best of the ${int(paper.settings.labels)} labeled cells`, (r) => r.search.bestLabeled),
      row(
        `best of all ${int(paper.settings.labels + paper.settings.top)} trained (what you keep)`,
        bestTrained,
      ),
      row("best in the space", (r) => r.search.bestInSpace),
    ],
  );
}

/**
 * The two tables above in one (what `nas-assay paper` prints): the scores on all remaining cells, then
 * the cells found, trained and kept; the paper's Table 1 column, where there is one, has the scores only.
 */
export function sideBySideSummaryTable(result: SideBySideResult): TableBlock {
  const prediction = sideBySidePredictionTable(result);
  const search = sideBySideSearchTable(result, true);
  const pad = prediction.header.length - search.header.length;
  const header = [
    prediction.header[0],
    ...COLUMNS.map((c) => COLUMN_CHOICES[c].title),
    ...(pad > 0 ? ["paper, Table 1"] : []),
  ];
  return table(header, [
    ...prediction.rows,
    ...search.rows.map((row) => [...row, ...Array.from({ length: pad }, () => "–")]),
  ]);
}

/** The report document of a side-by-side run. */
export function sideBySideDocument(result: SideBySideResult): ReportDocument {
  const v = result as unknown as Record<string, unknown> | null;
  if (typeof v !== "object" || v === null || v.format !== SIDE_BY_SIDE_FORMAT)
    throw new UserError(
      `sideBySideDocument needs the result of runSideBySide (or readSideBySideResult: nas-assay paper's file), got ${shownValue(result, 60)}`,
    );
  requirePipelineResult(v.paper, "sideBySideDocument's paper column");
  requirePipelineResult(v.ours, "sideBySideDocument's ours column");
  const { paper, ours } = result;
  const settings = paper.settings;
  const space = SPACE_TITLE(settings.space);
  const who = (c: Column) => COLUMN_CHOICES[c].title;
  const blocks: Block[] = [
    {
      kind: "paragraph",
      text:
        `${int(settings.labels)} cells of ${space} drawn at random (seed ${settings.seed}) were labeled with their ` +
        `true accuracy, the same cells for both columns. In each, a predictor learnt from them, predicted the ` +
        `accuracy of every other cell, and guided an evolutionary search that never saw a true accuracy; then ` +
        `${settings.top} cells were "trained" (looked up in the benchmark). The paper's column is its ` +
        `semi-supervised assessor (\`${paper.settings.method}\`, which also learns from the ` +
        `${int(paper.spaceSize - settings.labels)} unlabeled cells) with its choice, ${choiceText(paper)}. ` +
        `nas-assay's column is its own choice of predictor, \`${ours.settings.method}\`, and of cells to train: ` +
        `${choiceText(ours)}.`,
    },
    { kind: "heading", text: "Prediction on all remaining cells" },
    sideBySidePredictionTable(result),
    ...COLUMNS.map(
      (c): Block => ({
        kind: "figure",
        title: `Predicted rank against true rank: ${who(c)}`,
        spec: rankPlot(result[c], `${who(c)} (${result[c].settings.method})`),
      }),
    ),
    { kind: "heading", text: "Search guided by the predictor" },
    sideBySideSearchTable(result),
    {
      kind: "paragraph",
      text:
        "Keep the best of every cell you trained: the best of the labeled cells is sometimes better than " +
        "the best the search's choice trained.",
    },
    ...COLUMNS.map(
      (c): Block => ({
        kind: "figure",
        title:
          `Search curve, ${who(c)}: the best of the top ${settings.top} by prediction if the search stopped there ` +
          "(blue), and the best cell it had scored, which it cannot know without training every one (grey)",
        spec: searchPlot(result[c], `${who(c)} (${result[c].settings.method})`),
      }),
    ),
    {
      kind: "paragraph",
      text:
        "The cells each column trained. Predictions above the best labeled cell's accuracy are extrapolations: " +
        "the calibration keeps their order but flattens their scale, so the top cells may all read the same " +
        "predicted accuracy.",
    },
    ...COLUMNS.flatMap((c): Block[] => [
      {
        kind: "paragraph",
        text: `${who(c)} (\`${result[c].settings.method}\`): ${choiceText(result[c])}${
          choiceWeight(result[c].settings) === 0 ? ", best predicted first" : ", in the order chosen"
        }.`,
      },
      trainedTable(result[c]),
    ]),
    { kind: "heading", text: "The best cells found" },
    {
      kind: "paragraph",
      text: "The best cell each column trained, the best of the labeled cells, and the best cell of the whole space.",
    },
    {
      kind: "cells",
      cells: [
        ...COLUMNS.map((c) => ({
          caption: `found by ${who(c)}: ${cellCaption(result[c].search.best)}`,
          cell: toDraw(settings.space, result[c].search.best),
        })),
        {
          caption: `best of the ${int(settings.labels)} labeled cells: cell ${paper.search.bestLabeled.id}, ${pct(paper.search.bestLabeled.truth)} (rank ${int(paper.search.bestLabeled.rank)})`,
          cell: toDraw(settings.space, paper.search.bestLabeled),
        },
        {
          caption: `best in the space: cell ${paper.search.bestInSpace.id}, ${pct(paper.search.bestInSpace.truth)}`,
          cell: toDraw(settings.space, paper.search.bestInSpace),
        },
      ],
    },
    { kind: "heading", text: "Settings" },
    settingsTable(result),
  ];
  return {
    title: `${space}, seed ${settings.seed}: the paper's assessor and nas-assay's choice, side by side`,
    blocks,
  };
}

function settingsTable(result: SideBySideResult): TableBlock {
  const { paper } = result;
  const both = (f: (r: PipelineResult) => string) => COLUMNS.map((c) => f(result[c]));
  const evolution = paper.settings.evolution;
  const rows: string[][] = [
    ["space", ...both((r) => `${SPACE_TITLE(r.settings.space)} (${int(r.spaceSize)} cells)`)],
    ["label (target)", ...both((r) => code(r.settings.target))],
    [
      "predictor",
      ...both((r) => {
        const options = Object.entries(r.settings.options);
        return `\`${r.settings.method}\`${options.length ? ` with ${options.map(([k, v]) => `${k} = ${v}`).join(", ")}` : ""}`;
      }),
    ],
    ["labeled cells N_l", ...both((r) => `${int(r.settings.labels)}, drawn with seed ${r.settings.seed}`)],
    ["test cells", ...both((r) => `${int(r.testCells)}, all the others`)],
    [
      "search",
      ...both(
        () =>
          `regularized evolution, ${int(evolution.evaluations)} distinct cells scored by the predictor, population ` +
          `${evolution.population}, tournament ${evolution.tournament}, ${evolution.batch} children a round` +
          `${evolution.crossover ? `, crossover ${evolution.crossover}` : ""}`,
      ),
    ],
    ["cells trained", ...both((r) => choiceText(r))],
    [
      "cells scored to choose them",
      ...both((r) => `${int(r.search.neighbourEvaluations ?? 0)} beyond the search's`),
    ],
    [
      "seconds",
      ...both(
        (r) =>
          `load ${r.seconds.load.toFixed(1)}, fit ${r.seconds.fit.toFixed(1)}, predict all ${r.seconds.predict.toFixed(1)}, ` +
          `search ${r.seconds.search.toFixed(1)}; total ${r.seconds.total.toFixed(1)}`,
      ),
    ],
    ["data directory", ...both((r) => code(r.settings.data))],
    [
      "run",
      ...both((r) => `${r.environment.startedAt}, Node ${r.environment.node}, ${r.environment.cpus} cores`),
    ],
    [
      "the whole run",
      ...both(
        () =>
          `${result.seconds.toFixed(1)} s of wall time, ${result.jobs === 2 ? "the two columns at once, in worker threads" : "one column after the other"}`,
      ),
    ],
  ];
  return table(["setting", ...COLUMNS.map((c) => columnTitle(result, c))], rows);
}
