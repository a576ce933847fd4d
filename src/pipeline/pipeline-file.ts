/**
 * The files of `nas-assay paper`: its result as JSON (what `nas-assay report` reads back) and its HTML
 * report, next to each other (report.html, report.json); the result is one pipeline's or, as `paper`
 * writes it, the two columns of a side-by-side run.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../data/atomic-file.js";
import { BadFileError } from "../errors.js";
import { toHtml } from "../report/html.js";
import { PIPELINE_FORMAT, PIPELINE_VERSION, type PipelineResult } from "./paper-pipeline.js";
import { pipelineDocument } from "./pipeline-report.js";
import { SIDE_BY_SIDE_FORMAT, SIDE_BY_SIDE_VERSION, type SideBySideResult } from "./side-by-side.js";
import { sideBySideDocument } from "./side-by-side-report.js";

/** The JSON file beside an HTML report: the same name ending in .json. */
export function resultsPathFor(htmlPath: string): string {
  return `${htmlPath.replace(/\.html?$/i, "")}.json`;
}

/** Writes the result (one pipeline's, or a side-by-side run's) as JSON and its report as HTML; returns both paths. */
export async function writePipelineFiles(
  result: PipelineResult | SideBySideResult,
  htmlPath: string,
): Promise<{ html: string; json: string }> {
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
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BadFileError(path, `not a results file (${(e as Error).message})`);
  }
  if (!isSideBySideResult(value) || value.version !== SIDE_BY_SIDE_VERSION)
    throw new BadFileError(
      path,
      `not a version ${SIDE_BY_SIDE_VERSION} "${SIDE_BY_SIDE_FORMAT}" results file`,
    );
  for (const column of ["paper", "ours"] as const) {
    const missing = checkedPipeline(value[column]);
    if (missing.length > 0)
      throw new BadFileError(
        path,
        `its "${column}" column is not a pipeline result (no ${missing.join(", ")})`,
      );
  }
  return value;
}

/** The parts a pipeline result cannot do without that `value` lacks. */
function checkedPipeline(value: unknown): string[] {
  if (!isPipelineResult(value)) return ["format"];
  return ["settings", "scores", "sample", "search"].filter(
    (key) => typeof (value as unknown as Record<string, unknown>)[key] !== "object",
  );
}

/** True for a parsed JSON value written by `writePipelineFiles`. */
export function isPipelineResult(value: unknown): value is PipelineResult {
  return (value as PipelineResult)?.format === PIPELINE_FORMAT;
}

/** Reads a pipeline result file, checked to be one of this version. */
export function readPipelineResult(path: string): PipelineResult {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BadFileError(path, `not a results file (${(e as Error).message})`);
  }
  if (!isPipelineResult(value) || value.version !== PIPELINE_VERSION)
    throw new BadFileError(path, `not a version ${PIPELINE_VERSION} "${PIPELINE_FORMAT}" results file`);
  const missing = checkedPipeline(value);
  if (missing.length > 0)
    throw new BadFileError(path, `a pipeline results file without ${missing.join(", ")}`);
  return value;
}
