import assert from "node:assert/strict";
import { after, test } from "node:test";
import { testSpace } from "../testing/fixtures.js";
import { oneThreadThenTwo, smallFittedMlp } from "../testing/scoring-thread-checks.js";
import { SCORING_TIMEOUT, scoringThread, setScoringWorkerScript } from "./scoring-thread.js";
import { SCORING_THREAD_CELLS } from "./supervised.js";

const failing = new URL("../testing/failing-scoring-worker.js", import.meta.url);

after(() => {
  setScoringWorkerScript(undefined, SCORING_TIMEOUT, true);
  delete process.env.NAS_ASSAY_TEST_SCORING_FAIL;
});

for (const [how, timeout, reason] of [
  ["errs", SCORING_TIMEOUT, /error: the test scoring thread errs, as told/],
  ["hangs", 2000, /no reply within 2 s/],
] as const) {
  test(`a scoring thread that ${how === "errs" ? "replies an error" : "never replies"} is stopped: the prediction is scored here, the same values, one warning`, {
    timeout: SCORING_TIMEOUT / 2,
  }, async () => {
    const space = await testSpace();
    const model = await smallFittedMlp(space, 300, { maxSteps: 30, minSteps: 30 });
    const ids = Int32Array.from({ length: SCORING_THREAD_CELLS + 5_000 }, (_, k) => (k * 13) % space.size);
    const started = performance.now();
    const { alone, shared, warnings } = await oneThreadThenTwo(model, ids, 2, () => {
      process.env.NAS_ASSAY_TEST_SCORING_FAIL = how;
      setScoringWorkerScript(failing, timeout, true);
    });
    model.dispose();
    assert.deepEqual(shared, [alone, alone]);
    assert.equal(scoringThread(), undefined);
    assert.equal(warnings.length, 1, warnings.join(" | "));
    assert.match(warnings[0], /^the scoring thread stopped: /);
    assert.match(warnings[0], reason);
    assert.match(warnings[0], /; large predictions go on in one thread$/);
    // a hang costs its timeout once, not a wait per chunk
    assert.ok((performance.now() - started) / 1000 < 30, `${(performance.now() - started) / 1000} s`);
  });
}
