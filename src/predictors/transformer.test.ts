import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Rng } from "../random.js";
import { matrixEncoding, type SearchSpace } from "../spaces/search-space.js";
import { initBackend, tf } from "../tensor/backend.js";
import { addBias } from "../tensor/bias.js";
import { matMul } from "../tensor/matmul.js";
import { heldOutKendallTau, nb201WithLabels } from "../testing/predictor-checks.js";
import { type CellInput, cellInputList } from "./cell-inputs.js";
import type { EnsemblePredictor } from "./ensemble.js";
import { listMleLoss } from "./listmle.js";
import { pairwiseHingeLoss } from "./pairwise-hinge.js";
import { createPredictor, loadPredictor, TRANSFORMER_ENSEMBLE_SIZE } from "./registry.js";
import { epochsFor, SupervisedPredictor, trainingLoss } from "./supervised.js";
import {
  cellStructure,
  flowSweep,
  flowSweeps,
  neighbourMeans,
  relationBias,
  relationClasses,
  relations,
  TRANSFORMER_TRAINING,
  transformerNetwork,
} from "./transformer.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-transformer-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  await initBackend();
  ({ space, truth } = await nb201WithLabels());
});

const V = 7;
const K = 5;
/** Only its encoding is read by the network: a NAS-Bench-101-like layout (7 vertices, 5 op types). */
const fakeSpace = { encoding: matrixEncoding(V, ["input", "a", "b", "c", "output"]) } as SearchSpace<unknown>;

/** Random DAG cells in topological order, some with padded vertices (no op, no edges) at the end. */
function randomCells(count: number, rng: Rng): Float32Array {
  const size = fakeSpace.encoding.size;
  const x = new Float32Array(count * size);
  for (let c = 0; c < count; c++) {
    const real = 3 + rng.int(V - 2); // 3..7 real vertices
    const base = c * size;
    for (let i = 0; i < real; i++) {
      for (let j = i + 1; j < real; j++) if (j === i + 1 || rng.float() < 0.3) x[base + i * V + j] = 1;
      const op = i === 0 ? 0 : i === real - 1 ? K - 1 : 1 + rng.int(K - 2);
      x[base + V * V + i * K + op] = 1;
    }
  }
  return x;
}

/** Row `row` of `x` with its vertices permuted: vertex v moves to slot perm[v]. */
function permuted(x: Float32Array, row: number, perm: Int32Array): Float32Array {
  const size = fakeSpace.encoding.size;
  const old = x.subarray(row * size, (row + 1) * size);
  const out = new Float32Array(size);
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < V; j++) out[perm[i] * V + perm[j]] = old[i * V + j];
    for (let k = 0; k < K; k++) out[V * V + perm[i] * K + k] = old[V * V + i * K + k];
  }
  return out;
}

test("relation classes: self, forward and backward shortest-path distances, unrelated", () => {
  // 0 → 1 → 2, 0 → 2, 3 alone
  const a = new Float32Array(16);
  a[0 * 4 + 1] = 1;
  a[1 * 4 + 2] = 1;
  a[0 * 4 + 2] = 1;
  const rows = (x: Float32Array) => {
    const flat = Array.from(relations(x, 1, 4));
    return [0, 1, 2, 3].map((i) => flat.slice(i * 4, i * 4 + 4));
  };
  const classes = rows(a);
  // forward distance d is class d, backward d is class 3 + d, unrelated 7
  assert.deepEqual(classes, [
    [0, 1, 1, 7],
    [4, 0, 1, 7],
    [4, 4, 0, 7],
    [7, 7, 7, 0],
  ]);
  const chain = new Float32Array(16);
  for (let i = 0; i < 3; i++) chain[i * 4 + i + 1] = 1;
  assert.deepEqual(rows(chain)[0], [0, 1, 2, 3]);
  assert.deepEqual(rows(chain)[3], [6, 5, 4, 0]);
});

