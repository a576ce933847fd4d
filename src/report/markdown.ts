/** A report document as Markdown (the experiments' NAME.md, and the README's tables). */
import type { Block, CellToDraw, ReportDocument } from "./document.js";

export interface MarkdownOptions {
  /** Level of the title's heading (1 = `#`); the document's headings are one level below. */
  level?: number;
  /** Leave figures out (when their files are not published beside the Markdown). */
  figures?: boolean;
}

export function toMarkdown(doc: ReportDocument, options: MarkdownOptions = {}): string {
  const level = options.level ?? 1;
  const lines = [`${"#".repeat(level)} ${doc.title}`, ""];
  for (const block of doc.blocks) {
    const text = blockMarkdown(block, level + 1, options.figures ?? true);
    if (text !== undefined) lines.push(text, "");
  }
  return lines.join("\n");
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
    : `edges ${cell.ops.join(", ")}`;
}
