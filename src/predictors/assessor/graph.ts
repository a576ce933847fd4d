/**
 * The relation graph of a mini-batch (paper, Eq. 3) and the two-layer GCN over it (Eq. 4):
 * s(i,j) = exp(-d(E(xi), E(xj)) / 2σ²) with d the squared Euclidean distance, A_ij = s(i,j) where s > τ
 * else 0, A_ii = 1 (s_ii = exp(0) already), Â = D^-1/2 A D^-1/2, ŷ = Â·ReLU(Â·z·W0)·W1 + b.
 *
 * The training step runs the graph and the GCN as one operation with a hand-written gradient over the
 * graph's edges (sparse-graph.ts): dense batch² matrices and their generic gradients cost half a step.
 * The threshold only selects edges (no gradient), and the distance scale — the batch's median distance
 * in the "median" scale — is a constant of the step.
 */
import { tf } from "../../tensor/backend.js";
import { matMul } from "../../tensor/matmul.js";
import type { AssessorOptions } from "./options.js";
import { SparseGraph } from "./sparse-graph.js";

export type GraphOptions = Pick<AssessorOptions, "graphScale" | "sigma" | "tau">;

/** The GCN's weights: W0 (embedding × hidden), W1 (hidden × 1), b (1). */
export interface GcnWeights {
  w0: tf.Tensor2D;
  w1: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/**
 * The embeddings distances are measured on: centred on `center` (the batch's mean embedding; distances
 * do not change, but a common offset would cost float32 precision and, normalised, point every cell the
 * same way), then L2-normalised for "normalized".
 */
export function distanceSpace(z: tf.Tensor2D, center: tf.Tensor2D, options: GraphOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const centred = tf.sub(z, center) as tf.Tensor2D;
    if (options.graphScale !== "normalized") return centred;
    return tf.div(centred, tf.add(tf.norm(centred, 2, 1, true), 1e-12)) as tf.Tensor2D;
  });
}

/** The batch's mean embedding (1 × embedding). */
export function batchCenter(z: tf.Tensor2D): tf.Tensor2D {
  return tf.mean(z, 0, true) as tf.Tensor2D;
}

/** Squared distances |a_i - b_j|² for all pairs in one product: [a, |a|², 1] · [-2b, 1, |b|²]ᵀ. */
export function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sa = tf.sum(tf.square(a), 1, true);
    const sb = tf.sum(tf.square(b), 1, true);
    const left = tf.concat([a, sa, tf.onesLike(sa)], 1);
    const right = tf.concat([tf.mul(b, -2), tf.onesLike(sb), sb], 1);
    return matMul(left, right, false, true);
  });
}

/** The squared distances between the rows of e, row-major, read back from the backend. */
export function selfDistances(e: tf.Tensor2D): Float32Array {
  const d = squaredDistances(e, e);
  const values = d.dataSync() as Float32Array;
  d.dispose();
  return values;
}

/**
 * The factor c in s = exp(-c·d) for a batch whose squared distances are `distances` (size × size):
 * 1/(2σ²) for "normalized"; 1/(2σ²·m) for "median", m the median off-diagonal distance of the first
 * 16 rows, so that the graph does not change when the embedding is scaled.
 */
export function similarityScale(distances: ArrayLike<number>, size: number, options: GraphOptions): number {
  const sigma = options.sigma;
  if (options.graphScale !== "median") return 1 / (2 * sigma * sigma);
  const rows = Math.min(16, size);
  const offDiagonal = new Float32Array(rows * (size - 1));
  let k = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < size; j++) if (i !== j) offDiagonal[k++] = distances[i * size + j];
  const median = Math.max(
    offDiagonal.length ? kthSmallest(offDiagonal, Math.floor(offDiagonal.length / 2)) : 1,
    1e-12,
  );
  return 1 / (2 * sigma * sigma * median);
}

/** The k-th smallest value (0-based) of xs, which it reorders: a selection, not a sort (a step's 16k). */
export function kthSmallest(xs: Float32Array, k: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i];
        xs[i++] = xs[j];
        xs[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return xs[k];
  }
  return xs[k];
}

/**
 * The GCN's output for every node of the batch's relation graph, differentiable in the embeddings
 * (through both the features and the graph) and in the weights.
 */
