/** A worker refuses a data folder that does not exist before it connects (no Redis needed). */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { queueAddress } from "./address.js";
import { startWorker } from "./worker.js";

// nothing listens on port 1: were the folder not checked first, the worker would wait 10 s for Redis
const nowhere = queueAddress("redis://127.0.0.1:1");

test("a worker whose --data folder does not exist is refused at start, not at each job", async () => {
  await assert.rejects(
    startWorker({ queue: nowhere, data: { dir: "/nonexist-nas-assay", source: "--data" } }),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        "--data /nonexist-nas-assay: no such folder; expected the folder that holds nb101/ and nb201/",
  );
});

test("a worker whose NAS_ASSAY_DATA is a file is refused at start", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-worker-"));
  try {
    const file = join(dir, "data.csv");
    writeFileSync(file, "x\n");
    await assert.rejects(
      startWorker({ queue: nowhere, data: { dir: file, source: "NAS_ASSAY_DATA" } }),
      (e: Error) =>
        e instanceof UserError && e.message.startsWith(`NAS_ASSAY_DATA=${file} is a file, not a folder;`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
