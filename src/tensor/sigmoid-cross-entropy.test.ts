import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "./backend.js";
import { sigmoidCrossEntropy } from "./sigmoid-cross-entropy.js";

before(async () => {
  await initBackend();
});

test("the loss and its gradient equal tf.losses.sigmoidCrossEntropy's, large logits included", () => {
  const targets = tf.cast(tf.greater(tf.randomUniform([700, 3], 0, 1, "float32", 1), 0.7), "float32");
  const logits = tf.variable(
    tf.concat([tf.randomNormal([699, 3], 0, 4, "float32", 2), tf.tensor2d([[80, -80, 0]])]),
  );
  const ours = tf.variableGrads(() => sigmoidCrossEntropy(targets, logits), [logits]);
  const reference = tf.variableGrads(
    () => tf.losses.sigmoidCrossEntropy(targets, logits) as tf.Scalar,
    [logits],
  );
  const a = ours.value.dataSync()[0];
  const b = reference.value.dataSync()[0];
  assert.ok(Number.isFinite(a) && Math.abs(a - b) < 1e-5 * b, `${a} vs ${b}`);
  const ga = ours.grads[logits.name].dataSync();
  const gb = reference.grads[logits.name].dataSync();
  for (let i = 0; i < ga.length; i++) assert.ok(Math.abs(ga[i] - gb[i]) < 1e-7, `gradient ${i}`);
});
