import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "csv-parse/sync";
import { BadFileError } from "../errors.js";
import { columnName, csvFailure, distinctColumns, recordLines, withoutUnnamed } from "./csv-columns.js";

const read = (text: string) => parse(text, { columns: distinctColumns("runs.csv"), trim: true });

/** The records of `text` as the readers keep them: unnamed columns checked (withoutUnnamed) and removed. */
function check(text: string): Record<string, string>[] {
  const records: { record: Record<string, string>; info: { lines: number } }[] = parse(text, {
    columns: distinctColumns("runs.csv"),
    trim: true,
    info: true,
  });
  withoutUnnamed("runs.csv", records, recordLines(records));
  return records.map((r) => r.record);
}

test("a header of distinct columns is the record keys; unnamed trailing columns may repeat", () => {
  assert.deepEqual(read("a,b,c\n1,2,3\n"), [{ a: "1", b: "2", c: "3" }]);
  assert.deepEqual(check("a,b,,\n1,2,,\n"), [{ a: "1", b: "2" }]);
  assert.throws(() => read("a,b,a\n1,2,3\n"), /line 1 names column "a" twice/);
  // a quoted header name is trimmed like the cells (it kept its spaces: no column "val_acc")
  assert.deepEqual(read('a," val_acc "\n1," 0.5"\n'), [{ a: "1", val_acc: " 0.5" }]);
  assert.throws(() => read('a," a"\n1,2\n'), /line 1 names column "a" twice/);
});

test("a cell under an unnamed column is refused, naming the line: a decimal comma read as 0 there", () => {
  // "0,9" under a header with a trailing empty column: as many fields as the header, the value read as 0
  assert.throws(
    () => check("a,acc,\nx,0.8,\ny,0,9\n"),
    (e: Error) =>
      e instanceof BadFileError &&
      /^runs\.csv: line 3 holds "9" in column 3, which line 1 leaves unnamed; expected that column empty \(a decimal comma/.test(
        e.message,
      ),
  );
  // two unnamed columns keep their cells apart: the first one's cell is not hidden by the second's
  assert.throws(() => check("a,acc,,\nx,0,9,\n"), /line 2 holds "9" in column 3/);
  assert.deepEqual(check("a,acc,,\nx,0.9,, \n"), [{ a: "x", acc: "0.9" }]);
});

test("unnamed columns before the first named one are row labels, read by no one: pandas' index, R's row names", () => {
  // df.to_csv("runs.csv") (index kept): refused as 'line 2 holds "0" in column 1, which line 1 leaves unnamed'
  assert.deepEqual(check(",a,acc\n0,x,0.9\n1,y,0.8\n"), [
    { a: "x", acc: "0.9" },
    { a: "y", acc: "0.8" },
  ]);
  // write.csv in R: a quoted empty name, quoted row names
  assert.deepEqual(check('"","a","acc"\r\n"1","x","0.9"\r\n'), [{ a: "x", acc: "0.9" }]);
  // a decimal comma still lands in an unnamed column after a named one, and is refused
  assert.throws(() => check(",a,acc,\n0,x,0,9\n"), /line 2 holds "9" in column 4/);
});

test("a file separated by tabs or semicolons is named so at its header (it said 'Invalid Record Length: columns length is 1, got 3')", () => {
  const refused = (text: string, pattern: RegExp) =>
    assert.throws(
      () => read(text),
      (e: Error) => e instanceof BadFileError && pattern.test(e.message),
    );
  refused(
    "matrix\tops\ttop1\n011001000\tinput,c3,output\t70\n",
    /^runs\.csv: line 1 is one column "matrix\\tops\\ttop1", separated by tabs; expected columns separated by commas \(CSV\)$/,
  );
  refused(
    "lr;act;val_acc\n0.1;relu;0.5\n",
    /^runs\.csv: line 1 is one column "lr;act;val_acc", separated by semicolons; expected columns separated by commas \(CSV\)$/,
  );
  // one column holding neither is a one-column file, read as such
  assert.deepEqual(read("val_acc\n0.5\n"), [{ val_acc: "0.5" }]);
});

test("a title or comment line above the header is named so, not as a trailing or decimal comma in the rows below", () => {
  const failure = (text: string) => {
    try {
      read(text);
    } catch (e) {
      return csvFailure("runs.csv", e).message;
    }
    return "read";
  };
  assert.equal(
    failure("# exported 2026-12-01\nlayer1,width,val_acc\nmb3,16,0.9\n"),
    'runs.csv: line 1 is one column ("# exported 2026-12-01") and line 2 has 3 fields: is line 1 a title or a comment? expected the header, naming every column, on line 1',
  );
  assert.match(
    failure("sep=\nlayer1,width,val_acc\n"),
    /^runs\.csv: line 1 is one column \("sep="\) and line 2 has 3 fields/,
  );
  // a header of several columns keeps its message: a row longer than it
  assert.match(
    failure("layer1,val_acc\nmb3,0,9\n"),
    /^runs\.csv: line 2 has 3 fields, the header 2 columns; expected one field per column \(a trailing comma\? a decimal comma/,
  );
});

test("a record's line is where it starts, also after quoted cells spanning lines in a Windows file", () => {
  for (const nl of ["\n", "\r\n"]) {
    const text = [
      "matrix,ops,v",
      '"[[0 1]',
      ' [0 0]]","input,output",1',
      "",
      '011000000,"input,',
      'c,output",2',
      '0110,"a",3',
      "",
    ].join(nl);
    const records = parse(text, {
      columns: distinctColumns("runs.csv"),
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    assert.deepEqual(recordLines(records), [2, 5, 7], JSON.stringify(nl));
  }
});

test("header names are put in Unicode NFC; two spellings of one name are one column named twice", () => {
  const nfd = "u\u0308n\u0131\u0308";
  assert.deepEqual(read(`arch,${nfd}\nx,1\n`), [{ arch: "x", [nfd.normalize("NFC")]: "1" }]);
  assert.equal(columnName(nfd), nfd.normalize("NFC"));
  assert.throws(
    () => read(`caf\u00e9,cafe\u0301\n1,2\n`),
    (e: Error) => e instanceof BadFileError && /line 1 names column "caf\u00e9" twice/.test(e.message),
  );
});