test("any permutation of a cell's vertices gives the same score (no vertex positions; float order only)", () => {
  const rng = new Rng(5);
  const network = transformerNetwork(fakeSpace, { width: 16, heads: 2, layers: 2, ffn: 24 });
  const weights = network.shapes().map((shape) => tf.randomNormal(shape, 0, 0.5, "float32", rng.int(1e6)));
  const count = 64;
  const x = randomCells(count, rng);
  const size = fakeSpace.encoding.size;
  const shuffled = new Float32Array(count * size);
  for (let c = 0; c < count; c++) shuffled.set(permuted(x, c, rng.permutation(V)), c * size);
  assert.notDeepEqual(shuffled, x);
  const a = network.forward(weights, tf.tensor2d(x, [count, size])).dataSync();
  const b = network.forward(weights, tf.tensor2d(shuffled, [count, size])).dataSync();
  const spread = Math.max(...a) - Math.min(...a);
  assert.ok(spread > 0.1, `scores barely differ between cells (${spread})`);
  for (let c = 0; c < count; c++)
    assert.ok(Math.abs(a[c] - b[c]) <= 1e-5 * Math.max(1, Math.abs(a[c])), `cell ${c}: ${a[c]} vs ${b[c]}`);
});

test("embed: the pooled vector the output layer reads, invariant to vertex order, one row per cell", () => {
  const rng = new Rng(8);
  const network = transformerNetwork(fakeSpace, { width: 16, heads: 2, layers: 2, ffn: 24 });
  const weights = network.shapes().map((shape) => tf.randomNormal(shape, 0, 0.5, "float32", rng.int(1e6)));
  const count = 32;
  const size = fakeSpace.encoding.size;
  const x = randomCells(count, rng);
  const z = network.embed(weights, tf.tensor2d(x, [count, size]));
  assert.deepEqual(z.shape, [count, 16]);
  // the output layer on the embedding is the forward pass, to the bit
  const head = weights.length - 2;
  const viaEmbed = addBias(matMul(z, weights[head]), weights[head + 1] as tf.Tensor1D).dataSync();
  const forward = network.forward(weights, tf.tensor2d(x, [count, size])).dataSync();
  assert.deepEqual(Array.from(viaEmbed), Array.from(forward));
  // each row is the mean of the normalised tokens of the cell's real vertices (padded ones left out)
  const tokens = network.encode(weights, tf.tensor2d(x, [count, size])).arraySync();
  const rows = z.arraySync();
  for (let c = 0; c < count; c++) {
    const real = Array.from({ length: V }, (_, v) => v).filter((v) =>
      x.subarray(c * size + V * V + v * K, c * size + V * V + (v + 1) * K).some((o) => o > 0),
    );
    for (let f = 0; f < 16; f++) {
      const mean = real.reduce((s, v) => s + tokens[c * V + v][f], 0) / real.length;
      assert.ok(Math.abs(rows[c][f] - mean) < 1e-5, `cell ${c} feature ${f}: ${rows[c][f]} vs ${mean}`);
    }
  }
  // another vertex order of every cell: the same embedding up to float summation order
  const shuffled = new Float32Array(count * size);
  for (let c = 0; c < count; c++) shuffled.set(permuted(x, c, rng.permutation(V)), c * size);
  const again = network.embed(weights, tf.tensor2d(shuffled, [count, size])).arraySync();
  for (let c = 0; c < count; c++)
    for (let f = 0; f < 16; f++) assert.ok(Math.abs(rows[c][f] - again[c][f]) < 1e-5, `cell ${c}`);
});

