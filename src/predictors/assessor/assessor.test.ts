import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadBenchmark, targetValues } from "../../benchmark.js";
import { BadFileError, UserError } from "../../errors.js";
import { kendallTau } from "../../eval/metrics.js";
import { Rng } from "../../random.js";
import type { Nb201Space } from "../../spaces/nb201/space.js";
import { initBackend, tf } from "../../tensor/backend.js";
import { setThreads, threads } from "../../tensor/threads.js";
import { testData, testSpace } from "../../testing/fixtures.js";
import { MODEL_VERSION } from "../model-file.js";
import { createPredictor, loadPredictor } from "../registry.js";
import { SemiSupervisedAssessor } from "./assessor.js";
import { AssessorNetwork } from "./network.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-assessor-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: Nb201Space;
let truth: Float64Array;
before(async () => {
  await initBackend();
  const benchmark = await loadBenchmark("nb201", testData());
  space = benchmark.space as Nb201Space;
  truth = targetValues(benchmark);
});

/** A small, fast configuration: the same model, fewer and smaller batches. */
const SMALL = {
  batchSize: 256,
  labeledPerBatch: 64,
  pretrainSteps: 10,
  epochs: 10,
  minSteps: 40,
};

async function fitted(seed: number) {
  const labeled = space.sample(new Rng(seed), 200);
  const model = new SemiSupervisedAssessor(space, SMALL);
  await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed });
  return model;
}

test("it learns: predictions on unseen NAS-Bench-201 cells rank better than chance", async () => {
  const model = await fitted(1);
  const test = space.sample(new Rng(99), 2000);
  const predicted = await model.predict(test);
  const tau = kendallTau(
    predicted,
    Array.from(test, (id) => truth[id]),
  );
  assert.ok(tau > 0.3, `Kendall tau ${tau}`);
});

test("the helper thread changes nothing: one thread and two give the same numbers", async () => {
  // more cells than one prediction chunk, so that the helper scores some of them
  const ids = space.sample(new Rng(5), 9000);
  const initial = threads();
  try {
    setThreads(1);
    const alone = await (await fitted(3)).predict(ids);
    setThreads(2);
    const helped = await (await fitted(3)).predict(ids);
    assert.deepEqual(Array.from(helped), Array.from(alone));
  } finally {
    setThreads(initial);
  }
});

test("same seed, same numbers; save/load gives identical predictions", async () => {
  const ids = Int32Array.from([0, 1, 2, 3, 100, 5000, 15624]);
  const a = await fitted(7);
  const b = await fitted(7);
  const pa = await a.predict(ids);
  assert.deepEqual(pa, await b.predict(ids));
  const path = join(dir, "model.nasa");
  a.save(path);
  const loaded = await SemiSupervisedAssessor.load(path, space);
  assert.deepEqual(await loaded.predict(ids), pa);
  assert.equal(JSON.parse(readFileSync(path, "utf8")).space, "nb201");
});

test("the ablation without auto-encoder learns too, and its model file says so", async () => {
  const labeled = space.sample(new Rng(2), 200);
  // the auto-encoder's options are refused by the ablation, which has none
  assert.throws(
    () => createPredictor("ssa-noae", space, SMALL),
    /assessor options \(pretrainSteps\) set the auto-encoder/,
  );
  const { pretrainSteps: _, ...withoutAutoencoder } = SMALL;
  const model = createPredictor("ssa-noae", space, withoutAutoencoder);
  await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 2 });
  const test = space.sample(new Rng(98), 2000);
  const predicted = await model.predict(test);
  const tau = kendallTau(
    predicted,
    Array.from(test, (id) => truth[id]),
  );
  assert.ok(tau > 0.2, `Kendall tau ${tau}`);
  const path = join(dir, "noae.nasa");
  model.save(path);
  assert.equal(JSON.parse(readFileSync(path, "utf8")).method, "ssa-noae");
  const loaded = await loadPredictor(path, space);
  assert.equal(loaded.method, "ssa-noae");
  assert.deepEqual(await loaded.predict(test.subarray(0, 50)), predicted.subarray(0, 50));
});

