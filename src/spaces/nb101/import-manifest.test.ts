import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BadFileError } from "../../errors.js";
import { importedCells, readImportManifest } from "./import-manifest.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-manifest-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = { dir, source: "--data" as const };
const SIZE = 423_624;
const valid = {
  format: "nas-assay nb101 labels",
  version: 1,
  source: { file: "x.tfrecord", bytes: 10, records: 132 },
  cellsInSpace: SIZE,
  epochBudgets: { "108": { cells: 44, records: 132, directory: "nb101" } },
  repeats: 3,
  missingValues: "NaN",
  arrays: ["test_accuracy_run0.npy"],
  seconds: 1,
};

function withManifest(text: string) {
  mkdirSync(join(dir, "nb101"), { recursive: true });
  writeFileSync(join(dir, "nb101", "manifest.json"), text);
}

test("no manifest: undefined; a valid one is read with its imported cell count", () => {
  assert.equal(readImportManifest({ dir: join(dir, "none"), source: "--data" }, SIZE), undefined);
  withManifest(JSON.stringify(valid));
  const manifest = readImportManifest(data, SIZE);
  assert.ok(manifest);
  assert.equal(importedCells(manifest), 44);
});

test("any other manifest.json is refused naming its first wrong field", () => {
  const cases: [string, RegExp][] = [
    ["{}", /field "format" is missing; expected "nas-assay nb101 labels"/],
    ["not json", /is not valid JSON/],
    ["[1]", /is not a JSON object/],
    [JSON.stringify({ ...valid, version: 2 }), /field "version" is 2; expected 1/],
    [JSON.stringify({ ...valid, cellsInSpace: 15_625 }), /field "cellsInSpace" is 15625; expected 423624/],
    [JSON.stringify({ ...valid, missingValues: "-1" }), /field "missingValues" is "-1"; expected "NaN"/],
    [JSON.stringify({ ...valid, arrays: "all" }), /field "arrays" is "all"; expected a list/],
    [
      JSON.stringify({ ...valid, epochBudgets: {} }),
      /field "epochBudgets\.108\.cells" is missing; expected the number of imported cells, 1\.\.423624/,
    ],
  ];
  for (const [text, message] of cases) {
    withManifest(text);
    assert.throws(
      () => readImportManifest(data, SIZE),
      (e: Error) =>
        e instanceof BadFileError &&
        e.message.startsWith(join(dir, "nb101", "manifest.json")) &&
        message.test(e.message) &&
        e.message.includes("import-nb101"),
      text,
    );
  }
});
