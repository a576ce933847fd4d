// Its own file (its own process under node --test): the numeric backend is process-wide state here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { initBackend, tf } from "../tensor/backend.js";
import { testSpace } from "../testing/fixtures.js";
import { oneThreadThenTwo, smallFittedMlp } from "../testing/scoring-thread-checks.js";
import { scoringThread } from "./scoring-thread.js";
import { SCORING_THREAD_CELLS } from "./supervised.js";

test("a scoring thread whose backend is not this thread's stops at start: scored here, the same values, one warning", async () => {
  await initBackend();
  // this thread on tfjs' JavaScript backend (as where WebAssembly cannot start); the thread gets wasm
  assert.ok(await tf.setBackend("cpu"));
  const space = await testSpace();
  const model = await smallFittedMlp(space, 200, { maxSteps: 5, minSteps: 5, predictOrders: 1 });
  const ids = Int32Array.from({ length: SCORING_THREAD_CELLS + 1_000 }, (_, k) => (k * 13) % space.size);
  const { alone, shared, warnings } = await oneThreadThenTwo(model, ids);
  assert.deepEqual(shared, [alone]);
  assert.equal(scoringThread(), undefined);
  assert.equal(warnings.length, 1, warnings.join(" | "));
  assert.match(
    warnings[0],
    /^the scoring thread stopped: its numeric backend is wasm, the predicting thread's cpu: its scores would differ; large predictions go on in one thread$/,
  );
});
