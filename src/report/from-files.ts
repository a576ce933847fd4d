/**
 * Report documents from results files already written: the pipeline's JSON (`nas-assay paper`) and
 * the experiments' NAME.json (`nas-assay reproduce`), given one by one or as folders holding them.
 */
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { writeFileAtomic } from "../data/atomic-file.js";
import { readUserText } from "../data/byte-order-mark.js";
import { createFolders } from "../data/output-path.js";
import {
  BadFileError,
  jsonEndsEarly,
  parseFailureReason,
  readFailure,
  shownValue,
  UserError,
} from "../errors.js";
import { EXPERIMENTS, experimentRuns } from "../experiments/experiments.js";
import { renderSvg, svgToPng } from "../experiments/plots.js";
import { experimentDocument } from "../experiments/render.js";
import {
  RESULTS_FORMAT,
  readResults,
  resultsCutShort,
  resultsEmpty,
  resultsOf,
  settingsOf,
} from "../experiments/results-file.js";
import { PIPELINE_FORMAT } from "../pipeline/paper-pipeline.js";
import { readPipelineResult, readSideBySideResult } from "../pipeline/pipeline-file.js";
import { pipelineDocument } from "../pipeline/pipeline-report.js";
import { SIDE_BY_SIDE_FORMAT } from "../pipeline/side-by-side.js";
import { sideBySideDocument } from "../pipeline/side-by-side-report.js";
import { type Block, code, type ReportDocument } from "./document.js";
import { toHtml } from "./html.js";
import { spliceBetweenMarkers, toMarkdown } from "./markdown.js";

export interface ReportSource {
  path: string;
  kind: "pipeline" | "experiment";
  document: ReportDocument;
  /** Place in the report: the pipeline first, then the experiments in the paper's order. */
  order: number;
}

/**
 * The documents of the results files at `paths` (a folder: every results file in it; other JSON files
 * there are passed over), the pipeline's first, then the experiments in the paper's order.
 */
export function documentsFromFiles(paths: string[]): ReportSource[] {
  // one path given as text was read letter by letter: "/tmp/r.json" said "/ holds no results files"
  if (!Array.isArray(paths))
    throw new UserError(
      `documentsFromFiles takes a list of results files or folders (documentsFromFiles([path]) for one), got ${shownValue(paths, 80)}`,
    );
  const sources: ReportSource[] = [];
  // a file named twice (or also inside a folder given) is one section, not two identical ones
  const read = new Set<string>();
  const once = (file: string) => {
    const real = realpathSync(file);
    if (read.has(real)) return false;
    read.add(real);
    return true;
  };
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new UserError(`no results file or folder at ${path}`);
    }
    if (!isFolder) {
      if (!once(path)) continue;
      const source = readSource(path);
      if (!source)
        throw new BadFileError(path, `not a results file of \`nas-assay paper\` or \`nas-assay reproduce\``);
      sources.push(source);
      continue;
    }
    const found = readdirSync(path)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .flatMap((f) => readSource(join(path, f)) ?? []);
    if (found.length === 0)
      throw new UserError(
        `${path} holds no results files (NAME.json of \`nas-assay reproduce\`, or a pipeline's .json)`,
      );
    sources.push(...found.filter((source) => once(source.path)));
  }
  return sources.sort((a, b) => a.order - b.order); // stable: files of one kind keep their order
}

/**
 * The document of one results file, or undefined when the file is JSON of another kind. The files are
 * checked for their format and main fields only; a file edited past that (a field of another type deep
 * inside) is refused as incomplete, naming the file, when its document cannot be built.
 */
function readSource(path: string): ReportSource | undefined {
  try {
    return documentOf(path);
  } catch (e) {
    if (e instanceof UserError || !(e instanceof TypeError || e instanceof RangeError)) throw e;
    throw new BadFileError(path, `an incomplete or edited results file (${e.message})`);
  }
}

