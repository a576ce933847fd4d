import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { threads } from "./threads.js";

test("threads() reads NAS_ASSAY_THREADS, refuses a value that is not a positive integer, else every core up to 2", () => {
  const before = process.env.NAS_ASSAY_THREADS;
  try {
    delete process.env.NAS_ASSAY_THREADS;
    assert.equal(threads(), Math.min(2, availableParallelism()));
    process.env.NAS_ASSAY_THREADS = "1";
    assert.equal(threads(), 1);
    process.env.NAS_ASSAY_THREADS = "3";
    assert.equal(threads(), 3);
    for (const bad of ["0", "-1", "two", "2x", " 2"]) {
      process.env.NAS_ASSAY_THREADS = bad;
      assert.throws(
        () => threads(),
        (e) => e instanceof UserError && e.message.includes(JSON.stringify(bad)),
        bad,
      );
    }
  } finally {
    if (before === undefined) delete process.env.NAS_ASSAY_THREADS;
    else process.env.NAS_ASSAY_THREADS = before;
  }
});