test("neighbour means: the sparse sum equals the batched product it replaced, value and gradient, to the bit", () => {
  const rng = new Rng(11);
  const count = 300;
  const x = randomCells(count, rng);
  const s = cellStructure(x, count, V, K);
  const d = 6;
  const g = tf.variable(tf.randomNormal([count * V, d], 0, 1, "float32", 12)) as tf.Variable<tf.Rank.R2>;
  const upstream = tf.randomNormal([count * V, 2 * d], 0, 1, "float32", 13);
  // the formula of earlier versions: per cell, [predecessor means; successor means] = N·g
  const reference = () => {
    const product = tf.matMul(tf.tensor3d(s.neighbours, [count, 2 * V, V]), tf.reshape(g, [count, V, d]));
    const perVertex = tf.reshape(tf.transpose(tf.reshape(product, [count, 2, V, d]), [0, 2, 1, 3]), [
      count * V,
      2 * d,
    ]);
    return tf.sum(tf.mul(perVertex, upstream)) as tf.Scalar;
  };
  const ours = () => tf.sum(tf.mul(neighbourMeans(g, s), upstream)) as tf.Scalar;
  const a = tf.variableGrads(ours);
  const b = tf.variableGrads(reference);
  assert.deepEqual(
    neighbourMeans(g, s).dataSync(),
    tf
      .tidy(() => {
        const product = tf.matMul(tf.tensor3d(s.neighbours, [count, 2 * V, V]), tf.reshape(g, [count, V, d]));
        return tf.reshape(tf.transpose(tf.reshape(product, [count, 2, V, d]), [0, 2, 1, 3]), [
          count * V,
          2 * d,
        ]);
      })
      .dataSync(),
  );
  assert.deepEqual(a.grads[g.name].dataSync(), b.grads[g.name].dataSync());
  assert.ok(a.grads[g.name].dataSync().some((v) => v !== 0));
  // the weights: 1/in-degree on predecessors, 1/out-degree on successors, nothing else
  const cell = 0;
  for (let i = 0; i < V; i++) {
    const preds = Array.from({ length: V }, (_, j) => x[cell * fakeSpace.encoding.size + j * V + i]);
    const sum = preds.reduce((p, q) => p + q, 0);
    for (let j = 0; j < V; j++)
      assert.equal(s.neighbours[i * V + j], preds[j] === 0 ? 0 : Math.fround(1 / sum));
  }
});

test("relation bias: the copied weights equal the one-hot product they replaced, value and gradient, to the bit", () => {
  const rng = new Rng(14);
  const count = 300;
  const H = 4;
  const C = relationClasses(V);
  const s = cellStructure(randomCells(count, rng), count, V, K);
  const w = tf.variable(tf.randomNormal([C, H], 0, 1, "float32", 15)) as tf.Variable<tf.Rank.R2>;
  const upstream = tf.randomNormal([count, H, V, V], 0, 1, "float32", 16);
  // the formula of earlier versions: one-hot classes times w, heads moved to the second axis
  const product = () => {
    const oneHot = tf.oneHot(tf.tensor1d(s.classes, "int32"), C) as tf.Tensor2D;
    return tf.transpose(tf.reshape(matMul(oneHot, w), [count, V, V, H]), [0, 3, 1, 2]);
  };
  assert.deepEqual(relationBias(w, s).dataSync(), tf.tidy(product).dataSync());
  const a = tf.variableGrads(() => tf.sum(tf.mul(relationBias(w, s), upstream)) as tf.Scalar);
  const b = tf.variableGrads(() => tf.sum(tf.mul(product(), upstream)) as tf.Scalar);
  assert.deepEqual(a.grads[w.name].dataSync(), b.grads[w.name].dataSync());
  assert.ok(a.grads[w.name].dataSync().some((v) => v !== 0));
});

/** Normalised over the last axis, as the network's (no gain), in plain numbers. */
function normalised(row: number[]): number[] {
  const mean = row.reduce((a, b) => a + b, 0) / row.length;
  const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
  return row.map((v) => (v - mean) / Math.sqrt(variance + 1e-5));
}

