/**
 * A report as data: a title and a list of blocks (text, tables, figures, cell drawings) that
 * `toMarkdown` and `toHtml` both write, so the Markdown and the HTML of a result never disagree.
 * Text may hold `code` spans in backticks; everything else is plain text (escaped when written).
 */
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

export type TableBlock = Extract<Block, { kind: "table" }>;

/** A table block. */
export function table(header: string[], rows: string[][]): TableBlock {
  return { kind: "table", header, rows };
}
