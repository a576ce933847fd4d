/**
 * The files of `nas-assay paper`: its result as JSON (what `nas-assay report` reads back) and its HTML
 * report, next to each other (report.html, report.json); the result is one pipeline's or, as `paper`
 * writes it, the two columns of a side-by-side run.
 */
import { writeFileAtomic } from "../data/atomic-file.js";
import { readUserText } from "../data/byte-order-mark.js";
import { checkOutputFile, HTML_PAGE, refuseForeignFile } from "../data/output-path.js";
import { BadFileError, shownValue, UserError } from "../errors.js";
import { METHODS } from "../predictors/registry.js";
import { toHtml } from "../report/html.js";
import { NB201_EDGES } from "../spaces/nb201/cell.js";
import { SPACE_NAMES } from "../spaces/registry.js";
import { PIPELINE_FORMAT, PIPELINE_VERSION, type PipelineResult } from "./paper-pipeline.js";
import { pipelineDocument } from "./pipeline-report.js";
import { SIDE_BY_SIDE_FORMAT, SIDE_BY_SIDE_VERSION, type SideBySideResult } from "./side-by-side.js";
import { sideBySideDocument } from "./side-by-side-report.js";

/** The JSON file beside an HTML report: the same name ending in .json. */
export function resultsPathFor(htmlPath: string): string {
  return `${htmlPath.replace(/\.html?$/i, "")}.json`;
}

/**
 * Checks, before any work, that the results file beside the report `htmlPath` (resultsPathFor) may be
 * written: it is missing, empty or a nas-assay results file (a run written again). Throws UserError
 * naming `flag` otherwise: `paper --out asked.html` replaced the user's `asked.json` (what `ask --json`
 * writes in the README) with its results.
 */
export function checkResultsOutput(htmlPath: string, flag: string): void {
  const json = resultsPathFor(htmlPath);
  checkOutputFile(json, `${flag} (its results file)`);
  refuseForeignFile(
    json,
    `${flag} (its results file)`,
    [PIPELINE_FORMAT, SIDE_BY_SIDE_FORMAT],
    "a nas-assay results file",
    "give the report another name (its results go beside it, as .json)",
  );
}

/** Writes the result (one pipeline's, or a side-by-side run's) as JSON and its report as HTML; returns both paths. */
export async function writePipelineFiles(
  result: PipelineResult | SideBySideResult,
  htmlPath: string,
): Promise<{ html: string; json: string }> {
  // as `paper --out` checks it: an HTML name (given "in.json", the page replaced the results it came from)
  checkOutputFile(htmlPath, "the report's path", HTML_PAGE);
  checkResultsOutput(htmlPath, "the report's path");
  // (after the paths, as before) from JavaScript, {} failed as "Cannot read properties of undefined (reading 'space')"
  if (!isSideBySideResult(result) && !isPipelineResult(result))
    throw new UserError(
      `writePipelineFiles needs the result of runPaperPipeline or runSideBySide, got ${shownValue(result, 60)}`,
    );
  const json = resultsPathFor(htmlPath);
  const doc = isSideBySideResult(result) ? sideBySideDocument(result) : pipelineDocument(result);
  const startedAt = isSideBySideResult(result)
    ? result.paper.environment.startedAt
    : result.environment.startedAt;
  const html = await toHtml(doc.title, [doc], {
    subtitle: `Written by \`nas-assay paper\` on ${startedAt}.`,
  });
  writeFileAtomic(json, `${JSON.stringify(result)}\n`);
  writeFileAtomic(htmlPath, html);
  return { html: htmlPath, json };
}

/** True for a parsed JSON value of a side-by-side run written by `writePipelineFiles`. */
export function isSideBySideResult(value: unknown): value is SideBySideResult {
  return (value as SideBySideResult)?.format === SIDE_BY_SIDE_FORMAT;
}

