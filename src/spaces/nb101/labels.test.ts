import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeNpy } from "../../data/npy.js";
import { BadFileError, UserError } from "../../errors.js";
import { testData, testSpace } from "../../testing/fixtures.js";
import { loadNb101Labels } from "./labels.js";
import type { Nb101Space } from "./space.js";

let space: Nb101Space;
const dir = mkdtempSync(join(tmpdir(), "nas-assay-labels-"));
before(async () => {
  space = await testSpace();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("real labels join to the space by id (rows from the data README)", () => {
  const labels = loadNb101Labels(space, testData());
  const rows: [number, string, number][] = [
    [0, "00005c142e6f48ac74fdcf73e3439874", 0.9211738705635071],
    [67206, "28cfc7874f6d200472e1a9dcd8650aa0", 0.9311898946762085],
    [307498, "ba0a27cafe7d648aa57f7d5dd64c0b48", 0.9466145634651184],
    [423623, "ffff76fafa7b0cdf545fd7feee9c8bf9", 0.8730969429016113],
  ];
  for (const [id, hash, accuracy] of rows) {
    assert.equal(space.hashOf(id), hash);
    assert.equal(labels.testAccuracy[id], accuracy);
  }
  const acc = Array.from(labels.testAccuracy);
  let best = 0;
  for (let i = 0; i < acc.length; i++) if (acc[i] > acc[best]) best = i;
  assert.equal(best, 307498);
  const sorted = acc.slice().sort((a, b) => a - b);
  assert.equal(sorted[0].toFixed(4), "0.0996");
  assert.equal((acc.reduce((a, b) => a + b, 0) / acc.length).toFixed(4), "0.8968");
  assert.equal(((sorted[211811] + sorted[211812]) / 2).toFixed(4), "0.9065");
  assert.equal(acc.filter((a) => a >= 0.94).length, 346);
  assert.ok(labels.flops?.every((f) => f > 0));
  assert.equal(labels.covered, 423_624);
});

test("a label array of the wrong length, with NaN, or missing is refused clearly", () => {
  const data = { dir, source: "--data" as const };
  mkdirSync(join(dir, "nb101"), { recursive: true });
  assert.throws(
    () => loadNb101Labels(space, data),
    (e: Error) =>
      e instanceof UserError && /nb101\/test_accuracy_run0\.npy/.test(e.message) && e.message.includes(dir),
  );
  const real = testData();
  copyFileSync(join(real.dir, "nb101", "flops.npy"), join(dir, "nb101", "flops.npy"));
  writeNpy(join(dir, "nb101", "test_accuracy_run0.npy"), new Float64Array(1000));
  assert.throws(
    () => loadNb101Labels(space, data),
    (e: Error) => e instanceof BadFileError && /expected \(423624,\)/.test(e.message),
  );
  const withNaN = new Float64Array(space.size).fill(0.9);
  withNaN[12] = Number.NaN;
  writeNpy(join(dir, "nb101", "test_accuracy_run0.npy"), withNaN);
  assert.throws(() => loadNb101Labels(space, data), /row 12 is NaN/);
});

test("FLOPs, parameters and times have no scale; every accuracy array must be fractions; NaN only as the manifest allows", () => {
  const data = { dir: join(dir, "scales"), source: "--data" as const };
  mkdirSync(join(data.dir, "nb101"), { recursive: true });
  const real = loadNb101Labels(space, testData());
  writeNpy(join(data.dir, "nb101", "test_accuracy_run0.npy"), real.testAccuracy);
  writeNpy(join(data.dir, "nb101", "flops.npy"), real.flops as Float64Array); // values far above 100: fine
  writeNpy(join(data.dir, "nb101", "training_time_mean.npy"), new Float64Array(space.size).fill(1500));
  assert.equal(loadNb101Labels(space, data).all.training_time_mean[3], 1500);
  writeNpy(
    join(data.dir, "nb101", "validation_accuracy_mean.npy"),
    real.testAccuracy.map((x) => x * 100),
  );
  assert.throws(
    () => loadNb101Labels(space, data),
    (e: Error) =>
      e instanceof BadFileError &&
      /validation_accuracy_mean\.npy: validation_accuracy_mean holds percentages .*divide the array by 100/.test(
        e.message,
      ),
  );
  rmSync(join(data.dir, "nb101", "validation_accuracy_mean.npy"));
  // a manifest saying 44 cells were imported cannot cover an array with a value for every cell
  const manifest = {
    format: "nas-assay nb101 labels",
    version: 1,
    source: { file: "x.tfrecord", bytes: 1, records: 132 },
    cellsInSpace: space.size,
    epochBudgets: { "108": { cells: 44, records: 132, directory: "nb101" } },
    repeats: 3,
    missingValues: "NaN",
    arrays: ["test_accuracy_run0.npy"],
    seconds: 1,
  };
  writeFileSync(join(data.dir, "nb101", "manifest.json"), JSON.stringify(manifest));
  assert.throws(
    () => loadNb101Labels(space, data),
    /test_accuracy_run0\.npy: has values for 423624 cells, but nb101\/manifest\.json says 44 cells were imported/,
  );
});

test("negative FLOPs are refused naming the row (they were read as given)", () => {
  const data = { dir: join(dir, "flops"), source: "--data" as const };
  mkdirSync(join(data.dir, "nb101"), { recursive: true });
  const real = loadNb101Labels(space, testData());
  writeNpy(join(data.dir, "nb101", "test_accuracy_run0.npy"), real.testAccuracy);
  const flops = Float64Array.from(real.flops as Float64Array);
  flops[3] = -1;
  writeNpy(join(data.dir, "nb101", "flops.npy"), flops);
  assert.throws(
    () => loadNb101Labels(space, data),
    (e: Error) => e instanceof BadFileError && /flops\.npy: row 3 is -1; expected FLOPs ≥ 0$/.test(e.message),
  );
});
