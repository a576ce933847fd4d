/**
 * A report as data: a title and a list of blocks (text, tables, figures, cell drawings) that
 * `toMarkdown` and `toHtml` both write, so the Markdown and the HTML of a result never disagree.
 * Text may hold `code` spans in backticks and **bold**, and a backslash before \ ` * or | stands for
 * that character itself (as in Markdown); everything else is plain text (escaped when written). Text
 * given by the user (a study's path, its target, an architecture) goes in through `plain`, so that an
 * option named `**wide**` is shown as typed, not as "wide" in bold.
 */
import { shownValue, UserError } from "../errors.js";
import type { PlotSpec } from "../experiments/plots.js";

/** A cell to draw: a NAS-Bench-101 cell (ops on vertices) or a NAS-Bench-201 cell (ops on edges). */
export type CellToDraw =
  | { space: "nb101"; matrix: number[][]; ops: string[] }
  | { space: "nb201"; ops: string[] };

export type Block =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "table"; header: string[]; rows: string[][] }
  /**
   * A Vega-Lite figure; `svg` is its drawing once rendered, `file` where that was written (Markdown
   * links to it).
   */
  | { kind: "figure"; title: string; spec: PlotSpec; svg?: string; file?: string }
  | { kind: "cells"; cells: { caption: string; cell: CellToDraw }[] };

export interface ReportDocument {
  title: string;
  blocks: Block[];
}

/**
 * Throws UserError unless `doc` is a ReportDocument ({ title: text, blocks: a list of objects }):
 * from JavaScript, toMarkdown(null) read `.title` of null and a block of null `.kind` of null. `what`
 * names it in the message.
 */
export function checkDocument(doc: unknown, what: string): asserts doc is ReportDocument {
  const d = doc as { title?: unknown; blocks?: unknown } | null;
  if (
    d === null ||
    typeof d !== "object" ||
    typeof d.title !== "string" ||
    !Array.isArray(d.blocks) ||
    !d.blocks.every(
      (b) => b !== null && typeof b === "object" && typeof (b as { kind?: unknown }).kind === "string",
    )
  )
    throw new UserError(
      `${what} must be a report document { title, blocks } (pipelineDocument, documentsFromFiles' document), got ${shownValue(doc, 80)}`,
    );
}

export type TableBlock = Extract<Block, { kind: "table" }>;

/** A table block. */
export function table(header: string[], rows: string[][]): TableBlock {
  return { kind: "table", header, rows };
}

/** The characters a backslash escapes in a block's text: the markup's own, and a Markdown table's column break. */
const MARKUP = /[\\`*|]/g;

/**
 * `text` shown as it is in a block's text: its backslashes, backticks, asterisks and pipes escaped by a
 * backslash, which toHtml, toMarkdown and textTable write as the characters themselves.
 */
export function plain(text: string): string {
  return text.replace(MARKUP, "\\$&");
}

/**
 * `text` as a code span; as plain text when it holds a backtick, which a code span cannot (its end
 * would be taken for the span's).
 */
export function code(text: string): string {
  return text.includes("`") ? plain(text) : `\`${text}\``;
}

/** A piece of a block's text: plain, a code span's content, or bold text, each with its escapes undone. */
export interface InlinePart {
  kind: "text" | "code" | "strong";
  text: string;
}

// an escape, a code span (taken as it is, as in Markdown), or bold text (which may hold escapes)
const INLINE = /\\([\\`*|])|`([^`]+)`|\*\*((?:\\[\\`*|]|\\(?![\\`*|])|[^*\\])+)\*\*/g;

/** A block's text in its pieces (see the module's note on the text of blocks). */
export function inlineParts(text: string): InlinePart[] {
  const parts: InlinePart[] = [];
  const add = (kind: InlinePart["kind"], piece: string) => {
    const last = parts.at(-1);
    if (kind === "text" && last?.kind === "text") last.text += piece;
    else if (piece !== "") parts.push({ kind, text: piece });
  };
  let from = 0;
  for (const m of text.matchAll(INLINE)) {
    add("text", text.slice(from, m.index));
    if (m[1] !== undefined) add("text", m[1]);
    else if (m[2] !== undefined) add("code", m[2]);
    else add("strong", m[3].replace(/\\([\\`*|])/g, "$1"));
    from = m.index + m[0].length;
  }
  add("text", text.slice(from));
  return parts;
}

/**
 * A block's text as a reader sees it, without its markup: code spans and bold unmarked, escapes undone
 * (for where no markup is drawn: a terminal's table, a page's `<title>`).
 */
export function shownText(text: string): string {
  return inlineParts(text)
    .map((part) => part.text)
    .join("");
}