export function graphConvolution(z: tf.Tensor2D, weights: GcnWeights, options: GraphOptions): tf.Tensor1D {
  return tf.tidy(() => {
    const e = distanceSpace(z, batchCenter(z), options);
    const op = tf.customGrad((...args) => {
      const [ein, zin, w0, w1, bias, save] = args as unknown as [
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor1D,
        (t: tf.Tensor[]) => void,
      ];
      const [n, width] = zin.shape;
      const distances = selfDistances(ein);
      const c = similarityScale(distances, n, options);
      const graph = SparseGraph.fromDistances(distances, n, c, options.tau);
      const dinv = Float32Array.from(graph.degrees(), (d) => 1 / Math.sqrt(d));
      const features = zin.dataSync();
      const u1 = scaleRows(features, dinv, width);
      const v1 = graph.multiply(u1, width);
      const p1 = tf.tensor2d(scaleRows(v1, dinv, width), [n, width]);
      const h = tf.relu(tf.matMul(p1, w0)) as tf.Tensor2D;
      const q = tf.matMul(h, w1).dataSync();
      const u2 = scaleRows(q, dinv, 1);
      const v2 = graph.multiply(u2, 1);
      save([w0, w1, p1, h]);
      const forward: ForwardState = { graph, c, dinv, e: ein.dataSync(), features, u1, v1, q, u2, v2 };
      return {
        value: tf.add(tf.tensor1d(scaleRows(v2, dinv, 1)), bias),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => gcnGradients(dy as tf.Tensor1D, saved, forward),
      };
    });
    return op(e, z, weights.w0, weights.w1, weights.bias) as tf.Tensor1D;
  });
}

/** What the backward pass of `graphConvolution` needs from the forward pass (row-major arrays). */
interface ForwardState {
  graph: SparseGraph;
  c: number;
  dinv: Float32Array;
  /** Distance-space embeddings, features, and the intermediate u1 = dinv⊙z, v1 = A·u1, q = h·W1, ... */
  e: ArrayLike<number>;
  features: ArrayLike<number>;
  u1: Float32Array;
  v1: Float32Array;
  q: ArrayLike<number>;
  u2: Float32Array;
  v2: Float32Array;
}

/** x with row i scaled by d[i]. */
function scaleRows(x: ArrayLike<number>, d: Float32Array, width: number): Float32Array {
  const out = new Float32Array(d.length * width);
  for (let i = 0; i < d.length; i++)
    for (let f = 0; f < width; f++) out[i * width + f] = d[i] * x[i * width + f];
  return out;
}

/**
 * Backward pass of `graphConvolution`. With g = dL/dŷ, the chain through Â = D^-1/2 A D^-1/2 gives
 * dL/dA_ij = dv2_i·u2_j + dv1_i·u1_j + r_i (r from the degrees); A is symmetric and s = exp(logit), so
 * the gradient on an edge's logit is G_ij = s_ij·(dA_ij + dA_ji), and on the embeddings, through
 * logit = -c·|e_i - e_j|², -2c·(Σ_j G_ij·(e_i - e_j)). Only edges carry gradient; the self-loops are fixed.
 */
function gcnGradients(dy: tf.Tensor1D, saved: tf.Tensor[], state: ForwardState): tf.Tensor[] {
  const [w0, w1, p1, h] = saved as tf.Tensor2D[];
  const { graph, c, dinv, e, features, u1, v1, q, u2, v2 } = state;
  const n = dinv.length;
  const width = u1.length / n;
  const distanceWidth = e.length / n;
  const g = dy.dataSync();
  // second layer: ŷ = dinv ⊙ (A·u2) + b, u2 = dinv ⊙ q, q = h·W1
  const dv2 = scaleRows(g, dinv, 1);
  const du2 = graph.multiply(dv2, 1);
  const dq = scaleRows(du2, dinv, 1);
  const ddinv = new Float64Array(n);
  for (let i = 0; i < n; i++) ddinv[i] = g[i] * v2[i] + du2[i] * q[i];
  // through the dense layers, on the backend
  const dqt = tf.tensor2d(dq, [n, 1]);
  const dw1 = tf.reshape(tf.matMul(tf.reshape(dqt, [1, n]), h), [-1, 1]);
  const da = tf.mul(tf.matMul(dqt, tf.reshape(w1, [1, -1])), tf.step(h));
  const dw0 = tf.matMul(tf.transpose(p1), da);
  const dp1 = tf.matMul(da, tf.transpose(w0)).dataSync();
  // first layer: p1 = dinv ⊙ (A·u1), u1 = dinv ⊙ z
  const dv1 = scaleRows(dp1, dinv, width);
  const du1 = graph.multiply(dv1, width);
  const dz = scaleRows(du1, dinv, width);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let f = i * width; f < (i + 1) * width; f++) sum += dp1[f] * v1[f] + du1[f] * features[f];
    ddinv[i] += sum;
  }
  // degrees: dinv = (rowsum A)^-1/2
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = -0.5 * ddinv[i] * dinv[i] ** 3;
  // G_ij is symmetric, so each edge is visited once, from its lower end
  const de = new Float32Array(n * distanceWidth);
  for (let i = 0; i < n; i++) {
    for (let k = graph.rowStart[i]; k < graph.rowStart[i + 1]; k++) {
      const j = graph.columns[k];
      if (j < i) continue;
      let sum = dv2[i] * u2[j] + u2[i] * dv2[j] + r[i] + r[j];
      for (let f = 0; f < width; f++)
        sum += dv1[i * width + f] * u1[j * width + f] + u1[i * width + f] * dv1[j * width + f];
      const gradient = -2 * c * graph.weights[k] * sum;
      for (let f = 0; f < distanceWidth; f++) {
        const step = gradient * (e[i * distanceWidth + f] - e[j * distanceWidth + f]);
        de[i * distanceWidth + f] += step;
        de[j * distanceWidth + f] -= step;
      }
    }
  }
  let dbias = 0;
  for (let i = 0; i < n; i++) dbias += g[i];
  return [tf.tensor2d(de, [n, distanceWidth]), tf.tensor2d(dz, [n, width]), dw0, dw1, tf.tensor1d([dbias])];
}

