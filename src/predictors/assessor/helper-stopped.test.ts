import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadBenchmark, targetValues } from "../../benchmark.js";
import { Rng } from "../../random.js";
import type { Nb201Space } from "../../spaces/nb201/space.js";
import { initBackend } from "../../tensor/backend.js";
import { setThreads, threads } from "../../tensor/threads.js";
import { testData } from "../../testing/fixtures.js";
import { SemiSupervisedAssessor } from "./assessor.js";
import { branches, EXCHANGE_TIMEOUT, localBranches, setHelperWorkerScript } from "./helper.js";

let space: Nb201Space;
let truth: Float64Array;
/** The one-thread run's predictions, which every run with a helper must equal to the bit. */
let alone: number[];
const initialThreads = threads();
const warnings: string[] = [];
const onWarning = (w: Error & { code?: string }) => {
  if (w.code === "NAS_ASSAY_HELPER_STOPPED") warnings.push(w.message);
};

/**
 * A tiny fit: requests to the helper 0-1 are the pre-training steps' parts, 2-4 the joint steps'
 * (each exchanges its embeddings); calibration scores 40 cells here; the prediction's second chunk
 * (cells 4,096 on) is the helper's first scores request.
 */
const TINY = { batchSize: 64, labeledPerBatch: 16, pretrainSteps: 2, epochs: 1, minSteps: 3, maxSteps: 3 };
const PREDICTED = 4096 + 200;

async function fitAndPredict(): Promise<{ predicted: number[]; seconds: number }> {
  const started = performance.now();
  const labeled = space.sample(new Rng(3), 40);
  const model = new SemiSupervisedAssessor(space, TINY);
  await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 3 });
  const predicted = await model.predict(space.sample(new Rng(5), PREDICTED));
  model.dispose();
  await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
  return { predicted: Array.from(predicted), seconds: (performance.now() - started) / 1000 };
}

before(async () => {
  await initBackend();
  const benchmark = await loadBenchmark("nb201", testData());
  space = benchmark.space as Nb201Space;
  truth = targetValues(benchmark);
  process.on("warning", onWarning);
  setThreads(1);
  alone = (await fitAndPredict()).predicted;
  setThreads(2);
});
after(() => {
  process.off("warning", onWarning);
  setThreads(initialThreads);
  setHelperWorkerScript(undefined);
  delete process.env.NAS_ASSAY_TEST_HELPER_STOP;
  delete process.env.NAS_ASSAY_TEST_HELPER_STOP_AT;
});

const stopping = new URL("../../testing/stopping-helper-worker.js", import.meta.url);

/** A fresh helper (the test worker) told to stop at request `at`, `where`. */
function helperStopping(where: string, at: number, embeddingsTimeout?: number): void {
  process.env.NAS_ASSAY_TEST_HELPER_STOP = where;
  process.env.NAS_ASSAY_TEST_HELPER_STOP_AT = String(at);
  setHelperWorkerScript(stopping, embeddingsTimeout);
  warnings.length = 0;
}

/** A step that waited out EXCHANGE_TIMEOUT (120 s) for a stopped helper would take far longer. */
const QUICK = EXCHANGE_TIMEOUT / 1000 / 8;
/** A run that waits for a stopped or hung helper fails instead of holding the test up. */
const LIMIT = { timeout: EXCHANGE_TIMEOUT / 2 };

for (const [where, at, when, why] of [
  ["on-request", 0, "stops at the first pre-training part", "exit code 3"],
  ["on-request", 3, "stops at a joint part, before its embeddings", "exit code 3"],
  ["after-embeddings", 3, "stops at a joint part, after its embeddings, before its gradient", "exit code 3"],
  ["throws", 3, "stops by an uncaught exception, at a joint part", ".*as told"],
  ["on-scores", 0, "stops at its first prediction chunk", "exit code 3"],
  ["errs", 0, "replies an error at the first pre-training part", "error: .+"],
  ["errs", 3, "replies an error at a joint part, before its embeddings", "error: .+"],
  ["errs-on-scores", 0, "replies an error at its first prediction chunk", "error: .+"],
] as const) {
  test(
    `a helper thread that ${when} costs nothing: the same numbers as one thread, one warning, no wait`,
    LIMIT,
    async () => {
      helperStopping(where, at);
      const helped = await fitAndPredict();
      assert.deepEqual(helped.predicted, alone);
      assert.ok(helped.seconds < QUICK, `${helped.seconds} s`);
      assert.equal(warnings.length, 1, warnings.join(" | "));
      assert.match(
        warnings[0],
        new RegExp(`helper thread stopped \\((${why})\\); the assessor goes on in one thread`),
      );
      // the rest of the process runs in this thread
      assert.equal(branches(), localBranches);
    },
  );
}

for (const [where, at, when] of [
  ["hangs", 0, "at the first pre-training part"],
  ["hangs-on-scores", 0, "at its first prediction chunk"],
] as const) {
  test(
    `a helper that hangs ${when} is given up on when it has not replied within the timeout: the same numbers, one warning`,
    LIMIT,
    async () => {
      helperStopping(where, at, 2000);
      const helped = await fitAndPredict();
      assert.deepEqual(helped.predicted, alone);
      assert.ok(helped.seconds > 2 && helped.seconds < QUICK, `${helped.seconds} s`);
      assert.equal(warnings.length, 1, warnings.join(" | "));
      assert.match(warnings[0], /helper thread stopped \(no reply within 2 s\); the assessor goes on/);
      assert.equal(branches(), localBranches);
    },
  );
}

test(
  "a helper that hangs at a joint part is given up on after the embeddings' timeout: the same numbers, one warning",
  LIMIT,
  async () => {
    helperStopping("hangs", 3, 2000);
    const helped = await fitAndPredict();
    assert.deepEqual(helped.predicted, alone);
    // the step blocks 1 s (EMBEDDINGS_WAIT), then waits for the embeddings up to 2 s, while the watchdog
    // counts 2 s from the helper's last reply: whichever ends first gives the helper up
    assert.ok(helped.seconds > 2 && helped.seconds < QUICK, `${helped.seconds} s`);
    assert.equal(warnings.length, 1, warnings.join(" | "));
    assert.match(
      warnings[0],
      /helper thread stopped \(no (embeddings|reply) within 2 s\); the assessor goes on/,
    );
    assert.equal(branches(), localBranches);
  },
);

test(
  "after a helper stopped, later fits run in this thread: no new helper, no new warning, the same numbers",
  LIMIT,
  async () => {
    helperStopping("on-request", 0);
    await fitAndPredict();
    assert.equal(warnings.length, 1);
    // the test worker stops at once: a second helper would warn again
    const later = await fitAndPredict();
    assert.deepEqual(later.predicted, alone);
    assert.equal(warnings.length, 1, warnings.join(" | "));
    assert.equal(branches(), localBranches);
  },
);

test(
  "a helper that answers keeps being used (the test worker, told to stop late, changes nothing)",
  LIMIT,
  async () => {
    helperStopping("on-request", 1_000_000);
    const helped = await fitAndPredict();
    assert.deepEqual(helped.predicted, alone);
    assert.equal(warnings.length, 0);
    assert.notEqual(branches(), localBranches);
  },
);
