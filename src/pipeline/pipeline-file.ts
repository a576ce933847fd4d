/**
 * The pipeline's files: its result as JSON (what `nas-assay report` reads back) and its HTML report,
 * side by side (report.html, report.json).
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../data/atomic-file.js";
import { BadFileError } from "../errors.js";
import { toHtml } from "../report/html.js";
import { PIPELINE_FORMAT, PIPELINE_VERSION, type PipelineResult } from "./paper-pipeline.js";
import { pipelineDocument } from "./pipeline-report.js";

/** The JSON file beside an HTML report: the same name ending in .json. */
export function resultsPathFor(htmlPath: string): string {
  return `${htmlPath.replace(/\.html?$/i, "")}.json`;
}

/** Writes the result as JSON and its report as HTML; returns both paths. */
export async function writePipelineFiles(
  result: PipelineResult,
  htmlPath: string,
): Promise<{ html: string; json: string }> {
  const json = resultsPathFor(htmlPath);
  writeFileAtomic(json, `${JSON.stringify(result)}\n`);
  const doc = pipelineDocument(result);
  writeFileAtomic(
    htmlPath,
    await toHtml(doc.title, [doc], {
      subtitle: `Written by \`nas-assay paper\` on ${result.environment.startedAt}.`,
    }),
  );
  return { html: htmlPath, json };
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
  const missing = ["settings", "scores", "sample", "search"].filter(
    (key) => typeof (value as unknown as Record<string, unknown>)[key] !== "object",
  );
  if (missing.length > 0)
    throw new BadFileError(path, `a pipeline results file without ${missing.join(", ")}`);
  return value;
}
