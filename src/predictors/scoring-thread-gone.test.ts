// Its own file (its own process under node --test): a failed scoring thread stays off in the process.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../random.js";
import { setThreads } from "../tensor/backend.js";
import { testSpace } from "../testing/fixtures.js";
import { createPredictor } from "./registry.js";
import { scoringThread, setScoringWorkerScript } from "./scoring-thread.js";
import { SCORING_THREAD_CELLS } from "./supervised.js";

test("a scoring thread that cannot start: the prediction is scored here, the same values, with one warning", async () => {
  const space = await testSpace();
  const rng = new Rng(5);
  const labeled = space.sample(rng, 300);
  const model = createPredictor("mlp", space, {}, { training: { maxSteps: 30, minSteps: 30 } });
  await model.fit({ space, labeled, labels: Array.from(labeled, () => 0.8 + 0.15 * rng.float()), seed: 1 });
  const ids = Int32Array.from({ length: SCORING_THREAD_CELLS + 5_000 }, (_, k) => (k * 13) % space.size);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    setThreads(1);
    const alone = await model.predict(ids);
    setThreads(2);
    setScoringWorkerScript(new URL("./no-such-scoring-worker.js", import.meta.url));
    const first = await model.predict(ids);
    const second = await model.predict(ids);
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    assert.deepEqual(first, alone);
    assert.deepEqual(second, alone);
    assert.equal(scoringThread(), undefined);
    assert.equal(warnings.length, 1, warnings.join(" | "));
    assert.match(
      warnings[0],
      /^the scoring thread stopped: .*no-such-scoring-worker\.js.*; large predictions go on in one thread$/,
    );
  } finally {
    process.off("warning", onWarning);
    setScoringWorkerScript(undefined);
    setThreads(1);
  }
});
