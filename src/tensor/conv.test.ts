import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "./backend.js";
import { conv2dSame } from "./conv.js";

before(async () => {
  assert.equal(await initBackend(), "wasm");
});

/** The convolution by patches and matMul, slow but obviously right: the reference for gradients. */
function patchConv(x: tf.Tensor4D, filter: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const k = filter.shape[0];
  const p = (k - 1) / 2;
  const padded = tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  const patches: tf.Tensor4D[] = [];
  for (let dy = 0; dy < k; dy++)
    for (let dx = 0; dx < k; dx++) patches.push(tf.slice(padded, [0, dy, dx, 0], [b, h, w, c]));
  const cols = tf.reshape(tf.concat(patches, 3), [b * h * w, k * k * c]);
  return tf.reshape(tf.matMul(cols, tf.reshape(filter, [k * k * c, -1])), [b, h, w, -1]);
}

test("the convolution equals tf.conv2d with 'same' padding", () => {
  const x = tf.randomNormal([3, 7, 12, 2], 0, 1, "float32", 1) as tf.Tensor4D;
  const filter4 = tf.randomNormal([3, 3, 2, 5], 0, 1, "float32", 2) as tf.Tensor4D;
  const bias = tf.randomNormal([5], 0, 1, "float32", 3) as tf.Tensor1D;
  const expected = tf.add(tf.conv2d(x, filter4, 1, "same"), bias);
  const got = conv2dSame(x, filter4, bias);
  assert.deepEqual(got.shape, [3, 7, 12, 5]);
  const diff = tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0];
  assert.ok(diff < 1e-4, `max difference ${diff}`);
});

test("its input and filter gradients equal those of the patch convolution", () => {
  const x = tf.randomNormal([4, 7, 12, 3], 0, 1, "float32", 4) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, 3, 5], 0, 1, "float32", 5) as tf.Tensor4D;
  const zero = tf.zeros([5]) as tf.Tensor1D;
  const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) =>
    tf.grads((a, b) => tf.sum(tf.square(f(a as tf.Tensor4D, b as tf.Tensor4D))))([x, filter]);
  const ours = loss((a, b) => conv2dSame(a, b, zero));
  const reference = loss(patchConv);
  for (let i = 0; i < 2; i++) {
    const scale = tf.max(tf.abs(reference[i])).dataSync()[0];
    const diff = tf.max(tf.abs(tf.sub(ours[i], reference[i]))).dataSync()[0];
    assert.ok(scale > 0 && diff / scale < 1e-5, `gradient ${i}: difference ${diff} at scale ${scale}`);
  }
});

test("with ReLU and without the input's gradient, the filter and bias gradients equal tf's", () => {
  const x = tf.randomNormal([4, 7, 12, 1], 0, 1, "float32", 6) as tf.Tensor4D;
  const filter = tf.randomNormal([3, 3, 1, 4], 0, 1, "float32", 7) as tf.Tensor4D;
  const bias = tf.randomNormal([4], 0, 1, "float32", 8) as tf.Tensor1D;
  const w = tf.randomNormal([4, 7, 12, 4], 0, 1, "float32", 9);
  const options = { relu: true, inputGradient: false };
  const loss = (f: (a: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor4D) =>
    tf.grads((a, b) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor1D), w)))([filter, bias]);
  const ours = loss((a, b) => conv2dSame(x, a, b, options));
  const reference = loss((a, b) => tf.relu(tf.add(patchConv(x, a), b)) as tf.Tensor4D);
  for (let i = 0; i < 2; i++) {
    const scale = tf.max(tf.abs(reference[i])).dataSync()[0];
    const diff = tf.max(tf.abs(tf.sub(ours[i], reference[i]))).dataSync()[0];
    assert.ok(scale > 0 && diff / scale < 1e-5, `gradient ${i}: difference ${diff} at scale ${scale}`);
  }
});
