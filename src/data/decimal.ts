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
  // "1e-400" reads as 0: a value other than the one written, refused as --value refuses it
  return /\.$/.test(text.trim()) || outOfRange(text) ? Number.NaN : parseDecimal(text);
}

/**
 * Why a decimal number's text cannot be read as the number written, or undefined: beyond the largest
 * number ("1e309" reads as Infinity) or closer to 0 than the smallest ("1e-400" reads as 0). Shared by
 * flags (`tell --value`) and files (`tell --file`, label files), which stored 1e-400 as 0 in silence.
 */
export function outOfRange(text: string): string | undefined {
  const t = text.trim();
  if (!DECIMAL.test(t)) return undefined;
  const x = Number(t);
  if (!Number.isFinite(x)) return `${t} is beyond the largest number (about 1.8e308)`;
  // zero in any notation ("0e-400", "-0.0") is 0; only a nonzero digit before the exponent lost
  if (x === 0 && /[1-9]/.test(t.split(/[eE]/)[0]))
    return `${t} is closer to 0 than the smallest number (about 5e-324)`;
  return undefined;
}

/** Why a measured value's text is not a number, for a message: the point with no digits after it, a decimal comma, a % sign. */
export function measuredValueHint(text: string): string {
  const t = text.trim();
  if (/\.$/.test(t)) return " with digits after its point (a value cut short?)";
  // a European spreadsheet's decimal comma (84,22) and a percent column's sign (84.22%) were refused as
  // "expected a decimal number" alone, though the number is plain to see
  if (/^[+-]?\d+,\d+$/.test(t)) {
    const thousands = /^[+-]?[1-9]\d{0,2},\d{3}$/.test(t)
      ? `, or ${t.replace(",", "")} if the comma separates thousands`
      : "";
    return ` with a point (${t.replace(",", ".")} for the decimal comma of ${t}, as European spreadsheets write it${thousands})`;
  }
  const percent = /^([+-]?(\d+(\.\d*)?|\.\d+))\s*%$/.exec(t);
  return percent ? ` without a % sign (${percent[1]} for ${t})` : "";
}

/** outOfRange's reason as the end of a file's message ("; 1e-400 is closer to 0 than …"), else "". */
export function outOfRangeNote(text: string): string {
  const range = outOfRange(text);
  return range ? `; ${range}` : "";
}
