import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadBenchmark, targetValues } from "../../benchmark.js";
import { Rng } from "../../random.js";
import type { Nb201Space } from "../../spaces/nb201/space.js";
import { initBackend, setThreads, threads } from "../../tensor/backend.js";
import { testData } from "../../testing/fixtures.js";
import { SemiSupervisedAssessor } from "./assessor.js";
import { branches, EXCHANGE_TIMEOUT, localBranches, setHelperWorkerScript } from "./helper.js";

let space: Nb201Space;
let truth: Float64Array;
const initialThreads = threads();
const warnings: string[] = [];
const onWarning = (w: Error & { code?: string }) => {
  if (w.code === "NAS_ASSAY_HELPER_STOPPED") warnings.push(w.message);
};
before(async () => {
  await initBackend();
  const benchmark = await loadBenchmark("nb201", testData());
  space = benchmark.space as Nb201Space;
  truth = targetValues(benchmark);
  process.on("warning", onWarning);
});
after(() => {
  process.off("warning", onWarning);
  setThreads(initialThreads);
  setHelperWorkerScript(undefined);
  delete process.env.NAS_ASSAY_TEST_HELPER_STOP;
  delete process.env.NAS_ASSAY_TEST_HELPER_STOP_AT;
});

/** As assessor.test.ts: a small, fast configuration (10 pre-training steps, then joint steps). */
const SMALL = { batchSize: 256, labeledPerBatch: 64, pretrainSteps: 10, epochs: 10, minSteps: 40 };
// more cells than one prediction chunk, so that the helper is sent some
const ids = () => space.sample(new Rng(5), 9000);

async function fitAndPredict(): Promise<{ predicted: Float64Array; seconds: number }> {
  const started = performance.now();
  const labeled = space.sample(new Rng(3), 200);
  const model = new SemiSupervisedAssessor(space, SMALL);
  await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 3 });
  const predicted = await model.predict(ids());
  model.dispose();
  return { predicted, seconds: (performance.now() - started) / 1000 };
}

const stopping = new URL("../../testing/stopping-helper-worker.js", import.meta.url);

test("a helper thread that stops mid-fit or mid-prediction costs nothing: the same numbers as one thread, one warning, no wait", async () => {
  setThreads(1);
  const alone = await fitAndPredict();
  setThreads(2);
  // request 0: the first pre-training step's part; 12: a joint step's (after 10 pre-training steps'
  // and the first joint step's); scores: the first prediction chunk sent to the helper
  for (const [where, at] of [
    ["on-request", 0],
    ["on-request", 12],
    ["after-embeddings", 12],
    ["on-scores", 0],
  ] as const) {
    process.env.NAS_ASSAY_TEST_HELPER_STOP = where;
    process.env.NAS_ASSAY_TEST_HELPER_STOP_AT = String(at);
    setHelperWorkerScript(stopping);
    warnings.length = 0;
    const helped = await fitAndPredict();
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    assert.deepEqual(Array.from(helped.predicted), Array.from(alone.predicted), `${where} ${at}`);
    // a step that waited out EXCHANGE_TIMEOUT (120 s) for a stopped helper would take far longer
    assert.ok(helped.seconds < EXCHANGE_TIMEOUT / 1000 / 4, `${where} ${at}: ${helped.seconds} s`);
    assert.equal(warnings.length, 1, `${where} ${at}: ${warnings.join(" | ")}`);
    assert.match(warnings[0], /helper thread stopped \(exit code 3\); the assessor goes on in one thread/);
    // the rest of the process runs in this thread
    assert.equal(branches(), localBranches);
  }
});

test("a helper that answers keeps being used (the test worker, told to stop late, changes nothing)", async () => {
  setThreads(2);
  process.env.NAS_ASSAY_TEST_HELPER_STOP = "on-request";
  process.env.NAS_ASSAY_TEST_HELPER_STOP_AT = "1000000";
  setHelperWorkerScript(stopping);
  warnings.length = 0;
  await fitAndPredict();
  assert.equal(warnings.length, 0);
  assert.notEqual(branches(), localBranches);
});
