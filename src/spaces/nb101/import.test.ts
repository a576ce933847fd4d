import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { readNpyVector } from "../../data/npy.js";
import { encodeTfRecord } from "../../data/tfrecord.js";
import { BadFileError, UserError } from "../../errors.js";
import { Rng } from "../../random.js";
import { testData, testSpace } from "../../testing/fixtures.js";
import { isomorphicVariant } from "../../testing/nb101-variants.js";
import { matrixText } from "./cell.js";
import { importNb101 } from "./import.js";
import { loadNb101Labels } from "./labels.js";
import { encodeOfficialRecord } from "./official-record.js";
import type { Nb101Space } from "./space.js";

let space: Nb101Space;
let truth: Float64Array;
const dir = mkdtempSync(join(tmpdir(), "nas-assay-import-"));
after(() => rmSync(dir, { recursive: true, force: true }));
before(async () => {
  space = await testSpace();
  truth = loadNb101Labels(space, testData()).testAccuracy;
});

/** Synthetic metrics of repeat r: final test accuracy of repeat 0 = the real label. */
function record(
  id: number,
  epochs: number,
  repeat: number,
  rng: Rng,
  variant = false,
  hash = space.hashOf(id),
) {
  const cell = variant ? isomorphicVariant(space.cell(id), rng) : space.cell(id);
  const final = epochs === 108 && repeat === 0 ? truth[id] : 0.5 + repeat / 10 + epochs / 1000;
  return encodeTfRecord(
    encodeOfficialRecord({
      hash,
      epochs,
      adjacency: matrixText(cell.matrix),
      operations: cell.ops.join(","),
      metrics: {
        evaluation_data: [
          {
            current_epoch: 0,
            train_accuracy: 0.1,
            validation_accuracy: 0.1,
            test_accuracy: 0.1,
            training_time: 0,
          },
          {
            current_epoch: epochs / 2,
            train_accuracy: 0.6,
            validation_accuracy: 0.55,
            test_accuracy: 0.5 + repeat / 100,
            training_time: 100,
          },
          {
            current_epoch: epochs,
            train_accuracy: 1,
            validation_accuracy: final - 0.01,
            test_accuracy: final,
            training_time: 200 + repeat,
          },
        ],
        trainable_parameters: space.parameters(id),
        total_time: 300,
      },
    }),
  );
}

function writeFile(name: string, records: Buffer[]): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(records));
  return path;
}

test("tfrecord → import → the same accuracies as the shared arrays, for the cells written", async () => {
  const rng = new Rng(1);
  const ids = [67206, 307498, 0, 423623, ...space.sample(rng, 40)];
  const records: Buffer[] = [];
  ids.forEach((id, k) => {
    for (const epochs of [36, 108])
      for (let r = 0; r < 3; r++) records.push(record(id, epochs, r, rng, k % 2 === 1));
  });
  const file = writeFile("full.tfrecord", records);
  const out = join(dir, "out");
  const manifest = await importNb101(file, out, space);
  assert.equal(manifest.source.records, ids.length * 6);
  assert.deepEqual(Object.keys(manifest.epochBudgets), ["36", "108"]);
  assert.equal(manifest.epochBudgets["108"].cells, ids.length);
  const test0 = readNpyVector(join(out, "nb101", "test_accuracy_run0.npy"), space.size);
  for (const id of ids) assert.equal(test0[id], truth[id]);
  assert.equal(test0.filter((x) => !Number.isNaN(x)).length, ids.length);
  const mean = readNpyVector(join(out, "nb101", "test_accuracy_mean.npy"), space.size);
  const id = ids[5];
  assert.ok(Math.abs(mean[id] - (truth[id] + 0.708 + 0.808) / 3) < 1e-12);
  const params = readNpyVector(join(out, "nb101", "parameters.npy"), space.size);
  assert.equal(params[67206], 2_694_282);
  const half = readNpyVector(join(out, "nb101", "halfway_test_accuracy_run2.npy"), space.size);
  assert.ok(Math.abs(half[id] - 0.52) < 1e-12);
  const e36 = readNpyVector(join(out, "nb101", "epochs-36", "test_accuracy_run1.npy"), space.size);
  assert.ok(Math.abs(e36[id] - (0.6 + 0.036)) < 1e-12);
  // the rest of the tool reads the directory like the shared data
  const labels = loadNb101Labels(space, { dir: out, source: "--data" });
  assert.equal(labels.covered, ids.length);
  assert.equal(labels.testAccuracy[307498], truth[307498]);
  assert.ok(labels.all.validation_accuracy_mean);
  assert.ok(JSON.parse(readFileSync(join(out, "nb101", "manifest.json"), "utf8")).arrays.length > 20);
});

test("bad CRC, truncation and a hash that does not match its cell: one clear error, nothing written", async () => {
  const rng = new Rng(2);
  const good = [record(10, 108, 0, rng), record(11, 108, 0, rng), record(12, 108, 0, rng)];
  const corrupt = Buffer.concat(good);
  corrupt[good[0].length + 40] ^= 0x20;
  const cases: [string, Buffer, RegExp][] = [
    ["crc.tfrecord", corrupt, /record 1 at byte \d+: data checksum mismatch/],
    ["truncated.tfrecord", Buffer.concat(good).subarray(0, good[0].length * 2 + 50), /truncated: record 2/],
    [
      "hash.tfrecord",
      Buffer.concat([good[0], record(11, 108, 0, rng, false, space.hashOf(99))]),
      new RegExp(
        `record 1 at byte \\d+: module hash ${space.hashOf(99)} does not match its cell, whose hash is ${space.hashOf(11)}`,
      ),
    ],
    ["json.tfrecord", encodeTfRecord(Buffer.from("[1, 2]")), /record 0 at byte 0: expected a JSON array/],
    // a CSV given for the tfrecord: it said "record 0 at byte 0: length checksum mismatch (corrupted file?)"
    [
      "labels.csv",
      Buffer.from("arch,val_acc\n|nor_conv_3x3~0|,0.9\n"),
      /: is not a TFRecord file \(.*\); expected NAS-Bench-101's nasbench_full\.tfrecord or nasbench_only108\.tfrecord$/,
    ],
  ];
  for (const [name, bytes, pattern] of cases) {
    const out = join(dir, `out-${name}`);
    await assert.rejects(
      importNb101(writeFile(name, [bytes]), out, space),
      (e: Error) => e instanceof BadFileError && pattern.test(e.message),
      name,
    );
    assert.equal(existsSync(join(out, "nb101")), false, `${name} left output behind`);
  }
  await assert.rejects(
    importNb101(writeFile("empty.tfrecord", []), join(dir, "o"), space),
    /holds no records/,
  );
});

test("an existing nb101 directory is kept unless --force", async () => {
  const rng = new Rng(3);
  const file = writeFile("one.tfrecord", [record(5, 108, 0, rng)]);
  const out = join(dir, "existing");
  mkdirSync(join(out, "nb101"), { recursive: true });
  writeFileSync(join(out, "nb101", "mine.txt"), "keep me");
  await assert.rejects(
    importNb101(file, out, space),
    (e: Error) => e instanceof UserError && /--force/.test(e.message),
  );
  assert.equal(readFileSync(join(out, "nb101", "mine.txt"), "utf8"), "keep me");
  await importNb101(file, out, space, { force: true });
  assert.equal(existsSync(join(out, "nb101", "mine.txt")), false);
  assert.equal(readNpyVector(join(out, "nb101", "test_accuracy_run0.npy"), space.size)[5], truth[5]);
});
