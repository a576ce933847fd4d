import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../random.js";
import { initBackend, tf } from "../tensor/backend.js";
import { learningRateAt, ScheduledAdam } from "./learning-rate.js";

test("cosine starts at the rate, halves it midway and approaches 0; constant stays", () => {
  assert.equal(learningRateAt("cosine", 0.01, 0, 100), 0.01);
  assert.ok(Math.abs(learningRateAt("cosine", 0.01, 50, 100) - 0.005) < 1e-15);
  assert.ok(learningRateAt("cosine", 0.01, 99, 100) < 0.01 * 1e-3);
  assert.ok(learningRateAt("cosine", 0.01, 99, 100) > 0);
  assert.equal(learningRateAt("constant", 0.01, 99, 100), 0.01);
});

type Loss = () => tf.Scalar;

/**
 * `steps` steps of a small two-layer least-squares fit (a third weight the loss never reads, to check
 * that one is skipped); the weights after them. `step` runs one step on the loss.
 */
async function fitted(steps: number, step: (loss: Loss, w: tf.Variable[], k: number) => void) {
  await initBackend();
  const rng = new Rng(3);
  const values = (n: number) => Float32Array.from({ length: n }, () => rng.float() * 2 - 1);
  // tidy: each variable's initial tensor would outlive it
  const w = tf.tidy(() => [
    tf.variable(tf.tensor2d(values(4 * 16), [4, 16])),
    tf.variable(tf.tensor1d(values(16))),
    tf.variable(tf.tensor2d(values(16), [16, 1])),
    tf.variable(tf.tensor2d(values(6), [2, 3])),
  ]);
  const x = tf.tensor2d(values(32 * 4), [32, 4]);
  const y = tf.tensor2d(values(32), [32, 1]);
  const loss: Loss = () =>
    tf.mean(tf.square(tf.sub(tf.matMul(tf.relu(tf.add(tf.matMul(x, w[0]), w[1])), w[2]), y)));
  for (let k = 0; k < steps; k++) step(loss, w, k);
  const result = w.map((v) => Array.from(v.dataSync()));
  tf.dispose([...w, x, y]);
  return result;
}

/** tfjs' own Adam, then (with `decay`) each matrix times 1 − rate · decay: what ScheduledAdam replaced. */
function tfjsSteps(rate: (k: number) => number, decay = 0) {
  let optimizer: tf.AdamOptimizer | undefined;
  return (loss: Loss, w: tf.Variable[], k: number) => {
    optimizer ??= tf.train.adam(rate(0));
    (optimizer as unknown as { learningRate: number }).learningRate = rate(k);
    optimizer.minimize(loss, false, w.slice(0, 3));
    const factor = 1 - rate(k) * decay;
    if (decay)
      tf.tidy(() => {
        for (const v of w) if (v.rank >= 2) v.assign(tf.mul(v, factor));
      });
  };
}

function scheduledSteps(rate: (k: number) => number, decay = 0, last = 199) {
  let optimizer: ScheduledAdam | undefined;
  return (loss: Loss, w: tf.Variable[], k: number) => {
    optimizer ??= new ScheduledAdam(rate(0), decay);
    optimizer.setLearningRate(rate(k));
    optimizer.minimize(loss, w);
    if (k === last) optimizer.dispose();
  };
}

test("ScheduledAdam gives tfjs' Adam's weights to the last bit, at a constant or annealed rate, with or without decay", async () => {
  const constant = () => 0.05;
  const cosine = (k: number) => learningRateAt("cosine", 0.01, k, 200);
  await initBackend();
  const before = tf.memory().numTensors;
  const moved = await fitted(200, scheduledSteps(constant));
  assert.equal(tf.memory().numTensors, before, "tensors left after the fit and dispose()");
  assert.deepEqual(moved, await fitted(200, tfjsSteps(constant)));
  assert.deepEqual(await fitted(200, scheduledSteps(cosine, 2)), await fitted(200, tfjsSteps(cosine, 2)));
  assert.deepEqual(await fitted(200, scheduledSteps(cosine)), await fitted(200, tfjsSteps(cosine)));
  const start = await fitted(0, () => {});
  assert.notDeepEqual(moved[0], start[0], "the fit moved the weights");
  assert.deepEqual(moved[3], start[3], "the weight the loss never reads");
});

test("weight decay shrinks the matrices, not the biases, by rate × decay per step", async () => {
  await initBackend();
  const matrix = tf.variable(
    tf.tensor2d([
      [1, -2],
      [3, 4],
    ]),
  );
  const bias = tf.variable(tf.tensor1d([1, 2]));
  // at rate 0.05 on a loss of the bias alone, whose gradient is 0: Adam moves nothing, the matrix
  // shrinks by 1 − 0.05·2
  const optimizer = new ScheduledAdam(0.05, 2);
  const loss = () => tf.mul(tf.sum(bias), 0) as tf.Scalar;
  optimizer.minimize(loss, [matrix, bias]);
  const shrunk = Array.from(matrix.dataSync());
  for (const [k, v] of [0.9, -1.8, 2.7, 3.6].entries())
    assert.ok(Math.abs(shrunk[k] - v) < 1e-6, `${shrunk}`);
  assert.deepEqual(Array.from(bias.dataSync()), [1, 2]);
  optimizer.setLearningRate(0);
  optimizer.minimize(loss, [matrix, bias]);
  assert.deepEqual(Array.from(matrix.dataSync()), shrunk);
  optimizer.dispose();
  tf.dispose([matrix, bias]);
});
