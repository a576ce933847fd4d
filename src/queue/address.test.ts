/** Checking a --queue URL (no Redis needed). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { queueAddress } from "./address.js";

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
