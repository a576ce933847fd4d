/**
 * Your own labels: a CSV or JSONL file of trained cells of a known space with a numeric column.
 * NAS-Bench-101 rows give `matrix` (0/1 string or JSON nested arrays) and `ops` (comma list or JSON
 * array), or `cell` (JSON); NAS-Bench-201 rows give `arch` (or `arch str`). Each row is validated and
 * mapped to an id; isomorphic duplicates are averaged and reported; bad rows are listed by line.
 * Numbers are decimal only (`0x1F` is not 31); a UTF-8 byte-order mark is skipped; a CSV header naming
 * a column twice is refused. An accuracy target is checked to be on its declared scale (see
 * label-scale.ts) and returned as fractions 0..1.
 */
import { readFileSync } from "node:fs";
import { BadFileError, hasMembers, readFailure, SHOWN_FIELD, shownValue, UserError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { binaryKind, notUtf8 } from "./binary-kind.js";
import { withoutByteOrderMark } from "./byte-order-mark.js";
import { columnName, counted, parseCsvTable, withoutUnnamed } from "./csv-columns.js";
import { measuredValueHint, outOfRangeNote, parseMeasuredValue } from "./decimal.js";
import { isJsonLines, jsonLines } from "./json-lines.js";
import { type AccuracyScale, checkAccuracyScale } from "./label-scale.js";
import { accuracyLike, errorRateLike } from "./target-name.js";

/**
 * The scale of a label file's target: an accuracy as fractions 0..1 or percentages 0..100 (read and
 * returned as fractions), or `none` for a target that is not an accuracy (FLOPs, latency …: any
 * finite number, unchecked).
 */
export type LabelScale = AccuracyScale | "none";
export const LABEL_SCALES: readonly LabelScale[] = ["fraction", "percent", "none"];

export interface UserLabels {
  file: string;
  target: string;
  /** The scale the file was read on (given, or inferredScale's); with `percent` the values below were divided by 100. */
  scale: LabelScale;
  /** One entry per distinct cell, in order of first appearance. */
  ids: Int32Array;
  /** The target per id (the mean over duplicate rows). */
  values: Float64Array;
  /** Data rows read (valid or not). */
  rows: number;
  /** Cells given on more than one line (isomorphic or identical), with their lines and values. */
  duplicates: { id: number; lines: number[]; values: number[] }[];
  /**
   * Rows whose target is `failed` (any case: a run that did not finish, as `tell` takes it), left out;
   * their line numbers (1-based, header = line 1 for CSV).
   */
  failed: number[];
  /**
   * Values kept that look like a slip, one line each (declared `--scale percent`: 0.8513 among percents
   * of 79–93, read as 0.8513 %; checkAccuracyScale); empty when none.
   */
  warnings: string[];
}

/** A row that cannot be used, with its line number (1-based, header = line 1 for CSV). */
interface InvalidRow {
  line: number;
  reason: string;
}

/** Rows named in a refusal; the rest are counted. */
const NAMED_ROWS = 3;

/**
 * Refuses a file with rows that cannot be used: training on the rest, or predicting for the rest, ended
 * with exit 0 and fewer rows than the file holds, which a script reading the output did not notice
 * (`tell --file` refused the same rows). Throws BadFileError naming the first rows and counting the others.
 */
function refuseInvalidRows(file: string, invalid: readonly InvalidRow[], fix: string, lead = ""): void {
  if (invalid.length === 0) return;
  const named = invalid
    .slice(0, NAMED_ROWS)
    .map((r) => `line ${r.line}: ${r.reason}`)
    .join("; ");
  const more = invalid.length > NAMED_ROWS ? `; and ${invalid.length - NAMED_ROWS} more rows` : "";
  throw new BadFileError(file, `${lead}${named}${more} (${fix})`);
}

interface Row {
  line: number;
  fields: Record<string, unknown>;
}

/**
 * The data rows of a CSV or JSONL file, with their line numbers; `holding` says what the file should
 * hold ("labels", "cells"), for the refusal of a binary file.
 */
function readRows(file: string, holding: "labels" | "cells"): Row[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw readFailure(file, e, "expected a CSV or JSON-lines file");
  }
  const binary = binaryKind(bytes);
  if (binary)
    throw new BadFileError(
      file,
      binary === "UTF-16"
        ? "is not UTF-8 text (UTF-16, as some spreadsheets save it?); save it as UTF-8"
        : `${binary}, not a CSV or JSON-lines file of ${holding}`,
    );
  const notText = notUtf8(bytes);
  if (notText) throw new BadFileError(file, `is not UTF-8 text (${notText}); save it as UTF-8`);
  let text = bytes.toString("utf8");
  text = withoutByteOrderMark(text);
  // one JSON array of rows (what JSON.stringify of a list writes) would be read as a CSV with a raw parser message
  if (text.trimStart().startsWith("["))
    throw new BadFileError(
      file,
      "is one JSON array; expected JSON Lines (one object per line, e.g. from jq -c '.[]') or CSV",
    );
  const rows = isJsonLines(file, text) ? jsonLines(file, text) : csvRows(file, text);
  if (rows.length === 0) throw new BadFileError(file, "has no data rows");
  return rows;
}

