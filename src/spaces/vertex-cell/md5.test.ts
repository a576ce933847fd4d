import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { Rng } from "../../random.js";
import { md5Buffer, md5Digest } from "./md5.js";

test("md5 matches node:crypto for every length 0..300 and random bytes", () => {
  const rng = new Rng(1);
  const buffer = md5Buffer(300);
  const out = new Int32Array(4);
  for (let length = 0; length <= 300; length++) {
    const message = Buffer.from(Array.from({ length }, () => rng.int(256)));
    buffer.bytes.set(message);
    md5Digest(buffer, length, out);
    const expected = createHash("md5").update(message).digest("hex");
    assert.equal(Buffer.from(out.buffer).toString("hex"), expected, `length ${length}`);
  }
});

test("md5 refuses a message longer than its buffer", () => {
  assert.throws(() => md5Digest(md5Buffer(10), 100, new Int32Array(4)), RangeError);
});
