/**
 * The pipeline's result as a report document: its settings, the scores beside the paper's, the
 * predicted-against-true rank plot, the search's outcome and curve, and drawings of the best cells.
 */

import { shownValue, UserError } from "../errors.js";
import { ranksBestFirst } from "../eval/metrics.js";
import type { PlotSpec } from "../experiments/plots.js";
import {
  type Block,
  type CellToDraw,
  code,
  type ReportDocument,
  type TableBlock,
  table,
} from "../report/document.js";
import { DEFAULT_EVOLUTION } from "../search/evolution.js";
import { NO_SEARCH_CHOICE } from "../search/predictor-search.js";
import { PIPELINE_FORMAT, type PipelineResult, type ReportedCell } from "./paper-pipeline.js";

const SPACE_TITLES: Record<string, string> = { nb101: "NAS-Bench-101", nb201: "NAS-Bench-201" };
const METHOD_TITLES: Record<string, string> = { ssa: "the semi-supervised assessor" };

export const SPACE_TITLE = (space: string) => SPACE_TITLES[space] ?? space;
export const int = (n: number) => n.toLocaleString("en-US");
export const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
export const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
export const pm = (s: { mean: number; std: number } | undefined, digits: number) =>
  s ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : "–";

/** The weight of the mutations' predictions in the choice of the cells to train (0: the paper's choice). */
export function choiceWeight(settings: PipelineResult["settings"]): number {
  return settings.neighbourhood?.weight ?? 0;
}

/** How the cells to train were chosen, in a few words (for a terminal line). */
export function choiceShort(result: Pick<PipelineResult, "settings" | "search">): string {
  const { settings } = result;
  const n = settings.neighbourhood;
  if (!n || n.weight === 0) return `the ${settings.top} predicted best`;
  return `the ${settings.top} of the ${int(shortlist(result))} predicted best whose own + mutations' mean prediction is highest`;
}

/**
 * The cells the choice of the trained ones ranks: the neighbourhood's candidates (at least the top),
 * but never more than the search scored (chooseTrained's topK of the trace).
 */
function shortlist({ settings, search }: Pick<PipelineResult, "settings" | "search">): number {
  const candidates = Math.max(settings.neighbourhood?.candidates ?? settings.top, settings.top);
  return Math.min(candidates, search.evaluations);
}

/** How the cells to train were chosen, in words: "the 10 cells it predicted best", or the neighbourhood choice. */
export function choiceText(result: Pick<PipelineResult, "settings" | "search">): string {
  const { settings } = result;
  const n = settings.neighbourhood;
  if (!n || n.weight === 0) return `the ${settings.top} cells it predicted best`;
  return (
    `the ${settings.top} cells, among the ${int(shortlist(result))} it predicted best, with the highest own prediction + ` +
    `${n.weight === 1 ? "" : `${n.weight} × `}the mean prediction of their mutations (${n.draws} drawn each)`
  );
}

/** The report document of a pipeline run. */
export function pipelineDocument(result: PipelineResult): ReportDocument {
  requirePipelineResult(result, "pipelineDocument");
  const { settings, search } = result;
  const space = SPACE_TITLES[settings.space] ?? settings.space;
  const method = METHOD_TITLES[settings.method] ?? `\`${settings.method}\``;
  const blocks: Block[] = [
    {
      kind: "paragraph",
      text:
        `${int(settings.labels)} cells of ${space} drawn at random (seed ${settings.seed}) were labeled with their ` +
        `true accuracy; ${method} learnt from them and from the ${int(result.spaceSize - settings.labels)} unlabeled ` +
        `cells, predicted the accuracy of every other cell, and guided an evolutionary search that never saw a ` +
        `true accuracy: ${choiceText(result)} were then "trained" (looked up in the benchmark).`,
    },
    { kind: "heading", text: "Prediction on all remaining cells" },
    predictionTable(result),
    {
      kind: "figure",
      title: "Predicted rank against true rank",
      spec: rankPlot(result),
    },
    { kind: "heading", text: "Search guided by the predictor" },
    searchTable(result),
    {
      kind: "figure",
      title:
        "Search curve: the protocol's answer if the search stopped there (blue), and the best cell it had scored, " +
        "which it cannot know without training every one (grey)",
      spec: searchPlot(result),
    },
    {
      kind: "paragraph",
      text:
        "Predictions above the best labeled cell's accuracy are extrapolations: the calibration keeps their order " +
        "but flattens their scale, so the top cells may all read the same predicted accuracy.",
    },
    trainedTable(result),
    { kind: "heading", text: "The best cells found" },
    {
      kind: "paragraph",
      text: "The three best (by true accuracy) of the cells the search trained, and the best cell of the whole space for comparison.",
    },
    {
      kind: "cells",
      cells: [
        ...[...search.top]
          .sort((a, b) => b.truth - a.truth)
          .slice(0, 3)
          .map((c, k) => ({
            caption: `found #${k + 1}: ${cellCaption(c)}`,
            cell: toDraw(settings.space, c),
          })),
        {
          caption: `best in the space: ${cellCaption(search.bestInSpace)}`,
          cell: toDraw(settings.space, search.bestInSpace),
        },
      ],
    },
    { kind: "heading", text: "Settings" },
    settingsTable(result),
  ];
  return { title: `${space}: ${method} from ${int(settings.labels)} labels, and the cells it finds`, blocks };
}