/** The forms a row gives its cell in, in each space: the columns of each (cellForms reads them). */
const CELL_FORMS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  nb201: [["arch"], ["arch str"]],
  nb101: [["cell"], ["matrix", "ops"]],
};

/** The columns that give a row's cell in each space, never a target. */
const CELL_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(CELL_FORMS).map(([space, forms]) => [space, forms.flat()]),
);

/**
 * The columns of a label file that could be its target, in the file's order: those beside the cell's
 * own columns whose every filled value is a number (as readUserLabels reads one). Throws BadFileError
 * as readUserLabels does for a file it cannot read.
 */
export function targetCandidates(file: string, space: string): string[] {
  const rows = readRows(file, "labels").filter(
    ({ fields }) => !("error" in fields && Object.keys(fields).length === 1),
  );
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))];
  const cellColumns = CELL_COLUMNS[space] ?? [];
  const numeric = (v: unknown) =>
    typeof v === "number"
      ? Number.isFinite(v)
      : typeof v === "string" && Number.isFinite(parseMeasuredValue(v));
  return columns.filter((c) => {
    if (cellColumns.includes(columnName(c))) return false;
    const values = rows.map((r) => (Object.hasOwn(r.fields, c) ? r.fields[c] : undefined)).filter(given);
    return values.length > 0 && values.every(numeric);
  });
}

/**
 * The error for a label file given without the column to learn: it said only "--target names the
 * column to learn when --labels is a file", leaving the user to open the file for the names.
 */
export function targetRequired(file: string, space: string): UserError {
  const candidates = targetCandidates(file, space);
  if (candidates.length === 0)
    return new UserError(
      `--target is required with a label file, and ${file} has no numeric column beside the cell's to learn`,
    );
  const [which, these] =
    candidates.length === 1 ? ["", "the numeric column"] : ["one of ", "the numeric columns"];
  return new UserError(
    `--target is required with a label file; give --target: ${which}${candidates.join(", ")} (${these} of ${file})`,
  );
}

/** What to do when a file's columns are another space's: by default, give that space's flag. */
export type OtherSpaceRemedy = (other: string) => string;
const giveSpaceFlag: OtherSpaceRemedy = (other) => `give --space ${other}`;

/**
 * Throws BadFileError when no column of the file can give a cell of `spaceName` (each row said so,
 * once per row), saying the space whose columns it has and `remedy` for it: a NAS-Bench-201 file read
 * without `--space nb201` listed 'no "matrix" and "ops" columns' for every line.
 */