test("flow sweeps: each vertex updated once, after its predecessors (forward) or successors (backward); value and gradient as the masked formula", () => {
  const rng = new Rng(21);
  const count = 40;
  const size = fakeSpace.encoding.size;
  const stored = randomCells(count, rng);
  // half the cells in another vertex order: the sweep must not follow the vertex index
  const x = new Float32Array(stored);
  for (let c = 0; c < count; c += 2) x.set(permuted(stored, c, rng.permutation(V)), c * size);
  const s = cellStructure(x, count, V, K);
  const [d, F] = [6, 8];
  const h0 = tf.randomNormal([count * V, d], 0, 1, "float32", 22) as tf.Tensor2D;
  const w = [[d, F], [d, F], [F], [F, d], [d]].map((shape, k) =>
    tf.variable(tf.randomNormal(shape, 0, 0.5, "float32", 30 + k)),
  );
  const h = tf.variable(h0) as tf.Variable<tf.Rank.R2>;
  const sweeps = flowSweeps(s);
  const real = (c: number, v: number) =>
    x.subarray(c * size + V * V + v * K, c * size + V * V + (v + 1) * K).some((o) => o > 0);
  for (const side of [0, 1]) {
    const edge = (c: number, from: number, to: number) =>
      side === 0 ? x[c * size + from * V + to] > 0 : x[c * size + to * V + from] > 0;
    const ours = flowSweep(h, w, sweeps[side]).arraySync();
    // a plain loop: vertices in an order where every neighbour read comes first (Kahn's algorithm)
    const tokens = h0.arraySync();
    const [w1, w2, b1, w3, b3] = w.map((t) => t.arraySync()) as [
      number[][],
      number[][],
      number[],
      number[][],
      number[],
    ];
    for (let c = 0; c < count; c++) {
      const done = new Set<number>();
      while (done.size < V) {
        const v = [...Array(V).keys()].find(
          (v) => !done.has(v) && [...Array(V).keys()].every((u) => done.has(u) || !edge(c, u, v)),
        ) as number;
        done.add(v);
        if (!real(c, v)) continue;
        const own = normalised(tokens[c * V + v]);
        const from = [...Array(V).keys()].filter((u) => edge(c, u, v));
        const mean = Array.from({ length: d }, (_, f) =>
          from.length ? from.reduce((a, u) => a + normalised(tokens[c * V + u])[f], 0) / from.length : 0,
        );
        const hidden = Array.from({ length: F }, (_, j) =>
          Math.max(
            0,
            b1[j] +
              own.reduce((a, o, f) => a + o * w1[f][j], 0) +
              mean.reduce((a, m, f) => a + m * w2[f][j], 0),
          ),
        );
        for (let f = 0; f < d; f++)
          tokens[c * V + v][f] += b3[f] + hidden.reduce((a, u, j) => a + u * w3[j][f], 0);
      }
    }
    for (let r = 0; r < count * V; r++)
      for (let f = 0; f < d; f++)
        assert.ok(
          Math.abs(ours[r][f] - tokens[r][f]) < 1e-4,
          `side ${side} row ${r}: ${ours[r][f]} vs ${tokens[r][f]}`,
        );
    // the masked formula (every row multiplied at every level, updates kept where the depth matches),
    // differentiated by tfjs: the gathers' hand-written gradients must give the same
    const depth = side === 0 ? s.forwardDepth : s.backwardDepth;
    const masked = () => {
      let out: tf.Tensor2D = h;
      for (let t = 0; t <= s.maxDepth; t++) {
        const mask = tf.tensor2d(
          Array.from(depth, (k) => (k === t ? 1 : 0)),
          [count * V, 1],
        );
        const a = normalisedTensor(out);
        const nb = tf.slice(neighbourMeans(a, s), [0, side * d], [count * V, d]) as tf.Tensor2D;
        const hidden = tf.relu(
          addBias(
            tf.add(matMul(a, w[0] as tf.Tensor2D), matMul(nb, w[1] as tf.Tensor2D)),
            w[2] as tf.Tensor1D,
          ),
        );
        const update = addBias(matMul(hidden as tf.Tensor2D, w[3] as tf.Tensor2D), w[4] as tf.Tensor1D);
        out = tf.add(out, tf.mul(mask, update)) as tf.Tensor2D;
      }
      return out;
    };
    const upstream = tf.randomNormal([count * V, d], 0, 1, "float32", 40 + side);
    const a = tf.variableGrads(() => tf.sum(tf.mul(flowSweep(h, w, sweeps[side]), upstream)) as tf.Scalar);
    const b = tf.variableGrads(() => tf.sum(tf.mul(masked(), upstream)) as tf.Scalar);
    for (const variable of [h, ...w] as tf.Variable[]) {
      const [ga, gb] = [a.grads[variable.name].dataSync(), b.grads[variable.name].dataSync()];
      const scale = Math.max(...Array.from(gb, Math.abs));
      assert.ok(scale > 0, `no gradient reaches ${variable.name}`);
      for (let i = 0; i < ga.length; i++)
        assert.ok(
          Math.abs(ga[i] - gb[i]) <= 1e-4 * scale,
          `side ${side} ${variable.name}[${i}]: ${ga[i]} vs ${gb[i]}`,
        );
    }
  }
  // the depths: longest paths, -1 on padded vertices
  for (let c = 0; c < count; c++)
    for (let v = 0; v < V; v++) if (!real(c, v)) assert.equal(s.forwardDepth[c * V + v], -1);
});

