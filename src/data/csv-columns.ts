/**
 * The header check every CSV reader of nas-assay shares (label files, results files, the NAS-Bench-201
 * tables): csv-parse, given a header naming a column twice, silently keeps the last copy's values, so
 * such a header is refused before any row is read. Column names are put in Unicode NFC, so that a
 * header saved decomposed ("u" + combining diaeresis, as macOS may write "ü") names the column a spec
 * or --target spells composed: readers look a column up by `columnName(name)`.
 */
import { parse } from "csv-parse/sync";
import { BadFileError } from "../errors.js";

/**
 * The line ends every CSV reader accepts (csv-parse's `record_delimiter`): Windows', Unix's and old
 * Macs', mixed within one file. csv-parse left alone takes the first line end it meets as the only one,
 * so a file whose header ends in CRLF and whose rows (appended by another tool) end in LF read two rows
 * as one, refused as "line 3 has 3 fields … a trailing comma? a decimal comma?", naming no line end.
 */
export const LINE_ENDS = ["\r\n", "\n", "\r"];

/** A column's name as the record keys of distinctColumns hold it: in Unicode NFC. */
export function columnName(name: string): string {
  return name.normalize("NFC");
}

/**
 * The key of an unnamed column (a spreadsheet's trailing empty ones: "x,y,val,,") in a record: the
 * column's number after a NUL, which no trimmed header name holds, so that two unnamed columns keep
 * their cells apart and withoutUnnamed can check them.
 */
const UNNAMED = "\u0000";

/**
 * A `columns` option for csv-parse: returns the header, each name in Unicode NFC (columnName), as the
 * record keys after refusing (BadFileError
 * naming `file`) a header separated by tabs or semicolons (read as one column), a column named twice
 * (unnamed ones excepted: they are keyed by their number, and withoutUnnamed removes them), then
 * running `check` (e.g. required columns) on it.
 */
export function distinctColumns(
  file: string,
  check?: (header: string[]) => void,
): (header: string[]) => string[] {
  return (raw) => {
    // cells are read trimmed (csv-parse's trim leaves a quoted cell's spaces): a header " val_acc",
    // quoted, named no column anyone could ask for, while a quoted " 0.5" below it read as 0.5
    const header = raw.map((name) => columnName(name.trim()));
    // a spreadsheet's export in another locale (semicolons) or a tab-separated file: one column named by
    // the whole header line, and a record-length error at the first row that holds a comma
    if (header.length === 1) {
      const by = header[0].includes("\t") ? "tabs" : header[0].includes(";") ? "semicolons" : undefined;
      if (by)
        throw new BadFileError(
          file,
          `line 1 is one column ${JSON.stringify(header[0])}, separated by ${by}; expected columns separated by commas (CSV)`,
        );
    }
    // unnamed columns (a spreadsheet's trailing empty ones: "x,y,val,,") are no column anyone reads
    const twice = header.find((name, i) => name !== "" && header.indexOf(name) !== i);
    if (twice !== undefined)
      throw new BadFileError(file, `line 1 names column "${twice}" twice; expected each column once`);
    check?.(header);
    return header.map((name, i) => (name === "" ? `${UNNAMED}${i + 1}` : name));
  };
}

/**
 * Removes the unnamed columns' cells (distinctColumns) from every record, after refusing (BadFileError
 * naming `file` and the line, from `lines` as recordLines gives them) a record whose cell under an
 * unnamed column after a named one is not empty: with a trailing empty column in the header, an
 * unquoted decimal comma ("x,0,9") read as the value 0, its "9" landing in the unnamed column, and the
 * row had as many fields as the header. Unnamed columns before the first named one are row labels,
 * read by no one: pandas' `to_csv()` writes its index so (",arch,acc" then "0,…"), R's `write.csv` its
 * row names; no comma of a field can shift a piece of it to the left.
 */
export function withoutUnnamed(
  file: string,
  entries: readonly { record: Record<string, string> }[],
  lines: readonly number[],
): void {
  entries.forEach(({ record }, k) => {
    let named = false;
    for (const key of Object.keys(record)) {
      if (!key.startsWith(UNNAMED)) {
        named = true;
        continue;
      }
      const value = String(record[key] ?? "");
      if (named && value.trim() !== "")
        throw new BadFileError(
          file,
          `line ${lines[k]} holds ${JSON.stringify(value)} in column ${key.slice(UNNAMED.length)}, which line 1 leaves unnamed; ` +
            "expected that column empty (a decimal comma, as in 0,8844? write 0.8844, or quote the field; else name the column)",
        );
      delete record[key];
    }
  });
}

/**
 * The lines (1-based) where csv-parse records (parsed with `info: true`) start, in order. csv-parse gives
 * the line where a record ends, and counts a CRLF inside a quoted cell as two lines, so that every
 * later record of a Windows file drifts by one; a NumPy matrix written by pandas is such a cell, one
 * line per row.
 */