function refuseOtherSpaceColumns(
  file: string,
  columns: ReadonlySet<string>,
  spaceName: string,
  remedy: OtherSpaceRemedy = giveSpaceFlag,
): void {
  const has = (forms: readonly (readonly string[])[]) => forms.some((f) => f.every((c) => columns.has(c)));
  const own = CELL_FORMS[spaceName];
  if (own === undefined || has(own)) return;
  const wanted = own.map((f) => f.map((c) => `"${c}"`).join(" and ")).join(", or ");
  const other = Object.keys(CELL_FORMS).find((name) => name !== spaceName && has(CELL_FORMS[name]));
  throw new BadFileError(
    file,
    `no column for ${spaceName} cells (expected ${wanted}; columns: ${[...columns].join(", ")})${other ? `; its columns are ${other}'s: ${remedy(other)}` : ""}`,
  );
}

/**
 * A file of cells (no labels needed): each row's id. Throws BadFileError when a row is not a cell of the
 * space (naming the first such rows) or the file has none, or when its columns are another space's
 * (saying `otherSpace`, what to do then: by default "give --space OTHER"; a command without --space,
 * such as predict, whose space is its model's, says its own).
 */
export function readCellFile(
  file: string,
  space: SearchSpace<unknown>,
  otherSpace: OtherSpaceRemedy = giveSpaceFlag,
): { cells: { line: number; id: number }[] } {
  const cells: { line: number; id: number }[] = [];
  const invalid: InvalidRow[] = [];
  const rows = readRows(file, "cells");
  refuseOtherSpaceColumns(
    file,
    new Set(
      rows.flatMap(({ fields }) =>
        "error" in fields && Object.keys(fields).length === 1 ? [] : Object.keys(fields),
      ),
    ),
    space.name,
    otherSpace,
  );
  for (const { line, fields } of rows) {
    if ("error" in fields && Object.keys(fields).length === 1) {
      invalid.push({ line, reason: String(fields.error) });
      continue;
    }
    try {
      cells.push({ line, id: idOfRow(fields, space) });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      invalid.push({ line, reason: e.message });
    }
  }
  refuseInvalidRows(
    file,
    invalid,
    `expected every row a ${space.name} cell; fix or remove those rows`,
    cells.length === 0 ? `no row is a valid ${space.name} cell: ` : "",
  );
  return { cells };
}

function idOfRow(fields: Record<string, unknown>, space: SearchSpace<unknown>): number {
  const forms = cellForms(fields, space.name);
  const ids = forms.map(({ cell }) => space.idOf(cell));
  if (ids[0] < 0) throw new UserError("the cell is not in the space");
  // a row may give its cell in two forms (a file that kept both columns): used only when they agree,
  // as one of them silently winning would label a cell the row does not name
  if (ids.length > 1 && ids[1] !== ids[0])
    throw new UserError(
      `its ${forms[0].columns} and its ${forms[1].columns} name different cells; expected one form, or both naming the same cell`,
    );
  return ids[0];
}

/**
 * Reads a labels file for `space`, taking the numeric column `target` on the `given` scale (default:
 * inferredScale — none for a target that is no accuracy, else fraction or percent by the values, as
 * studies infer theirs). Rows whose value is `failed` are left out and listed in `failed`. Throws
 * BadFileError when a row's value is no decimal number or its cell is invalid (naming the first rows),
 * when no row is usable, or when the values of an accuracy target are on the other scale, mix both
 * scales (naming lines) or leave 0..100.
 */
