/** A report document as Markdown (the experiments' NAME.md, and the tables of docs/results.md). */
import { UserError } from "../errors.js";
import { NB201_EDGES } from "../spaces/nb201/cell.js";
import { type Block, type CellToDraw, checkDocument, type ReportDocument } from "./document.js";

export interface MarkdownOptions {
  /** Level of the title's heading (1 = `#`); the document's headings are one level below. */
  level?: number;
  /** Leave figures out (when their files are not published beside the Markdown). */
  figures?: boolean;
}

/** The document as Markdown. Throws UserError for a `doc` that is no ReportDocument (checkDocument). */
export function toMarkdown(doc: ReportDocument, options: MarkdownOptions = {}): string {
  checkDocument(doc, "toMarkdown's document");
  const level = options.level ?? 1;
  const lines = [`${"#".repeat(level)} ${doc.title}`, ""];
  for (const block of doc.blocks) {
    const text = blockMarkdown(block, level + 1, options.figures ?? true);
    if (text !== undefined) lines.push(text, "");
  }
  return lines.join("\n");
}

/**
 * Blocks without a title, as `toMarkdown` writes them (one blank line between blocks), for a region of
 * a hand-written Markdown file (figures left out unless `figures`).
 */
export function blocksToMarkdown(blocks: Block[], figures = false): string {
  return blocks
    .map((block) => blockMarkdown(block, 2, figures))
    .filter((text): text is string => text !== undefined)
    .join("\n\n");
}

function blockMarkdown(block: Block, level: number, figures: boolean): string | undefined {
  switch (block.kind) {
    case "heading":
      return `${"#".repeat(level)} ${block.text}`;
    case "paragraph":
      return block.text;
    case "list":
      return block.items.map((item) => `- ${item}`).join("\n");
    case "table":
      return [
        `| ${block.header.join(" | ")} |`,
        `| ${block.header.map(() => "---").join(" | ")} |`,
        ...block.rows.map((row) => `| ${row.join(" | ")} |`),
      ].join("\n");
    case "figure":
      return figures && block.file ? `![${block.title}](${block.file})` : undefined;
    case "cells":
      return block.cells.map(({ caption, cell }) => `- ${caption}: ${cellText(cell)}`).join("\n");
  }
}

/** A cell in one line: ops (and, for NAS-Bench-101, the adjacency rows). */
export function cellText(cell: CellToDraw): string {
  return cell.space === "nb101"
    ? `ops ${cell.ops.join(", ")}; matrix ${cell.matrix.map((row) => row.join("")).join(" ")}`
    : `edges ${NB201_EDGES.map(([from, to], k) => `${from}→${to} ${cell.ops[k]}`).join(", ")}`;
}

/**
 * `text` with what lies between the lines `<!-- NAME:begin -->` and `<!-- NAME:end -->` replaced by
 * `content` (the markers stay, so the splice can be redone), in the file's line ending (CRLF when the
 * begin line ends so). Throws UserError when the markers are missing, or when either appears twice (a
 * second copy of the region would be left stale).
 */
export function spliceBetweenMarkers(text: string, name: string, content: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new UserError(`no "${begin}" … "${end}" lines to write between`);
  for (const marker of [begin, end])
    if (text.indexOf(marker, text.indexOf(marker) + marker.length) >= 0)
      throw new UserError(`"${marker}" appears twice; expected one "${begin}" … "${end}" region`);
  const eol = text.startsWith("\r\n", from + begin.length) ? "\r\n" : "\n";
  const body = content.trim().replace(/\r?\n/g, eol);
  return `${text.slice(0, from + begin.length)}${eol}${body}${eol}${text.slice(to)}`;
}