/** Reads a side-by-side results file (`nas-assay paper`'s .json), checked to be one of this version. */
export function readSideBySideResult(path: string): SideBySideResult {
  let value: unknown;
  try {
    value = JSON.parse(readUserText(path)); // an editor's byte-order mark dropped
  } catch (e) {
    throw new BadFileError(path, `not a results file (${(e as Error).message})`);
  }
  if (!isSideBySideResult(value) || value.version !== SIDE_BY_SIDE_VERSION)
    throw new BadFileError(
      path,
      `not a version ${SIDE_BY_SIDE_VERSION} "${SIDE_BY_SIDE_FORMAT}" results file`,
    );
  // the report's last line: edited, they failed as "Cannot read properties of null (reading 'toFixed')"
  if (!(typeof value.seconds === "number" && Number.isFinite(value.seconds) && value.seconds >= 0))
    throw new BadFileError(
      path,
      `seconds is ${shownValue(value.seconds, 60)}; expected the run's wall seconds, a number ≥ 0 (a results file edited by hand or damaged?)`,
    );
  if (value.jobs !== 1 && value.jobs !== 2)
    throw new BadFileError(
      path,
      `jobs is ${shownValue(value.jobs, 60)}; expected 1 or 2, the columns run at once (a results file edited by hand or damaged?)`,
    );
  for (const column of ["paper", "ours"] as const) {
    const missing = checkedPipeline(value[column]);
    if (missing.length > 0)
      throw new BadFileError(
        path,
        `its "${column}" column is not a pipeline result (no ${missing.join(", ")})`,
      );
    const wrong = pipelineFieldProblem(value[column]);
    if (wrong) throw new BadFileError(path, `${column}.${wrong} (a results file edited by hand or damaged?)`);
  }
  return value;
}

/** The parts a pipeline result cannot do without that `value` lacks. */
function checkedPipeline(value: unknown): string[] {
  if (!isPipelineResult(value)) return ["format"];
  return ["settings", "scores", "sample", "search"].filter((key) => {
    const part = (value as unknown as Record<string, unknown>)[key];
    return typeof part !== "object" || part === null;
  });
}

/**
 * The first field of a pipeline result that no run writes, as "FIELD is VALUE; expected …", or
 * undefined: a file edited by hand or damaged showed a Kendall tau of 5 and "NaN %" in its report.
 * Scores a run may leave undefined (a correlation of constant predictions, precision@100 with 100 test
 * cells or fewer) are null in the file (JSON writes NaN so) and accepted.
 */
