/** Checking a --queue URL (no Redis needed), and a port where something other than Redis answers. */
import assert from "node:assert/strict";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer, type Server } from "node:net";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { connectionOptions, QUEUE_NAME, type QueueAddress, queueAddress, reachable } from "./address.js";

const refused = (text: string, given: string | undefined, message: RegExp) =>
  assert.throws(
    () => (given ? queueAddress(text, given) : queueAddress(text)),
    (e: Error) => e instanceof UserError && message.test(e.message) && !e.message.includes("sek"),
    text,
  );

test("a port out of range is named, not just 'must be a Redis URL'", () => {
  refused(
    "redis://127.0.0.1:99999",
    undefined,
    /^--queue: port 99999 is out of range; expected a port in 1\.\.65535 \(redis:\/\/host:6379\)$/,
  );
  refused("redis://:sek@127.0.0.1:70000/1", undefined, /^--queue: port 70000 is out of range;/);
  refused(
    "redis://127.0.0.1:0",
    undefined,
    /^--queue: port 0 is no port to connect to; expected a port in 1\.\.65535/,
  );
  assert.deepEqual(queueAddress("redis://127.0.0.1:65535"), {
    url: "redis://127.0.0.1:65535",
    shown: "redis://127.0.0.1:65535",
  });
});

test("a queue URL read from NAS_ASSAY_QUEUE is named so in its messages", () => {
  refused("nonsense", "NAS_ASSAY_QUEUE", /^NAS_ASSAY_QUEUE must be a Redis URL such as redis:\/\/host:6379/);
  refused("http://h:6379", "NAS_ASSAY_QUEUE", /^NAS_ASSAY_QUEUE must be a redis:\/\/ or rediss:\/\/ URL/);
  refused(
    "redis://h:6379/x",
    "NAS_ASSAY_QUEUE",
    /^NAS_ASSAY_QUEUE: the path of a Redis URL is a database number/,
  );
  assert.equal(queueAddress("redis://:sek@h:6379", "NAS_ASSAY_QUEUE").given, "NAS_ASSAY_QUEUE");
  refused("nonsense", undefined, /^--queue must be a Redis URL/);
});

test("a --queue port where another server answers is named so: at once when it replies, not 'start redis-server there'", async (t) => {
  const { Queue } = await import("bullmq");
  const listen = async (server: Server) => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    t.after(() => server.close());
    return queueAddress(`redis://127.0.0.1:${(server.address() as AddressInfo).port}`);
  };
  const check = async (address: QueueAddress, timeoutMs: number) => {
    const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(address) });
    queue.on("error", () => {});
    try {
      await reachable(queue, address, timeoutMs);
      return undefined;
    } catch (e) {
      return e;
    } finally {
      await queue.close().catch(() => {});
    }
  };
  // an HTTP server replies to Redis's first command: ioredis said "Protocol error … Please report this."
  const http = await listen(createHttpServer((_, response) => response.end("hello")));
  const started = performance.now();
  const replied = await check(http, 30_000);
  assert.ok(performance.now() - started < 10_000, "refused at once, not after the timeout");
  assert.ok(
    replied instanceof UserError &&
      /^what answers at redis:\/\/127\.0\.0\.1:\d+ is not Redis \(its reply is no Redis reply: Protocol error, got "H" as reply type byte\): check the host and port in --queue$/.test(
        replied.message,
      ),
    String(replied),
  );
  // one that hangs up (PostgreSQL does, on a Redis command)
  const hangsUp = await listen(createServer((socket) => socket.once("data", () => socket.resetAndDestroy())));
  const reset = await check(hangsUp, 3000);
  assert.ok(
    reset instanceof UserError &&
      /\(read ECONNRESET\) within 3 s: something listens there and hangs up; is it Redis/.test(reset.message),
    String(reset),
  );
});