export function readUserLabels(
  file: string,
  space: SearchSpace<unknown>,
  target: string,
  given?: LabelScale,
): UserLabels {
  // from code, a missing or wrong argument failed deep inside ("reading 'name'", "reading 'normalize'")
  if (typeof file !== "string")
    throw new UserError(`readUserLabels needs the label file's path, got ${shownValue(file, 80)}`);
  if (!hasMembers(space, { name: "string", idOf: "function" }))
    throw new UserError(
      `readUserLabels needs the space the file's cells belong to (loadBenchmark(…).space), got ${shownValue(space, 80)}`,
    );
  if (typeof target !== "string" || target.trim() === "")
    throw new UserError(
      `readUserLabels needs the name of the column to read (the target), got ${shownValue(target, 80)}`,
    );
  if (given !== undefined && !(["fraction", "percent", "none"] as unknown[]).includes(given))
    throw new UserError(
      `readUserLabels: the scale must be fraction, percent or none (or left out to infer it), got ${shownValue(given, 40)}`,
    );
  const rows = readRows(file, "labels");
  const fix = `expected every row a ${space.name} cell with a decimal ${target}, or "failed" for a run that did not finish; fix or remove those rows`;
  const noValid = `no row gave a valid ${space.name} cell with a numeric ${target}: `;
  // a JSON Lines line that could not be read (a key named twice, 1e-400) holds only `error`, which is no
  // column: a file of such lines only said 'no column "acc" for --target; columns are error'
  const readable = rows.filter(({ fields }) => !("error" in fields && Object.keys(fields).length === 1));
  if (readable.length === 0)
    refuseInvalidRows(
      file,
      rows.map(({ line, fields }) => ({ line, reason: String(fields.error) })),
      fix,
      noValid,
    );
  const columns = new Set(readable.flatMap((r) => Object.keys(r.fields)));
  refuseOtherSpaceColumns(file, columns, space.name);
  // CSV headers are read in Unicode NFC (distinctColumns); a JSON-lines key is matched in NFC too
  const column = [...columns].find((c) => columnName(c) === columnName(target));
  if (column === undefined) {
    throw new UserError(
      `${file}: no column "${target}" for --target; columns are ${[...columns].join(", ")}`,
    );
  }
  const invalid: InvalidRow[] = [];
  const failed: number[] = [];
  const byId = new Map<number, { lines: number[]; values: number[] }>();
  for (const { line, fields } of rows) {
    if ("error" in fields && Object.keys(fields).length === 1) {
      invalid.push({ line, reason: String(fields.error) });
      continue;
    }
    // own keys only: a line without a column named toString read the prototype's function as its value
    const raw = Object.hasOwn(fields, column) ? fields[column] : undefined;
    if (typeof raw === "string" && raw.trim().toLowerCase() === "failed") {
      // a failed run of a cell that is none is refused as tell --file refuses it
      try {
        idOfRow(fields, space);
        failed.push(line);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        invalid.push({ line, reason: e.message });
      }
      continue;
    }
    const value =
      typeof raw === "number" ? raw : typeof raw === "string" ? parseMeasuredValue(raw) : Number.NaN;
    if (!Number.isFinite(value)) {
      invalid.push({
        line,
        reason:
          raw === undefined
            ? `${target} is missing (the line has fewer fields than the header: cut short?); expected a decimal number`
            : `${target} is ${shownValue(raw, SHOWN_FIELD)}; expected a decimal number${typeof raw === "string" && raw.length <= SHOWN_FIELD ? measuredValueHint(raw) + outOfRangeNote(raw) : ""}`,
      });
      continue;
    }
    let id: number;
    try {
      id = idOfRow(fields, space);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      invalid.push({ line, reason: e.message });
      continue;
    }
    const entry = byId.get(id) ?? { lines: [], values: [] };
    entry.lines.push(line);
    entry.values.push(value);
    byId.set(id, entry);
  }
  if (byId.size === 0 && invalid.length === 0)
    throw new BadFileError(
      file,
      `every row's ${target} is "failed"; expected rows with a decimal ${target} to learn from`,
    );
  refuseInvalidRows(file, invalid, fix, byId.size === 0 ? noValid : "");
  const used = [...byId.values()].flatMap((e) => e.lines.map((line, k) => ({ line, value: e.values[k] })));
  const scale = given ?? inferredScale(target, used);
  let warnings: string[] = [];
  if (scale !== "none") {
    used.sort((a, b) => a.line - b.line);
    warnings = checkAccuracyScale(
      used.map((u) => u.value),
      scale,
      {
        file,
        position: (i) => `line ${used[i].line}`,
        what: `column "${target}"`,
        fix:
          scale === "fraction"
            ? `read it with --scale percent (divided by 100), or --scale none if "${target}" is not an accuracy`
            : `read it with --scale fraction, or --scale none if "${target}" is not an accuracy`,
        outOfRangeHint: `read it with --scale none if "${target}" is not an accuracy`,
        errorRate: errorRateLike(target),
        declared: given !== undefined,
        declareHint: "give --scale percent",
      },
    );
    if (scale === "percent") {
      for (const entry of byId.values()) entry.values = entry.values.map((v) => v / 100);
    }
  }
  const ids = new Int32Array(byId.size);
  const values = new Float64Array(byId.size);
  const duplicates: UserLabels["duplicates"] = [];
  let k = 0;
  for (const [id, entry] of byId) {
    ids[k] = id;
    values[k] = entry.values.reduce((a, b) => a + b, 0) / entry.values.length;
    if (entry.lines.length > 1) duplicates.push({ id, ...entry });
    k++;
  }
  return { file, target, scale, ids, values, rows: rows.length, duplicates, failed, warnings };
}

