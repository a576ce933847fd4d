/** Report tables as aligned plain text, for a terminal. */
import { shownText, type TableBlock } from "./document.js";

/** A numeric cell: a number, a percentage, a mean ± std, with an optional note in brackets. */
export const NUMERIC_CELL = /^[-–+]?[\d.,]+( ?%)?( ± [\d.,]+( ?%)?)?( \([^)]*\))?$|^–$/;

/** The table with its columns padded (numbers to the right), header first, code spans and bold unmarked, escapes undone. */
export function textTable(block: TableBlock): string {
  const rows = [block.header, ...block.rows].map((row) => row.map(shownText));
  const widths = block.header.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  const numeric = block.header.map((_, c) => block.rows.every((row) => NUMERIC_CELL.test(row[c] ?? "")));
  return rows
    .map((row, r) =>
      row
        .map((cell, c) => (numeric[c] && r > 0 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * A prediction as the text table shows it: five decimals (an accuracy's fraction), or six significant
 * digits below 0.001, where five decimals printed 0.00000 for every cell of a column such as a latency
 * in seconds, and from a million up, where they printed every digit and more (1e300: all 17 digits and
 * e+300, beside ask's 1.000e+300: tester Z). --json has every digit either way.
 */
export function predictionText(value: number): string {
  const size = Math.abs(value);
  return value !== 0 && (size < 1e-3 || size >= 1e6) ? value.toPrecision(6) : value.toFixed(5);
}
