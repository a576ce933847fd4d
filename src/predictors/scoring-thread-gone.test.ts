// Its own file (its own process under node --test): a failed scoring thread stays off in the process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { testSpace } from "../testing/fixtures.js";
import { oneThreadThenTwo, smallFittedMlp } from "../testing/scoring-thread-checks.js";
import { scoringThread, setScoringWorkerScript } from "./scoring-thread.js";
import { SCORING_THREAD_CELLS } from "./supervised.js";

test("a scoring thread that cannot start: the prediction is scored here, the same values, with one warning", async () => {
  const space = await testSpace();
  const model = await smallFittedMlp(space, 300, { maxSteps: 30, minSteps: 30 });
  const ids = Int32Array.from({ length: SCORING_THREAD_CELLS + 5_000 }, (_, k) => (k * 13) % space.size);
  try {
    const { alone, shared, warnings } = await oneThreadThenTwo(model, ids, 2, () =>
      setScoringWorkerScript(new URL("./no-such-scoring-worker.js", import.meta.url)),
    );
    assert.deepEqual(shared, [alone, alone]);
    assert.equal(scoringThread(), undefined);
    assert.equal(warnings.length, 1, warnings.join(" | "));
    assert.match(
      warnings[0],
      /^the scoring thread stopped: .*no-such-scoring-worker\.js.*; large predictions go on in one thread$/,
    );
  } finally {
    setScoringWorkerScript(undefined);
  }
});