/** The cells trained, in the order chosen, with their predicted and true accuracy. */
export function trainedTable(result: PipelineResult): TableBlock {
  return table(
    [
      choiceWeight(result.settings) === 0 ? "by prediction" : "chosen",
      "cell",
      "predicted",
      "true accuracy",
      "rank in the space",
    ],
    result.search.top.map((c, k) => [
      String(k + 1),
      cellName(c),
      pct(c.predicted),
      pct(c.truth),
      rankText(c),
    ]),
  );
}

/** The rows of the prediction table: metric name, then its value on the scores, then the paper's where given. */
export function predictionRows(
  scores: PipelineResult["scores"],
): { metric: string; value: string; paper: (p: PipelineResult["paper"]) => string }[] {
  return [
    { metric: "Kendall tau", value: fixed(scores.ktau, 3), paper: (p) => pm(p?.ktau, 3) },
    { metric: "MSE", value: fixed(scores.mse, 4), paper: (p) => pm(p?.mse, 4) },
    { metric: "Pearson r", value: fixed(scores.pearson, 3), paper: (p) => pm(p?.pearson, 3) },
    { metric: "Spearman rho", value: fixed(scores.spearman, 3), paper: () => "–" },
    { metric: "precision@100", value: fixed(scores.precisionAt100, 2), paper: () => "–" },
    {
      metric: "true accuracy of the cell predicted best",
      value: pct(scores.predictedBestTruth),
      paper: () => "–",
    },
  ];
}

/** Kendall tau, MSE, r … on all remaining cells, beside the paper's Table 1 where it has the numbers. */
export function predictionTable(result: PipelineResult): TableBlock {
  const { scores, paper } = result;
  const rows = predictionRows(scores).map((r) => [r.metric, r.value, r.paper(paper)]);
  const header = [`on the ${int(result.testCells)} remaining cells`, "nas-assay"];
  if (!paper)
    return table(
      header,
      rows.map((row) => row.slice(0, 2)),
    );
  return table([...header, `paper (Table 1, N_l = ${int(result.settings.labels)})`], rows);
}

/** The cell the search found, against the same choice with no search, the best labeled cell and the optimum. */
export function searchTable(result: PipelineResult): TableBlock {
  const { search, settings } = result;
  const row = (what: string, c: ReportedCell): string[] => [
    what,
    pct(c.truth),
    rankText(c),
    pct(c.predicted),
  ];
  return table(
    ["cell", "true accuracy", "rank in the space", "predicted"],
    [
      row(
        `found: best of the ${settings.top} trained after a search of ${int(search.evaluations)}`,
        search.best,
      ),
      row(NO_SEARCH_CHOICE, search.exhaustive),
      row(`best of the ${int(settings.labels)} labeled cells`, search.bestLabeled),
      row("best in the space", search.bestInSpace),
    ],
  );
}

function settingsTable(result: PipelineResult): Block {
  const { settings, seconds } = result;
  const evolution = settings.evolution;
  const options = Object.entries(settings.options);
  const labeled = result.labeledCells ?? result.spaceSize;
  const partial = labeled < result.spaceSize;
  const rows: string[][] = [
    [
      "space",
      `${SPACE_TITLES[settings.space] ?? settings.space} (${int(result.spaceSize)} cells)` +
        (partial
          ? `; on the ${int(labeled)} labeled cells only (a partial import): labeled and test cells, cells trained and ranks are among them`
          : ""),
    ],
    ["label (target)", code(settings.target)],
    [
      "predictor",
      `\`${settings.method}\`${options.length ? ` with ${options.map(([k, v]) => `${k} = ${v}`).join(", ")}` : ""}`,
    ],
    ["labeled cells N_l", `${int(settings.labels)}, drawn with seed ${settings.seed}`],
    ["test cells", `${int(result.testCells)}, all the other${partial ? " labeled cells" : "s"}`],
    [
      "search",
      `regularized evolution, ${int(evolution.evaluations)} distinct cells scored by the predictor, population ${evolution.population}, ` +
        `tournament ${evolution.tournament}, ${evolution.batch} children a round${evolution.crossover ? `, crossover ${evolution.crossover}` : ""}` +
        `${evolution.evaluations === DEFAULT_EVOLUTION.evaluations ? "" : " (not the default)"}; ${choiceText(result)} are trained`,
    ],
    [
      "seconds",
      `load ${seconds.load.toFixed(1)}, fit ${seconds.fit.toFixed(1)}, predict all ${seconds.predict.toFixed(1)}, ` +
        `search ${seconds.search.toFixed(1)}; total ${seconds.total.toFixed(1)}`,
    ],
    ["data directory", code(settings.data)],
    [
      "run",
      `${result.environment.startedAt}, Node ${result.environment.node}, ${result.environment.cpus} cores`,
    ],
  ];
  return table(["setting", "value"], rows);
}