function normalisedTensor(h: tf.Tensor2D): tf.Tensor2D {
  const centred = tf.sub(h, tf.mean(h, 1, true));
  return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), 1e-5))) as tf.Tensor2D;
}

/** The hinge loss from tensor operations over every ordered pair (autodiff's gradient). */
function denseHinge(predicted: tf.Tensor1D, target: tf.Tensor1D, margin: number, minGap = 0): tf.Scalar {
  const n = predicted.shape[0];
  const dp = tf.sub(tf.reshape(predicted, [n, 1]), tf.reshape(predicted, [1, n]));
  const gap = tf.sub(tf.reshape(target, [n, 1]), tf.reshape(target, [1, n]));
  const better = tf.cast(tf.greater(gap, minGap), "float32");
  const loss = tf.mul(tf.relu(tf.sub(margin, dp)), better);
  return tf.div(tf.sum(loss), tf.maximum(tf.sum(better), 1)) as tf.Scalar;
}

test("the hinge loss and its hand-written gradient equal tfjs' autodiff of the dense formula", () => {
  // minimum gaps: none, and 1.5 and 4 label units (pairs of targets that close left out)
  for (const [margin, minGap] of [
    [0, 0],
    [0.1, 0],
    [1, 0],
    [0.5, 1.5],
    [1, 4],
  ]) {
    const predicted = tf.variable(tf.randomNormal([40], 0, 1, "float32", 7)) as tf.Variable<tf.Rank.R1>;
    const target = tf.round(tf.randomUniform([40], 0, 12, "float32", 8)) as tf.Tensor1D; // with ties
    const ours = tf.variableGrads(() => pairwiseHingeLoss(predicted, target, margin, minGap));
    const reference = tf.variableGrads(() => denseHinge(predicted, target, margin, minGap));
    const [u, r] = [ours.value.dataSync()[0], reference.value.dataSync()[0]];
    assert.ok(r > 0 && Math.abs(u - r) < 1e-5 * r, `margin ${margin}, gap ${minGap}: ${u} vs ${r}`);
    const a = ours.grads[predicted.name].dataSync();
    const b = reference.grads[predicted.name].dataSync();
    assert.ok(a.some((g) => g !== 0));
    for (let i = 0; i < a.length; i++)
      assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `gradient ${i}: ${a[i]} vs ${b[i]}`);
  }
});

