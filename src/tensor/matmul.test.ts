import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "./backend.js";
import { addBias } from "./bias.js";
import { denseLayer } from "./dense.js";
import { matMul } from "./matmul.js";

before(async () => {
  assert.equal(await initBackend(), "wasm");
});

function maxRelativeError(a: tf.Tensor, b: tf.Tensor): number {
  const scale = tf.max(tf.abs(b)).dataSync()[0];
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(scale, 1e-12);
}

// shapes that take each branch of the gradient: a large left operand with a narrow output, and the reverse
for (const [m, k, n] of [
  [300, 200, 4],
  [4, 200, 300],
  [50, 3, 60],
]) {
  test(`matMul and its gradients equal tf.matMul's (${m}×${k}·${k}×${n})`, () => {
    const a = tf.randomNormal([m, k], 0, 1, "float32", 1);
    const b = tf.randomNormal([k, n], 0, 1, "float32", 2);
    const w = tf.randomNormal([m, n], 0, 1, "float32", 3);
    const loss = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) =>
      tf.grads((x, y) => tf.sum(tf.mul(f(x, y), w)))([a, b]);
    const ours = loss((x, y) => matMul(x, y));
    const reference = loss((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D));
    assert.ok(maxRelativeError(matMul(a, b), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)) < 1e-5);
    for (let i = 0; i < 2; i++) assert.ok(maxRelativeError(ours[i], reference[i]) < 1e-5, `gradient ${i}`);
  });
}

test("addBias and its gradients equal tf.add's", () => {
  const x = tf.randomNormal([5, 3, 4, 6], 0, 1, "float32", 4);
  const bias = tf.randomNormal([6], 0, 1, "float32", 5);
  const w = tf.randomNormal([5, 3, 4, 6], 0, 1, "float32", 6);
  const loss = (f: (x: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
    tf.grads((p, q) => tf.sum(tf.mul(f(p, q), w)))([x, bias]);
  const ours = loss((p, q) => addBias(p, q as tf.Tensor1D));
  const reference = loss((p, q) => tf.add(p, q));
  for (let i = 0; i < 2; i++) assert.ok(maxRelativeError(ours[i], reference[i]) < 1e-5, `gradient ${i}`);
});

for (const relu of [false, true]) {
  test(`denseLayer${relu ? " with ReLU" : ""} and its gradients equal tf's`, () => {
    const x = tf.randomNormal([40, 30], 0, 1, "float32", 7) as tf.Tensor2D;
    const wt = tf.randomNormal([30, 300], 0, 1, "float32", 8) as tf.Tensor2D;
    const bias = tf.randomNormal([300], 0, 1, "float32", 9) as tf.Tensor1D;
    const w = tf.randomNormal([40, 300], 0, 1, "float32", 10);
    const loss = (f: (a: tf.Tensor2D, b: tf.Tensor2D, c: tf.Tensor1D) => tf.Tensor) =>
      tf.grads((a, b, c) => tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor1D), w)))([
        x,
        wt,
        bias,
      ]);
    const ours = loss((a, b, c) => denseLayer(a, b, c, relu));
    const reference = loss((a, b, c) => {
      const y = tf.add(tf.matMul(a, b), c);
      return relu ? tf.relu(y) : y;
    });
    for (let i = 0; i < 3; i++) assert.ok(maxRelativeError(ours[i], reference[i]) < 1e-5, `gradient ${i}`);
  });
}
