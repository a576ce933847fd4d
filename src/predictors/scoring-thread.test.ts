import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../random.js";
import { setThreads, threads } from "../tensor/threads.js";
import { testSpace } from "../testing/fixtures.js";
import { createPredictor } from "./registry.js";
import {
  SCORING_TIMEOUT,
  ScoringThreadGone,
  scoringThread,
  setScoringWorkerScript,
} from "./scoring-thread.js";
import { SCORING_THREAD_CELLS } from "./supervised.js";

/** Predictions of `ids` with one thread, then with the scoring thread's help. */
async function bothWays(method: "mlp" | "transformer", ids: Int32Array) {
  const space = await testSpace();
  const rng = new Rng(5);
  const labeled = space.sample(rng, 300);
  const model = createPredictor(method, space, {}, { training: { maxSteps: 30, minSteps: 30 } });
  await model.fit({ space, labeled, labels: Array.from(labeled, () => 0.8 + 0.15 * rng.float()), seed: 1 });
  const before = threads();
  try {
    setThreads(1);
    const alone = await model.predict(ids);
    setThreads(2);
    const answered = scoringThread()?.answered ?? 0;
    const shared = await model.predict(ids);
    return { alone, shared, requests: (scoringThread()?.answered ?? 0) - answered };
  } finally {
    setThreads(before);
  }
}

for (const method of ["mlp", "transformer"] as const)
  test(`a large ${method} prediction shares its chunks with the scoring thread and gives the same values to the bit`, async () => {
    // more than four chunks, the last one short; the MLP averages four vertex orders per cell
    const ids = Int32Array.from({ length: SCORING_THREAD_CELLS + 9_000 }, (_, k) => (k * 11) % 423_624);
    const { alone, shared, requests } = await bothWays(method, ids);
    assert.ok(requests >= 1, `the scoring thread answered ${requests} requests`);
    assert.deepEqual(shared, alone);
  });

test("a prediction below SCORING_THREAD_CELLS stays in this thread", async () => {
  const ids = Int32Array.from({ length: SCORING_THREAD_CELLS - 1 }, (_, k) => k);
  const { alone, shared, requests } = await bothWays("mlp", ids);
  assert.equal(requests, 0);
  assert.deepEqual(shared, alone);
});

test("a network the scoring thread cannot build stops it, with its message (the caller scores here)", async () => {
  const space = await testSpace();
  const thread = scoringThread();
  assert.ok(thread);
  try {
    await assert.rejects(
      thread.scores(
        "nope",
        { kind: "nope", options: {}, space: { name: space.name, encoding: space.encoding } },
        [],
        [new Float32Array(space.encoding.size)],
        1,
        space.encoding.size,
      ),
      (e: Error) =>
        e instanceof ScoringThreadGone &&
        e.message ===
          'the scoring thread stopped: error: no network of kind "nope"; kinds: peephole, mlp, gin, transformer',
    );
    assert.equal(scoringThread(), undefined);
  } finally {
    setScoringWorkerScript(undefined, SCORING_TIMEOUT, true);
  }
});