test("ListMLE: the Plackett–Luce negative log-likelihood of the true order, its gradient equal to autodiff's", () => {
  // three cells, true order 2 > 0 > 1: (1/3)·[log(e^p2 + e^p0 + e^p1) − p2 + log(e^p0 + e^p1) − p0 + 0]
  const p = [0.3, -0.2, 1.1];
  const byHand =
    (Math.log(Math.exp(1.1) + Math.exp(0.3) + Math.exp(-0.2)) -
      1.1 +
      Math.log(Math.exp(0.3) + Math.exp(-0.2)) -
      0.3) /
    3;
  const value = listMleLoss(tf.tensor1d(p), tf.tensor1d([0.5, 0.1, 0.9])).dataSync()[0];
  assert.ok(Math.abs(value - byHand) < 1e-6, `${value} vs ${byHand}`);
  const predicted = tf.variable(tf.randomNormal([30], 0, 2, "float32", 21)) as tf.Variable<tf.Rank.R1>;
  const target = tf.randomUniform([30], 0, 1, "float32", 22) as tf.Tensor1D;
  // dense reference: order by target (descending), log of reversed cumulative sums of exp
  const reference = () => {
    const y = target.dataSync();
    const order = Array.from({ length: 30 }, (_, i) => i).sort((a, b) => y[b] - y[a]);
    // a permutation matrix (the wasm backend has no gradient for gather)
    const permutation = tf.cast(tf.oneHot(tf.tensor1d(order, "int32"), 30), "float32");
    const sorted = tf.reshape(tf.matMul(permutation, tf.reshape(predicted, [30, 1])), [30]);
    const logSuffix = tf.log(tf.cumsum(tf.exp(sorted), 0, false, true));
    return tf.mean(tf.sub(logSuffix, sorted)) as tf.Scalar;
  };
  const ours = tf.variableGrads(() => listMleLoss(predicted, target));
  const dense = tf.variableGrads(reference);
  assert.ok(Math.abs(ours.value.dataSync()[0] - dense.value.dataSync()[0]) < 1e-4);
  const a = ours.grads[predicted.name].dataSync();
  const b = dense.grads[predicted.name].dataSync();
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `gradient ${i}: ${a[i]} vs ${b[i]}`);
  // the true order scores lower than its reverse
  const y = tf.tensor1d([3, 2, 1, 0]);
  assert.ok(
    listMleLoss(tf.tensor1d([3, 2, 1, 0]), y).dataSync()[0] <
      listMleLoss(tf.tensor1d([0, 1, 2, 3]), y).dataSync()[0],
  );
  assert.throws(
    () => new SupervisedPredictor("transformer", space, transformerNetwork(space), { listWeight: -1 }),
    /listWeight must be a number ≥ 0, got -1/,
  );
});

test("the training loss weighs its terms as asked", () => {
  const p = tf.tensor1d([0.2, -0.5, 1.5, 0.1]);
  const y = tf.tensor1d([1, 0, 2, 0.5]);
  const value = (w: { mseWeight: number; rankWeight: number; hingeWeight: number }) =>
    trainingLoss(p, y, { ...w, hingeMargin: 0.5 }).dataSync()[0];
  const mse = value({ mseWeight: 1, rankWeight: 0, hingeWeight: 0 });
  const rank = value({ mseWeight: 0, rankWeight: 1, hingeWeight: 0 });
  const hinge = value({ mseWeight: 0, rankWeight: 0, hingeWeight: 1 });
  assert.ok(Math.abs(mse - (0.64 + 0.25 + 0.25 + 0.16) / 4) < 1e-6);
  assert.ok(rank > 0 && hinge > 0);
  assert.ok(
    Math.abs(value({ mseWeight: 2, rankWeight: 0.5, hingeWeight: 3 }) - (2 * mse + 0.5 * rank + 3 * hinge)) <
      1e-5,
  );
});