/** The share of the space (percent) at or above a cell's rank, to two significant digits. */
export function rankShare(c: ReportedCell): string {
  return c.rankPercent < 1 ? String(Number(c.rankPercent.toPrecision(2))) : c.rankPercent.toFixed(1);
}

/** Rank in the space and the share of the space at or above it, to two significant digits. */
export function rankText(c: ReportedCell): string {
  return `${int(c.rank)} (top ${rankShare(c)} %)`;
}

export function cellName(c: ReportedCell): string {
  return c.cell.hash ? `${c.id} (${c.cell.hash.slice(0, 8)})` : String(c.id);
}

export function cellCaption(c: ReportedCell): string {
  return `cell ${c.id}, ${pct(c.truth)} (rank ${int(c.rank)}), predicted ${pct(c.predicted)}`;
}

export function toDraw(space: string, c: ReportedCell): CellToDraw {
  return space === "nb101" && c.cell.matrix
    ? { space: "nb101", matrix: c.cell.matrix, ops: c.cell.ops }
    : { space: "nb201", ops: c.cell.ops };
}

/** Predicted against true rank of the result's sample of test cells; `who` names the predictor in the title. */
export function rankPlot(result: PipelineResult, who?: string): PlotSpec {
  const { predicted, actual } = result.sample;
  const p = ranksBestFirst(predicted);
  const t = ranksBestFirst(actual);
  return {
    title: `${who ? `${who}: ` : ""}${int(actual.length)} random test cells (rank 1 = best)`,
    width: 320,
    height: 320,
    data: { values: p.map((rank, i) => ({ true: t[i], predicted: rank })) },
    mark: { type: "circle", size: 5, opacity: 0.35, aria: false }, // no label per point: thousands of them
    encoding: {
      x: { field: "true", type: "quantitative", title: "true rank" },
      y: { field: "predicted", type: "quantitative", title: "predicted rank" },
    },
  };
}

/**
 * The search's curve (the best of the top cells by prediction, and of all cells scored) against the
 * best labeled cell and the best of the space, and the best cell trained where the choice was not the
 * top by prediction; `who` names the predictor in the title.
 */
export function searchPlot(result: PipelineResult, who?: string): PlotSpec {
  const { search } = result;
  const values = search.curve.flatMap((point) => [
    {
      evaluations: point.evaluations,
      accuracy: point.top,
      series: `best of the top ${result.settings.top} by prediction`,
    },
    {
      evaluations: point.evaluations,
      accuracy: point.seen,
      series: "best of all cells scored",
    },
  ]);
  const rules = [
    { accuracy: search.bestInSpace.truth, series: "best in the space" },
    {
      accuracy: search.bestLabeled.truth,
      series: `best of the ${int(result.settings.labels)} labeled cells`,
    },
  ];
  if (choiceWeight(result.settings) > 0)
    rules.push({
      accuracy: search.best.truth,
      series: `best of the ${result.settings.top} trained (the neighbourhood choice)`,
    });
  const series = [values[0]?.series, values[1]?.series, ...rules.map((r) => r.series)];
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: {
      domain: series,
      range: ["#1f77b4", "#9a9a9a", "#2ca02c", "#d62728", "#9467bd"].slice(0, series.length),
    },
    legend: { orient: "bottom", columns: 2, labelLimit: 400 },
  };
  return {
    title: `${who ? `${who}: true` : "True"} accuracy as the search scores more cells`,
    width: 440,
    height: 260,
    layer: [
      {
        data: { values },
        mark: { type: "line", interpolate: "step-after" },
        encoding: {
          x: { field: "evaluations", type: "quantitative", title: "cells scored by the predictor" },
          y: { field: "accuracy", type: "quantitative", title: "true accuracy", scale: { zero: false } },
          color,
        },
      },
      {
        data: { values: rules },
        mark: { type: "rule", strokeDash: [4, 3] },
        encoding: { y: { field: "accuracy", type: "quantitative" }, color },
      },
    ],
  };
}

/**
 * Throws UserError, naming `caller`, unless `value` looks like runPaperPipeline's result (its format and
 * its main parts): from JavaScript, {} or null failed as "Cannot read properties of undefined (reading
 * 'space')".
 */
export function requirePipelineResult(value: unknown, caller: string): asserts value is PipelineResult {
  const v = value as Record<string, unknown> | null;
  const parts = ["settings", "scores", "sample", "search"];
  if (
    typeof v !== "object" ||
    v === null ||
    v.format !== PIPELINE_FORMAT ||
    parts.some((key) => typeof v[key] !== "object" || v[key] === null)
  )
    throw new UserError(
      `${caller} needs the result of runPaperPipeline (or readPipelineResult: a paper run's file), got ${shownValue(value, 60)}`,
    );
}
