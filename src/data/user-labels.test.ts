import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { Rng } from "../random.js";
import { matrixText } from "../spaces/nb101/cell.js";
import type { Nb101Space } from "../spaces/nb101/space.js";
import { Nb201Space } from "../spaces/nb201/space.js";
import { testData, testSpace } from "../testing/fixtures.js";
import { isomorphicVariant } from "../testing/nb101-variants.js";
import {
  duplicateLine,
  readCellFile,
  readUserLabels,
  requireLabelSpread,
  targetCandidates,
  targetRequired,
} from "./user-labels.js";

let nb101: Nb101Space;
let nb201: Nb201Space;
const dir = mkdtempSync(join(tmpdir(), "nas-assay-user-labels-"));
after(() => rmSync(dir, { recursive: true, force: true }));
before(async () => {
  nb101 = await testSpace();
  nb201 = Nb201Space.load(testData());
});

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test("NAS-Bench-101 CSV: both matrix forms, isomorphic duplicates averaged, bad rows refused by line, failed runs left out", () => {
  const a = nb101.cell(67206);
  const variant = isomorphicVariant(a, new Rng(4));
  const b = nb101.cell(5);
  const csv = [
    "matrix,ops,val_acc,notes",
    `${matrixText(a.matrix)},"${a.ops.join(",")}",0.93,first`,
    `"${JSON.stringify(variant.matrix)}","${JSON.stringify(variant.ops).replaceAll('"', '""')}",0.91,isomorphic`,
    `${matrixText(b.matrix)},"${b.ops.join(",")}",0.85,`,
    `0100,"input,output",Failed,did not finish`,
  ].join("\n");
  const labels = readUserLabels(write("runs.csv", csv), nb101, "val_acc");
  assert.equal(labels.rows, 4);
  assert.deepEqual(labels.failed, [5]);
  assert.deepEqual(Array.from(labels.ids), [67206, 5]);
  assert.ok(Math.abs(labels.values[0] - 0.92) < 1e-12);
  assert.equal(labels.values[1], 0.85);
  assert.deepEqual(labels.duplicates, [{ id: 67206, lines: [2, 3], values: [0.93, 0.91] }]);
  // the same rows with mixed line ends (a CRLF header, rows appended by tools writing LF or CR): it
  // read two rows as one and refused it as "line 3 has 5 fields … a trailing comma?"
  const lines = csv.split("\n");
  const mixed = readUserLabels(
    write("mixed.csv", `${lines[0]}\r\n${lines[1]}\n${lines[2]}\r${lines[3]}\r\n${lines[4]}\n`),
    nb101,
    "val_acc",
  );
  assert.deepEqual(mixed, { ...labels, file: mixed.file });
  // rows that cannot be used: refused by line (train and predict went on without them, exit 0)
  const bad = [
    csv,
    `0100,"input,output",NaN,nan label`,
    `01100,"input,output",0.5,not square`,
    `0100,"input,conv5x5",0.5,bad op`,
    `0100,"input,conv5x5",0.5,bad op again`,
  ].join("\n");
  assert.throws(
    () => readUserLabels(write("bad.csv", bad), nb101, "val_acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      /bad\.csv: line 6: val_acc is "NaN"; expected a decimal number.*; line 7: .*matrix-square.*; line 8: .*last op.*; and 1 more rows \(expected every row a nb101 cell with a decimal val_acc, or "failed" for a run that did not finish; fix or remove those rows\)$/.test(
        e.message,
      ),
  );
  // a failed run of no cell is refused, as tell --file refuses it; a long value is cut in the message
  const arch = nb201.arch(7);
  assert.throws(
    () => readUserLabels(write("failed-bad.csv", `arch,acc\n${arch},0.5\n|bogus~0|,failed\n`), nb201, "acc"),
    /failed-bad\.csv: line 3: /,
  );
  const junk = "x".repeat(5000);
  assert.throws(
    () =>
      readUserLabels(write("junk.csv", `arch,acc\n${arch},0.5\n${nb201.arch(8)},${junk}\n`), nb201, "acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.length < 400 &&
      /acc is "x{39}…; expected a decimal number \(/.test(e.message),
  );
  // every row bad: the rows named and counted as when some are good
  assert.throws(
    () =>
      readUserLabels(
        write("all-bad.csv", `arch,acc\n${[1, 2, 3, 4, 5].map((k) => `${nb201.arch(k)},nan`).join("\n")}\n`),
        nb201,
        "acc",
      ),
    /all-bad\.csv: no row gave a valid nb201 cell with a numeric acc: line 2: .*; and 2 more rows \(expected every row/,
  );
  assert.throws(
    () =>
      readUserLabels(
        write("all-failed.csv", "arch,acc\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,failed\n"),
        nb201,
        "acc",
      ),
    /every row's acc is "failed"; expected rows with a decimal acc to learn from/,
  );
});

test("JSONL for both spaces, and the error cases", () => {
  const cell = nb101.cell(307498);
  const jsonl = [
    JSON.stringify({ matrix: cell.matrix, ops: cell.ops, acc: 94.6 }),
    JSON.stringify({ cell: JSON.stringify(cell), acc: 94.0 }),
  ].join("\n");
  const l101 = readUserLabels(write("runs.jsonl", jsonl), nb101, "acc", "percent");
  assert.deepEqual(Array.from(l101.ids), [307498]);
  assert.ok(Math.abs(l101.values[0] - 0.943) < 1e-12, "percentages are read as fractions");
  assert.equal(l101.scale, "percent");
  assert.equal(readUserLabels(write("runs.jsonl", jsonl), nb101, "acc", "none").values[0], 94.3);
  assert.throws(
    () => readUserLabels(write("runs.jsonl", `${jsonl}\nnot json\n`), nb101, "acc", "percent"),
    /runs\.jsonl: line 3: /,
  );

  const arch = nb201.arch(42);
  const l201 = readUserLabels(write("201.jsonl", `${JSON.stringify({ arch, top1: 0.7 })}\n`), nb201, "top1");
  assert.deepEqual(Array.from(l201.ids), [42]);
  assert.throws(
    () => readUserLabels(write("201.csv", `arch,top1\n${arch},0.7\n|none~0|,0.1\n`), nb201, "top1"),
    /201\.csv: line 3: .*fix or remove those rows/,
  );

  assert.throws(
    () => readUserLabels(write("t.csv", 'matrix,ops,acc\n0100,"input,output",1\n'), nb101, "val"),
    (e: Error) =>
      e instanceof UserError && /no column "val" for --target; columns are matrix, ops, acc/.test(e.message),
  );
  assert.throws(
    () => readUserLabels(write("none.csv", "matrix,ops,acc\n0110,x,1\nzz,y,2\n"), nb101, "acc"),
    (e: Error) => e instanceof BadFileError && /no row gave a valid nb101 cell.*line 2/.test(e.message),
  );
  assert.throws(
    () => readUserLabels(write("empty.csv", "matrix,ops,acc\n"), nb101, "acc"),
    /has no data rows/,
  );
  assert.throws(() => readUserLabels(join(dir, "absent.csv"), nb101, "acc"), /absent\.csv: no such file$/);
  assert.throws(() => readUserLabels(write("x.jsonl", "a\nb\n"), nb101, "acc"), /no line is a JSON object/);
});

test("JSONL with a byte-order mark keeps its first row; 0x1F is not a number; a duplicated header is refused", () => {
  const cell = nb101.cell(67206);
  const first = JSON.stringify({ matrix: cell.matrix, ops: cell.ops, acc: 0.93 });
  const second = JSON.stringify({ matrix: nb101.cell(5).matrix, ops: nb101.cell(5).ops, acc: 0.85 });
  const bom = readUserLabels(write("bom.jsonl", `\uFEFF${first}\n${second}\n`), nb101, "acc");
  assert.deepEqual(Array.from(bom.ids), [67206, 5]);
  assert.deepEqual(bom.failed, []);
  const csvBom = readUserLabels(write("bom.csv", `\uFEFFarch,acc\n${nb201.arch(3)},0.5\n`), nb201, "acc");
  assert.deepEqual(Array.from(csvBom.ids), [3]);

  assert.throws(
    () =>
      readUserLabels(
        write("hex.csv", `arch,acc\n${nb201.arch(1)},0x1F\n${nb201.arch(2)},0.5\n`),
        nb201,
        "acc",
      ),
    /hex\.csv: line 2: acc is "0x1F"; expected a decimal number \(/,
  );
  assert.throws(
    () => readUserLabels(write("hex1.csv", `arch,acc\n${nb201.arch(1)},0x1F\n`), nb201, "acc"),
    /no row gave a valid nb201 cell with a numeric acc: line 2: acc is "0x1F"; expected a decimal number \(expected every row/,
  );
  assert.throws(
    () => readUserLabels(write("twice.csv", `arch,acc,acc\n${nb201.arch(1)},0.5,0.6\n`), nb201, "acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      /twice\.csv: line 1 names column "acc" twice; expected each column once/.test(e.message),
  );
});

test("the target's scale: inferred as studies infer it (percent when a value is above 1, none for non-accuracies), or given", () => {
  const rows = [1, 2, 3, 4, 5, 6].map((id, k) => `${nb201.arch(id)},${k % 3 === 2 ? 91 + k : 0.9 + k / 100}`);
  assert.throws(
    () => readUserLabels(write("mixed.csv", `arch,acc\n${rows.join("\n")}\n`), nb201, "acc"),
    /mixed\.csv: column "acc" mixes percentages and fractions: 2 values above 1 \(line 4: 93, line 7: 96\) and 4 of 1 or less/,
  );
  const percent = write("percent.csv", `arch,acc\n${nb201.arch(1)},91.5\n${nb201.arch(2)},80\n`);
  // left out, the scale is read from the values (as study create and simulate do): percent, divided by 100
  const inferred = readUserLabels(percent, nb201, "acc");
  assert.equal(inferred.scale, "percent");
  assert.deepEqual(Array.from(inferred.values), [0.915, 0.8]);
  assert.equal(
    readUserLabels(write("f.csv", `arch,acc\n${nb201.arch(1)},0.9\n`), nb201, "acc").scale,
    "fraction",
  );
  // given, it is checked
  assert.throws(
    () => readUserLabels(percent, nb201, "acc", "fraction"),
    /holds percentages.*--scale percent/,
  );
  assert.deepEqual(Array.from(readUserLabels(percent, nb201, "acc", "percent").values), [0.915, 0.8]);
  assert.throws(
    () =>
      readUserLabels(
        write("frac.csv", `arch,acc\n${nb201.arch(1)},0.9\n${nb201.arch(2)},0.8\n`),
        nb201,
        "acc",
        "percent",
      ),
    /holds fractions.*--scale fraction/,
  );
  // declared percent, values of 1 or less within 0.05 are chance-level accuracies (a study keeps them so)
  const chance = write("chance.csv", `arch,acc\n${nb201.arch(1)},0.96\n${nb201.arch(2)},1\n`);
  assert.deepEqual(Array.from(readUserLabels(chance, nb201, "acc", "percent").values), [0.0096, 0.01]);
  // error rates in percent below 1 % are near-perfect networks, any number of them (inferred or declared)
  const errors = write(
    "err.csv",
    `arch,test_err\n${nb201.arch(1)},0.3\n${nb201.arch(2)},0.45\n${nb201.arch(3)},2.5\n`,
  );
  const err = readUserLabels(errors, nb201, "test_err");
  assert.equal(err.scale, "percent");
  assert.deepEqual(Array.from(err.values), [0.3 / 100, 0.45 / 100, 2.5 / 100]);
  // a name that is no accuracy reads any number (it was refused as out of range by the fraction default)
  const latency = write("latency.csv", `arch,ms\n${nb201.arch(1)},1234.5\n${nb201.arch(2)},0.5\n`);
  const ms = readUserLabels(latency, nb201, "ms");
  assert.equal(ms.scale, "none");
  assert.deepEqual(Array.from(ms.values), [1234.5, 0.5]);
  assert.throws(
    () => readUserLabels(latency, nb201, "ms", "fraction"),
    /line 2 \(1234\.5\) is out of range; expected a fraction 0\.\.1 \(read it with --scale none if "ms" is not an accuracy\)/,
  );
});

test("a target column whose header is saved decomposed (NFD, as macOS may) is found by its composed name", () => {
  const nfd = "u\u0308n\u0131\u0308"; // ünï decomposed: u + ¨, n, dotless i + ¨
  const nfc = nfd.normalize("NFC");
  assert.notEqual(nfd, nfc);
  const csv = readUserLabels(write("nfd.csv", `arch,${nfd}\n${nb201.arch(7)},0.5\n`), nb201, nfc);
  assert.deepEqual(Array.from(csv.ids), [7]);
  assert.deepEqual(Array.from(csv.values), [0.5]);
  const jsonl = readUserLabels(
    write("nfd.jsonl", `${JSON.stringify({ arch: nb201.arch(8), [nfd]: 0.6 })}\n`),
    nb201,
    nfc,
  );
  assert.deepEqual(Array.from(jsonl.values), [0.6]);
  // and the other way: a composed header, a decomposed --target
  assert.deepEqual(
    Array.from(readUserLabels(write("nfc.csv", `arch,${nfc}\n${nb201.arch(7)},0.5\n`), nb201, nfd).ids),
    [7],
  );
});

test("a UTF-16 file is named so; a line cut short names the missing field; 1e400 is shown as Infinity", () => {
  const arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|";
  const csv = `arch,acc\n${arch},0.9\n`;
  const utf16 = join(dir, "utf16.csv");
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, "utf16le")]));
  assert.throws(
    () => readUserLabels(utf16, nb201, "acc"),
    (e: Error) => e instanceof BadFileError && /is not UTF-8 text \(UTF-16/.test(e.message),
  );
  // Latin-1 or Windows-1252 read as UTF-8 gave garbled cells (U+FFFD) in place of a clear refusal
  const latin1 = join(dir, "latin1.csv");
  writeFileSync(latin1, Buffer.from(`${csv}${arch},0.9 \u00e9\n`, "latin1"));
  assert.throws(
    () => readUserLabels(latin1, nb201, "acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message ===
        `${latin1}: is not UTF-8 text (byte 0xE9 at line 3 is not UTF-8; Latin-1 or Windows-1252?); save it as UTF-8`,
  );
  const other = "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|none~2|";
  assert.throws(
    () => readUserLabels(write("cut.csv", `arch,acc\n${other}\n${arch},0.9\n`), nb201, "acc"),
    /cut\.csv: line 2: acc is missing \(the line has fewer fields than the header: cut short\?\); expected a decimal number \(/,
  );
  // the last line short: the file itself was cut short (train skipped it and exited 0; break test 14)
  assert.throws(
    () => readUserLabels(write("cut-end.csv", `arch,acc\n${arch},0.9\n${other}`), nb201, "acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      /the last line \(3\) has 1 field, the header 2 named columns: the file ends cut short \(a copy interrupted\?\)/.test(
        e.message,
      ),
  );
  // an unnamed column among those read (pandas' index) is not counted as a named one ("the header 3 named columns")
  for (const [text, shown] of [
    [`,arch,acc\n0,${other},0.9\n1,${arch}`, "3 columns through its last named one"],
    [`arch,,acc\n${other},,0.9\n${arch},`, "3 columns through its last named one"],
    [`arch,acc,,\n${other},0.9,,\n${arch}`, "2 named columns"],
  ])
    assert.throws(
      () => readUserLabels(write("cut-unnamed.csv", text), nb201, "acc"),
      (e: Error) =>
        e instanceof BadFileError && e.message.includes(`, the header ${shown}: the file ends cut short`),
      text,
    );
  // a last line without the header's trailing unnamed (spreadsheet) columns holds every column read:
  // complete, not "the header 4 columns: the file ends cut short"
  assert.equal(
    readUserLabels(write("unnamed-end.csv", `arch,acc,,\n${arch},0.9,,\n${other},0.5`), nb201, "acc").rows,
    2,
  );
  assert.throws(
    () =>
      readUserLabels(
        write("cut-end.jsonl", `{"arch": "${arch}", "acc": 0.9}\n{"arch": "${other}", "acc": 0.`),
        nb201,
        "acc",
      ),
    (e: Error) =>
      e instanceof BadFileError &&
      /the last line \(2\) is not a JSON object .* and has no line end: the file ends cut short/.test(
        e.message,
      ),
  );
  assert.throws(
    () =>
      readUserLabels(
        write("huge.jsonl", `{"arch": "${arch}", "acc": 0.9}\n{"arch": "${other}", "acc": 1e400}\n`),
        nb201,
        "acc",
      ),
    /huge\.jsonl: line 2: holds a number that cannot be read as written: 1e400 is beyond the largest number/,
  );
  // the number (not the string) 1e-400: JSON.parse read it as 0, and the row was used as 0
  assert.throws(
    () =>
      readUserLabels(
        write("tiny.jsonl", `{"arch": "${arch}", "acc": 0.9}\n{"arch": "${other}", "acc": 1e-400}\n`),
        nb201,
        "acc",
      ),
    /tiny\.jsonl: line 2: holds a number that cannot be read as written: 1e-400 is closer to 0/,
  );
  // a string holding such text is no number at all, and zero in any notation is zero
  const zero = readUserLabels(
    write(
      "zero.jsonl",
      `{"arch": "${arch}", "acc": 0.9, "note": "1e-400"}\n{"arch": "${other}", "acc": 0e-5}\n`,
    ),
    nb201,
    "acc",
  );
  assert.deepEqual(Array.from(zero.values), [0.9, 0]);
  // a CSV value read as 0 (1e-400) was used as 0; now refused with the reason --value gives
  assert.throws(
    () => readUserLabels(write("tiny.csv", `arch,acc\n${arch},0.9\n${other},1e-400\n`), nb201, "acc"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.includes(
        'line 3: acc is "1e-400"; expected a decimal number; 1e-400 is closer to 0 than the smallest number (about 5e-324)',
      ),
  );
});

test("a row giving its cell in two forms is used only when they agree; a JSONL key given twice and one JSON array are refused", () => {
  const conv = nb101.cell(298419);
  const other = nb101.cell(5);
  const m = (c: typeof conv) => `${matrixText(c.matrix)},"${c.ops.join(",")}"`;
  const q = (c: typeof conv) => `"${JSON.stringify(c).replaceAll('"', '""')}"`;
  const csv = [
    "matrix,ops,cell,acc",
    `${m(conv)},${q(conv)},0.9`, // both forms, the same cell
    `${m(other)},${q(conv)},0.8`, // both forms, different cells: refused, not read as either
    `${m(other)},,0.7`, // an empty cell column: the matrix and ops are used
  ].join("\n");
  assert.throws(
    () => readUserLabels(write("forms.csv", csv), nb101, "acc"),
    /forms\.csv: line 3: its "cell" and its "matrix" and "ops" name different cells/,
  );
  const agreeing = csv
    .split("\n")
    .filter((_, k) => k !== 2)
    .join("\n");
  const labels = readUserLabels(write("forms.csv", agreeing), nb101, "acc");
  assert.deepEqual(Array.from(labels.ids), [298419, 5]);
  assert.deepEqual(Array.from(labels.values), [0.9, 0.7]);

  const a = nb201.arch(42);
  const b = nb201.arch(43);
  assert.throws(
    () =>
      readUserLabels(
        write("forms201.csv", `arch,arch str,acc\n${a},${a},0.7\n${a},${b},0.6\n,${b},0.5\n`),
        nb201,
        "acc",
      ),
    /line 3: its "arch" and its "arch str" name different cells/,
  );
  const l201 = readUserLabels(
    write("forms201.csv", `arch,arch str,acc\n${a},${a},0.7\n,${b},0.5\n`),
    nb201,
    "acc",
  );
  assert.deepEqual(Array.from(l201.ids), [42, 43]);

  // the line whose value is ambiguous is not used: refused
  assert.throws(
    () =>
      readUserLabels(
        write("twice.jsonl", `{"arch":"${a}","acc":0.5,"acc":0.9}\n{"arch":"${b}","acc":0.1}\n`),
        nb201,
        "acc",
      ),
    /twice\.jsonl: line 1: .*names "acc" twice/,
  );

  assert.throws(
    () => readUserLabels(write("array.json", `[{"arch":"${a}","acc":0.5}]\n`), nb201, "acc"),
    (e: Error) => e instanceof BadFileError && /is one JSON array; expected JSON Lines/.test(e.message),
  );
});

test("a label file's possible targets: its numeric columns beside the cell's, for the message when --target is missing", () => {
  const arch = "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|";
  // a column with one text value, an empty cell (absent, not text) and JSONL numbers
  const csv = write(
    "targets.csv",
    `arch,val_acc,note,test_acc,mixed\n${arch},0.9,ok,,1\n${arch},0.8,bad,0.7,x\n`,
  );
  assert.deepEqual(targetCandidates(csv, "nb201"), ["val_acc", "test_acc"]);
  const jsonl = write(
    "targets.jsonl",
    `{"matrix":"0100","ops":"input,output","cell":"x","top1":94.1,"seed":3}\n`,
  );
  assert.deepEqual(targetCandidates(jsonl, "nb101"), ["top1", "seed"]);
  assert.equal(
    targetRequired(csv, "nb201").message,
    `--target is required with a label file; give --target: one of val_acc, test_acc (the numeric columns of ${csv})`,
  );
  const one = write("one-target.csv", `arch,acc\n${arch},0.9\n`);
  assert.equal(
    targetRequired(one, "nb201").message,
    `--target is required with a label file; give --target: acc (the numeric column of ${one})`,
  );
  const none = write("no-target.csv", `arch,note\n${arch},ok\n`);
  assert.equal(
    targetRequired(none, "nb201").message,
    `--target is required with a label file, and ${none} has no numeric column beside the cell's to learn`,
  );
});

test("readUserLabels from code: a missing space or target, or an unknown scale, is named (it failed with a TypeError)", () => {
  const file = write("args.csv", "arch,acc\n|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,0.5\n");
  const refused = (call: () => unknown, said: RegExp) =>
    assert.throws(call, (e: Error) => e instanceof UserError && said.test(e.message));
  refused(
    () => readUserLabels(file, nb201, "acc", "percentage" as never),
    /the scale must be fraction, percent or none .*got "percentage"$/,
  );
  refused(
    () => readUserLabels(file, undefined as never, "acc"),
    /needs the space the file's cells belong to/,
  );
  refused(
    () => readUserLabels(file, nb201, undefined as never),
    /needs the name of the column to read \(the target\), got undefined$/,
  );
  assert.equal(readUserLabels(file, nb201, "acc").ids.length, 1);
});

test("a binary file is refused as what it should hold: labels for a label file, cells for a cell file (predict --cells said labels)", () => {
  const binary = write("bin.csv", "\u0000\u0001\u0002binary\u0000");
  assert.throws(
    () => readCellFile(binary, nb201),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message === `${binary}: is a binary file, not a CSV or JSON-lines file of cells`,
  );
  assert.throws(
    () => readUserLabels(binary, nb201, "val_acc"),
    (e: Error) => e.message === `${binary}: is a binary file, not a CSV or JSON-lines file of labels`,
  );
});

test("a label file whose every line is unreadable names those lines, not a column called 'error'", () => {
  const refused = (name: string, text: string, reason: RegExp) =>
    assert.throws(
      () => readUserLabels(write(name, text), nb101, "acc"),
      (e: unknown) =>
        e instanceof BadFileError &&
        !e.message.includes("columns are error") &&
        new RegExp(`no row gave a valid nb101 cell with a numeric acc: line 1: ${reason.source}`).test(
          e.message,
        ),
    );
  // each said only: no column "acc" for --target; columns are error
  refused("twice.jsonl", '{"matrix":"0100","ops":"input,output","acc":0.5,"acc":0.6}\n', /names "acc" twice/);
  refused(
    "tiny.jsonl",
    '{"matrix":"0100","ops":"input,output","acc":1e-400}\n',
    /holds a number that cannot be read/,
  );
  // beside a readable line, a missing target still lists the file's columns, without "error"
  const mixed = write(
    "mixed.jsonl",
    '{"matrix":"0100","ops":"input,output","acc":0.5}\n{"matrix":"0100","ops":"input,output","acc":0.5,"acc":0.6}\n',
  );
  assert.throws(
    () => readUserLabels(mixed, nb101, "val"),
    (e: unknown) =>
      e instanceof UserError &&
      e.message === `${mixed}: no column "val" for --target; columns are matrix, ops, acc`,
  );
});

test("a label file's line without the target column named toString says it is missing, not that it is a function", () => {
  const path = write(
    "proto.jsonl",
    '{"matrix":"0100","ops":"input,output","toString":0.5}\n{"matrix":"0100","ops":"input,output"}\n',
  );
  assert.throws(
    () => readUserLabels(path, nb101, "toString"),
    (e: unknown) =>
      e instanceof BadFileError &&
      /line 2: toString is missing/.test(e.message) &&
      !e.message.includes("native code"),
  );
});

test("a file of the other space's cells is refused once, naming --space (each row said it was no cell of this one)", () => {
  const nb201File = write(
    "other-201.csv",
    "arch,acc\n|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|,0.91\n",
  );
  const cell = nb101.cell(5);
  const nb101File = write(
    "other-101.csv",
    `matrix,ops,acc\n${matrixText(cell.matrix)},"${cell.ops.join(",")}",0.9\n`,
  );
  for (const [file, space, message] of [
    [
      nb201File,
      nb101,
      /no column for nb101 cells \(expected "cell", or "matrix" and "ops"; columns: arch, acc\); its columns are nb201's: give --space nb201$/,
    ],
    [
      nb101File,
      nb201,
      /no column for nb201 cells \(expected "arch", or "arch str"; columns: matrix, ops, acc\); its columns are nb101's: give --space nb101$/,
    ],
  ] as const) {
    assert.throws(
      () => readUserLabels(file, space, "acc"),
      (e: Error) => e instanceof BadFileError && message.test(e.message),
    );
    assert.throws(
      () => readCellFile(file, space),
      (e: Error) => e instanceof BadFileError && message.test(e.message),
    );
  }
  // columns of neither space: no hint
  const neither = write("neither.csv", "name,acc\na,0.9\n");
  assert.throws(
    () => readUserLabels(neither, nb101, "acc"),
    /no column for nb101 cells \(expected "cell", or "matrix" and "ops"; columns: name, acc\)$/,
  );
});

test("a label file of one usable cell is refused naming the file (the fit said only 'at least 2 labeled cells are needed')", () => {
  const cell = nb101.cell(5);
  const row = `${matrixText(cell.matrix)},"${cell.ops.join(",")}"`;
  const file = write("one.csv", `matrix,ops,acc\n${row},0.9\n${row},0.92\n0100,"input,output",failed\n`);
  const labels = readUserLabels(file, nb101, "acc");
  assert.throws(
    () => requireLabelSpread(labels),
    new RegExp(
      `^UserError: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: 1 labeled cell \\(after failed runs and repeated cells\\); a predictor needs at least 2 cells with their acc$`,
    ),
  );
});

test("a spreadsheet's CSV export reads: byte-order mark, CRLF, trailing unnamed columns and rows of empty cells", () => {
  // Excel's "CSV UTF-8": the rows of empty cells at its end were refused as 'line 4: acc is ""; expected a
  // decimal number', while study create --import read the same file
  const rows = [`${nb201.arch(7)},0.5,,`, `"${nb201.arch(8)}",0.6,,`, ",,,", ",,,"];
  const labels = readUserLabels(
    write("excel.csv", `\uFEFFarch,acc,,\r\n${rows.join("\r\n")}\r\n`),
    nb201,
    "acc",
  );
  assert.deepEqual(Array.from(labels.ids), [7, 8]);
  assert.deepEqual(Array.from(labels.values), [0.5, 0.6]);
  // a value under an unnamed column is still refused, naming its line
  assert.throws(
    () => readUserLabels(write("excel2.csv", `arch,acc,,\r\n${nb201.arch(7)},0,5,\r\n,,,\r\n`), nb201, "acc"),
    /excel2\.csv: line 2 holds "5" in column 3, which line 1 leaves unnamed/,
  );
});

test("a cell on thousands of rows is reported in one short line: its first 10 lines and values, its row count and mean", () => {
  const lines = Array.from({ length: 100_000 }, (_, i) => 2 + i * 15_625);
  const values = lines.map((_, i) => (i % 2 === 0 ? 0.5 : 0.7));
  const said = duplicateLine({ id: 3114, lines, values });
  // every line and value was listed: about 1.5 MB on one line
  assert.ok(said.length < 300, `${said.length} characters`);
  assert.equal(
    said,
    "duplicate: cell 3114 on 100000 lines: 2, 15627, 31252, 46877, 62502, 78127, 93752, 109377, 125002, 140627, … " +
      "(values 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, 0.5, 0.7, …; averaged: 0.6)",
  );
  assert.equal(
    duplicateLine({ id: 7, lines: [2, 7], values: [0.8, 0.1] }),
    "duplicate: cell 7 on lines 2, 7 (values 0.8, 0.1; averaged)",
  );
  // a percent read as a fraction shows no float noise (36.72 / 100: tester W)
  assert.equal(
    duplicateLine({ id: 0, lines: [2, 122], values: [36.72 / 100, 0.55] }),
    "duplicate: cell 0 on lines 2, 122 (values 0.3672, 0.55; averaged)",
  );
});

test('a row whose cell column is there but empty says so, not "no \\"arch\\" column" beside a header that has one', () => {
  const arch = nb201.arch(3);
  assert.throws(
    () =>
      readUserLabels(
        write("empty-arch.csv", `arch,acc\n${arch},0.5\n,0.7\n${nb201.arch(9)},0.6\n`),
        nb201,
        "acc",
      ),
    (e: Error) =>
      e instanceof UserError &&
      /line 3: "arch" is empty; expected a NAS-Bench-201 arch string/.test(e.message),
  );
  assert.throws(
    () =>
      readUserLabels(
        write("null-arch.jsonl", `{"arch":"${arch}","acc":0.5}\n{"arch":null,"acc":0.7}\n`),
        nb201,
        "acc",
      ),
    (e: Error) => e instanceof UserError && /line 2: "arch" is null; expected/.test(e.message),
  );
  const cell = nb101.cell(5);
  const matrix = JSON.stringify(cell.matrix);
  assert.throws(
    () =>
      readUserLabels(
        write("empty-ops.csv", `matrix,ops,acc\n"${matrix}","${cell.ops.join(",")}",0.5\n"${matrix}",,0.7\n`),
        nb101,
        "acc",
      ),
    (e: Error) =>
      e instanceof UserError && /line 3: "ops" is empty; expected the NAS-Bench-101 cell/.test(e.message),
  );
});