/**
 * The scale of a column when `--scale` is not given, as studies and simulation tables read theirs
 * (study/tell-rules.ts): `none` for a name that is no accuracy or error rate (latency_ms, flops: any
 * number); else `percent` when a value is above 1 (read and divided by 100), `fraction` when none is.
 * A file mixing the two is then refused by checkAccuracyScale, naming its lines.
 */
export function inferredScale(target: string, rows: readonly { value: number }[]): LabelScale {
  if (!accuracyLike(target)) return "none";
  return rows.some((r) => r.value > 1) ? "percent" : "fraction";
}

function csvRows(file: string, text: string): Row[] {
  // a short row inside the file is an invalid row, listed; a short last row is refused below
  const { records, lines, named, namedText } = parseCsvTable(file, text);
  // a short row is skipped as invalid, but a short last row is a file cut short (a copy interrupted):
  // refused, as study create --import and tell --file refuse it
  const last = records.at(-1);
  if (last && Object.keys(last.record).length < named)
    throw new BadFileError(
      file,
      `the last line (${lines[records.length - 1]}) has ${counted(Object.keys(last.record).length, "field")}, the header ${namedText}: ` +
        "the file ends cut short (a copy interrupted?); complete or remove that line",
    );
  withoutUnnamed(file, records, lines);
  return records.map(({ record }, k) => ({ line: lines[k], fields: record }));
}

/** A field left empty (an empty CSV cell) counts as absent. */
const given = (v: unknown) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === "");

/**
 * The cell of a row in each form it gives, as the space's idOf takes it, with the columns it came
 * from: NAS-Bench-201 `arch` and/or `arch str`; NAS-Bench-101 `cell` and/or `matrix` + `ops`.
 * @throws UserError when the row gives none.
 */
function cellForms(fields: Record<string, unknown>, space: string): { cell: unknown; columns: string }[] {
  const json = (v: unknown) => (typeof v === "string" && v.trim().startsWith("[") ? safeJson(v) : v);
  const forms: { cell: unknown; columns: string }[] = [];
  if (space === "nb201") {
    for (const column of ["arch", "arch str"])
      if (given(fields[column])) forms.push({ cell: String(fields[column]), columns: `"${column}"` });
    if (forms.length === 0) {
      emptyCellColumns(fields, ["arch", "arch str"], 'a NAS-Bench-201 arch string in "arch"');
      throw new UserError('no "arch" column (NAS-Bench-201 arch string)');
    }
    return forms;
  }
  if (given(fields.cell)) forms.push({ cell: fields.cell, columns: '"cell"' });
  if (given(fields.matrix) && given(fields.ops))
    forms.push({
      cell: { matrix: json(fields.matrix), ops: json(fields.ops) },
      columns: '"matrix" and "ops"',
    });
  if (forms.length === 0) {
    emptyCellColumns(
      fields,
      ["cell", "matrix", "ops"],
      'the NAS-Bench-101 cell in "matrix" and "ops" (or "cell")',
    );
    throw new UserError('no "matrix" and "ops" columns (or a "cell" column) for the NAS-Bench-101 cell');
  }
  return forms;
}

