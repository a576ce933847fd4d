import assert from "node:assert/strict";
import { test } from "node:test";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { Rng } from "./random.js";

const firstFloats = (rng: Rng) => Array.from({ length: 4 }, () => rng.float());

test("Rng: seeds of 32 bits are pure-rand's xoroshiro128+, unchanged", () => {
  for (const seed of [0, 1, 7, 2 ** 31 - 1, 2 ** 31 + 104_729, -5]) {
    const reference = xoroshiro128plus(seed);
    assert.deepEqual(
      firstFloats(new Rng(seed)),
      Array.from({ length: 4 }, () => uniformFloat64(reference)),
      `seed ${seed}`,
    );
  }
});

test("Rng: a seed beyond 32 bits is not the seed its low 32 bits make (2^32 is not 0)", () => {
  assert.notDeepEqual(firstFloats(new Rng(2 ** 32)), firstFloats(new Rng(0)));
  assert.notDeepEqual(firstFloats(new Rng(2 ** 32 + 5)), firstFloats(new Rng(5)));
  assert.notDeepEqual(firstFloats(new Rng(2 ** 33)), firstFloats(new Rng(2 ** 32)));
  assert.deepEqual(firstFloats(new Rng(2 ** 40 + 3)), firstFloats(new Rng(2 ** 40 + 3)));
  assert.throws(() => new Rng(2 ** 53), RangeError);
  assert.throws(() => new Rng(1.5), RangeError);
});

test("Rng.int refuses a count with no integer below it: 0 gave NaN and -3 gave 0, used as indexes", () => {
  const rng = new Rng(1);
  for (const n of [0, -3, 1.5, Number.NaN, 2 ** 60])
    assert.throws(
      () => rng.int(n),
      /^RangeError: Rng\.int\(n\) draws from 0\.\.n-1 and needs a whole n >= 1, got /,
    );
  assert.equal(rng.int(1), 0);
});

test('new Rng refuses a seed that is no safe integer showing what it got: "0" was shown as 0', () => {
  assert.throws(() => new Rng("0" as never), /^RangeError: seed must be a safe integer, got "0"$/);
  assert.throws(
    () => new Rng(undefined as never),
    /^RangeError: seed must be a safe integer, got undefined$/,
  );
  assert.throws(() => new Rng(1.5), /^RangeError: seed must be a safe integer, got 1\.5$/);
});
