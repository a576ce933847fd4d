import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "../../tensor/backend.js";
import {
  assessQueries,
  batchCenter,
  disposeContext,
  distanceSpace,
  type GraphOptions,
  graphContext,
  graphConvolution,
  negativeScaledDistances,
  normalizedAdjacency,
  propagate,
  relationGraph,
  similarityScale,
} from "./graph.js";

/** Squared distances of the rows of z. */
const squaredDistances = (z: tf.Tensor2D) => tf.neg(negativeScaledDistances(z, z, 1)) as tf.Tensor2D;

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
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(d[i][i]) < 1e-5);
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
  const centred = tf.sub(z, tf.mean(z, 0, true));
  const d = squaredDistances(
    tf.div(centred, tf.add(tf.norm(centred, 2, 1, true), 1e-12)) as tf.Tensor2D,
  ).arraySync();
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
  // the threshold drops weak edges: after centring and normalisation, z2 and z3 point apart
  const sparse = relationGraph(z, { graphScale: "normalized", sigma: 0.05, tau: 1e-5 }).adjacency.arraySync();
  assert.equal(sparse[2][3], 0);
  // propagate(Â, x) equals the dense product
  const x = tf.tensor2d([[1], [2], [3], [4]]);
  const viaFactor = propagate(dense, x).arraySync();
  const viaDense = (tf.matMul(normalizedAdjacency(dense), x) as tf.Tensor2D).arraySync();
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(viaFactor[i][0] - viaDense[i][0]) < 1e-5);
});

/** The GCN written with generic differentiable operations (the mask is a constant). */
function referenceGcn(z: tf.Tensor2D, w0: tf.Tensor2D, w1: tf.Tensor2D, b: tf.Tensor1D, o: GraphOptions) {
  const e = distanceSpace(z, batchCenter(z), o);
  const c = similarityScale(e, o);
  const sq = tf.sum(tf.square(e), 1, true);
  const k = tf.mul(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, tf.matMul(e, e, false, true))), -c);
  const mask = tf.tidy(() =>
    tf.cast(tf.greater(tf.tensor(k.dataSync(), k.shape), Math.log(o.tau)), "float32"),
  );
  const a = tf.mul(tf.exp(k), mask);
  const dinv = tf.rsqrt(tf.sum(a, 1, true));
  const prop = (x: tf.Tensor) => tf.mul(dinv, tf.matMul(a, tf.mul(dinv, x)));
  const h = tf.relu(tf.matMul(prop(z), w0));
  return tf.reshape(tf.add(prop(tf.matMul(h, w1)), b), [-1]);
}

for (const graphScale of ["median", "normalized"] as const) {
  test(`the GCN's hand-written gradient equals automatic differentiation (${graphScale})`, () => {
    const o: GraphOptions = { graphScale, sigma: graphScale === "median" ? 0.3 : 0.5, tau: 1e-3 };
    const zv = tf.variable(tf.randomNormal([40, 5], 0, 1, "float32", 1)) as tf.Variable<tf.Rank.R2>;
    const w0 = tf.variable(tf.randomNormal([5, 7], 0, 1, "float32", 2)) as tf.Variable<tf.Rank.R2>;
    const w1 = tf.variable(tf.randomNormal([7, 1], 0, 1, "float32", 3)) as tf.Variable<tf.Rank.R2>;
    const bias = tf.variable(tf.tensor1d([0.1])) as tf.Variable<tf.Rank.R1>;
    const y = tf.randomNormal([40], 0, 1, "float32", 4);
    const expected = tf.variableGrads(() => tf.sum(tf.mul(referenceGcn(zv, w0, w1, bias, o), y)));
    const actual = tf.variableGrads(() => tf.sum(tf.mul(graphConvolution(zv, { w0, w1, bias }, o), y)));
    assert.ok(Math.abs(expected.value.dataSync()[0] - actual.value.dataSync()[0]) < 1e-4);
    for (const name of Object.keys(expected.grads)) {
      const scale = tf.max(tf.abs(expected.grads[name])).dataSync()[0];
      const error = tf.max(tf.abs(tf.sub(expected.grads[name], actual.grads[name]))).dataSync()[0];
      assert.ok(scale > 0 && error < 1e-5 * Math.max(1, scale), `gradient of ${name}: error ${error}`);
    }
    tf.dispose([zv, w0, w1, bias]);
  });
}

test("a queried cell joins the context as one more node", () => {
  const o: GraphOptions = { graphScale: "median", sigma: 0.3, tau: 1e-5 };
  const z = tf.randomNormal([300, 4], 0, 1, "float32", 5) as tf.Tensor2D;
  const weights = {
    w0: tf.randomNormal([4, 8], 0, 1, "float32", 6) as tf.Tensor2D,
    w1: tf.randomNormal([8, 1], 0, 1, "float32", 7) as tf.Tensor2D,
    bias: tf.tensor1d([0.2]),
  };
  const context = graphContext(tf.slice(z, [0, 0], [299, 4]), weights, o);
  const query = tf.slice(z, [299, 0], [1, 4]) as tf.Tensor2D;
  const alone = assessQueries(context, query, weights, o).dataSync()[0];
  // the same node inside the full batch's graph: equal but for its small effect on others' degrees
  const inBatch = graphConvolution(z, weights, o).dataSync()[299];
  assert.ok(Math.abs(alone - inBatch) < 0.05 * Math.max(1, Math.abs(inBatch)), `${alone} vs ${inBatch}`);
  // a cell far from every context cell has only its self-loop: ReLU(z·W0)·W1 + b
  const far = tf.mul(tf.onesLike(query), 1e3) as tf.Tensor2D;
  const isolated = tf.add(tf.matMul(tf.relu(tf.matMul(far, weights.w0)), weights.w1), weights.bias);
  assert.ok(Math.abs(assessQueries(context, far, weights, o).dataSync()[0] - isolated.dataSync()[0]) < 1e-3);
  // rows are independent: asking two cells together gives each one's answer alone
  const pair = assessQueries(context, tf.concat([query, far]) as tf.Tensor2D, weights, o).dataSync();
  assert.ok(Math.abs(pair[0] - alone) < 1e-6);
  disposeContext(context);
});
