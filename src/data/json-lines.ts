/**
 * JSON Lines files (one JSON object per line, `.jsonl` / `.ndjson`, or text starting with "{"): the
 * rows of label files (`--labels`) and of results files (`tell --file`, `study create --import`,
 * `simulate --table`), each with its line number. A line that is no object, holds a number JSON.parse
 * would change (1e-400 read as 0), or names a key twice becomes a row holding only `error`, for the
 * reader to refuse or skip by line; a file cut short mid-line, or of no JSON object at all, is refused.
 */
import { extname } from "node:path";
import { BadFileError } from "../errors.js";
import { withoutByteOrderMark } from "./byte-order-mark.js";
import { outOfRange } from "./decimal.js";
import { nestsTooDeep, TOO_DEEP } from "./json-depth.js";
import { repeatedKey } from "./json-keys.js";

/** One line of a JSON Lines file: its fields, or `{ error }` when the line could not be read as a row. */
export interface JsonLinesRow {
  line: number;
  fields: Record<string, unknown>;
}

/** Whether `file` holding `text` is read as JSON Lines: by its extension, else by a first "{". */
export function isJsonLines(file: string, text: string): boolean {
  const ext = extname(file).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return true;
  if (ext === ".csv") return false;
  return withoutByteOrderMark(text).trimStart().startsWith("{");
}

/**
 * Why a number of the JSON text `line` (outside its strings) is not the number JSON.parse gives
 * (decimal.ts outOfRange: 1e-400 read as 0, 1e309 as Infinity), or undefined.
 */
function lostNumber(line: string): string | undefined {
  // the unrolled form: /"(?:[^"\\]|\\.)*"/ recursed once per character in V8 and overflowed the stack on a
  // string of some millions (a log kept in a column), which refused the line as "not a JSON object"
  const outsideStrings = line.replace(/"[^"\\]*(?:\\.[^"\\]*)*"/g, '""');
  for (const [token] of outsideStrings.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    const reason = outOfRange(token);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * Why `line` is no JSON object: JSON.parse's message, or, for a NaN or Infinity outside its strings
 * (Python's json.dumps writes them for float("nan") and float("inf")), that they are no JSON.
 */
function notJsonReason(line: string, e: unknown): string {
  const outsideStrings = line.replace(/"[^"\\]*(?:\\.[^"\\]*)*"/g, '""');
  const token = /(?<![\w.])(-?Infinity|NaN)(?![\w.])/.exec(outsideStrings)?.[1];
  if (token !== undefined)
    return `${token} is not JSON, though Python's json.dumps writes it for a float nan or inf: write a number, or "failed" for a run that did not finish`;
  return (e as Error).message;
}

/** The rows of a JSON Lines `text` read from `file` (BadFileError: cut short, or no object at all). */
export function jsonLines(file: string, text: string): JsonLinesRow[] {
  // a "{" alone on its line opens an object written over several lines (json.dump with indent,
  // JSON.stringify(row, null, 2)): no line of JSON Lines; such a file was refused as "ends cut short
  // (a copy interrupted?)", or line 1 as "Expected property name or '}'"
  const opening = text.split("\n").findIndex((line) => line.trim() === "{");
  if (opening >= 0)
    throw new BadFileError(
      file,
      `line ${opening + 1} is "{" alone: its objects are written over several lines (pretty-printed JSON); ` +
        "JSON Lines holds each whole object on one line (jq -c . rewrites it so; in Python, json.dumps(row) without indent)",
    );
  const rows: JsonLinesRow[] = [];
  text.split("\n").forEach((lineText, i) => {
    if (lineText.trim() === "") return;
    try {
      const value = JSON.parse(lineText);
      if (value === null || typeof value !== "object" || Array.isArray(value))
        throw new Error("not an object");
      // 10,000 nested brackets: every reader after this one recursed past the stack's end
      if (nestsTooDeep(value)) {
        rows.push({
          line: i + 1,
          fields: { error: `${TOO_DEEP}; expected one object of columns (a cell's matrix nests 2 levels)` },
        });
        return;
      }
      // JSON.parse reads the number 1e-400 as 0 and 1e309 as Infinity, the text gone: found in the line
      const lost = lostNumber(lineText);
      if (lost !== undefined) {
        rows.push({
          line: i + 1,
          fields: { error: `holds a number that cannot be read as written: ${lost}` },
        });
        return;
      }
      // JSON.parse keeps the last of a repeated key: {"acc":0.5,"acc":0.9} would lose 0.5 in silence
      const twice = repeatedKey(lineText);
      if (twice !== undefined) {
        rows.push({
          line: i + 1,
          fields: { error: `names "${twice}" twice; expected each column once (CSV refuses the same)` },
        });
        return;
      }
      rows.push({ line: i + 1, fields: value });
    } catch (e) {
      rows.push({ line: i + 1, fields: { error: `not a JSON object (${notJsonReason(lineText, e)})` } });
    }
  });
  // a last line that is no JSON and has no line end after it: the file was cut short (a copy interrupted)
  const last = rows.at(-1);
  if (
    last &&
    String(last.fields.error).startsWith("not a JSON object") &&
    !/\n\s*$/.test(text) &&
    rows.length > 1
  )
    throw new BadFileError(
      file,
      `the last line (${last.line}) ${String(last.fields.error).replace(/^not/, "is not")} and has no line end: ` +
        "the file ends cut short (a copy interrupted?); complete or remove that line",
    );
  if (rows.length > 0 && rows.every((r) => String(r.fields.error).startsWith("not a JSON object"))) {
    // why the first line is not: '{"val_acc": NaN}' (Python's json.dumps) was refused without a reason
    const why = String(rows[0].fields.error).replace(/^not a JSON object \((.*)\)$/s, "$1");
    throw new BadFileError(
      file,
      `no line is a JSON object (line ${rows[0].line}: ${why}); expected JSON Lines (one object per line) or CSV`,
    );
  }
  return rows;
}