test("gradients reach the encoder through the relation graph", async () => {
  const network = AssessorNetwork.initial(
    { rows: 8, cols: 15 },
    { embedding: 8, channels: [4, 8], hidden: 16, autoencoder: true },
    new Rng(1),
  );
  const x = tf.tensor4d(space.encode([0, 1, 2, 3, 4, 5, 6, 7]).slice(0, 8 * 8 * 15), [8, 8, 15, 1]);
  const { grads } = tf.variableGrads(() =>
    tf.sum(network.assess(network.encode(x), { graphScale: "median", sigma: 0.5, tau: 1e-5 })),
  );
  assert.ok(
    tf.sum(tf.abs(grads[network.variables.conv1.name])).dataSync()[0] > 0,
    "no gradient in the first convolution",
  );
  assert.ok(tf.sum(tf.abs(grads[network.variables.encode.name])).dataSync()[0] > 0);
});

test("bad model files, another space and bad options are clear errors", async () => {
  const model = await fitted(3);
  const path = join(dir, "m.nasa");
  model.save(path);
  const nb101 = await testSpace();
  await assert.rejects(
    SemiSupervisedAssessor.load(path, nb101),
    (e: Error) => e instanceof BadFileError && /was trained on "nb201", not on nb101/.test(e.message),
  );
  writeFileSync(join(dir, "junk.nasa"), "{not json");
  await assert.rejects(
    SemiSupervisedAssessor.load(join(dir, "junk.nasa"), space),
    /not a nas-assay model file/,
  );
  const file = JSON.parse(readFileSync(path, "utf8"));
  writeFileSync(join(dir, "v9.nasa"), JSON.stringify({ ...file, version: 9 }));
  await assert.rejects(
    SemiSupervisedAssessor.load(join(dir, "v9.nasa"), space),
    new RegExp(`field "version" is 9; this nas-assay reads model files of version ${MODEL_VERSION}`),
  );
  // a NaN weight, a NaN in the calibration, a context cell outside the space, an out-of-range option
  const edited = (name: string, edit: (f: typeof file) => void) => {
    const copy = JSON.parse(JSON.stringify(file));
    edit(copy);
    writeFileSync(join(dir, name), JSON.stringify(copy));
    return join(dir, name);
  };
  const nan = edited("nan.nasa", (f) => {
    const data = new Float32Array(Buffer.from(f.weights.gcn0.data, "base64").buffer.slice(0));
    data[5] = Number.NaN;
    f.weights.gcn0.data = Buffer.from(data.buffer).toString("base64");
  });
  await assert.rejects(
    loadPredictor(nan, space),
    (e: Error) =>
      e instanceof BadFileError && /field "weights\.gcn0\.data" holds NaN at index 5/.test(e.message),
  );
  const calibration = edited("calibration.nasa", (f) => {
    f.calibration.labels[0] = null;
  });
  await assert.rejects(
    loadPredictor(calibration, space),
    /field "calibration\.labels" must be a non-empty array of finite numbers/,
  );
  const context = edited("context.nasa", (f) => {
    f.context[0] = space.size;
  });
  await assert.rejects(
    loadPredictor(context, space),
    /field "context" must be a non-empty array of cell ids from 0 to 15624/,
  );
  const sigma = edited("sigma.nasa", (f) => {
    f.options.sigma = -1;
  });
  await assert.rejects(
    loadPredictor(sigma, space),
    /field "options" assessor option sigma must be > 0, got -1/,
  );
  const method = edited("method.nasa", (f) => {
    f.method = "ssa-noae";
  });
  await assert.rejects(
    loadPredictor(method, space),
    /field "method" is "ssa-noae" but options\.autoencoder says ssa/,
  );
  file.weights.conv1.shape = [1, 2];
  writeFileSync(join(dir, "shape.nasa"), JSON.stringify(file));
  await assert.rejects(
    SemiSupervisedAssessor.load(join(dir, "shape.nasa"), space),
    /field "weights" does not fit the network: weight conv1 is missing or not of shape/,
  );
  assert.throws(
    () => new SemiSupervisedAssessor(space, { sigma: -1 }),
    (e: Error) => e instanceof UserError && /sigma must be > 0/.test(e.message),
  );
  assert.throws(() => new SemiSupervisedAssessor(space, { lambda: 2 }), /lambda must be in \[0, 1\]/);
  assert.throws(
    () => new SemiSupervisedAssessor(space, { labeledPerBatch: 2000 }),
    /must be smaller than batchSize/,
  );
  await assert.rejects(
    new SemiSupervisedAssessor(space, SMALL).fit({
      space,
      labeled: [1, 2],
      labels: [0.5, Number.NaN],
      seed: 0,
    }),
    /label 1 \(cell 2\) is NaN/,
  );
});
