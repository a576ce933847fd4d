/** Starting and stopping a worker: its data folder checked first (no Redis needed), a forced stop. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Queue } from "bullmq";
import { UserError } from "../errors.js";
import { testData } from "../testing/fixtures.js";
import { startRedis } from "../testing/servers.js";
import { connectionOptions, QUEUE_NAME, queueAddress } from "./address.js";
import { runJob, runJobId } from "./run-job.js";
import { FORCE_CLOSE_MS, startWorker, type WorkerEvent } from "./worker.js";

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

test("a forced close after a graceful one stops at once, while a run still computes (the second Ctrl-C)", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const queue = queueAddress(redis.url);
  const events: WorkerEvent[] = [];
  let release: () => void = () => {};
  const hanging = new Promise<void>((resolve) => {
    release = resolve;
  });
  t.after(() => release());
  const worker = await startWorker({
    queue,
    data: testData(),
    lockSeconds: 2,
    stalledSeconds: 1,
    onEvent: (e) => events.push(e),
    // a run of hours: it ends only when the test lets it
    evaluateRun: async () => {
      await hanging;
      throw new Error("released");
    },
  });
  const jobs = new Queue(QUEUE_NAME, { connection: connectionOptions(queue) });
  t.after(() => jobs.close());
  const job = runJob("nb201", "cifar10-valid/test", "0".repeat(16), { method: "ssa", labels: 100, seed: 0 });
  await jobs.add("run", job, { jobId: runJobId(job) });
  for (let i = 0; i < 200 && !events.some((e) => e.event === "started"); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(
    events.some((e) => e.event === "started"),
    JSON.stringify(events),
  );
  const graceful = worker.close(false); // the first Ctrl-C: waits for the run
  const started = performance.now();
  await worker.close(true); // the second
  const waited = performance.now() - started;
  assert.ok(waited < FORCE_CLOSE_MS + 1500, `the forced close took ${Math.round(waited)} ms`);
  release();
  await graceful;
  assert.equal(events.filter((e) => e.event === "stopped").length, 1, JSON.stringify(events));
});
