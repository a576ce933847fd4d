/**
 * tfjs never garbage-collects tensors: a predictor that kept any after `dispose` would leak about a
 * megabyte a round in the loops that make one per round (ask, simulate, active search).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { initBackend, tf } from "../tensor/backend.js";
import { nb201WithLabels } from "../testing/predictor-checks.js";
import { EnsemblePredictor } from "./ensemble.js";
import { type Predictor, usePredictor } from "./predictor.js";
import { createPredictor, loadPredictor, METHODS } from "./registry.js";
import { SelfTrainingPredictor } from "./self-training.js";

let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  await initBackend();
  ({ space, truth } = await nb201WithLabels());
});

/** The assessor's steps cut to a few: what is counted is tensors, not accuracy. */
const SHORT_ASSESSOR = { pretrainSteps: 3, epochs: 1, minSteps: 3, maxSteps: 3 };

/**
 * Each method, made small enough to fit in seconds: the assessors with a few steps, the self-trained
 * one an ensemble of two transformers with a pool of 40 and two rounds (a teacher replaced each round).
 */
function quickPredictor(method: (typeof METHODS)[number]): Predictor {
  if (method === "ssa" || method === "ssa-ensemble") return createPredictor(method, space, SHORT_ASSESSOR);
  // no auto-encoder: its pre-training steps are refused
  if (method === "ssa-noae") {
    const { pretrainSteps: _, ...withoutAutoencoder } = SHORT_ASSESSOR;
    return createPredictor(method, space, withoutAutoencoder);
  }
  if (method === "transformer-self-training")
    return new SelfTrainingPredictor(
      method,
      space,
      () =>
        new EnsemblePredictor(method, space, [
          createPredictor("transformer", space),
          createPredictor("transformer", space),
        ]),
      { pool: 40, keep: 0.5, rounds: 2 },
    );
  return createPredictor(method, space);
}

for (const method of METHODS) {
  test(`${method}: dispose frees every tensor that fit and predict made; predicting after it throws`, async () => {
    const before = tf.memory().numTensors;
    const predictor = quickPredictor(method);
    const labeled = space.sample(new Rng(3), 30);
    const fit = () =>
      predictor.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 3 });
    await fit();
    await fit(); // a refit replaces the model it had
    await predictor.predict(Int32Array.from([0, 1, 2]));
    predictor.dispose();
    assert.equal(tf.memory().numTensors, before, "tensors left after dispose");
    // named as the method the caller made (an ensemble's said its member's, "mlp: …" for mlp-ensemble)
    await assert.rejects(
      async () => predictor.predict(Int32Array.from([0])),
      (e: Error) => e.message.startsWith(`${method}: predict needs a fitted model`),
    );
  });
}

test("a model read from its file frees what loading made (an ensemble and the assessor)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-dispose-test-"));
  try {
    for (const predictor of [createPredictor("transformer-ensemble", space), quickPredictor("ssa-noae")]) {
      const labeled = space.sample(new Rng(4), 30);
      await predictor.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 4 });
      const file = join(dir, `${predictor.method}.json`);
      predictor.save(file);
      predictor.dispose();
      const before = tf.memory().numTensors;
      const loaded = await loadPredictor(file, space);
      await loaded.predict(Int32Array.from([0, 1, 2]));
      assert.ok(tf.memory().numTensors > before, `${predictor.method}: loading made its weights`);
      loaded.dispose();
      assert.equal(tf.memory().numTensors, before, `${predictor.method}: tensors left after dispose`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("usePredictor frees the predictor when what uses it throws, and returns what it returns", async () => {
  const labeled = space.sample(new Rng(5), 30);
  const labels = Array.from(labeled, (id) => truth[id]);
  const before = tf.memory().numTensors;
  const failing = createPredictor("transformer-ensemble", space);
  await assert.rejects(
    usePredictor(failing, async (p) => {
      await p.fit({ space, labeled, labels, seed: 5 });
      assert.ok(tf.memory().numTensors > before, "the fit made its weights");
      throw new Error("a failure after the fit");
    }),
    /a failure after the fit/,
  );
  assert.equal(tf.memory().numTensors, before, "tensors left after a failure");
  const predicted = await usePredictor(createPredictor("mlp", space), async (p) => {
    await p.fit({ space, labeled, labels, seed: 5 });
    return p.predict(Int32Array.from([0, 1]));
  });
  assert.equal(predicted.length, 2);
  assert.equal(tf.memory().numTensors, before, "tensors left after a success");
});
