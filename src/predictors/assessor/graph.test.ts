import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "../../tensor/backend.js";
import { normalizedAdjacency, propagate, relationGraph, squaredDistances } from "./graph.js";

let z: tf.Tensor2D;
before(async () => {
  await initBackend();
  z = tf.tensor2d([
    [0, 0],
    [0.05, 0],
    [1, 1],
    [3, -2],
  ]);
});

test("squared distances", () => {
  const d = squaredDistances(z).arraySync();
  assert.ok(Math.abs(d[0][1] - 0.0025) < 1e-6);
  assert.ok(Math.abs(d[2][3] - 13) < 1e-4);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(d[i][i]) < 1e-6);
});

test("the graph is symmetric, has self-loops, is normalised and thresholded at τ", () => {
  const sigma = 0.5;
  const graph = relationGraph(z, { graphScale: "median", sigma: 1 / 1e9, tau: 1e-5 });
  // a tiny σ leaves only self-loops: Â = I
  const identity = normalizedAdjacency(graph).arraySync();
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(identity[i][j] - (i === j ? 1 : 0)) < 1e-6);
  const dense = relationGraph(z, { graphScale: "normalized", sigma, tau: 1e-5 });
  const a = dense.adjacency.arraySync();
  const d = squaredDistances(tf.div(z, tf.add(tf.norm(z, 2, 1, true), 1e-12)) as tf.Tensor2D).arraySync();
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const s = Math.exp(-d[i][j] / (2 * sigma * sigma));
      assert.ok(Math.abs(a[i][j] - (s > 1e-5 ? s : 0)) < 1e-5, `A[${i}][${j}]`);
      assert.ok(Math.abs(a[i][j] - a[j][i]) < 1e-6);
    }
    assert.ok(Math.abs(a[i][i] - 1) < 1e-5);
  }
  // Â = D^-1/2 A D^-1/2
  const degree = a.map((row) => row.reduce((x, y) => x + y, 0));
  const norm = normalizedAdjacency(dense).arraySync();
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++)
      assert.ok(Math.abs(norm[i][j] - a[i][j] / Math.sqrt(degree[i] * degree[j])) < 1e-5);
  // the threshold drops weak edges: with normalisation, z0 (a zero vector) and z3 are far apart
  const sparse = relationGraph(z, { graphScale: "normalized", sigma: 0.05, tau: 1e-5 }).adjacency.arraySync();
  assert.equal(sparse[2][3], 0);
  // propagate(Â, x) equals the dense product
  const x = tf.tensor2d([[1], [2], [3], [4]]);
  const viaFactor = propagate(dense, x).arraySync();
  const viaDense = (tf.matMul(normalizedAdjacency(dense), x) as tf.Tensor2D).arraySync();
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(viaFactor[i][0] - viaDense[i][0]) < 1e-5);
});

test("the graph is differentiable in the embeddings", () => {
  const variable = tf.variable(tf.randomNormal([16, 4], 0, 1, "float32", 3));
  const target = tf.randomNormal([16, 1], 0, 1, "float32", 4);
  const grad = tf.grad((e) => {
    const graph = relationGraph(e as tf.Tensor2D, { graphScale: "median", sigma: 0.5, tau: 1e-5 });
    return tf.sum(tf.square(tf.sub(propagate(graph, target as tf.Tensor2D), target)));
  })(variable);
  assert.ok(tf.sum(tf.abs(grad)).dataSync()[0] > 0);
});
