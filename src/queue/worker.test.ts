/** Starting and stopping a worker: its data folder checked first (no Redis needed), a forced stop. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Queue } from "bullmq";
import { UserError } from "../errors.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";
import { startRedis } from "../testing/servers.js";
import { connectionOptions, QUEUE_NAME, queueAddress } from "./address.js";
import { runJob, runJobId } from "./run-job.js";
import { FORCE_CLOSE_MS, SETTLE_MS, startWorker, type WorkerEvent } from "./worker.js";

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

test("--concurrency above the cores runs as many as the cores, as --jobs does, and ready says so (it took 99999 jobs at once)", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const events: WorkerEvent[] = [];
  const worker = await startWorker({
    queue: queueAddress(redis.url),
    data: testData(),
    concurrency: 99999,
    onEvent: (e) => events.push(e),
  });
  await worker.close(false);
  const ready = events.find((e) => e.event === "ready");
  assert.equal(ready?.event === "ready" && ready.concurrency, availableParallelism(), JSON.stringify(events));
});

test("a job needing benchmark files this machine lacks goes back to the queue, and the worker stops, instead of failing it", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const queue = queueAddress(redis.url);
  const empty = mkdtempSync(join(tmpdir(), "nas-assay-worker-"));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const jobs = new Queue(QUEUE_NAME, { connection: connectionOptions(queue) });
  t.after(() => jobs.close());
  const job = runJob("nb201", "cifar10-valid/test", "0".repeat(16), { method: "ssa", labels: 100, seed: 0 });
  const id = runJobId(job);
  await jobs.add("run", job, { jobId: id, attempts: 3 });

  const events: WorkerEvent[] = [];
  let evaluated = 0;
  const lacking = await startWorker({
    queue,
    data: { dir: empty, source: "--data" },
    onEvent: (e) => events.push(e),
    evaluateRun: async () => {
      evaluated++;
      throw new Error("never evaluated here");
    },
  });
  const reason = await Promise.race([
    lacking.lacking,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error("did not stop")), 15_000).unref()),
  ]);
  assert.ok(reason instanceof UserError);
  assert.match(
    reason.message,
    new RegExp(
      `^missing benchmark files nb201/cifar10-valid\\.csv .*: looked in ${empty} \\(data directory from --data\\)\\. .* Job ${id} \\(nb201 ssa, 100 labels, seed 0\\) went back to the queue for a worker that has the files; this worker stopped rather than fail the queue's runs one by one\\.$`,
    ),
  );
  await lacking.close();
  assert.equal(evaluated, 0);
  // a job waiting when the worker starts is taken only after `ready` is told (it was taken while the
  // worker connected, BullMQ's autorun, and its line could come first)
  assert.deepEqual(
    events.map((e) => e.event),
    ["ready", "lacking", "stopped"],
  );
  const back = await jobs.getJob(id);
  assert.equal(await back?.getState(), "waiting");
  assert.equal(back?.attemptsMade, 0, "not counted as a failed attempt");

  // a worker with the files takes it
  const done: WorkerEvent[] = [];
  const able = await startWorker({
    queue,
    data: testData(),
    onEvent: (e) => done.push(e),
    evaluateRun: async () => {
      evaluated++;
      throw new UserError("evaluated here");
    },
  });
  t.after(() => able.close(true));
  for (let i = 0; i < 200 && !done.some((e) => e.event === "failed"); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(evaluated, 1, JSON.stringify(done));
});

test("a worker stopped by SIGTERM while Redis is down stops and exits, rather than wait for Redis for ever", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, "dist", "src", "cli", "main.js"), "--json", "worker", "--queue", redis.url],
    { env: { ...process.env, NAS_ASSAY_DATA: testData().dir }, stdio: ["ignore", "pipe", "pipe"] },
  );
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (let i = 0; i < 400 && !stdout.includes('"ready"'); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(stdout, /"event":"ready"/, stderr);
  await redis.stop();
  // past the first reconnects: the client now waits between tries (2 s), where BullMQ's close got stuck
  await new Promise((resolve) => setTimeout(resolve, 4000));
  child.kill("SIGTERM");
  // one graceful stop: no run to wait for, and Redis is given SETTLE_MS at most to let go
  const code = await Promise.race([
    exited,
    new Promise<string>((resolve) => setTimeout(() => resolve("still running"), SETTLE_MS + 10_000).unref()),
  ]);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  const events = stdout
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as WorkerEvent).event);
  assert.deepEqual(events.slice(-2), ["stopping", "stopped"]);
});
