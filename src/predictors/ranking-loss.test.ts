import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "../tensor/backend.js";
import { rankingLoss } from "./ranking-loss.js";

before(async () => {
  await initBackend();
});

/** The loss from tensor operations over every ordered pair. */
function denseRankingLoss(predicted: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  const n = predicted.shape[0];
  const dp = tf.sub(tf.reshape(predicted, [n, 1]), tf.reshape(predicted, [1, n]));
  const sign = tf.sign(tf.sub(tf.reshape(target, [n, 1]), tf.reshape(target, [1, n])));
  const weight = tf.abs(sign);
  const loss = tf.mul(tf.softplus(tf.neg(tf.mul(sign, dp))), weight);
  return tf.div(tf.sum(loss), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
}

test("the ranking loss and its gradient equal the dense formula, ties and large margins included", () => {
  const predicted = tf.variable(tf.tensor1d([0.3, -2, 40, 0.3, 1, -35])) as tf.Variable<tf.Rank.R1>;
  const target = tf.tensor1d([1, 0, 2, 1, 0.5, 3]);
  const ours = tf.variableGrads(() => rankingLoss(predicted, target));
  const reference = tf.variableGrads(() => denseRankingLoss(predicted, target));
  assert.ok(Number.isFinite(ours.value.dataSync()[0]));
  assert.ok(Math.abs(ours.value.dataSync()[0] - reference.value.dataSync()[0]) < 1e-5);
  const a = ours.grads[predicted.name].dataSync();
  const b = reference.grads[predicted.name].dataSync();
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `gradient ${i}: ${a[i]} vs ${b[i]}`);
});

test("over thousands of pairs (the log of running products) it still equals the dense formula", () => {
  const predicted = tf.randomNormal([90], 0, 3, "float32", 11) as tf.Tensor1D;
  const target = tf.round(tf.randomUniform([90], 0, 20, "float32", 12)) as tf.Tensor1D;
  const ours = rankingLoss(predicted, target).dataSync()[0];
  const reference = denseRankingLoss(predicted, target).dataSync()[0];
  assert.ok(Math.abs(ours - reference) < 1e-5 * reference, `${ours} vs ${reference}`);
});

test("a perfect order with wide margins costs almost nothing; the reverse order costs the margins", () => {
  const target = tf.tensor1d([1, 2, 3]);
  assert.ok(rankingLoss(tf.tensor1d([0, 50, 100]), target).dataSync()[0] < 1e-6);
  const reversed = rankingLoss(tf.tensor1d([100, 50, 0]), target).dataSync()[0];
  assert.ok(Math.abs(reversed - (50 + 50 + 100) / 3) < 1e-3);
});