test("transformer learns NAS-Bench-201, round-trips through its model file, and repeats itself by seed", async () => {
  const short = { minSteps: 50, maxSteps: 50 };
  const make = () =>
    new SupervisedPredictor("transformer", space, transformerNetwork(space, { width: 16, heads: 2 }), {
      ...(createPredictor("transformer", space) as SupervisedPredictor).training,
      ...short,
    });
  const model = make();
  const { tau, test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 200,
    seed: 3,
    testSize: 1500,
  });
  assert.ok(tau > 0.4, `Kendall tau ${tau}`);
  const again = await heldOutKendallTau(make(), space, truth, { labels: 200, seed: 3, testSize: 1500 });
  assert.deepEqual(again.predicted, predicted, "same seed, other numbers");
  const other = await heldOutKendallTau(make(), space, truth, { labels: 200, seed: 4, testSize: 1500 });
  assert.notDeepEqual(other.predicted, predicted);
  const path = join(dir, "transformer.nasa");
  model.save(path);
  const loaded = await loadPredictor(path, space);
  assert.equal(loaded.method, "transformer");
  assert.deepEqual(await loaded.predict(test), predicted);
  const file = JSON.parse(readFileSync(path, "utf8"));
  file.network.heads = 5;
  writeFileSync(join(dir, "bad.nasa"), JSON.stringify(file));
  await assert.rejects(
    loadPredictor(join(dir, "bad.nasa"), space),
    /field "network" transformer width 16 is not divisible by its 5 heads/,
  );
  // a model file written before the flow layer existed names no flowLayers: it is read as 0 (no flow
  // weights), not as today's default, which would not fit its weights
  const noFlow = new SupervisedPredictor(
    "transformer",
    space,
    transformerNetwork(space, { width: 16, heads: 2, flowLayers: 0 }),
    { ...(createPredictor("transformer", space) as SupervisedPredictor).training, ...short },
  );
  const fitted = await heldOutKendallTau(noFlow, space, truth, { labels: 200, seed: 3, testSize: 1500 });
  noFlow.save(path);
  const old = JSON.parse(readFileSync(path, "utf8"));
  assert.equal(old.network.flowLayers, 0);
  delete old.network.flowLayers;
  delete old.sha256;
  old.sha256 = createHash("sha256").update(JSON.stringify(old)).digest("hex");
  writeFileSync(path, JSON.stringify(old));
  assert.deepEqual(await (await loadPredictor(path, space)).predict(fitted.test), fitted.predicted);
});

test("bad transformer and loss options are refused with what was expected", () => {
  assert.throws(() => transformerNetwork(space, { heads: 3 }), /width 32 is not divisible by its 3 heads/);
  assert.throws(() => transformerNetwork(space, { layers: 0 }), /layers must be a positive integer, got 0/);
  assert.throws(() => transformerNetwork(space, { width: 2.5 }), /width must be a positive integer, got 2.5/);
  assert.throws(
    () => transformerNetwork(space, { layers: 1, flowLayers: 2 }),
    /flowLayers must be an integer from 0 to layers \(1\), got 2/,
  );
  assert.throws(
    () => transformerNetwork(space, { relationBias: "yes" as unknown as boolean }),
    /relationBias must be true or false, got "yes"/,
  );
  const network = transformerNetwork(space);
  const make = (training: object) => new SupervisedPredictor("transformer", space, network, training);
  assert.throws(() => make({ rankWeight: -1 }), /rankWeight must be a number ≥ 0, got -1/);
  assert.throws(() => make({ hingeMargin: Number.NaN }), /hingeMargin must be a number ≥ 0, got NaN/);
  assert.throws(
    () => make({ mseWeight: 0, rankWeight: 0, hingeWeight: 0 }),
    /all 0: there is no loss to train on/,
  );
  assert.throws(() => make({ learningRate: 0 }), /learningRate must be a positive number, got 0/);
  assert.throws(() => make({ epochs: 1.5 }), /epochs must be a positive integer, got 1.5/);
  assert.throws(
    () => pairwiseHingeLoss(tf.tensor1d([1]), tf.tensor1d([1]), -1),
    /margin must be a number ≥ 0/,
  );
});

test("epochs by label count: the first row covering the count, `epochs` beyond the table or without one", () => {
  const o = {
    epochs: 7,
    epochsByLabels: [
      [500, 25],
      [2000, 50],
    ] as [number, number][],
  };
  assert.deepEqual(
    [100, 500, 501, 2000, 4236].map((n) => epochsFor(o, n)),
    [25, 25, 50, 50, 7],
  );
  assert.equal(epochsFor({ epochs: 7 }, 4236), 7);
});