/**
 * Throws UserError naming the cell columns of `candidates` that the row has but leaves empty (or null):
 * a row whose arch field was empty read "no \"arch\" column" beside a header that has one.
 */
function emptyCellColumns(fields: Record<string, unknown>, candidates: string[], expected: string): void {
  const empty = candidates.filter((c) => Object.hasOwn(fields, c) && !given(fields[c]));
  if (empty.length === 0) return;
  const named = empty.map((c) => `"${c}"`).join(" and ");
  const what = empty.every((c) => fields[c] === null) ? "null" : "empty";
  throw new UserError(`${named} ${empty.length > 1 ? "are" : "is"} ${what}; expected ${expected}`);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError(`"${text.slice(0, 40)}" is not valid JSON`);
  }
}

/**
 * Refuses labels a predictor can learn nothing from: every value the same (a column of one constant,
 * or a file whose values all read alike). @throws UserError naming the file, the column and the value.
 */
export function requireLabelSpread(labels: UserLabels): void {
  const first = labels.values[0];
  // a predictor needs two values; said here naming the file (the fit said only 'at least 2 labeled
  // cells are needed, got 1')
  if (labels.values.length < 2)
    throw new UserError(
      `${labels.file}: ${labels.values.length} labeled cell${labels.values.length === 1 ? "" : "s"} (after failed runs and repeated cells); a predictor needs at least 2 cells with their ${labels.target}`,
    );
  if (labels.values.length > 1 && labels.values.every((v) => v === first))
    throw new UserError(
      `${labels.file}: all ${labels.values.length} cells have ${labels.target} ${first}; a predictor learns ` +
        "nothing from labels that are all equal: expected the values your trained networks reached",
    );
}

/**
 * How a cell given more than once in a label file is reported (data labels, train): its first 10 lines
 * and values, then how many rows it has and their mean. Every line and value was listed: a cell on
 * 100,000 rows of a training log made one line of about 1.5 MB (`data labels --json` still lists all).
 */
export function duplicateLine(d: UserLabels["duplicates"][number]): string {
  const shown = 10;
  // to 12 significant digits: a percent read as a fraction showed its float noise (36.72 as
  // 0.36719999999999997: tester W)
  const values = d.values.map((v) => Number(v.toPrecision(12)));
  if (d.lines.length <= shown)
    return `duplicate: cell ${d.id} on lines ${d.lines.join(", ")} (values ${values.join(", ")}; averaged)`;
  const mean = d.values.reduce((sum, v) => sum + v, 0) / d.values.length;
  return (
    `duplicate: cell ${d.id} on ${d.lines.length} lines: ${d.lines.slice(0, shown).join(", ")}, … ` +
    `(values ${values.slice(0, shown).join(", ")}, …; averaged: ${Number(mean.toPrecision(6))})`
  );
}

/** "3 rows are failed runs (lines 4, 9, 12), left out", naming at most 10 lines. */
export function failedLine(lines: readonly number[]): string {
  const shown = lines.slice(0, 10).join(", ");
  const rows = lines.length === 1 ? "1 row is a failed run" : `${lines.length} rows are failed runs`;
  return `${rows} (line${lines.length === 1 ? "" : "s"} ${shown}${lines.length > 10 ? ", …" : ""}), left out`;
}