/**
 * A fixed batch of cells that queried cells join for prediction: their graph, first-layer features and
 * second-layer messages, computed once. Plain arrays, so that it can be sent to another thread.
 */
export type GraphContext = {
  /** Distance-space embeddings of the context, row-major n × embedding. */
  e: Float32Array;
  /** The context's mean embedding (1 × embedding), which queries are centred on too. */
  center: Float32Array;
  /** D^-1/2 ⊙ z, row-major n × embedding: what a query receives in the first layer. */
  firstMessages: Float32Array;
  /** D^-1/2 ⊙ ReLU(Â·z·W0)·W1 (n): what a query receives in the second layer. */
  secondMessages: Float32Array;
  /** The factor c in s = exp(-c·d) of the context batch. */
  scale: number;
};

/** The context of embeddings `z` (a batch like a training batch). */
export function graphContext(z: tf.Tensor2D, weights: GcnWeights, options: GraphOptions): GraphContext {
  const [n, width] = z.shape;
  let context: GraphContext | undefined;
  // (tidy's result is not the context: tidy would walk its typed arrays element by element)
  tf.tidy(() => {
    const center = batchCenter(z);
    const e = distanceSpace(z, center, options);
    const distances = selfDistances(e);
    const scale = similarityScale(distances, n, options);
    const graph = SparseGraph.fromDistances(distances, n, scale, options.tau);
    const dinv = Float32Array.from(graph.degrees(), (d) => 1 / Math.sqrt(d));
    const firstMessages = scaleRows(z.dataSync(), dinv, width);
    const p1 = tf.tensor2d(scaleRows(graph.multiply(firstMessages, width), dinv, width), [n, width]);
    const q = matMul(tf.relu(matMul(p1, weights.w0)), weights.w1);
    context = {
      e: e.dataSync() as Float32Array,
      center: center.dataSync() as Float32Array,
      firstMessages,
      secondMessages: scaleRows(q.dataSync(), dinv, 1),
      scale,
    };
  });
  return context as GraphContext;
}

/**
 * The GCN's output for each queried cell (embeddings `z`, one row each) as if it were one more node of
 * the context's graph. A query does not change the context's degrees (one node among a batch), so each
 * prediction depends on the cell and the model only, never on which other cells are asked with it.
 * Each query has few edges above τ, so after the distance product the messages are summed sparsely in
 * JavaScript: exp and the masks over every (query, context) pair would cost four times as much.
 */
export function assessQueries(
  context: GraphContext,
  z: tf.Tensor2D,
  weights: GcnWeights,
  options: GraphOptions,
): tf.Tensor1D {
  const [count, width] = z.shape;
  const n = context.secondMessages.length;
  const d = tf.tidy(() =>
    squaredDistances(
      distanceSpace(z, tf.tensor2d(context.center, [1, width]), options),
      tf.tensor2d(context.e, [n, width]),
    ),
  );
  const distances = d.dataSync();
  d.dispose();
  const features = z.dataSync();
  const { firstMessages, secondMessages } = context;
  const { scale } = context;
  const cutoff = -Math.log(options.tau); // s > τ  ⇔  c·d < -ln τ
  const first = new Float32Array(count * width);
  const received = new Float32Array(count);
  const self = new Float32Array(count);
  const sum = new Float64Array(width);
  for (let q = 0; q < count; q++) {
    sum.fill(0);
    let degree = 1; // the query's own self-loop, s = 1
    let second = 0;
    for (let j = 0, at = q * n; j < n; j++, at++) {
      if (scale * distances[at] >= cutoff) continue;
      const s = Math.exp(-scale * distances[at]);
      degree += s;
      second += s * secondMessages[j];
      for (let f = 0, m = j * width; f < width; f++, m++) sum[f] += s * firstMessages[m];
    }
    const dinv = 1 / Math.sqrt(degree);
    self[q] = dinv * dinv;
    received[q] = dinv * second;
    for (let f = 0, at = q * width; f < width; f++, at++) first[at] = dinv * sum[f] + self[q] * features[at];
  }
  return tf.tidy(() => {
    const h = tf.relu(matMul(tf.tensor2d(first, [count, width]), weights.w0));
    const own = tf.mul(tf.tensor2d(self, [count, 1]), matMul(h, weights.w1));
    return tf.reshape(
      tf.add(tf.add(tf.tensor2d(received, [count, 1]), own), weights.bias),
      [-1],
    ) as tf.Tensor1D;
  });
}