test("per-cell inputs: read beside the graph, saved with their scaling, same seed → same numbers, bad ones refused", async () => {
  const short = { ...TRANSFORMER_TRAINING, minSteps: 30, maxSteps: 30 };
  const make = (inputs: CellInput[]) =>
    new SupervisedPredictor(
      "transformer",
      space,
      transformerNetwork(space, { width: 16, heads: 2, inputs }),
      short,
    );
  const run = (inputs: CellInput[], seed = 3) =>
    heldOutKendallTau(make(inputs), space, truth, { labels: 150, seed, testSize: 800 });
  const model = make(["params"]);
  const { test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 150,
    seed: 3,
    testSize: 800,
  });
  assert.deepEqual((await run(["params"])).predicted, predicted, "same seed, other numbers");
  assert.notDeepEqual((await run([])).predicted, predicted, "the input changed nothing");
  const path = join(dir, "inputs.nasa");
  model.save(path);
  const file = JSON.parse(readFileSync(path, "utf8"));
  assert.deepEqual(file.network.inputs, ["params"]);
  assert.equal(file.inputScaling.mean.length, 1);
  assert.deepEqual(await (await loadPredictor(path, space)).predict(test), predicted);
  delete file.inputScaling.std;
  writeFileSync(join(dir, "bad-scaling.nasa"), JSON.stringify(file));
  await assert.rejects(
    loadPredictor(join(dir, "bad-scaling.nasa"), space),
    /inputScaling\.std.*one per input: params/,
  );
  // NAS-Bench-201 computes parameter counts, not FLOPs
  assert.throws(
    () => createPredictor("transformer", space, {}, { inputs: ["flops"] }),
    /the input "flops" needs the FLOPs .* nb201 does not compute; inputs there: params/,
  );
  assert.throws(
    () => createPredictor("mlp", space, {}, { inputs: ["params"] }),
    /apply to the methods transformer, transformer-ensemble, transformer-self-training, not mlp/,
  );
  assert.throws(
    () => transformerNetwork(space, { inputs: ["depth" as CellInput] }),
    /inputs must be a list of distinct names from params, flops, got \["depth"\]/,
  );
  assert.deepEqual(cellInputList("flops, params"), ["flops", "params"]);
  assert.deepEqual(cellInputList("none"), []);
  assert.throws(() => cellInputList(" "), /an empty list; expected a comma-separated list of .*, or none/);
  assert.throws(() => cellInputList("flops,flops"), /input "flops" is given twice/);
  assert.throws(
    () => cellInputList("latency"),
    /unknown input "latency"; expected a comma-separated list of params, flops, or none$/,
  );
});

test("transformer-ensemble: TRANSFORMER_ENSEMBLE_SIZE transformers from their own seeds, their mean, saved and loaded", async () => {
  const model = createPredictor("transformer-ensemble", space) as EnsemblePredictor;
  assert.equal(model.members.length, TRANSFORMER_ENSEMBLE_SIZE);
  for (const member of model.members)
    Object.assign((member as SupervisedPredictor).training, { minSteps: 20, maxSteps: 20 });
  const { test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 100,
    seed: 5,
    testSize: 500,
  });
  const each = await Promise.all(model.members.map((m) => m.predict(test)));
  assert.notDeepEqual(each[0], each[1], "members from one seed");
  for (let i = 0; i < test.length; i += 50) {
    const mean = each.reduce((s, p) => s + p[i], 0) / each.length;
    assert.ok(Math.abs(mean - predicted[i]) < 1e-12);
  }
  const path = join(dir, "ensemble.nasa");
  model.save(path);
  const loaded = await loadPredictor(path, space);
  assert.equal(loaded.method, "transformer-ensemble");
  assert.deepEqual(await loaded.predict(test), predicted);
});