export function pipelineFieldProblem(value: PipelineResult): string | undefined {
  const at = (object: unknown, path: string): unknown =>
    path.split(".").reduce<unknown>((o, key) => (o as Record<string, unknown> | null)?.[key], object);
  // `shown`: what the field holds, said in words (a list's length) rather than as a value
  const problem = (path: string, expected: string, v: unknown = at(value, path), shown?: string) =>
    `${path} is ${shown ?? shownValue(v, 60)}; expected ${expected}`;
  const integer = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  const within = (v: unknown, low: number, high: number) =>
    typeof v === "number" && Number.isFinite(v) && v >= low && v <= high;
  if (!(SPACE_NAMES as readonly unknown[]).includes(at(value, "settings.space")))
    return problem("settings.space", `one of ${SPACE_NAMES.join(", ")}`);
  if (!(METHODS as readonly unknown[]).includes(at(value, "settings.method")))
    return problem("settings.method", "a predictor's name (nas-assay evaluate --help lists them)");
  for (const [path, min] of [
    ["settings.labels", 2],
    ["settings.top", 1],
    ["settings.seed", 0],
    ["spaceSize", 1],
    ["testCells", 0],
    ["search.evaluations", 0],
  ] as const)
    if (!integer(at(value, path), min)) return problem(path, `an integer ≥ ${min}`);
  const size = value.spaceSize;
  if (typeof value.settings.target !== "string") return problem("settings.target", "the target's name");
  // the settings table of the page: edited, they showed as "population undefined" or failed as
  // "Cannot read properties of undefined (reading 'evaluations')"
  for (const path of [
    "settings.evolution.evaluations",
    "settings.evolution.population",
    "settings.evolution.tournament",
    "settings.evolution.batch",
  ])
    if (!integer(at(value, path), 1)) return problem(path, "an integer ≥ 1");
  if (!within(at(value, "settings.evolution.crossover") ?? 0, 0, 1))
    return problem("settings.evolution.crossover", "a probability in [0, 1]");
  const options = value.settings.options as unknown;
  if (typeof options !== "object" || options === null || Array.isArray(options))
    return problem("settings.options", "an object of the predictor's options (maybe {})");
  const notShown = Object.entries(options).find(
    ([, v]) => !["number", "string", "boolean"].includes(typeof v),
  );
  if (notShown)
    return problem(`settings.options.${notShown[0]}`, "a number, text or true/false", notShown[1]);
  if (value.settings.neighbourhood !== undefined)
    for (const [path, min] of [
      ["settings.neighbourhood.draws", 1],
      ["settings.neighbourhood.candidates", 1],
    ] as const)
      if (!integer(at(value, path), min)) return problem(path, `an integer ≥ ${min}`);
  if (
    value.settings.neighbourhood !== undefined &&
    !within(at(value, "settings.neighbourhood.weight"), 0, Number.MAX_VALUE)
  )
    return problem("settings.neighbourhood.weight", "a weight ≥ 0");
  if (typeof value.settings.data !== "string") return problem("settings.data", "the data directory's path");
  if (value.settings.labels > size - 1)
    return problem("settings.labels", `at most ${size - 1} (the space less a test cell)`);
  if (value.testCells > size) return problem("testCells", `at most ${size} (the space's cells)`);
  if (value.labeledCells !== undefined && !(integer(value.labeledCells, 1) && value.labeledCells <= size))
    return problem("labeledCells", `an integer in 1..${size}`);
  const environment = value.environment as unknown as Record<string, unknown> | undefined;
  if (typeof environment !== "object" || environment === null || typeof environment.startedAt !== "string")
    return problem("environment.startedAt", "the time the run started", environment?.startedAt);
  if (typeof environment.node !== "string") return problem("environment.node", "Node's version");
  if (!integer(environment.cpus, 1)) return problem("environment.cpus", "an integer ≥ 1");
  for (const stage of ["load", "fit", "predict", "search", "total"])
    if (!within(at(value, `seconds.${stage}`), 0, Number.MAX_VALUE))
      return problem(`seconds.${stage}`, "seconds ≥ 0");
  const predictedBest = at(value, "scores.predictedBestTruth");
  if (predictedBest !== null && !within(predictedBest, -Number.MAX_VALUE, Number.MAX_VALUE))
    return problem("scores.predictedBestTruth", "a number (or null)");
  for (const name of ["ktau", "spearman", "pearson"] as const)
    if (at(value, `scores.${name}`) !== null && !within(at(value, `scores.${name}`), -1, 1))
      return problem(`scores.${name}`, "a correlation in [-1, 1] (or null where it is undefined)");
  if (at(value, "scores.precisionAt100") !== null && !within(at(value, "scores.precisionAt100"), 0, 1))
    return problem("scores.precisionAt100", "a fraction in [0, 1] (or null with 100 test cells or fewer)");
  if (at(value, "scores.mse") !== null && !within(at(value, "scores.mse"), 0, Number.MAX_VALUE))
    return problem("scores.mse", "a number ≥ 0");
  const { predicted, actual } = value.sample;
  if (!Array.isArray(predicted) || !predicted.every(Number.isFinite))
    return problem("sample.predicted", "a list of numbers", predicted);
  if (!Array.isArray(actual) || actual.length !== predicted.length || !actual.every(Number.isFinite))
    return problem(
      "sample.actual",
      `a list of ${predicted.length} numbers (one per predicted)`,
      actual,
      Array.isArray(actual) ? `a list of ${actual.length}` : undefined,
    );
  const cell = (path: string, c: unknown): string | undefined => {
    const o = c as Record<string, unknown> | null;
    if (typeof o !== "object" || o === null) return problem(path, "a cell", c);
    if (!integer(o.id, 0) || (o.id as number) >= size)
      return problem(`${path}.id`, `a cell id in 0..${size - 1}`, o.id);
    if (!within(o.truth, -Number.MAX_VALUE, Number.MAX_VALUE))
      return problem(`${path}.truth`, "a number", o.truth);
    if (!integer(o.rank, 1) || (o.rank as number) > size)
      return problem(`${path}.rank`, `a rank in 1..${size}`, o.rank);
    if (!within(o.rankPercent, Number.MIN_VALUE, 100))
      return problem(`${path}.rankPercent`, "a percent in (0, 100]", o.rankPercent);
    if (o.predicted !== null && !within(o.predicted, -Number.MAX_VALUE, Number.MAX_VALUE))
      return problem(`${path}.predicted`, "a number (or null)", o.predicted);
    return architectureProblem(`${path}.cell`, o.cell);
  };
  // the cell as drawn on the page: edited, its drawing failed with an internal error and a stack trace
  const architectureProblem = (path: string, c: unknown): string | undefined => {
    if (typeof c !== "object" || c === null) return problem(path, "the cell's architecture { ops, … }", c);
    const { ops, matrix, hash } = c as Record<string, unknown>;
    const nb101 = value.settings.space === "nb101";
    if (!Array.isArray(ops) || (nb101 ? ops.length < 2 || ops.length > 7 : ops.length !== NB201_EDGES.length))
      return problem(
        `${path}.ops`,
        nb101
          ? "a list of 2 to 7 op names, one per vertex"
          : `a list of ${NB201_EDGES.length} op names, one per edge`,
        ops,
        Array.isArray(ops) ? `a list of ${ops.length}` : undefined,
      );
    const notOp = ops.findIndex((op) => typeof op !== "string");
    if (notOp >= 0) return problem(`${path}.ops.${notOp}`, "an op name", ops[notOp]);
    if (hash !== undefined && typeof hash !== "string")
      return problem(`${path}.hash`, "the cell's hash (a text)", hash);
    const n = ops.length;
    if (
      matrix !== undefined &&
      !(
        nb101 &&
        Array.isArray(matrix) &&
        matrix.length === n &&
        matrix.every(
          (row, i) =>
            Array.isArray(row) && row.length === n && row.every((x, j) => x === 0 || (x === 1 && j > i)),
        )
      )
    )
      return problem(
        `${path}.matrix`,
        `a ${n}×${n} upper-triangular matrix of 0 and 1 (one row per op)`,
        matrix,
      );
    return undefined;
  };
  for (const name of ["best", "exhaustive", "bestLabeled", "bestInSpace"] as const) {
    const wrong = cell(`search.${name}`, value.search[name]);
    if (wrong) return wrong;
  }
  const top = value.search.top;
  if (!Array.isArray(top) || top.length < 1 || top.length > value.settings.top)
    return problem(
      "search.top",
      `a list of 1 to ${value.settings.top} cells (settings.top)`,
      top,
      Array.isArray(top) ? `a list of ${top.length}` : undefined,
    );
  for (const [k, c] of top.entries()) {
    const wrong = cell(`search.top.${k}`, c);
    if (wrong) return wrong;
  }
  const rescored = value.search.neighbourEvaluations as unknown;
  if (rescored !== undefined && !integer(rescored, 0))
    return problem("search.neighbourEvaluations", "an integer ≥ 0 (or absent)");
  if (value.search.bestInSpace.rank !== 1)
    return problem("search.bestInSpace.rank", "1 (the best cell of the space)");
  if (!Array.isArray(value.search.curve)) return problem("search.curve", "a list of points");
  for (const [k, point] of value.search.curve.entries()) {
    const p = point as unknown as Record<string, unknown> | null;
    if (!integer(p?.evaluations, 0))
      return problem(`search.curve.${k}.evaluations`, "an integer ≥ 0", p?.evaluations);
    // null: no labeled cell yet among those (a partial import), written as NaN
    for (const key of ["top", "seen"])
      if (p?.[key] !== null && !within(p?.[key], -Number.MAX_VALUE, Number.MAX_VALUE))
        return problem(`search.curve.${k}.${key}`, "a number (or null)", p?.[key]);
  }
  return undefined;
}

/** True for a parsed JSON value written by `writePipelineFiles`. */
export function isPipelineResult(value: unknown): value is PipelineResult {
  return (value as PipelineResult)?.format === PIPELINE_FORMAT;
}

/** Reads a pipeline result file, checked to be one of this version. */
export function readPipelineResult(path: string): PipelineResult {
  let value: unknown;
  try {
    value = JSON.parse(readUserText(path)); // an editor's byte-order mark dropped
  } catch (e) {
    throw new BadFileError(path, `not a results file (${(e as Error).message})`);
  }
  if (!isPipelineResult(value) || value.version !== PIPELINE_VERSION)
    throw new BadFileError(path, `not a version ${PIPELINE_VERSION} "${PIPELINE_FORMAT}" results file`);
  const missing = checkedPipeline(value);
  if (missing.length > 0)
    throw new BadFileError(path, `a pipeline results file without ${missing.join(", ")}`);
  const wrong = pipelineFieldProblem(value);
  if (wrong) throw new BadFileError(path, `${wrong} (a results file edited by hand or damaged?)`);
  return value;
}
