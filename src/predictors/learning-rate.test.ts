import assert from "node:assert/strict";
import { test } from "node:test";
import { initBackend, tf } from "../tensor/backend.js";
import { learningRateAt, ScheduledAdam } from "./learning-rate.js";

test("cosine starts at the rate, halves it midway and approaches 0; constant stays", () => {
  assert.equal(learningRateAt("cosine", 0.01, 0, 100), 0.01);
  assert.ok(Math.abs(learningRateAt("cosine", 0.01, 50, 100) - 0.005) < 1e-15);
  assert.ok(learningRateAt("cosine", 0.01, 99, 100) < 0.01 * 1e-3);
  assert.ok(learningRateAt("cosine", 0.01, 99, 100) > 0);
  assert.equal(learningRateAt("constant", 0.01, 99, 100), 0.01);
});

/** Ten Adam steps on a small least-squares problem; the weights after them. */
async function tenSteps(make: () => tf.Optimizer, after?: (o: tf.Optimizer, w: tf.Variable[]) => void) {
  await initBackend();
  const w = [
    tf.variable(
      tf.tensor2d([
        [0.5, -0.2],
        [0.1, 0.3],
      ]),
    ),
    tf.variable(tf.tensor1d([0.1, -0.1])),
  ];
  const x = tf.tensor2d([
    [1, 2],
    [3, -1],
    [0.5, 0.5],
  ]);
  const y = tf.tensor2d([
    [1, 0],
    [0, 1],
    [1, 1],
  ]);
  const optimizer = make();
  for (let step = 0; step < 10; step++) {
    optimizer.minimize(
      () => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(x, w[0]), w[1]), y))) as tf.Scalar,
      false,
      w,
    );
    after?.(optimizer, w);
  }
  const values = w.map((v) => Array.from(v.dataSync()));
  tf.dispose([...w, x, y]);
  optimizer.dispose();
  return values;
}

test("ScheduledAdam at a constant rate and no decay steps exactly as tfjs' Adam", async () => {
  const plain = await tenSteps(() => tf.train.adam(0.05));
  const scheduled = await tenSteps(() => new ScheduledAdam(0.05));
  assert.deepEqual(scheduled, plain);
});

test("weight decay shrinks the matrices, not the biases, by rate × decay per step", async () => {
  const plain = await tenSteps(() => new ScheduledAdam(0.05));
  // one step of decay only, at rate 0: Adam moves nothing, the matrix shrinks by 1 − 0.05·2
  await initBackend();
  const matrix = tf.variable(
    tf.tensor2d([
      [1, -2],
      [3, 4],
    ]),
  );
  const bias = tf.variable(tf.tensor1d([1, 2]));
  const optimizer = new ScheduledAdam(0.05, 2);
  optimizer.decay([matrix, bias]);
  const shrunk = Array.from(matrix.dataSync());
  for (const [k, v] of [0.9, -1.8, 2.7, 3.6].entries())
    assert.ok(Math.abs(shrunk[k] - v) < 1e-6, `${shrunk}`);
  assert.deepEqual(Array.from(bias.dataSync()), [1, 2]);
  optimizer.setLearningRate(0);
  optimizer.decay([matrix]);
  assert.deepEqual(Array.from(matrix.dataSync()), shrunk);
  tf.dispose([matrix, bias]);
  optimizer.dispose();
  const decayed = await tenSteps(
    () => new ScheduledAdam(0.05, 2),
    (o, w) => (o as ScheduledAdam).decay(w),
  );
  assert.notDeepEqual(decayed[0], plain[0]);
});
