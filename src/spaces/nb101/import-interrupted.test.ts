/**
 * An interrupted `data import-nb101` leaves nothing half-done: its temporary folder goes when it is
 * interrupted, and a later import cleans up after one that was killed outright.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { encodeTfRecord } from "../../data/tfrecord.js";
import { UserError } from "../../errors.js";
import { REPO_ROOT, testSpace } from "../../testing/fixtures.js";
import { matrixText } from "./cell.js";
import { importNb101 } from "./import.js";
import { encodeOfficialRecord } from "./official-record.js";
import type { Nb101Space } from "./space.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
let space: Nb101Space;
let file: string;
const dir = mkdtempSync(join(tmpdir(), "nas-assay-import-interrupted-"));
after(() => rmSync(dir, { recursive: true, force: true }));

before(async () => {
  space = await testSpace();
  // three repeats of two cells at one budget: a small file, and a full set of arrays to write
  const records = [0, 67206].flatMap((id) =>
    [0, 1, 2].map((repeat) => {
      const cell = space.cell(id);
      const evaluation = { train_accuracy: 1, validation_accuracy: 0.9, test_accuracy: 0.9 - repeat / 100 };
      return encodeTfRecord(
        encodeOfficialRecord({
          hash: space.hashOf(id),
          epochs: 108,
          adjacency: matrixText(cell.matrix),
          operations: cell.ops.join(","),
          metrics: {
            evaluation_data: [{}, evaluation, { ...evaluation, training_time: 100 }],
            trainable_parameters: space.parameters(id),
          },
        }),
      );
    }),
  );
  file = join(dir, "small.tfrecord");
  writeFileSync(file, Buffer.concat(records));
});

/** The id of a process that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
      .stdout,
  );
}

test("an import removes the temporary folders of killed imports, keeps those of running ones, and says so", async () => {
  const out = join(dir, "stale");
  const dead = join(out, `.nb101-import-${deadPid()}`);
  const running = join(out, `.nb101-import-${process.ppid}`);
  for (const d of [dead, running]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, "test_accuracy_run0.npy"), "half written");
  }
  const notes: string[] = [];
  const manifest = await importNb101(file, out, space, { onNote: (t) => notes.push(t) });
  assert.equal(manifest.source.records, 6);
  assert.equal(existsSync(dead), false, "the killed import's folder is removed");
  assert.equal(existsSync(running), true, "a running import's folder is left alone");
  assert.deepEqual(notes, [`removed ${dead}, left by an interrupted import`]);
  assert.deepEqual(readdirSync(out).sort(), [`.nb101-import-${process.ppid}`, "nb101"].sort());
});

test("an import killed while replacing nb101 (--force) gets the old arrays back on the next import", async () => {
  const out = join(dir, "replacing");
  const moved = join(out, `nb101.replaced-${deadPid()}`);
  mkdirSync(moved, { recursive: true });
  writeFileSync(join(moved, "mine.txt"), "keep me");
  const notes: string[] = [];
  await assert.rejects(
    importNb101(file, out, space, { onNote: (t) => notes.push(t) }),
    (e: Error) => e instanceof UserError && /already holds files/.test(e.message),
  );
  assert.equal(readFileSync(join(out, "nb101", "mine.txt"), "utf8"), "keep me");
  assert.equal(existsSync(moved), false);
  assert.match(notes[0], /^put back .*nb101 from .*nb101\.replaced-\d+/);
});

test("an import interrupted by Ctrl-C while writing its arrays leaves neither a temporary folder nor half an nb101", async () => {
  const out = join(dir, "interrupted");
  mkdirSync(out);
  const p = spawn(process.execPath, [MAIN, "data", "import-nb101", file, "--out", out], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  p.stderr.on("data", (d) => {
    err += d;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    p.on("close", (code, signal) => resolve({ code, signal })),
  );
  const temp = join(out, `.nb101-import-${p.pid}`);
  // interrupt as soon as the first array is in the temporary folder
  let polls = 0;
  while (!(existsSync(temp) && readdirSync(temp).some((f) => f.endsWith(".npy")))) {
    assert.ok(++polls < 60_000, `the import never started writing: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  p.kill("SIGINT");
  const { code, signal } = await ended;
  assert.equal(existsSync(temp), false, "the temporary folder is removed");
  assert.deepEqual(readdirSync(out), [], `nothing half-done is left (exit ${code}, ${signal}): ${err}`);
  assert.deepEqual({ code, signal }, { code: null, signal: "SIGINT" }, "it ends as Ctrl-C ends a command");
});

test("two import processes into one --out at once: the second to finish is refused, the first's files kept", async () => {
  const out = join(dir, "both");
  const copy = join(dir, "copy.tfrecord");
  writeFileSync(copy, readFileSync(file));
  // both pass the check at the start (nothing there yet); both printed "written" and one import was gone
  const run = (from: string) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [MAIN, "data", "import-nb101", from, "--out", out]);
      let err = "";
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("close", (code) => resolve({ code, err }));
    });
  const results = await Promise.all([run(file), run(copy)]);
  const codes = results.map((r) => r.code).sort();
  assert.deepEqual(codes, [0, 1], JSON.stringify(results));
  const refused = results.find((r) => r.code === 1) as { err: string };
  assert.match(
    refused.err,
    /nb101 (was filled by another import while this one ran|already holds files); choose another --out, or pass --force to replace (it|them)\n$/,
  );
  const kept = results.findIndex((r) => r.code === 0);
  const manifest = JSON.parse(readFileSync(join(out, "nb101", "manifest.json"), "utf8"));
  assert.equal(manifest.source.file, [file, copy][kept]);
});
