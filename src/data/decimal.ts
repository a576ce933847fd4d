/** Numbers written in text files (CSV cells): plain decimal notation only. */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The value of a decimal number such as `93.1`, `-0.5`, `.5` or `1e-3` (surrounding spaces allowed);
 * NaN for anything else — hexadecimal (`0x1F`), binary or octal literals, `Infinity`, `NaN`, an empty
 * or blank cell — which JavaScript's Number() would otherwise read (`Number("0x1F")` is 31,
 * `Number("")` is 0).
 */
export function parseDecimal(text: string): number {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : Number.NaN;
}

/**
 * A measured value written in a file (a label, a trial's result): a decimal number as parseDecimal
 * reads it, except one that ends at its decimal point ("0."), which is what a value such as 0.61 reads
 * as when the file was cut short after the point: NaN, for the caller to refuse.
 */
export function parseMeasuredValue(text: string): number {
  return /\.$/.test(text.trim()) ? Number.NaN : parseDecimal(text);
}

/** Why a measured value's text is not a number, for a message: the point with no digits after it, said. */
export function measuredValueHint(text: string): string {
  return /\.$/.test(text.trim()) ? " with digits after its point (a value cut short?)" : "";
}