export function recordLines(
  entries: readonly { record: Record<string, string>; info: { lines: number } }[],
): number[] {
  let drift = 0;
  return entries.map(({ record, info }) => {
    let breaks = 0;
    for (const value of Object.values(record)) {
      breaks += (value.match(/\r\n|\r|\n/g) ?? []).length;
      drift += (value.match(/\r\n/g) ?? []).length;
    }
    return info.lines - drift - breaks;
  });
}

/** "1 field", "3 fields". */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * csv-parse's failure as one line naming the file: a row with more fields than the header (a trailing
 * comma, a decimal comma) said "Invalid Record Length: columns length is 10, got 11 on line 2".
 */
export function csvFailure(file: string, e: unknown): BadFileError {
  if (e instanceof BadFileError) return e;
  const error = e as Error & { code?: string; lines?: number; record?: string[]; columns?: unknown[] };
  if (error.code === "CSV_RECORD_INCONSISTENT_COLUMNS") {
    const fields = error.record?.length ?? 0;
    const columns = error.columns?.length ?? 0;
    // a title or comment above the header ("# exported 2026-12-01", Excel's "sep=,") read as a header of
    // one named column: every row after it was said to hold a trailing or a decimal comma, which none did
    const named = error.columns?.map((c) =>
      typeof c === "object" && c !== null ? (c as { name?: unknown }).name : c,
    );
    const title = named?.filter((name) => String(name ?? "").trim() !== "") ?? [];
    if (title.length === 1 && fields > columns)
      return new BadFileError(
        file,
        `line 1 is one column (${JSON.stringify(String(title[0]))}) and line ${error.lines} has ${counted(fields, "field")}: ` +
          "is line 1 a title or a comment? expected the header, naming every column, on line 1",
      );
    return new BadFileError(
      file,
      `line ${error.lines} has ${counted(fields, "field")}, the header ${counted(columns, "column")}; expected one field per column ` +
        (fields < columns
          ? "(a row cut short?)"
          : "(a trailing comma? a decimal comma, as in 0,8844? write 0.8844, or quote the field)"),
    );
  }
  return new BadFileError(file, `not a readable CSV: ${error.message}`);
}

/** A CSV file's rows as every reader of nas-assay parses them (parseCsvTable). */
export interface CsvTable {
  /** One per row, keyed by the header's names (unnamed columns by their number, see withoutUnnamed). */
  records: { record: Record<string, string>; info: { lines: number } }[];
  /** The line (1-based) where each record starts (recordLines). */
  lines: number[];
  /** How many columns the header has. */
  width: number;
  /** How many run through its last named one: a row of that many fields holds every column read. */
  named: number;
  /** `named` as messages count it: "2 named columns", or "3 columns through its last named one". */
  namedText: string;
}

/**
 * Parses a CSV file's `text` as label files and results files are read: the header checked by
 * distinctColumns; line ends CRLF, LF or CR, mixed (LINE_ENDS); cells trimmed; a BOM dropped; empty lines
 * and rows of empty cells (a spreadsheet export's end: ",,,") skipped; a row with fewer fields than the
 * header kept (a row without a spreadsheet's trailing unnamed columns is complete; callers refuse rows
 * short of a named column, each in its own way), one with more refused (a decimal comma, "0,8844", would
 * read as 0). Unnamed columns are left in the records for withoutUnnamed, which callers run after their
 * own check of short rows.
 * @throws BadFileError naming `file` (csvFailure) when csv-parse refuses the text.
 */
export function parseCsvTable(file: string, text: string): CsvTable {
  let width = 0;
  let named = 0;
  let namedText = "";
  let records: CsvTable["records"];
  try {
    records = parse(text, {
      columns: distinctColumns(file, (header) => {
        width = header.length;
        named = header.findLastIndex((name) => name !== "") + 1;
        // an unnamed column among them (pandas' index, ",arch,acc") is not counted as named
        namedText = header.slice(0, named).includes("")
          ? `${counted(named, "column")} through its last named one`
          : counted(named, "named column");
      }),
      info: true,
      // the line count alone kept of csv-parse's info (an object of 13 fields per row): 1,000,000 rows
      // read in 1.51 GB at peak (23 s) with it, in 1.22 GB (21 s) without
      on_record: ({ record, info }: { record: Record<string, string>; info: { lines: number } }) => ({
        record,
        info: { lines: info.lines },
      }),
      record_delimiter: LINE_ENDS,
      skip_empty_lines: true,
      relax_column_count_less: true,
      // they were refused as 'line 41: acc is ""' or 'decision "layer1" has no option'
      skip_records_with_empty_values: true,
      trim: true,
      bom: true,
    });
  } catch (e) {
    throw csvFailure(file, e);
  }
  return { records, lines: recordLines(records), width, named, namedText };
}
