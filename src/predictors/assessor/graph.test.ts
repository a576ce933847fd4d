import assert from "node:assert/strict";
import { before, test } from "node:test";
import { initBackend, tf } from "../../tensor/backend.js";
import {
  assessQueries,
  batchCenter,
  distanceSpace,
  type GraphOptions,
  graphContext,
  graphConvolution,
  squaredDistances as pairDistances,
  selfDistances,
  similarityScale,
} from "./graph.js";
import { SparseGraph } from "./sparse-graph.js";

/** Squared distances of the rows of z. */
const squaredDistances = (z: tf.Tensor2D) => pairDistances(z, z);
/** The similarity scale of a batch of distance-space embeddings. */
const scaleOf = (e: tf.Tensor2D, o: GraphOptions) => similarityScale(selfDistances(e), e.shape[0], o);

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

test("the graph is symmetric, has self-loops, and keeps exactly the edges with s > τ", () => {
  const sigma = 0.5;
  const o: GraphOptions = { graphScale: "normalized", sigma, tau: 0.05 };
  const e = distanceSpace(z, batchCenter(z), o);
  const c = scaleOf(e, o);
  assert.ok(Math.abs(c - 1 / (2 * sigma * sigma)) < 1e-9, "normalized: σ is absolute");
  const graph = SparseGraph.fromDistances(selfDistances(e), 4, c, o.tau);
  const d = squaredDistances(e).arraySync();
  const dense = Array.from({ length: 4 }, () => new Array(4).fill(0));
  for (let i = 0; i < 4; i++) {
    for (let k = graph.rowStart[i]; k < graph.rowStart[i + 1]; k++)
      dense[i][graph.columns[k]] = graph.weights[k];
  }
  let kept = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      if (i === j) continue;
      const s = Math.exp(-d[i][j] / (2 * sigma * sigma));
      assert.ok(Math.abs(dense[i][j] - (s > o.tau ? s : 0)) < 1e-5, `A[${i}][${j}]`);
      assert.equal(dense[i][j], dense[j][i]);
      if (s > o.tau) kept++;
    }
  }
  assert.ok(kept > 0 && kept < 12, "some edges kept, some dropped");
  assert.equal(graph.edges, kept / 2);
  // degrees and products include the self-loop (s_ii = 1)
  const degrees = graph.degrees();
  const x = [1, 2, 3, 4];
  const product = graph.multiply(x, 1);
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(degrees[i] - (1 + dense[i].reduce((a, b) => a + b, 0))) < 1e-6);
    const expected = x[i] + dense[i].reduce((a, s, j) => a + s * x[j], 0);
    assert.ok(Math.abs(product[i] - expected) < 1e-5);
  }
});

test("median scale: σ is relative to the batch's median distance", () => {
  const o: GraphOptions = { graphScale: "median", sigma: 0.2, tau: 1e-5 };
  const e = distanceSpace(z, batchCenter(z), o);
  const scaled = distanceSpace(tf.mul(z, 10) as tf.Tensor2D, batchCenter(tf.mul(z, 10) as tf.Tensor2D), o);
  // the graph does not depend on the embedding's scale
  const c = scaleOf(e, o);
  assert.ok(Math.abs(scaleOf(scaled, o) * 100 - c) / c < 1e-4);
});

/** The GCN written with generic differentiable operations (the mask is a constant). */
function referenceGcn(z: tf.Tensor2D, w0: tf.Tensor2D, w1: tf.Tensor2D, b: tf.Tensor1D, o: GraphOptions) {
  const e = distanceSpace(z, batchCenter(z), o);
  const c = scaleOf(e, o);
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
    const reference = referenceGcn(zv, w0, w1, bias, o).dataSync();
    const output = graphConvolution(zv, { w0, w1, bias }, o).dataSync();
    for (let i = 0; i < reference.length; i++)
      assert.ok(Math.abs(reference[i] - output[i]) < 1e-4, `ŷ[${i}]`);
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
});
