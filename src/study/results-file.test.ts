import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { Rng } from "../random.js";
import { ChoicesSpace } from "../spaces/choices.js";
import { createSpace } from "../spaces/kinds.js";
import { parseSpec } from "../spaces/spec.js";
import { TINY_SPEC, tinyDir, tinySpace } from "../testing/study-fixtures.js";
import { readArchitecturesFile, readResultsFile, resultsCsv } from "./results-file.js";
import type { Trial } from "./store.js";

const HEADER = "layer1,layer2,layer3,layer4,width,val_acc,notes";

function file(text: string): string {
  const path = join(tinyDir().dir, "results.csv");
  writeFileSync(path, text);
  return path;
}

test("a results file: decisions by option name, a number or failed, other columns ignored", () => {
  const rows = readResultsFile(
    file(`\uFEFF${HEADER}\nmb3,mb6,identity,mb3,32,0.91,first\n\nidentity,identity,mb6,mb6,16,FAILED,oom\n`),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(rows, [
    {
      line: 2,
      arch: [1, 2, 0, 1, 1],
      outcome: { value: 0.91 },
      written: { layer1: "mb3", layer2: "mb6", layer3: "identity", layer4: "mb3", width: "32" },
    },
    {
      line: 4,
      arch: [0, 0, 2, 2, 0],
      outcome: { failed: true },
      written: { layer1: "identity", layer2: "identity", layer3: "mb6", layer4: "mb6", width: "16" },
    },
  ]);
});

test("a file of mixed line ends (a CRLF header, rows appended with LF or CR) reads row by row, each named by its line", () => {
  const rows = readResultsFile(
    file(
      `${HEADER}\r\nmb3,mb6,identity,mb3,32,0.91,a\nmb6,mb6,mb6,mb6,16,0.8,b\rmb3,mb3,mb3,mb3,16,0.7,c\r\n`,
    ),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(
    rows.map(({ line, outcome }) => ({ line, outcome })),
    [
      { line: 2, outcome: { value: 0.91 } },
      { line: 3, outcome: { value: 0.8 } },
      { line: 4, outcome: { value: 0.7 } },
    ],
  );
  // it said "line 3 has 8 fields, the header 7 columns … a trailing comma? a decimal comma?"
  assert.throws(
    () =>
      readResultsFile(
        file(`${HEADER}\r\nmb3,mb6,identity,mb3,32,0.91,a\nmb6,mb6,mb6,mb6,16,0.8x,b\r\n`),
        tinySpace(),
        "val_acc",
      ),
    /line 3: .*0\.8x/,
  );
});

test("a spreadsheet's rows of empty cells (',,,,,') are no rows: skipped like empty lines, later lines still named", () => {
  const rows = readResultsFile(
    file(
      `${HEADER}\r\nmb3,mb6,identity,mb3,32,0.91,a\r\n,,,,,,\r\n , ,,,,"",\r\nmb6,mb6,mb6,mb6,16,0.8,b\r\n,,,,,,\r\n`,
    ),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(
    rows.map(({ line, outcome }) => ({ line, outcome })),
    [
      { line: 2, outcome: { value: 0.91 } },
      { line: 5, outcome: { value: 0.8 } },
    ],
  );
  // a row with one cell filled is a row: its empty decisions are refused by line
  assert.throws(
    () =>
      readResultsFile(file(`${HEADER}\nmb3,mb6,identity,mb3,32,0.91,a\n,,,,,0.5,\n`), tinySpace(), "val_acc"),
    /line 3: invalid cell: decision "layer1" has no option/,
  );
  // only rows of empty cells: no data rows, as a header-only file
  assert.throws(
    () => readResultsFile(file(`${HEADER}\n,,,,,,\n`), tinySpace(), "val_acc"),
    /has no data rows/,
  );
});

test("files joined with their header lines: a header repeated is passed over, one in another column order refused", () => {
  const first = `\uFEFF${HEADER}\r\nmb3,mb6,identity,mb3,32,0.91,a\r\n`;
  const rows = readResultsFile(
    file(`${first}\uFEFF${HEADER}\r\nmb6,mb6,mb6,mb6,16,0.8,b\r\n${HEADER.replaceAll(",", " , ")}\r\n`),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(
    rows.map(({ line, arch, outcome }) => ({ line, arch, outcome })),
    [
      { line: 2, arch: [1, 2, 0, 1, 1], outcome: { value: 0.91 } },
      { line: 4, arch: [2, 2, 2, 2, 0], outcome: { value: 0.8 } },
    ],
  );
  // a second file whose columns are in another order: its rows would be read under line 1's names
  const swapped = "layer2,layer1,layer3,layer4,width,val_acc,notes";
  assert.throws(
    () =>
      readResultsFile(
        file(`${first}${swapped}\r\nmb6,mb3,identity,mb3,32,0.9,c\r\n`),
        tinySpace(),
        "val_acc",
      ),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message ===
        `${e.message.split(": ")[0]}: line 3 is a header line (${swapped}) in another column order than line 1's (${HEADER}): ` +
          "files joined with their headers? join them with their columns in one order",
  );
  // a file of header lines only has no data rows
  assert.throws(
    () => readResultsFile(file(`${HEADER}\n${HEADER}\n`), tinySpace(), "val_acc"),
    /has no data rows/,
  );
});

test("a bad results file is refused at its first bad row, by line", () => {
  const space = tinySpace();
  const refuses = (text: string, pattern: RegExp) =>
    assert.throws(
      () => readResultsFile(file(text), space, "val_acc"),
      (e: Error) => e instanceof BadFileError && pattern.test(e.message),
    );
  refuses(
    `${HEADER}\nmb3,mb6,identity,mb3,32,0.91,a\nmb3,mb6,identity,mb3,32,,b\n`,
    /line 3: val_acc is ""; expected a decimal number, or "failed"/,
  );
  refuses(`${HEADER}\nmb3,mb6,identity,mb3,32,0.9x,a\n`, /line 2: val_acc is "0\.9x"/);
  refuses(
    `${HEADER}\nmb3,mb6,identity,mb3,48,0.9,a\n`,
    /line 2: invalid cell: "48" is not an option of decision "width"/,
  );
  refuses(
    `${HEADER}\nmb3,mb6,identity\n`,
    /line 2 has 3 fields, the header 7 columns; expected one field per column \(a row cut short\?\)/,
  );
  // it said "not a readable CSV: Invalid Record Length: columns length is 7, got 8 on line 2"
  refuses(
    `${HEADER}\nmb3,mb6,identity,mb3,32,0.9,a,\n`,
    /line 2 has 8 fields, the header 7 columns; .*\(a trailing comma\?/,
  );
  refuses(`${HEADER}\n`, /has no data rows/);
  refuses("layer1,acc\nmb3,0.9\n", /no column "layer2", "layer3", "layer4", "width", "val_acc"/);
});

test("a results file's target cannot be one of the architecture's columns", () => {
  assert.throws(
    () => readResultsFile(file(`${HEADER}\nmb3,mb6,identity,mb3,32,0.91,first\n`), tinySpace(), "layer2"),
    /the target "layer2" is also a column of tiny's architectures/,
  );
});

test("a results file's values are decimal numbers, each column named once, UTF-8", () => {
  const space = tinySpace();
  const row = "mb3,mb6,identity,mb3,32";
  for (const [value, shown] of [
    ["0x1", '"0x1"'],
    ["0b1", '"0b1"'],
    ["Infinity", '"Infinity"'],
    ["1e400", '"1e400"'],
  ])
    assert.throws(
      () => readResultsFile(file(`${HEADER}\n${row},${value},x\n`), space, "val_acc"),
      new RegExp(`line 2: val_acc is ${shown}; expected a decimal number, or "failed"`),
    );
  // a value read as 0 or Infinity is refused with the reason --value gives (1e-400 was told as 0)
  assert.throws(
    () => readResultsFile(file(`${HEADER}\n${row},1e-400,x\n`), space, "val_acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.endsWith(
        `line 2: val_acc is "1e-400"; expected a decimal number, or "failed" for a run that did not finish; ` +
          "1e-400 is closer to 0 than the smallest number (about 5e-324)",
      ),
  );
  assert.throws(
    () => readResultsFile(file(`${HEADER}\n${row},1e309,x\n`), space, "val_acc"),
    /line 2: val_acc is "1e309"; .*; 1e309 is beyond the largest number \(about 1\.8e308\)$/,
  );
  // a value that ends at its point is what 0.61 reads as when the file was cut there (it was told 0)
  assert.throws(
    () => readResultsFile(file(`${HEADER}\n${row},0.5,x\n${row.replace("32", "16")},0.,x`), space, "val_acc"),
    /line 3: val_acc is "0\."; expected a decimal number with digits after its point \(a value cut short\?\), or "failed"/,
  );
  assert.deepEqual(readResultsFile(file(`${HEADER}\n${row},-0.5e-1,x\n`), space, "val_acc")[0].outcome, {
    value: -0.05,
  });
  assert.throws(
    () => readResultsFile(file(`${HEADER},val_acc\n${row},0.5,x,0.9\n`), space, "val_acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      /line 1 names column "val_acc" twice; expected each column once/.test(e.message),
  );
  const utf16 = file("");
  writeFileSync(utf16, Buffer.from(`\uFEFF${HEADER}\n${row},0.5,x\n`, "utf16le"));
  assert.throws(() => readResultsFile(utf16, space, "val_acc"), /is not UTF-8 text \(UTF-16/);
  // Latin-1 (Excel's plain "CSV" on Windows): it read "caf\uFFFD", a column or option not found
  const latin1 = file("");
  writeFileSync(latin1, Buffer.from(`${HEADER}\n${row},0.5,caf\u00e9\n`, "latin1"));
  assert.throws(
    () => readResultsFile(latin1, space, "val_acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message ===
        `${latin1}: is not UTF-8 text (byte 0xE9 at line 2 is not UTF-8; Latin-1 or Windows-1252?); save it as UTF-8 CSV`,
  );
});

test("a spreadsheet's trailing unnamed columns (x,y,val,,) are ignored like other extra columns; a named one twice is not", () => {
  const rows = readResultsFile(
    file(`${HEADER},,\r\nmb3,mb6,identity,mb3,32,0.91,first,,\r\n`),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(rows, [
    {
      line: 2,
      arch: [1, 2, 0, 1, 1],
      outcome: { value: 0.91 },
      written: { layer1: "mb3", layer2: "mb6", layer3: "identity", layer4: "mb3", width: "32" },
    },
  ]);
  assert.throws(
    () =>
      readResultsFile(file(`${HEADER},notes\nmb3,mb6,identity,mb3,32,0.91,a,b\n`), tinySpace(), "val_acc"),
    /line 1 names column "notes" twice; expected each column once/,
  );
  // an unquoted decimal comma under such a header: the row has as many fields as the header, and its
  // value read as 0 (imported as a result of 0) while the "91" went to the unnamed column
  assert.throws(
    () => readResultsFile(file(`${HEADER},\nmb3,mb6,identity,mb3,32,0,91,first\n`), tinySpace(), "val_acc"),
    /results\.csv: line 2 holds "first" in column 8, which line 1 leaves unnamed; expected that column empty/,
  );
});

test("a results file written by pandas with its index (,layer1,…) reads, the index column ignored", () => {
  // df.to_csv("results.csv") keeps the index as an unnamed first column: refused since unnamed columns
  // were checked ('line 2 holds "0" in column 1, which line 1 leaves unnamed')
  const rows = readResultsFile(
    file(`,${HEADER}\n0,mb3,mb6,identity,mb3,32,0.91,a\n1,mb6,mb3,identity,mb3,32,0.9,b\n`),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(
    rows.map((r) => [r.line, r.outcome]),
    [
      [2, { value: 0.91 }],
      [3, { value: 0.9 }],
    ],
  );
});

test("a results file named by an empty path or a folder says so (it said ': cannot read: ENOENT … open ''' and 'EISDIR')", () => {
  const { dir } = tinyDir();
  assert.throws(
    () => readResultsFile("", tinySpace(), "val_acc"),
    (e: Error) =>
      e instanceof UserError &&
      /^an empty file name; expected a results file, CSV or JSON Lines \(the architecture's columns and val_acc\)$/.test(
        e.message,
      ),
  );
  assert.throws(
    () => readResultsFile(dir, tinySpace(), "val_acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message ===
        `${dir}: is a folder; expected a results file, CSV or JSON Lines (the architecture's columns and val_acc)`,
  );
  // a missing file, standard input, JSON (what ask --json prints) are each named in plain words
  assert.throws(
    () => readResultsFile(join(dir, "none.csv"), tinySpace(), "val_acc"),
    /none\.csv: no such file$/,
  );
  assert.throws(
    () => readResultsFile("-", tinySpace(), "val_acc"),
    /Error: -: no such file \(standard input is not read here: give the file's name\)$/,
  );
  writeFileSync(join(dir, "asked.json"), '[{"arch": {"a": 1}, "predicted": 0.9}]\n');
  assert.throws(
    () => readResultsFile(join(dir, "asked.json"), tinySpace(), "val_acc"),
    /asked\.json: is one JSON array; expected a results file, CSV or JSON Lines \(the architecture's columns and val_acc\): write JSON Lines, one object per line \(e\.g\. jq -c '\.\[\]'\)$/,
  );
});

test("a JSON Lines results file reads as the same rows as the CSV: numbers, failed, lists as JSON text", () => {
  const dir = tinyDir().dir;
  const jsonl = join(dir, "results.jsonl");
  writeFileSync(
    jsonl,
    '{"layer1":"mb3","layer2":"mb6","layer3":"identity","layer4":"mb3","width":32,"val_acc":0.91,"notes":[1]}\n\n' +
      '{"layer1":"identity","layer2":"identity","layer3":"mb6","layer4":"mb6","width":"16","val_acc":"failed"}\n',
  );
  const csv = join(dir, "results.csv");
  writeFileSync(csv, `${HEADER}\nmb3,mb6,identity,mb3,32,0.91,x\n\nidentity,identity,mb6,mb6,16,failed,\n`);
  const read = (path: string) => readResultsFile(path, tinySpace(), "val_acc");
  // the same rows; lines are the file's own (a JSON Lines file has no header line)
  assert.deepEqual(
    read(jsonl).map(({ line: _, ...row }) => row),
    read(csv).map(({ line: _, ...row }) => row),
  );
  assert.deepEqual(
    read(jsonl).map((r) => r.line),
    [1, 3],
  );
  // every bad line is named, as a CSV's are
  const refused = (text: string, pattern: RegExp) => {
    writeFileSync(jsonl, text);
    assert.throws(
      () => readResultsFile(jsonl, tinySpace(), "val_acc"),
      (e: Error) => e instanceof BadFileError && pattern.test(e.message),
    );
  };
  const row = '{"layer1":"mb3","layer2":"mb6","layer3":"identity","layer4":"mb3","width":32';
  refused(
    `${row},"val_acc":0.9}\n${row}}\n`,
    /results\.jsonl: line 2 has no "val_acc"; each line of a results file holds layer1, layer2, layer3, layer4, width, val_acc \(found layer1, layer2, layer3, layer4, width\)$/,
  );
  // a CSV header in another case: the message says so (the two lists alone left it to be spotted)
  const cased = join(dir, "cased.csv");
  writeFileSync(cased, "Layer1,layer2,layer3,layer4,width,Val_Acc\nmb3,mb6,identity,mb3,32,0.9\n");
  assert.throws(
    () => readResultsFile(cased, tinySpace(), "val_acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      /no column "layer1", "val_acc"; .*\(found Layer1, .*Val_Acc\): "Layer1" is "layer1" in another case, "Val_Acc" is "val_acc" in another case, and column names are compared case included$/.test(
        e.message,
      ),
  );
  // ask --json's object with a value added: the columns are nested in "arch", and the message says so
  refused(
    '{"arch":{"layer1":"mb3","layer2":"mb6","layer3":"identity","layer4":"mb3","width":32},"val_acc":0.9}\n',
    /line 1 has no "layer1", .*\(found arch, val_acc\): the architecture is nested in "arch", as ask --json writes it; put its keys at the top level of each line, beside val_acc \(jq -c '\.arch \+ \{val_acc: \.val_acc\}'\)$/,
  );
  // a JSON null, true or list is shown as JSON, not quoted as the text "null" a file might hold
  refused(
    `${row},"val_acc":null}\n`,
    /results\.jsonl: line 1: val_acc is null; expected a decimal number, or "failed"/,
  );
  refused(`${row},"val_acc":true}\n`, /results\.jsonl: line 1: val_acc is true; expected a decimal number/);
  refused(
    `${row},"val_acc":[0.9]}\n`,
    /results\.jsonl: line 1: val_acc is \[0\.9\]; expected a decimal number/,
  );
  refused(
    `${row},"val_acc":"null"}\n`,
    /results\.jsonl: line 1: val_acc is "null"; expected a decimal number/,
  );
  refused(
    `${row},"val_acc":1e-400}\n`,
    /results\.jsonl: line 1 holds a number that cannot be read as written/,
  );
  refused(
    `${row},"val_acc":0.9}\n[1,2]\n${row},"val_acc":0.8}\n`,
    /results\.jsonl: line 2 is not a JSON object/,
  );
  refused(`${row},"val_acc":0.9,"val_acc":0.8}\n`, /line 1 names "val_acc" twice/);
  refused(
    `${row},"val_acc":0.9}\n${row},"val_acc":0.`,
    /the last line \(2\) is not a JSON object .* and has no line end: the file ends cut short/,
  );
  // keys that are one column once trimmed and in NFC, as a CSV header's are: refused, not the last kept
  refused(
    `${row},"val_acc":0.9,"width ":16}\n`,
    /results\.jsonl: line 1 names column "width" twice \(as "width" and "width "\); expected each column once$/,
  );
  refused(
    `{"layer1":"mb3","layer2":"mb6","layer3":"identity","layer4":"mb3","width":32,"val_acc":0.9,"caf\u00e9":1,"cafe\u0301":2}\n`,
    /results\.jsonl: line 1 names column "caf\u00e9" twice/,
  );
  // pandas' df.to_json() default, one object of columns: said so, not "… is not an option of decision layer1"
  refused(
    '{"layer1":{"0":"mb3","1":"mb6"},"layer2":{"0":"mb6","1":"mb6"},"layer3":{"0":"identity","1":"mb6"},' +
      '"layer4":{"0":"mb3","1":"mb6"},"width":{"0":32,"1":16},"val_acc":{"0":0.91,"1":0.85}}\n',
    /results\.jsonl: line 1: val_acc is an object \(\{"0":0\.91,"1":0\.85\}\), not a number: one object of columns, as pandas' df\.to_json\(\) writes by default\? a results file holds one object per architecture: df\.to_json\(path, orient="records", lines=True\)$/,
  );
  // JSON Lines under a .csv name is named, not read as a CSV with a parser's message
  writeFileSync(csv, `${row},"val_acc":0.9}\n`);
  assert.throws(
    () => readResultsFile(csv, tinySpace(), "val_acc"),
    /results\.csv: holds JSON Lines but is named \.csv; name it \.jsonl, or write it as CSV$/,
  );
});

test("a workbook, a study file or another binary file given as results is named for what it is (it said 'UTF-16?')", () => {
  const space = tinySpace();
  const path = file("");
  const said = (bytes: Buffer, pattern: RegExp) => {
    writeFileSync(path, bytes);
    assert.throws(
      () => readResultsFile(path, space, "val_acc"),
      (e: Error) => e instanceof BadFileError && pattern.test(e.message),
    );
  };
  // an Excel workbook is a zip archive; a study is an SQLite database
  said(
    Buffer.concat([Buffer.from("PK\u0003\u0004\u0014\u0000\u0006\u0000"), Buffer.alloc(64)]),
    /: is a zip archive \(an Excel \.xlsx workbook\?\), not text; save it as CSV UTF-8/,
  );
  said(
    Buffer.concat([Buffer.from("SQLite format 3\u0000"), Buffer.alloc(84)]),
    /: is an SQLite database \(a study file\?\), not text; expected a results file, CSV or JSON Lines/,
  );
  said(
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48]),
    /: is a binary file, not text; expected a results file, CSV or JSON Lines/,
  );
  // UTF-16 big-endian without a byte-order mark: every other byte zero
  said(Buffer.from(`${HEADER}\n`, "utf16le").swap16(), /is not UTF-8 text \(UTF-16/);
});

test('a header saved decomposed (NFD) names the composed target and decision columns (it said: no column "ünï")', () => {
  const nfd = (s: string) => s.normalize("NFD");
  const target = "\u00fcn\u00ef"; // ünï composed, as typed on --target
  const space = new ChoicesSpace(
    parseSpec({
      name: "u",
      kind: "choices",
      decisions: [
        { name: "caf\u00e9", options: ["cr\u00e8me", "noir"] },
        { name: "width", options: [16, 32] },
      ],
    }) as never,
  );
  assert.notEqual(nfd(target), target);
  const rows = readResultsFile(
    file(`${nfd("caf\u00e9")},width,${nfd(target)}\n${nfd("cr\u00e8me")},32,0.8\nnoir,16,0.7\n`),
    space,
    target,
  );
  assert.deepEqual(rows, [
    // the architecture's columns as written (the option decomposed), keyed by the space's names
    {
      line: 2,
      arch: [0, 1],
      outcome: { value: 0.8 },
      written: { "caf\u00e9": nfd("cr\u00e8me"), width: "32" },
    },
    { line: 3, arch: [1, 0], outcome: { value: 0.7 }, written: { "caf\u00e9": "noir", width: "16" } },
  ]);
  // a column truly missing is still named
  assert.throws(
    () => readResultsFile(file(`${nfd("caf\u00e9")},width,acc\nnoir,16,0.7\n`), space, target),
    (e: Error) =>
      e instanceof BadFileError &&
      /no column "ünï"; a results file for u has the columns café, width, ünï/.test(e.message),
  );
});

test("a JSON Lines line without a column named like an object's own method (toString) is refused by name, not a crash", () => {
  const space = new ChoicesSpace(
    parseSpec({
      name: "proto",
      kind: "choices",
      decisions: [
        { name: "constructor", options: ["a", "b"] },
        { name: "width", options: [16, 32] },
      ],
    }) as never,
  );
  const file = join(tinyDir().dir, "proto.jsonl");
  // the target missing: it was "internal error: TypeError: raw.toLowerCase is not a function"
  writeFileSync(file, '{"constructor":"a","width":16}\n');
  assert.throws(
    () => readResultsFile(file, space, "toString"),
    (e: unknown) =>
      e instanceof BadFileError &&
      e.message ===
        `${file}: line 1 has no "toString"; each line of a results file holds constructor, width, toString (found constructor, width)`,
  );
  // a decision missing: it was read as a value that is a function
  writeFileSync(file, '{"width":16,"toString":0.5}\n');
  assert.throws(() => readResultsFile(file, space, "toString"), /line 1 has no "constructor"; each line/);
  writeFileSync(file, '{"constructor":"b","width":32,"toString":0.5}\n');
  assert.equal(readResultsFile(file, space, "toString").length, 1);
});

test('an empty target name is refused as no name, not looked for as a column ("has the columns …,  (found …)")', () => {
  const path = file(`${HEADER}\nmb3,mb6,identity,mb3,32,0.91,a\n`);
  assert.throws(
    () => readResultsFile(path, tinySpace(), ""),
    (e: Error) =>
      e instanceof UserError &&
      !(e instanceof BadFileError) &&
      e.message === 'readResultsFile needs the target column\'s name, got ""',
  );
});

test("a row without the header's trailing unnamed columns holds every column read, as label files read it; a row short of a named one is cut short", () => {
  // a spreadsheet's export ("…,val_acc,,") with a row appended by hand: data labels read the file,
  // study create --import and tell --file refused it as "line 4 has 6 fields, the header 8 columns"
  const header = "layer1,layer2,layer3,layer4,width,val_acc,,";
  const rows = readResultsFile(
    file(`${header}\r\nmb3,mb6,identity,mb3,32,0.91,,\r\nmb3,mb3,mb3,mb3,16,0.9\r\nmb6,mb3,mb3,mb3,16,0.8\n`),
    tinySpace(),
    "val_acc",
  );
  assert.deepEqual(
    rows.map((r) => [r.line, r.outcome]),
    [
      [2, { value: 0.91 }],
      [3, { value: 0.9 }],
      [4, { value: 0.8 }],
    ],
  );
  assert.throws(
    () =>
      readResultsFile(
        file(`${header}\nmb3,mb6,identity,mb3,32,0.91,,\nmb3,mb3,mb3,mb3,16\n`),
        tinySpace(),
        "val_acc",
      ),
    (e: Error) =>
      e instanceof BadFileError &&
      /line 3 has 5 fields, the header 8 columns; expected one field per column \(a row cut short\?\)/.test(
        e.message,
      ),
  );
});

test("resultsCsv writes a study's told trials as a results file readResultsFile reads back: each kind, failed, pending left out, trial order, values exact", async () => {
  for (const spec of [
    TINY_SPEC,
    { name: "e3", kind: "edge-cell", nodes: 4, ops: ["none", "skip", "conv"], zero: "none" },
    // a matrix holds commas: the field is quoted
    { name: "v4", kind: "vertex-cell", maxVertices: 4, maxEdges: 5, ops: ["a", "b"] },
  ]) {
    const space = await createSpace(parseSpec(spec), { cacheDir: tinyDir().dir });
    const archs = space.sample(new Rng(1), 6);
    const numbers = [3, 1, 2, 6, 5, 4];
    const trials: Trial[] = archs.map((arch, k) => ({
      number: numbers[k],
      key: space.key(arch),
      arch: space.jsonOf(arch),
      state: k === 1 ? "failed" : k === 4 ? "pending" : "done",
      // a value of 17 digits and one on another scale: written as told
      value: k === 1 || k === 4 ? null : k === 0 ? 0.1 + 0.2 : 0.5 + k / 7,
      predicted: k === 0 ? 0.6123 : null,
      reason: k === 0 ? "exploit" : null,
      askedAt: k === 0 ? "2026-12-03T10:00:00.000Z" : null,
      toldAt: k === 4 ? null : "2026-12-03T11:00:00.000Z",
    }));
    const { text, rows } = resultsCsv(space, trials, "val_acc");
    assert.equal(rows, 5, spec.name);
    assert.equal(
      text.split("\n")[0],
      ["trial", "asked_at", "told_at", "reason", "predicted", ...space.columns, "val_acc"].join(","),
    );
    const read = readResultsFile(file(text), space, "val_acc");
    const told = trials.filter((t) => t.state !== "pending").sort((a, b) => a.number - b.number);
    assert.deepEqual(
      read.map((r) => space.key(r.arch)),
      told.map((t) => t.key),
      spec.name,
    );
    assert.deepEqual(
      read.map((r) => r.outcome),
      told.map((t) => (t.state === "failed" ? { failed: true } : { value: t.value })),
      spec.name,
    );
    // the first told row (trial 1 is the failed one) and the asked one's facts
    const lines = text.trim().split("\n");
    assert.match(lines[1], /^1,,2026-12-03T11:00:00.000Z,,,.*,failed$/);
    assert.match(
      lines[3],
      /^3,2026-12-03T10:00:00.000Z,2026-12-03T11:00:00.000Z,exploit,0.6123,.*,0.30000000000000004$/,
    );
  }
});

test("resultsCsv names its own columns study_NAME where a decision or the target has the name", () => {
  const space = new ChoicesSpace(
    parseSpec({
      name: "clash",
      kind: "choices",
      decisions: [
        { name: "reason", options: ["a", "b"] },
        { name: "trial", options: [1, 2] },
      ],
    }) as never,
  );
  const arch = space.sample(new Rng(0), 1)[0];
  const trial: Trial = {
    number: 1,
    key: space.key(arch),
    arch: space.jsonOf(arch),
    state: "done",
    value: 0.5,
    predicted: null,
    reason: null,
    askedAt: null,
    toldAt: "2026-12-03T11:00:00.000Z",
  };
  const { text } = resultsCsv(space, [trial], "predicted");
  assert.equal(
    text.split("\n")[0],
    "study_trial,asked_at,told_at,study_reason,study_predicted,reason,trial,predicted",
  );
  const [row] = readResultsFile(file(text), space, "predicted");
  assert.deepEqual(row.outcome, { value: 0.5 });
  assert.equal(space.key(row.arch), trial.key);
});

test("resultsCsv refuses what is no space, no trials or no target in one line (it was a TypeError)", () => {
  const space = new ChoicesSpace(
    parseSpec({ name: "one", kind: "choices", decisions: [{ name: "d", options: ["a", "b"] }] }) as never,
  );
  const refused = (args: unknown[], message: RegExp) =>
    assert.throws(
      () => (resultsCsv as (...a: unknown[]) => unknown)(...args),
      (e: unknown) => e instanceof UserError && message.test(e.message),
    );
  refused(
    [],
    /^resultsCsv needs the study's space \(study\.space, or a space made from a spec\), got undefined$/,
  );
  refused([{ name: "x" }, [], "t"], /^resultsCsv needs the study's space/);
  refused(
    [space, undefined, "t"],
    /^resultsCsv needs the study's trials \(await study\.trials\(\)\), got undefined$/,
  );
  refused([space, [], ""], /^resultsCsv needs the target column's name, got ""$/);
  assert.equal(resultsCsv(space, [], "t").text, "trial,asked_at,told_at,reason,predicted,d,t\n");
});

test("an export of a study with nothing told reads as no results (a study moves empty); another header-only file is refused", () => {
  const space = tinySpace();
  const empty = resultsCsv(space, [], "val_acc").text;
  assert.deepEqual(readResultsFile(file(empty), space, "val_acc"), []);
  // the export of another target, or a user's own header line alone, still says there is nothing to read
  assert.throws(
    () => readResultsFile(file(resultsCsv(space, [], "top1").text), space, "val_acc"),
    /has no data rows/,
  );
  assert.throws(() => readResultsFile(file(`${HEADER}\n`), space, "val_acc"), /has no data rows/);
});

test("a file of architectures (predict --study's candidates): CSV or JSON Lines, other columns passed over, a bad row named", () => {
  const { dir } = tinyDir();
  const space = tinySpace();
  const csv = join(dir, "candidates.csv");
  // a results file is one too: its value column is passed over
  writeFileSync(
    csv,
    "layer1,layer2,layer3,layer4,width,val_acc\nmb3,mb6,identity,mb3,16,0.9\nmb6,mb6,mb6,mb6,32,\n",
  );
  assert.deepEqual(
    readArchitecturesFile(csv, space).map((r) => ({ line: r.line, arch: space.jsonOf(r.arch) })),
    [
      { line: 2, arch: { layer1: "mb3", layer2: "mb6", layer3: "identity", layer4: "mb3", width: 16 } },
      { line: 3, arch: { layer1: "mb6", layer2: "mb6", layer3: "mb6", layer4: "mb6", width: 32 } },
    ],
  );
  const jsonl = join(dir, "candidates.jsonl");
  writeFileSync(jsonl, '{"layer1":"mb3","layer2":"mb6","layer3":"identity","layer4":"mb3","width":16}\n');
  assert.equal(readArchitecturesFile(jsonl, space).length, 1);
  // files joined with their headers: the second header is no row
  writeFileSync(
    csv,
    "layer1,layer2,layer3,layer4,width\nmb3,mb6,identity,mb3,16\nlayer1,layer2,layer3,layer4,width\nmb6,mb6,mb6,mb6,32\n",
  );
  assert.deepEqual(
    readArchitecturesFile(csv, space).map((r) => r.line),
    [2, 4],
  );
  writeFileSync(csv, "layer1,layer2,layer3,layer4,width\nmb3,mb6,identity,mb3,16\nmb3,mb9,identity,mb3,16\n");
  assert.throws(
    () => readArchitecturesFile(csv, space),
    (e: Error) => e instanceof BadFileError && /candidates\.csv: line 3: .*mb9/.test(e.message),
  );
  writeFileSync(csv, "layer1,layer2,width\nmb3,mb6,16\n");
  assert.throws(
    () => readArchitecturesFile(csv, space),
    /no column "layer3", "layer4"; a file of architectures for tiny has the columns layer1, layer2, layer3, layer4, width/,
  );
  writeFileSync(jsonl, '{"arch":{"layer1":"mb3"}}\n');
  assert.throws(
    () => readArchitecturesFile(jsonl, space),
    /each line of a file of architectures holds .*nested in "arch", as ask --json writes it; .*\(jq -c '\.arch'\)/,
  );
  // a program forgetting the space: one UserError, not a TypeError reading 'columns' (tester X)
  assert.throws(
    () => readArchitecturesFile(csv, undefined as never),
    (e: Error) =>
      e instanceof UserError &&
      /^readArchitecturesFile needs the space the file's architectures belong to \(a space made from a spec\), got undefined$/.test(
        e.message,
      ),
  );
  // the file and the space swapped (tester Z: "got a value of type object")
  assert.throws(
    () => readArchitecturesFile(space as never, csv as never),
    /^UserError: readArchitecturesFile takes the file first, then the space: readArchitecturesFile\(file, space\)$/,
  );
  // a space not awaited (a promise) was shown as "got {}" (tester Y)
  assert.throws(
    () => readArchitecturesFile(csv, Promise.resolve(space) as never),
    /belong to \(a space made from a spec\), got a Promise \(not awaited\?\)$/,
  );
});
