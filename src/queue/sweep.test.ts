/** A sweep against a Redis that refuses its commands (a real one, out of memory). */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Redis } from "ioredis";
import { UserError } from "../errors.js";
import { reproduce } from "../experiments/reproduce.js";
import { testData } from "../testing/fixtures.js";
import { startRedis } from "../testing/servers.js";
import { queueAddress } from "./address.js";
import { queueStatus } from "./status.js";
import { onQueue } from "./sweep.js";
import { startWorker } from "./worker.js";

test("a Redis out of memory (maxmemory, noeviction) is one line naming it, not an internal error", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const root = mkdtempSync(join(tmpdir(), "nas-assay-sweep-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const queue = queueAddress(redis.url);
  const admin = new Redis(redis.url);
  t.after(() => admin.quit());
  // below what Redis uses already: every write is refused, as on a full server
  await admin.config("SET", "maxmemory", "1");
  await assert.rejects(
    reproduce("table4", {
      space: "nb201",
      data: testData(),
      out: join(root, "out"),
      quick: true,
      seeds: [0],
      elsewhere: onQueue({ queue, pollMs: 100 }),
    }),
    (e: unknown) =>
      e instanceof UserError &&
      e.message.startsWith(
        `Redis at ${queue.shown} refused a command: Redis is out of memory: its maxmemory`,
      ) &&
      !e.message.includes("\n") &&
      !/script|user_script/.test(e.message),
  );
  // reading the queue is still allowed
  const status = await queueStatus(queue);
  assert.equal(status.waiting, 0);
});

test("a sweep whose runs all finished on the queue before does not say they wait for a worker", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const root = mkdtempSync(join(tmpdir(), "nas-assay-sweep-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const queue = queueAddress(redis.url);
  const worker = await startWorker({
    queue,
    data: testData(),
    evaluateRun: async (_, seed) => ({
      seed,
      ktau: 0.1,
      spearman: 0.1,
      pearson: 0.1,
      mse: 0.01,
      precisionAt100: 0.1,
      predictedBestTruth: 0.9,
      fitSeconds: 0,
      predictSeconds: 0,
    }),
  });
  const sweep = (out: string, notes: string[]) =>
    reproduce("table4", {
      space: "nb201",
      data: testData(),
      out: join(root, out),
      quick: true,
      seeds: [0],
      elsewhere: onQueue({ queue, pollMs: 100, onNote: (text) => notes.push(text) }),
    });
  assert.equal((await sweep("first", [])).ranNow, 2);
  await worker.close();
  // no worker now, and none needed: both runs are the queue's finished jobs
  const notes: string[] = [];
  const again = await sweep("second", notes);
  assert.equal(again.finishedEarlier, 2);
  assert.deepEqual(notes, []);
});
