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
