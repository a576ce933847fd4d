/**
 * Results files for `tell --file` and `study create --import`: a CSV with the architecture's columns as
 * in label files (`choices`: one column per decision holding the option; `edge-cell`: `arch`;
 * `vertex-cell`: `matrix`, `ops`) plus the study's target column, holding a number, or `failed` for a
 * run that did not finish. Other columns are ignored. The whole file is refused at its first bad row
 * (named by line), so that a study never holds half a file.
 */
import { readFileSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import { binaryKind, notUtf8 } from "../data/binary-kind.js";
import { withoutByteOrderMark } from "../data/byte-order-mark.js";
import { columnName, counted, parseCsvTable, withoutUnnamed } from "../data/csv-columns.js";
import { measuredValueHint, outOfRangeNote, parseMeasuredValue } from "../data/decimal.js";
import { isJsonLines, jsonLines } from "../data/json-lines.js";
import type { OutputFormat } from "../data/output-path.js";
import { BadFileError, hasMembers, readFailure, SHOWN_FIELD, shownValue, UserError } from "../errors.js";
import type { ArchitectureSpace } from "../spaces/architecture-space.js";
import type { Outcome, Trial } from "./store.js";

export interface ResultRow<A> {
  /** Line in the file (the header is line 1). */
  line: number;
  arch: A;
  outcome: Outcome;
  /** The architecture's columns as written, which `arch` was read from (for messages: a cell pruned when read). */
  written: Readonly<Record<string, string>>;
}

/**
 * Refuses a target named like one of the space's architecture columns (a decision of a `choices`
 * space, `arch`, `matrix`, `ops`): a results file could not hold both the architecture and the value.
 * Throws UserError.
 */
export function checkTargetColumn(space: { name: string; columns: readonly string[] }, target: string): void {
  if (space.columns.includes(target))
    throw new UserError(
      `the target "${target}" is also a column of ${space.name}'s architectures (${space.columns.join(", ")}); ` +
        `a results file cannot hold both: name the value otherwise (e.g. ${suggestion(space.columns, target)})`,
    );
}

/** A target name that is none of the columns: val_acc, else the target with a suffix. */
function suggestion(columns: readonly string[], target: string): string {
  for (const name of ["val_acc", `${target}_value`, `${target}_result`])
    if (!columns.includes(name)) return name;
  return `${target}_${columns.length}`;
}

/**
 * Reads every row of `file` for `space` and `target`. Throws UserError for a target named like an
 * architecture column (checkTargetColumn) or an empty file name, BadFileError for a folder, an unreadable file, a missing column,
 * an empty file, or a row whose architecture or value is not valid (naming the line). A value
 * "failed" (any case) is a run that did not finish, unless `failedAllowed` is false (simulate's table).
 */
export function readResultsFile<A>(
  file: string,
  space: ArchitectureSpace<A>,
  target: string,
  failedAllowed = true,
): ResultRow<A>[] {
  if (!hasMembers(space, { fromRow: "function" }))
    throw new UserError(
      `readResultsFile needs the space the file's architectures belong to (a space made from a spec), got ${shownValue(space)}`,
    );
  if (typeof file !== "string")
    throw new UserError(`readResultsFile needs the results file's path, got ${shownValue(file, 80)}`);
  // "" (an unset variable) was looked for as a column: "…has the columns a, b,  (found …)"
  if (typeof target !== "string" || target === "")
    throw new UserError(`readResultsFile needs the target column's name, got ${shownValue(target, 80)}`);
  checkTargetColumn(space, target);
  const rows = textRows(file, space, target);
  return rows.map(({ record, line, shownTarget }) => {
    const arch = archOfRow(file, space, record, line);
    const raw = record[columnName(target)];
    let outcome: Outcome;
    if (raw.toLowerCase() === "failed" && failedAllowed) outcome = { failed: true };
    else {
      // decimal notation only: Number() reads "0x1F" as 31 and "0b1" as 1
      const value = parseMeasuredValue(raw);
      // a field of thousands of characters is cut in the message (it made one line of 3,000)
      const long = raw.length > SHOWN_FIELD;
      if (!Number.isFinite(value))
        throw new BadFileError(
          file,
          `line ${line}: ${target} is ${shownTarget ?? shownValue(raw, SHOWN_FIELD)}; expected a decimal number${long || shownTarget ? "" : measuredValueHint(raw)}` +
            (failedAllowed
              ? `, or "failed" for a run that did not finish`
              : " (a table for simulate needs a value on every row)") +
            (long ? "" : outOfRangeNote(raw)),
        );
      outcome = { value };
    }
    const written = Object.fromEntries(space.columns.map((c) => [c, record[columnName(c)]]));
    return { line, arch, outcome, written };
  });
}

/**
 * Reads a file of architectures of `space` (the columns a results file holds, without a value: the
 * candidates `predict --study` scores), CSV or JSON Lines; other columns are passed over. Throws as
 * readResultsFile does (BadFileError naming the line of an architecture that is not valid).
 */
export function readArchitecturesFile<A>(
  file: string,
  space: ArchitectureSpace<A>,
): { line: number; arch: A }[] {
  // the two swapped said only "got a value of type object" (tester Z)
  if (typeof file !== "string")
    throw new UserError(
      typeof space === "string" && hasMembers(file, { fromRow: "function" })
        ? "readArchitecturesFile takes the file first, then the space: readArchitecturesFile(file, space)"
        : `readArchitecturesFile needs the file's path, got ${shownValue(file, 80)}`,
    );
  // (without it: "TypeError: Cannot read properties of undefined (reading 'columns')", tester X)
  if (!hasMembers(space, { fromRow: "function" }))
    throw new UserError(
      `readArchitecturesFile needs the space the file's architectures belong to (a space made from a spec), got ${shownValue(space)}`,
    );
  return textRows(file, space, undefined).map(({ record, line }) => ({
    line,
    arch: archOfRow(file, space, record, line),
  }));
}

/** The architecture of a row, or BadFileError naming its line. */
function archOfRow<A>(
  file: string,
  space: ArchitectureSpace<A>,
  record: Record<string, string>,
  line: number,
): A {
  try {
    return space.fromRow(record);
  } catch (e) {
    if (e instanceof UserError || e instanceof RangeError)
      throw new BadFileError(file, `line ${line}: ${e.message}`);
    throw e;
  }
}

/**
 * The rows of a results file (with `target`) or a file of architectures (without) as text fields.
 * Throws UserError for an empty file name, BadFileError for a file that cannot be read, is no UTF-8
 * text, is one JSON array, JSON Lines under a .csv name, or lacks a column.
 */
function textRows<A>(file: string, space: ArchitectureSpace<A>, target: string | undefined): TextRow[] {
  const expected =
    target === undefined
      ? "expected a file of architectures, CSV or JSON Lines (the architecture's columns)"
      : `expected a results file, CSV or JSON Lines (the architecture's columns and ${target})`;
  // an unset shell variable (--file "$RESULTS"): readFileSync("") said ": cannot read: ENOENT … open ''"
  if (file.trim() === "") throw new UserError(`an empty file name; ${expected}`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw readFailure(file, e, expected);
  }
  const binary = binaryKind(bytes);
  if (binary === "UTF-16")
    throw new BadFileError(
      file,
      "is not UTF-8 text (UTF-16, as some spreadsheets save it?); save it as UTF-8 CSV",
    );
  if (binary)
    throw new BadFileError(
      file,
      `${binary}, not text; ${binary.includes("zip") ? "save it as CSV UTF-8" : expected}`,
    );
  const notText = notUtf8(bytes);
  if (notText) throw new BadFileError(file, `is not UTF-8 text (${notText}); save it as UTF-8 CSV`);
  const text = bytes.toString("utf8");
  // what ask --json prints: csv-parse said "Invalid Opening Quote: a quote is found on field 0"
  if (/^\uFEFF?\s*\[/.test(text))
    throw new BadFileError(
      file,
      `is one JSON array; ${expected}: write JSON Lines, one object per line (e.g. jq -c '.[]')`,
    );
  const columns = target === undefined ? space.columns : [...space.columns, target];
  // JSON Lines named .csv: csv-parse said "Invalid Opening Quote: a quote is found on field 0"
  if (!isJsonLines(file, text) && /^\uFEFF?\s*\{/.test(text))
    throw new BadFileError(file, "holds JSON Lines but is named .csv; name it .jsonl, or write it as CSV");
  return isJsonLines(file, text)
    ? objectRows(file, text, columns, target)
    : csvRecords(file, text, columns, target, space.name);
}

/** A row of a results file as text fields (a CSV record, or a JSON Lines object's values as text). */
interface TextRow {
  line: number;
  record: Record<string, string>;
  /** The target as written in JSON, where it is no string or number (null, true, a list): shown unquoted. */
  shownTarget?: string;
}

/** The records of a results CSV: refused when it has no data row or lacks one of `columns`. */
function csvRecords(
  file: string,
  text: string,
  columns: readonly string[],
  target: string | undefined,
  spaceName: string,
): TextRow[] {
  // a row without the header's trailing unnamed (spreadsheet) columns holds every column read, as label
  // files read it (a row appended by hand to an export); a row short of a named column is refused below
  const { records, lines, width, named } = parseCsvTable(file, text);
  if (records.length === 0) {
    // an export of a study with nothing told (`study show --csv`) is a header line alone: it holds no
    // result, and moving that study (SQLite to PostgreSQL) makes an empty one; it was refused as "has no
    // data rows", which stopped a script copying every study. Another header-only file is still refused
    const header = (withoutByteOrderMark(text).split(/\r\n|\n|\r/, 1)[0] ?? "").trim();
    const names = header.split(",");
    if (header.includes(RESULTS_CSV.own?.mark ?? "\0") && columns.every((c) => names.includes(columnName(c))))
      return [];
    throw new BadFileError(file, "has no data rows (a header line, then one row per architecture)");
  }
  records.forEach(({ record }, k) => {
    const fields = Object.keys(record).length;
    if (fields < named)
      throw new BadFileError(
        file,
        `line ${lines[k]} has ${counted(fields, "field")}, the header ${counted(width, "column")}; expected one field per column (a row cut short?)`,
      );
  });
  withoutUnnamed(file, records, lines);
  const header = Object.keys(records[0].record);
  const missing = columns.filter((c) => !header.includes(columnName(c)));
  // "Depth1" for depth1, "Top1" for top1: names compare exactly, which the two lists alone did not say
  const cased = missing.flatMap((c) => {
    const found = header.find((h) => h.toLowerCase() === columnName(c).toLowerCase());
    return found === undefined ? [] : [`"${found}" is "${c}" in another case`];
  });
  if (missing.length > 0)
    throw new BadFileError(
      file,
      `no column ${missing.map((c) => `"${c}"`).join(", ")}; ${target === undefined ? "a file of architectures" : "a results file"} for ${spaceName} has the columns ` +
        `${columns.join(", ")} (found ${header.join(", ")})` +
        (cased.length > 0 ? `: ${cased.join(", ")}, and column names are compared case included` : ""),
    );
  // files joined with `cat`, each with its header line: a later header line is no row. In line 1's order
  // it is passed over (it was refused as '"depth" is not an option of decision "depth"'); in another
  // order it is refused, naming both: the rows after it hold their columns in its order, and would be
  // read under line 1's names (a kernel of 3 as a depth of 3, where both decisions hold 3)
  const names = new Set(header);
  const rows: TextRow[] = [];
  records.forEach(({ record }, k) => {
    const fields = header.map((h) => columnName(withoutByteOrderMark(record[h] ?? "").trim()));
    // (a file of architectures alone: a line holding every column's name)
    const marks = target === undefined ? columns.map(columnName) : [columnName(target)];
    if (!marks.every((m) => fields.includes(m)) || !fields.every((f) => names.has(f))) {
      rows.push({ line: lines[k], record });
      return;
    }
    if (fields.some((f, i) => f !== header[i]))
      throw new BadFileError(
        file,
        `line ${lines[k]} is a header line (${fields.join(",")}) in another column order than line 1's (${header.join(",")}): ` +
          "files joined with their headers? join them with their columns in one order",
      );
  });
  if (rows.length === 0)
    throw new BadFileError(file, "has no data rows (a header line, then one row per architecture)");
  return rows;
}

/**
 * The objects of a JSON Lines results file as text rows, as a CSV would hold them: a number as written
 * in JSON (String of the parsed number), a list or object as its JSON text (a `matrix`), null as "null"
 * (refused as a value, shown as JSON: `val_acc is null`, not the text "null"). A line that is no object, or lacks one of `columns`, refuses the file naming it.
 */
function objectRows(
  file: string,
  text: string,
  columns: readonly string[],
  target: string | undefined,
): TextRow[] {
  const rows = jsonLines(file, withoutByteOrderMark(text));
  if (rows.length === 0) throw new BadFileError(file, "has no data rows (one JSON object per architecture)");
  return rows.map(({ line, fields }) => {
    if ("error" in fields && Object.keys(fields).length === 1)
      throw new BadFileError(file, `line ${line} ${String(fields.error).replace(/^not/, "is not")}`);
    // keys as CSV headers are read: trimmed, in Unicode NFC (columnName); two keys that are one name so
    // ("depth" and "depth ", or café composed and decomposed) are refused, as a CSV header naming a column
    // twice is: Object.fromEntries kept the last, and {"depth": 2, "depth ": 4} was read as depth 4 in silence
    const writtenAs = new Map<string, string>();
    for (const key of Object.keys(fields)) {
      const name = columnName(key.trim());
      const first = writtenAs.get(name);
      if (first !== undefined)
        throw new BadFileError(
          file,
          `line ${line} names column "${name}" twice (as ${JSON.stringify(first)} and ${JSON.stringify(key)}); expected each column once`,
        );
      writtenAs.set(name, key);
    }
    const named = Object.fromEntries(Object.entries(fields).map(([k, v]) => [columnName(k.trim()), v]));
    // own keys only: `in` found a column named toString or constructor on every object's prototype, and
    // the line lacking it was read as a value that is a function ("raw.toLowerCase is not a function")
    const missing = columns.filter((c) => !Object.hasOwn(named, columnName(c)));
    // ask --json's objects with a value added ({"arch": {"depth": 2, …}, "val_acc": 0.9}) are the
    // natural file to tell, and were refused without a word on where the columns went
    const nested = named.arch;
    const inArch =
      !columns.includes("arch") && nested !== null && typeof nested === "object" && !Array.isArray(nested)
        ? target === undefined
          ? `: the architecture is nested in "arch", as ask --json writes it; put its keys at the top level of each line (jq -c '.arch')`
          : `: the architecture is nested in "arch", as ask --json writes it; put its keys at the top level of each line, beside ${target} (jq -c '.arch + {${target}: .${target}}')`
        : "";
    if (missing.length > 0)
      throw new BadFileError(
        file,
        `line ${line} has no ${missing.map((c) => `"${c}"`).join(", ")}; each line of ${target === undefined ? "a file of architectures" : "a results file"} holds ${columns.join(", ")} (found ${Object.keys(fields).join(", ") || "none"})${inArch}`,
      );
    // pandas' df.to_json() writes, by default, one object of columns ({"val_acc": {"0": 0.91, …}, …}):
    // its first row index was read as an option, "{\"0\":2,\"1\":3}" is not an option of decision …
    const value = target === undefined ? undefined : named[columnName(target)];
    if (value !== undefined && value !== null && typeof value === "object" && !Array.isArray(value))
      throw new BadFileError(
        file,
        `line ${line}: ${target} is an object (${shownValue(value, 60)}), not a number: one object of columns, as ` +
          `pandas' df.to_json() writes by default? a results file holds one object per architecture: ` +
          `df.to_json(path, orient="records", lines=True)`,
      );
    const record = Object.fromEntries(
      Object.entries(named).map(([k, v]) => [
        k,
        typeof v === "string" ? v.trim() : (JSON.stringify(v) ?? String(v)),
      ]),
    );
    // a null, true or list as the value was shown quoted, "null", as if the file held that text
    return value === undefined || typeof value === "string" || typeof value === "number"
      ? { line, record }
      : { line, record, shownTarget: JSON.stringify(value) ?? String(value) };
  });
}

/**
 * The columns resultsCsv writes before the architecture's, in this order: the trial's number, when it
 * was asked for and told (ISO 8601 UTC), why it was asked for (exploit / explore), and what the
 * predictor expected then (on the target's scale). Optuna's trials table has the same facts.
 */
const TRIAL_COLUMNS = ["trial", "asked_at", "told_at", "reason", "predicted"] as const;

/**
 * A results file that `study show --csv` wrote, told from the user's own CSV (which a second export
 * to the same name must not destroy) by its header's `asked_at,told_at,reason,predicted,`, which every
 * such file has near its start (also as `study_asked_at,…` when a decision or the target is named
 * asked_at). `asked_at,` alone was found in a user's own log with an asked_at column, or in a cell, and
 * the log was replaced. An export of a study with a column named told_at, reason or predicted (written
 * as `study_told_at`…) is not recognised: a second export to its name is refused, nothing is lost.
 */
export const RESULTS_CSV: OutputFormat = {
  extensions: [".csv"],
  what: "writes a results file as CSV",
  own: {
    mark: "asked_at,told_at,reason,predicted,",
    older: "asked_at,told_at,reason,predicted,",
    name: "a results file nas-assay wrote (study show --csv)",
  },
};

/**
 * Every told trial of a study (done and failed; a pending one holds no result yet), in trial order, as
 * the text of a CSV results file: the columns `trial`, `asked_at`, `told_at`, `reason`, `predicted`
 * (empty where the study has no such fact: an imported result was never asked for), then the
 * architecture's columns as label files hold them (`space.columns`) and the target column, holding the
 * value as told (full precision, the user's scale) or `failed`. It is what `tell --file` and `study
 * create --import` read (they ignore the first five columns), so that a study copies into another one
 * (SQLite to PostgreSQL), and what a spreadsheet or pandas opens. A first-five column named like the
 * target or an architecture column is written as `study_` + its name. `trials` are the study's (their
 * `arch` in the space's JSON form); throws InvalidCellError if one is not an architecture of `space`
 * (a study of another space), UserError for a `space`, `trials` or `target` that is none (a library
 * caller's slip: it was a TypeError, "Cannot read properties of undefined (reading 'columns')").
 */
export function resultsCsv<A>(
  space: ArchitectureSpace<A>,
  trials: readonly Trial[],
  target: string,
): { text: string; rows: number } {
  if (!hasMembers(space, { toRow: "function", fromJSON: "function" }) || !Array.isArray(space.columns))
    throw new UserError(
      `resultsCsv needs the study's space (study.space, or a space made from a spec), got ${shownValue(space)}`,
    );
  if (!Array.isArray(trials))
    throw new UserError(
      `resultsCsv needs the study's trials (await study.trials()), got ${shownValue(trials, 80)}`,
    );
  if (typeof target !== "string" || target === "")
    throw new UserError(`resultsCsv needs the target column's name, got ${shownValue(target, 80)}`);
  const taken = new Set([...space.columns, target]);
  const own = TRIAL_COLUMNS.map((c) => {
    let name: string = c;
    while (taken.has(name)) name = `study_${name}`;
    taken.add(name);
    return name;
  });
  const told = trials.filter((t) => t.state !== "pending").sort((a, b) => a.number - b.number);
  const rows = told.map((t) => {
    const columns = space.toRow(space.fromJSON(t.arch));
    return [
      String(t.number),
      t.askedAt ?? "",
      t.toldAt ?? "",
      t.reason ?? "",
      t.predicted === null ? "" : String(t.predicted),
      ...space.columns.map((c) => columns[c]),
      t.state === "failed" ? "failed" : String(t.value),
    ];
  });
  // csv-stringify quotes what needs it (a vertex-cell matrix's commas, an option with a quote)
  return { text: stringify([[...own, ...space.columns, target], ...rows]), rows: rows.length };
}
