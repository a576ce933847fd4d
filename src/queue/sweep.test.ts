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