function documentOf(path: string): ReportSource | undefined {
  let format: unknown;
  let text = "";
  try {
    // a byte-order mark (an editor saving the file) dropped, as label files drop it: V8 said "Unexpected token ''"
    text = readUserText(path);
    format = JSON.parse(text)?.format;
  } catch (e) {
    // an empty file and a results file of nas-assay's whose end is missing: said so, as `reproduce` says it
    if (text.trim() === "") throw new BadFileError(path, resultsEmpty());
    if (/^\{"format":"nas-assay /.test(text) && jsonEndsEarly(text, e))
      throw new BadFileError(path, resultsCutShort(text));
    // a label file or a CSV given by mistake: what was wanted, as the {} file's message says it
    throw new BadFileError(
      path,
      `not JSON (${parseFailureReason(e)}); expected a results file of \`nas-assay paper\` or \`nas-assay reproduce\` (.json)`,
    );
  }
  if (format === PIPELINE_FORMAT)
    return { path, kind: "pipeline", document: pipelineDocument(readPipelineResult(path)), order: -1 };
  if (format === SIDE_BY_SIDE_FORMAT)
    return { path, kind: "pipeline", document: sideBySideDocument(readSideBySideResult(path)), order: -1 };
  if (format === RESULTS_FORMAT) {
    const file = readResults(path);
    const settings = settingsOf(file);
    const found = resultsOf(file, experimentRuns(file.experiment, settings));
    return {
      path,
      kind: "experiment",
      document: experimentDocument(file.experiment, settings, file, found),
      order: EXPERIMENTS.indexOf(file.experiment),
    };
  }
  return undefined;
}

/**
 * Where `--readme` writes: the Markdown file (the project's is docs/results.md, whose title is the
 * only level-1 heading: each experiment is a level-2 section), and optionally a folder for the
 * figures it links.
 */
export interface ReadmeTarget {
  file: string;
  /** Draw each experiment's figures as PNG here and link them; without it the file gets tables only. */
  figures?: string;
}

/**
 * Writes one HTML page of the documents of `paths` to `out`; with `readme`, also writes the experiments'
 * tables (and, given a folder, their figures as PNG) into that Markdown file between its
 * `<!-- nas-assay-results:begin -->` and `<!-- nas-assay-results:end -->` lines.
 */
export async function writeReportFromFiles(
  paths: string[],
  out: string,
  readme?: ReadmeTarget,
): Promise<ReportSource[]> {
  // the README is read first: a missing one, or one without the markers, stops before any drawing
  let readmeText: string | undefined;
  if (readme) {
    try {
      readmeText = readFileSync(readme.file, "utf8");
    } catch (e) {
      // Node's "ENOENT: no such file or directory, open '…'" said in plain words, and what --readme wants
      const why = readFailure(readme.file, e, "expected a Markdown file").message.slice(
        readme.file.length + 2,
      );
      throw new BadFileError(
        readme.file,
        `cannot read the README to write into: ${why}; expected a Markdown file holding the lines <!-- ${README_MARKERS}:begin --> and <!-- ${README_MARKERS}:end -->`,
      );
    }
    try {
      spliceBetweenMarkers(readmeText, README_MARKERS, "");
    } catch (e) {
      throw new BadFileError(readme.file, (e as Error).message);
    }
  }
  const sources = documentsFromFiles(paths);
  const html = await toHtml(
    "nas-assay report",
    sources.map((s) => s.document),
    // code(): a path holding a backtick ended its code span early ("from `r`x/table1.json`")
    { subtitle: `Written by \`nas-assay report\` from ${sources.map((s) => code(s.path)).join(", ")}.` },
  );
  if (readme) {
    const experiments = sources.filter((s) => s.kind === "experiment");
    if (experiments.length === 0)
      throw new UserError("--readme takes the tables of `nas-assay reproduce` results; none given");
    if (readme.figures) createFolders(readme.figures);
    const tables: string[] = [];
    for (const { document } of experiments) {
      const blocks = readme.figures
        ? await Promise.all(document.blocks.map((b) => figureForReadme(b, readme as Required<ReadmeTarget>)))
        : document.blocks;
      tables.push(toMarkdown({ ...document, blocks }, { level: 2, figures: readme.figures !== undefined }));
    }
    writeFileAtomic(
      readme.file,
      spliceBetweenMarkers(readmeText as string, README_MARKERS, tables.join("\n")),
    );
  }
  writeFileAtomic(out, html);
  return sources;
}

/** A figure drawn as PNG into the figure folder, linked relative to the Markdown file. */
async function figureForReadme(block: Block, readme: Required<ReadmeTarget>): Promise<Block> {
  if (block.kind !== "figure" || !block.file) return block;
  const png = join(readme.figures, basename(block.file).replace(/\.svg$/, ".png"));
  writeFileAtomic(png, svgToPng(await renderSvg(block.spec)));
  return { ...block, file: relative(dirname(readme.file), png).split(sep).join("/") };
}

/** The name of the markers in the Markdown file the tables go into (docs/results.md). */
export const README_MARKERS = "nas-assay-results";
