/**
 * Figures from Vega-Lite specifications: SVG rendered headless in Node (no browser, no canvas), and a
 * PNG of it by resvg (a prebuilt Rust rasteriser: 40–500 ms a figure).
 */
import { Resvg } from "@resvg/resvg-js";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic } from "../data/atomic-file.js";
import { SVG_DRAWING } from "../data/output-path.js";
import { LOW_OPEN_FILE_LIMIT, openFileLimit, openFilesFailure, UserError } from "../errors.js";

/** A Vega-Lite specification (without the schema, which `renderSvg` adds). */
export type PlotSpec = Record<string, unknown>;

/**
 * The SVG of a Vega-Lite specification. Vega and Vega-Lite are loaded here, at the first figure, not
 * when the module is: together they took half a second of every command's start (`--version` included).
 */
export async function renderSvg(spec: PlotSpec): Promise<string> {
  let vega: typeof import("vega");
  let compile: typeof import("vega-lite").compile;
  // read before the load: once it has failed, no descriptor may be left to read the limit with
  const limit = openFileLimit();
  try {
    [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  } catch (e) {
    throw plottingLoadFailure(e, limit);
  }
  const full = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    ...spec,
  } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: "none" });
  try {
    // the mark after the opening tag tells a later write this drawing from the user's own (checkOutputFile)
    return (await view.toSVG()).replace(/^<svg[^>]*>/, (open) => `${open}${SVG_DRAWING.own.mark}`);
  } finally {
    view.finalize();
  }
}

/**
 * Vega and Vega-Lite are a few hundred modules, which Node's loader opens at once: under an open-file
 * limit below about 128 (`ulimit -n 64`, measured on Node 20) loading them failed as an internal error
 * with a stack trace — EMFILE, or, when the limit struck while resolving, "Cannot find package
 * '…/d3-array/index.js'" for a package that is there (and a second import fails the same: Node keeps
 * the failed load). Such a failure becomes one line saying so and what to do; any other is returned as
 * it is. `limit` is this process's open-file limit (openFileLimit), undefined where unknown.
 */
export function plottingLoadFailure(error: unknown, limit: number | undefined): unknown {
  const kind = openFilesFailure(error, limit);
  if (kind === undefined) return error;
  const what = kind === "module" ? "a module it needs was not found" : "too many open files";
  return new UserError(
    `cannot load the plotting library (Vega): ${what}` +
      `${limit === undefined ? "" : ` with an open-file limit of ${limit} (ulimit -n)`}; ` +
      `drawing opens a few hundred files at once: raise the limit (ulimit -n ${LOW_OPEN_FILE_LIMIT}) and run again`,
  );
}

/**
 * Draws `spec` into the SVG file `path` (writeFileAtomic); returns the error when the system refuses the
 * file (a full disk, a file-size limit) instead of throwing it, so that a command whose results took
 * long can print them before it fails. Any other error is thrown.
 */
export async function drawingRefused(path: string, spec: PlotSpec): Promise<Error | undefined> {
  const svg = await renderSvg(spec);
  try {
    writeFileAtomic(path, svg);
    return undefined;
  } catch (e) {
    if (e instanceof UserError) return new UserError(`${e.message}; the results are printed all the same`);
    throw e;
  }
}

/** A PNG of an SVG at 1.5× its size, with the system's fonts. */
export function svgToPng(svg: string): Uint8Array {
  return new Resvg(svg, { fitTo: { mode: "zoom", value: 1.5 }, font: { loadSystemFonts: true } })
    .render()
    .asPng();
}
