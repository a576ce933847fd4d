/**
 * Report documents as one self-contained HTML page: inline CSS, figures and cell drawings as inline
 * SVG, no script and no external URL (a Content-Security-Policy forbids loading anything), so the
 * file can be mailed, archived and opened offline.
 */
import { HTML_PAGE } from "../data/output-path.js";
import { shownValue, UserError } from "../errors.js";
import { renderSvg } from "../experiments/plots.js";
import { drawCell } from "./cell-drawing.js";
import { type Block, checkDocument, inlineParts, type ReportDocument, shownText } from "./document.js";
import { NUMERIC_CELL } from "./text.js";

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1d1d1f; max-width: 1080px; margin: 2rem auto; padding: 0 1.2rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin-top: 2.4rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.6rem; }
p.generated { color: #666; margin-top: 0; }
nav ul { padding-left: 1.2rem; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f3f3;
  padding: 0 0.25em; border-radius: 3px; }
table { border-collapse: collapse; margin: 0.8rem 0 1.2rem; font-size: 0.92rem; }
th, td { border: 1px solid #d8d8d8; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f5f5f7; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
div.table { overflow-x: auto; }
figure { margin: 1rem 0; }
figure.plot svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.88rem; }
div.cells { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: flex-start; }
figure.cell { margin: 0; padding: 0.6rem; border: 1px solid #e3e3e3; border-radius: 6px; max-width: 320px; }
figure.cell svg { display: block; margin: 0 auto 0.4rem; max-width: 100%; height: auto; }
`;

export interface HtmlOptions {
  /** A line under the title (what wrote the page, and when). */
  subtitle?: string;
}

/**
 * One HTML page of one or more documents (each a section, with a table of contents when several).
 * Throws UserError for `documents` that is no list of ReportDocuments (one document alone: put it in
 * a list, as toHtml(title, [doc])).
 */
export async function toHtml(
  title: string,
  documents: ReportDocument[],
  options: HtmlOptions = {},
): Promise<string> {
  if (!Array.isArray(documents))
    throw new UserError(
      `toHtml takes the page's title and a list of report documents (toHtml(title, [doc]) for one), got ${shownValue(documents, 80)}`,
    );
  for (const [k, doc] of documents.entries()) checkDocument(doc, `toHtml's document ${k}`);
  const ids = new IdScope();
  const sections: string[] = [];
  for (const [k, doc] of documents.entries()) {
    const body: string[] = [];
    for (const block of doc.blocks) body.push(await blockHtml(block, ids));
    const heading = documents.length > 1 ? `<h2 id="section-${k + 1}">${inline(doc.title)}</h2>` : "";
    sections.push(`<section>${heading}\n${body.join("\n")}\n</section>`);
  }
  const single = documents.length === 1 ? documents[0].title : undefined;
  const nav =
    documents.length > 1
      ? `<nav><ul>${documents.map((d, k) => `<li><a href="#section-${k + 1}">${inline(d.title)}</a></li>`).join("")}</ul></nav>`
      : "";
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    // how a later write tells this page from the user's own page of the same name (checkOutputFile)
    HTML_PAGE.own.mark,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // nothing may be fetched: the page stands alone
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    // a browser's tab draws no markup: a study d\a*b.db was titled "Study d\\a\*b.db", its escapes (plain) shown
    `<title>${escapeHtml(shownText(single ?? title))}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    `<header><h1>${inline(single ?? title)}</h1>${options.subtitle ? `<p class="generated">${inline(options.subtitle)}</p>` : ""}</header>`,
    nav,
    ...sections,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

async function blockHtml(block: Block, ids: IdScope): Promise<string> {
  switch (block.kind) {
    case "heading":
      return `<h3>${inline(block.text)}</h3>`;
    case "paragraph":
      return `<p>${inline(block.text)}</p>`;
    case "list":
      return `<ul>${block.items.map((item) => `<li>${inline(item)}</li>`).join("")}</ul>`;
    case "table": {
      const head = `<tr>${block.header.map((h) => `<th>${inline(h)}</th>`).join("")}</tr>`;
      const rows = block.rows.map(
        (row) =>
          `<tr>${row.map((c) => `<td${NUMERIC_CELL.test(c) ? ' class="num"' : ""}>${inline(c)}</td>`).join("")}</tr>`,
      );
      return `<div class="table"><table>\n<thead>${head}</thead>\n<tbody>\n${rows.join("\n")}\n</tbody>\n</table></div>`;
    }
    case "figure": {
      const svg = block.svg ?? (await renderSvg(block.spec));
      return `<figure class="plot">${ids.scope(svg)}<figcaption>${inline(block.title)}</figcaption></figure>`;
    }
    case "cells":
      return `<div class="cells">${block.cells
        .map(
          ({ caption, cell }) =>
            `<figure class="cell">${ids.scope(drawCell(cell, caption))}<figcaption>${inline(caption)}</figcaption></figure>`,
        )
        .join("")}</div>`;
  }
}

/** Text with `code` spans and **bold**, its backslash escapes undone, everything else escaped. */
function inline(text: string): string {
  return inlineParts(text)
    .map(({ kind, text }) =>
      kind === "code"
        ? `<code>${escapeHtml(text)}</code>`
        : kind === "strong"
          ? `<strong>${escapeHtml(text)}</strong>`
          : escapeHtml(text),
    )
    .join("");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Gives the ids of each inlined SVG a prefix of its own: Vega's clip paths and gradients, and the
 * cell drawings' arrow marker, reuse the same ids in every drawing, and in one page the first
 * element with an id would serve them all.
 */
class IdScope {
  private count = 0;

  scope(svg: string): string {
    const prefix = `s${++this.count}-`;
    return svg
      .replace(/\sid="([^"]+)"/g, ` id="${prefix}$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
      .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
  }
}
