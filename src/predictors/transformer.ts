/**
 * A structure-aware graph transformer on the cell's DAG: one token per vertex (its op's embedding),
 * self-attention whose logits carry a learned bias per head for the structural relation of each pair of
 * vertices (itself; j reachable from i at shortest-path distance d, forward; i reachable from j at
 * distance d, backward; unrelated), a feed-forward block that mixes each vertex with the mean of its
 * predecessors and the mean of its successors (a graph convolution, as NN-Former puts one there),
 * and the mean over the cell's real vertices to one value.
 *
 * No input depends on where a vertex is listed: every operation is equivariant to a permutation of the
 * vertices and the pooling is invariant, so two vertex orders of one cell give the same prediction up to
 * float summation order (tested). Padded vertices (no op) are masked out as keys and from the pooling.
 */
import { graphEncoding, type SearchSpace } from "../spaces/search-space.js";
import { tf } from "../tensor/backend.js";
import { addBias } from "../tensor/bias.js";
import { inputProduct, matMul, transposedRightProduct } from "../tensor/matmul.js";
import { type CellInput, checkCellInputs } from "./cell-inputs.js";
import type { ScoringNetwork, TrainingOptions } from "./supervised.js";

export interface TransformerOptions extends Record<string, unknown> {
  /** Width of every token (divisible by `heads`). */
  width: number;
  /** Attention heads per layer. */
  heads: number;
  /** Transformer layers (attention + graph feed-forward block each). */
  layers: number;
  /** Hidden width of the feed-forward blocks. */
  ffn: number;
  /** Bias the attention by the pair's relation class (false: attention blind to the DAG; an ablation). */
  relationBias: boolean;
  /** Feed-forward blocks read predecessors and successors (false: the vertex only; an ablation). */
  graphFeedForward: boolean;
  /**
   * Per-cell inputs (cell-inputs.ts: "params", "flops") read beside the graph: their standardised log10
   * values join the pooled vector before the output layer. Empty: the graph only.
   */
  inputs: CellInput[];
  /**
   * How many of the first layers begin with a flow block (0: none): a sweep along the DAG's flow that
   * updates each vertex once, after every predecessor (by longest-path depth from the input), from its
   * own token and the mean of its predecessors', then the same backward from the output (FlowerFormer's
   * asynchronous message passing, Hwang et al., CVPR 2024).
   */
  flowLayers: number;
}

/**
 * The network's defaults. Width, depth and heads were cross-validated at 424 labels on NAS-Bench-101
 * (label sets 10, 11; mean held-out Kendall tau, learning rate 2e-3; docs/transformer.md): width 64 with
 * ffn 128 0.722, 3 layers 0.704, 2 heads 0.720, 8 heads 0.731 (but 0.708 vs 0.703 on label sets 12, 13,
 * and 0.728 vs 0.741 with learning rate 8e-3 and 35 epochs), 16 heads 0.722, against 0.719 for these;
 * none beat them by 0.01 on every label set. One flow layer (the sixth sweep, 4-fold cross-validation at
 * the current training defaults, mean held-out Kendall tau, flowLayers 1 against 0): NAS-Bench-101 424
 * labels 0.748 vs 0.741 (label sets 10, 11) and 0.721 vs 0.716 (12, 13); 1,000 labels 0.783 vs 0.772
 * (10, 11) and 0.775 vs 0.761 (12, 13); 4,236 labels 0.808 vs 0.805 (10); NAS-Bench-201 (cifar10-valid
 * test) 469 labels 0.820 vs 0.769 (10, 11). Two flow layers were behind one at 424 (0.738), and a
 * sigmoid gate on the flow's update too (0.728). Raw: docs/results/transformer/cv/flow-*.txt.
 */
export const DEFAULT_TRANSFORMER_OPTIONS: TransformerOptions = {
  width: 32,
  heads: 4,
  layers: 2,
  ffn: 64,
  relationBias: true,
  graphFeedForward: true,
  inputs: [],
  flowLayers: 1,
};

/**
 * How the transformer trains (supervised.ts's loop). It reads no vertex position, so training on other
 * vertex orders of a cell would show it the same input again: no reordering, one order at prediction.
 * Every setting was chosen by 4-fold cross-validation on the labeled cells of label sets drawn for seeds
 * 10–16 (never the evaluation seeds 0–4, never test cells; figures: mean held-out Kendall tau,
 * NAS-Bench-101, docs/transformer.md). Loss: the pairwise hinge loss alone, which beat the pairwise
 * logistic (BCE) loss at 424 labels (0.719 vs 0.705, both label sets) and 1,000 (0.761 vs 0.742, all
 * four folds) and tied it at 100 (0.624 vs 0.631); BCE + MSE and MSE alone were worse. Margin 0.5:
 * 0.25 and 1.0 were behind at 424 labels (0.704, 0.717 vs 0.719). Learning rate 8e-3 with 35 epochs up
 * to 500 labels (it was 2e-3 with 25): at 424 labels 0.741 vs 0.719 (label sets 10, 11; +0.027, +0.016)
 * and 0.716 vs 0.702 on label sets 12, 13 kept out of the choice (+0.016, +0.011); NAS-Bench-201, 469
 * labels 0.769 vs 0.758 (both label sets); 100 labels 0.636 vs 0.624 (label sets 10–12) and 0.587 vs
 * 0.575 (13–16), 5 of 7 label sets ahead. Learning rates 1e-3 / 3e-3 / 4e-3 / 6e-3 / 1.2e-2 / 1.6e-2 at
 * 25 epochs: 0.702 / 0.727 / 0.730 / 0.731 / 0.725 / 0.722 (8e-3: 0.734). Beyond 500 labels 50 epochs,
 * chosen at 2e-3 (1,000 labels: 25 / 50 epochs 0.730 / 0.742 with BCE); 8e-3 is level with 2e-3 there
 * (0.761 vs 0.760); 4,236 labels not cross-validated. Batch 256: 128 was behind (0.709 vs 0.719).
 * Training longer at 2e-3 over-fits (BCE, 424 labels: 10 / 15 / 25 / 35 / 50 / 100 epochs 0.667 /
 * 0.702 / 0.705 / 0.701 / 0.688 / 0.687). Beyond 500 labels the fit averages its weights over the last
 * half of its steps (stochastic weight averaging) and trains 70 epochs (was 50, no averaging): 1,000
 * labels 0.772 vs 0.761 (label sets 10, 11; +0.014, +0.008) and 0.761 vs 0.749 on label sets 12, 13
 * kept out of the choice (+0.012, +0.012); 4,236 labels +0.005 / +0.011 / +0.008 / +0.009 (label sets
 * 10–13, under the +0.01 bar but ahead on each). Up to 500 labels averaging was level (424: +0.002 on
 * 10, 11, −0.001 on 12, 13; 100: +0.003 over 10–13), so it stays off there.
 */
export const TRANSFORMER_TRAINING: Partial<TrainingOptions> = {
  reorder: false,
  predictOrders: 1,
  mseWeight: 0,
  rankWeight: 0,
  hingeWeight: 1,
  hingeMargin: 0.5,
  learningRate: 8e-3,
  batchSize: 256,
  epochs: 70,
  epochsByLabels: [[500, 35]],
  averageFrom: 0.5,
  averageFromByLabels: [[500, 1]],
  minSteps: 1,
  maxSteps: 3000,
};

const LAYER_WEIGHTS = 11;
const FLOW_WEIGHTS = 10;

function checkOptions(o: TransformerOptions): void {
  for (const name of ["width", "heads", "layers", "ffn"] as const) {
    const value = o[name];
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(
        `transformer option ${name} must be a positive integer, got ${JSON.stringify(value)}`,
      );
  }
  for (const name of ["relationBias", "graphFeedForward"] as const)
    if (typeof o[name] !== "boolean")
      throw new RangeError(
        `transformer option ${name} must be true or false, got ${JSON.stringify(o[name])}`,
      );
  if (!Number.isInteger(o.flowLayers) || o.flowLayers < 0 || o.flowLayers > o.layers)
    throw new RangeError(
      `transformer option flowLayers must be an integer from 0 to layers (${o.layers}), got ${JSON.stringify(o.flowLayers)}`,
    );
  checkCellInputs(o.inputs);
  if (o.width % o.heads !== 0)
    throw new RangeError(`transformer width ${o.width} is not divisible by its ${o.heads} heads`);
}

/** Relation classes of vertex pairs: self, forward distance 1..V-1, backward 1..V-1, unrelated. */
export function relationClasses(vertices: number): number {
  return 2 * vertices;
}

/**
 * The relation class of every ordered vertex pair of `count` cells, from their adjacencies (row =
 * source; `count` × V × V values, a nonzero entry an edge) read from `x` at `offset` + cell × `stride`:
 * (count, V, V) int32, row-major — 0 the vertex itself, d in 1..V-1 "j is reachable from i at
 * shortest-path distance d", V-1+d "i is reachable from j at distance d", 2V-1 neither. Computed in
 * plain JavaScript (a breadth-first search per vertex), once per batch, for every layer.
 */
export function relations(
  x: ArrayLike<number>,
  count: number,
  vertices: number,
  stride = vertices * vertices,
  offset = 0,
): Int32Array {
  const v = vertices;
  const out = new Int32Array(count * v * v);
  const distance = new Int32Array(v * v);
  const queue = new Int32Array(v);
  for (let c = 0; c < count; c++) {
    const base = offset + c * stride;
    distance.fill(-1);
    for (let i = 0; i < v; i++) {
      const row = i * v;
      distance[row + i] = 0;
      let head = 0;
      let tail = 0;
      queue[tail++] = i;
      while (head < tail) {
        const u = queue[head++];
        for (let w = 0; w < v; w++)
          if (x[base + u * v + w] > 0 && distance[row + w] < 0) {
            distance[row + w] = distance[row + u] + 1;
            queue[tail++] = w;
          }
      }
    }
    const cell = c * v * v;
    for (let i = 0; i < v; i++)
      for (let j = 0; j < v; j++) {
        const forward = distance[i * v + j];
        const backward = distance[j * v + i];
        out[cell + i * v + j] =
          i === j ? 0 : forward > 0 ? forward : backward > 0 ? v - 1 + backward : 2 * v - 1;
      }
  }
  return out;
}

/** What `cellStructure` reads from a batch of encodings. */
export interface CellStructure {
  count: number;
  vertices: number;
  /** 1 where the vertex has an op, else 0 (count × V). */
  real: Float32Array;
  /**
   * Every vertex's op one-hot, row cell·V + vertex (count·V × K): the encodings' op part, copied here
   * because the wasm backend's slice of it from the batch took 6 ms per 4,096 cells.
   */
  ops: Float32Array;
  /** The relation class of every ordered vertex pair (`relations`). */
  classes: Int32Array;
  /**
   * For each vertex the weights that average its predecessors (rows 0..V-1) and its successors (rows
   * V..2V-1): count × 2V × V, each row the adjacency entry / degree (degree at least 1).
   */
  neighbours: Float32Array;
  /** The distinct nonzero weights of `neighbours` (1/1, 1/2, … for 0/1 adjacencies), then 0. */
  weights: number[];
  /**
   * The nonzero entries of `neighbours` as a segment sum: entry e adds row `rows[e]` of the
   * vertex features scaled by weights[k] (rows k·count·V + cell·V + j) to output row `segments[e]` =
   * (cell·V + i)·2 + side (side 0 predecessors, 1 successors); ascending, in the order j = 0..V-1
   * within a row, then one zero term (weight 0) for the last row, so that every row exists.
   */
  rows: Int32Array;
  segments: Int32Array;
  /** Longest-path depth of each vertex from a vertex without predecessors (count × V; -1 padded). */
  forwardDepth: Int32Array;
  /** Longest-path depth of each vertex to a vertex without successors (count × V; -1 padded). */
  backwardDepth: Int32Array;
  /** The largest depth of the batch (either direction). */
  maxDepth: number;
}

/**
 * What a batch's adjacencies give every layer, computed in plain JavaScript from the encodings
 * `x` (count × size, the matrix layout: V×V adjacency, then V×K one-hot ops). Weights are float32
 * quotients of the adjacency entry by the degree, as tensor operations computed them before.
 */
export function cellStructure(
  x: ArrayLike<number>,
  count: number,
  V: number,
  K: number,
  size = V * V + V * K,
): CellStructure {
  const real = new Float32Array(count * V);
  const ops = new Float32Array(count * V * K);
  const neighbours = new Float32Array(count * 2 * V * V);
  const inDegree = new Float32Array(V);
  const outDegree = new Float32Array(V);
  const weights = new Map<number, number>();
  // at most one term per ordered vertex pair and side, and the closing zero term: typed arrays filled
  // in place (plain arrays grown by push, then copied, were a tenth of a prediction's time)
  const rows = new Int32Array(count * 2 * V * V + 1);
  const segments = new Int32Array(count * 2 * V * V + 1);
  let terms = 0;
  for (let c = 0; c < count; c++) {
    const base = c * size;
    for (let i = 0; i < V; i++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const value = x[base + V * V + i * K + k];
        ops[(c * V + i) * K + k] = value;
        sum += value;
      }
      real[c * V + i] = sum > 0 ? 1 : 0;
    }
    inDegree.fill(0);
    outDegree.fill(0);
    for (let i = 0; i < V; i++)
      for (let j = 0; j < V; j++) {
        const a = x[base + i * V + j];
        outDegree[i] += a;
        inDegree[j] += a;
      }
    const to = c * 2 * V * V;
    for (let i = 0; i < V; i++)
      for (let side = 0; side < 2; side++) {
        const degree = Math.max(side === 0 ? inDegree[i] : outDegree[i], 1);
        for (let j = 0; j < V; j++) {
          const weight = Math.fround((side === 0 ? x[base + j * V + i] : x[base + i * V + j]) / degree);
          neighbours[to + (side * V + i) * V + j] = weight;
          if (weight === 0) continue; // the product's term is ±0: adds nothing
          let copy = weights.get(weight);
          if (copy === undefined) {
            copy = weights.size;
            weights.set(weight, copy);
          }
          rows[terms] = copy * count * V + c * V + j;
          segments[terms] = (c * V + i) * 2 + side;
          terms++;
        }
      }
  }
  // the last output row (the last vertex's successors: none, for an output vertex) must exist: a
  // zero term (a copy of the rows times 0; the sum turns its -0s into +0)
  weights.set(0, weights.size);
  rows[terms] = (weights.size - 1) * count * V;
  segments[terms] = 2 * count * V - 1;
  terms++;
  const forwardDepth = new Int32Array(count * V);
  const backwardDepth = new Int32Array(count * V);
  let maxDepth = 0;
  const from = new Int32Array(V * V);
  const into = new Int32Array(V * V);
  for (let c = 0; c < count; c++) {
    const base = c * size;
    const at = c * V;
    let edges = 0;
    for (let i = 0; i < V; i++)
      for (let j = 0; j < V; j++)
        if (x[base + i * V + j] > 0) {
          from[edges] = at + i;
          into[edges] = at + j;
          edges++;
        }
    // longest paths by relaxation over the edges in row-major order (at most V rounds on a DAG of V
    // vertices; done once a round changes nothing); no vertex order assumed
    for (let round = 0, changed = true; round < V && changed; round++) {
      changed = false;
      for (let e = 0; e < edges; e++) {
        const i = from[e];
        const j = into[e];
        if (forwardDepth[i] + 1 > forwardDepth[j]) {
          forwardDepth[j] = forwardDepth[i] + 1;
          changed = true;
        }
        if (backwardDepth[j] + 1 > backwardDepth[i]) {
          backwardDepth[i] = backwardDepth[j] + 1;
          changed = true;
        }
      }
    }
    for (let i = 0; i < V; i++) {
      if (real[at + i] === 0) {
        forwardDepth[at + i] = -1;
        backwardDepth[at + i] = -1;
      }
      maxDepth = Math.max(maxDepth, forwardDepth[at + i], backwardDepth[at + i]);
    }
  }
  return {
    forwardDepth,
    backwardDepth,
    maxDepth,
    count,
    vertices: V,
    real,
    ops,
    classes: relations(x, count, V, size),
    neighbours,
    weights: [...weights.keys()],
    rows: rows.slice(0, terms),
    segments: segments.slice(0, terms),
  };
}

/**
 * The graph convolution's input: for every vertex of `g` (count·V, d), the weighted mean of its
 * predecessors' rows beside that of its successors' (count·V, 2d), i.e. `neighbours`·g per cell. The
 * value is a sparse segment sum over the edges (the wasm backend's batched products of 14×7 by 7×32
 * matrices were the slowest step of prediction); each term is the float32 product weight × row, added
 * in the order j = 0..V-1, so the value equals the batched product's to the bit. The gradient is that
 * product's, computed as tfjs computes it.
 */
export function neighbourMeans(g: tf.Tensor2D, s: CellStructure): tf.Tensor2D {
  const { count: n, vertices: V } = s;
  const d = g.shape[1];
  const mean = tf.customGrad((...args) => {
    const [rows] = args as unknown as [tf.Tensor2D];
    // every row times each weight, weight-major: one broadcast product
    const data = tf.reshape(
      tf.mul(tf.tensor2d(s.weights, [s.weights.length, 1]), tf.reshape(rows, [1, n * V * d])),
      [s.weights.length * n * V, d],
    );
    const sums = tf.sparse.sparseSegmentSum(
      data,
      tf.tensor1d(s.rows, "int32"),
      tf.tensor1d(s.segments, "int32"),
    );
    return {
      value: tf.reshape(sums, [n * V, 2 * d]),
      gradFunc: (dy: tf.Tensor) => {
        const byCell = tf.reshape(tf.transpose(tf.reshape(dy, [n, V, 2, d]), [0, 2, 1, 3]), [n, 2 * V, d]);
        const neighbours = tf.tensor3d(s.neighbours, [n, 2 * V, V]);
        return [tf.reshape(tf.matMul(neighbours, byCell, true, false), [n * V, d])];
      },
    };
  });
  return mean(g) as tf.Tensor2D;
}

/** One level of a flow sweep: the rows of its vertices, and where each row of the batch reads its update. */
export interface FlowLevel {
  /** Rows (cell·V + vertex) of the vertices at this depth. */
  rows: Int32Array;
  /**
   * The edges read at this level, ascending by (position in `rows`, source): the source's position in
   * the sweep's order (always in an earlier level), the reading vertex's position in `rows`, and the
   * mean's weight (1 / the reader's in- or out-degree). Plain arrays, made tensors where used: a
   * gradient runs after the forward pass's tensors are disposed.
   */
  sources: Int32Array;
  targets: Int32Array;
  weights: Float32Array;
  /**
   * The same edges ascending by source, then by index (the gradient's segment sum): indices into the
   * above. Computed when first read.
   */
  readonly bySource: Int32Array;
}

/** One direction's sweep: its levels, then the rows in no level (padded vertices). */
export interface FlowSweep {
  levels: FlowLevel[];
  /** Rows of no level (padded vertices): passed through unchanged. */
  rest: Int32Array;
  /** The rows in sweep order (every level's, then `rest`); `position` is its inverse. */
  order: Int32Array;
  position: Int32Array;
}

/**
 * The forward sweep (side 0: by depth from the input, reading predecessors) and the backward sweep
 * (side 1: by depth to the output, reading successors): each vertex is in exactly one level of each,
 * after every vertex it reads. The edges come from `neighbours` (their mean's weights).
 */
export function flowSweeps(s: CellStructure): [FlowSweep, FlowSweep] {
  const V = s.vertices;
  const total = s.count * V;
  // typed arrays filled in place (plain arrays grown by push, spread and copied, and a comparator sort,
  // were a tenth of a prediction's time); the same values in the same order as the plain arrays gave
  const sweep = (depth: Int32Array, side: number): FlowSweep => {
    const levelCount = s.maxDepth + 1;
    // a counting sort by level (rows ascending within a level), the rows of no level last
    const starts = new Int32Array(levelCount + 2);
    for (let i = 0; i < total; i++) starts[(depth[i] >= 0 ? depth[i] : levelCount) + 1]++;
    for (let l = 0; l <= levelCount; l++) starts[l + 1] += starts[l];
    const next = starts.slice(0, levelCount + 1);
    const order = new Int32Array(total);
    for (let i = 0; i < total; i++) order[next[depth[i] >= 0 ? depth[i] : levelCount]++] = i;
    const position = new Int32Array(total);
    for (let k = 0; k < total; k++) position[order[k]] = k;
    const levels: FlowLevel[] = [];
    for (let l = 0; l < levelCount; l++) {
      if (starts[l + 1] === starts[l]) continue;
      const rows = order.slice(starts[l], starts[l + 1]);
      const sources = new Int32Array(rows.length * V);
      const targets = new Int32Array(rows.length * V);
      const weights = new Float32Array(rows.length * V);
      let edges = 0;
      for (let k = 0; k < rows.length; k++) {
        const cell = Math.floor(rows[k] / V);
        const at = cell * 2 * V * V + (side * V + rows[k] - cell * V) * V;
        for (let j = 0; j < V; j++) {
          const weight = s.neighbours[at + j];
          if (weight === 0) continue;
          sources[edges] = position[cell * V + j];
          targets[edges] = k;
          weights[edges] = weight;
          edges++;
        }
      }
      levels.push(
        flowLevel(rows, sources.slice(0, edges), targets.slice(0, edges), weights.slice(0, edges), total),
      );
    }
    return { levels, rest: order.slice(starts[levelCount]), order, position };
  };
  return [sweep(s.forwardDepth, 0), sweep(s.backwardDepth, 1)];
}

/**
 * A level whose edges ascending by source (`bySource`) are sorted when first read: only a gradient
 * reads them, and a prediction never does. A counting sort by source (sources < `total`), stable, so
 * edges of one source stay in their order.
 */
function flowLevel(
  rows: Int32Array,
  sources: Int32Array,
  targets: Int32Array,
  weights: Float32Array,
  total: number,
): FlowLevel {
  let sorted: Int32Array | undefined;
  return {
    rows,
    sources,
    targets,
    weights,
    get bySource() {
      if (!sorted) {
        const starts = new Int32Array(total + 1);
        for (const source of sources) starts[source + 1]++;
        for (let k = 0; k < total; k++) starts[k + 1] += starts[k];
        sorted = new Int32Array(sources.length);
        for (let e = 0; e < sources.length; e++) sorted[starts[sources[e]]++] = e;
      }
      return sorted;
    },
  };
}

/**
 * Rows `rows` of `x` (repeats allowed), by a segment sum of one term per output row: on the wasm
 * backend that is 7–9 times faster than a gather (114,688 rows of 32: 20 ms against 140–180 ms), whose
 * kernel was most of a flow sweep's time.
 */
function rowsOf(x: tf.Tensor2D, rows: Int32Array): tf.Tensor2D {
  return tf.sparse.sparseSegmentSum(
    x,
    tf.tensor1d(rows, "int32"),
    tf.tensor1d(iota(rows.length), "int32"),
  ) as tf.Tensor2D;
}

let counting = new Int32Array(0);

/**
 * 0, 1, …, n − 1 (a view of one shared array, never written through: Int32Array.from(keys()), an
 * iterator, took 15 ms per 4,096-cell batch).
 */
function iota(n: number): Int32Array {
  if (counting.length < n) {
    counting = new Int32Array(Math.max(n, 2 * counting.length));
    for (let k = 0; k < counting.length; k++) counting[k] = k;
  }
  return counting.subarray(0, n);
}

/**
 * A sparse weighted sum: `count` rows of `c` columns, row `segments[e]` getting `scale[e]` × row
 * `rows[e]` of `x` (segments ascending). Rows no term reaches are zero.
 */
function segmentSum(
  x: tf.Tensor2D,
  rows: Int32Array,
  scale: Float32Array,
  segments: Int32Array,
  count: number,
): tf.Tensor2D {
  const c = x.shape[1];
  if (rows.length === 0) return tf.zeros([count, c]);
  const data = tf.mul(rowsOf(x, rows), tf.tensor2d(scale, [scale.length, 1]));
  const sums = tf.sparse.sparseSegmentSum(
    data as tf.Tensor2D,
    tf.tensor1d(iota(rows.length), "int32"),
    tf.tensor1d(segments, "int32"),
  ) as tf.Tensor2D;
  const missing = count - sums.shape[0]; // rows after the last one reached
  return missing > 0 ? (tf.concat([sums, tf.zeros([missing, c])], 0) as tf.Tensor2D) : sums;
}

/**
 * For each vertex of the level, the mean of the rows it reads (its predecessors' forward, successors'
 * backward) from `done` (the earlier levels' rows in sweep order); zero for a vertex that reads none.
 * The gradient is the transposed sum, by source.
 */
function levelMeans(done: tf.Tensor2D, level: FlowLevel): tf.Tensor2D {
  const f = tf.customGrad((...args) => {
    const [input] = args as unknown as [tf.Tensor2D];
    return {
      value: segmentSum(input, level.sources, level.weights, level.targets, level.rows.length),
      gradFunc: (dy: tf.Tensor) => {
        const order = level.bySource;
        return segmentSum(
          dy as tf.Tensor2D,
          order.map((e) => level.targets[e]),
          Float32Array.from(order, (e) => level.weights[e]),
          order.map((e) => level.sources[e]),
          input.shape[0],
        );
      },
    };
  });
  return f(done) as tf.Tensor2D;
}

/**
 * Rows `rows` of `x`, all distinct, whose gradient is a gather back (tfjs' own gradient of a gather is
 * an unsorted segment sum, which the wasm backend lacks). `inverse()[r]` is row r's position in
 * `rows`, or any value ≥ `rows.length` for a row not taken (its gradient is zero); made only when the
 * gradient is asked for.
 */
function gatherDistinct(x: tf.Tensor2D, rows: Int32Array, inverse: () => Int32Array): tf.Tensor2D {
  const f = tf.customGrad((...args) => {
    const [input] = args as unknown as [tf.Tensor2D];
    return {
      value: rowsOf(input, rows),
      gradFunc: (dy: tf.Tensor) => {
        const padded = tf.concat([dy as tf.Tensor2D, tf.zeros([1, input.shape[1]])], 0) as tf.Tensor2D;
        return rowsOf(
          padded,
          inverse().map((k) => Math.min(k, rows.length)),
        );
      },
    };
  });
  return f(x) as tf.Tensor2D;
}

/**
 * A sweep along the flow: level by level, each vertex's token h becomes
 * h + relu(LN(h)·W1 + b1 + mean of its neighbours' LN(new h)·W2)·W3 + b3, every neighbour it reads
 * already updated (w: W1 [d, F], W2 [d, F], b1 [F], W3 [F, d], b3 [d]; `sweep` from `flowSweeps`).
 * Each level touches its own rows and edges only, so a sweep costs about one pass over the batch
 * (doing every level on the whole batch cost five times the prediction time and twice the memory).
 */
export function flowSweep(h: tf.Tensor2D, w: tf.Tensor[], sweep: FlowSweep): tf.Tensor2D {
  const total = h.shape[0];
  /** Where each row of the batch is in `rows`, or `rows.length` (not taken). */
  const inverse = (rows: Int32Array) => {
    const at = new Int32Array(total).fill(rows.length);
    rows.forEach((row, k) => {
      at[row] = k;
    });
    return at;
  };
  const updated: tf.Tensor2D[] = [];
  const normalised: tf.Tensor2D[] = [];
  for (const level of sweep.levels) {
    // a level's rows taken straight from the batch: slicing them out of the batch in sweep order cost
    // 25 ms a level on 114,688 rows (the wasm backend's slice kernel)
    const x = gatherDistinct(h, level.rows, () => inverse(level.rows));
    const own = addBias(matMul(layerNorm(x), w[0]), w[2] as tf.Tensor1D);
    const pre =
      level.sources.length > 0
        ? tf.add(own, matMul(levelMeans(tf.concat(normalised, 0) as tf.Tensor2D, level), w[1]))
        : own;
    const hidden = tf.relu(pre) as tf.Tensor2D;
    const y = tf.add(x, addBias(matMul(hidden, w[3]), w[4] as tf.Tensor1D)) as tf.Tensor2D;
    updated.push(y);
    normalised.push(layerNorm(y));
  }
  if (sweep.rest.length > 0) updated.push(gatherDistinct(h, sweep.rest, () => inverse(sweep.rest)));
  // back to the batch's row order: row r is at position[r] of the sweep order
  return gatherDistinct(tf.concat(updated, 0) as tf.Tensor2D, sweep.position, () => sweep.order);
}

/**
 * The attention's bias (count, H, V, V): head h's weight of the pair's relation class, w[class, h]
 * (w: C × H, C = relationClasses(V)). Its value is copied from w's entries in JavaScript (it was a
 * one-hot product over the C classes: a one-hot cast, a product of count·V² rows and a transpose, 10
 * ms per 4,096 cells; a segment sum of w's entries, 7 ms) and equals that product's to the bit, each
 * entry of which was one weight plus zeros. The gradient is the product's, the one-hot's transpose
 * times dy, computed as before.
 */
export function relationBias(w: tf.Tensor2D, s: CellStructure): tf.Tensor4D {
  const { count: n, vertices: V, classes } = s;
  const [C, H] = w.shape;
  const f = tf.customGrad((...args) => {
    const [weights] = args as unknown as [tf.Tensor2D];
    const entries = weights.dataSync();
    const bias = new Float32Array(n * H * V * V);
    for (let c = 0; c < n; c++)
      for (let h = 0; h < H; h++) {
        const to = (c * H + h) * V * V;
        const from = c * V * V;
        for (let e = 0; e < V * V; e++) bias[to + e] = entries[classes[from + e] * H + h];
      }
    return {
      value: tf.tensor4d(bias, [n, H, V, V]),
      gradFunc: (dy: tf.Tensor) => {
        const oneHot = tf.cast(tf.oneHot(tf.tensor1d(classes, "int32"), C), "float32") as tf.Tensor2D;
        const byPair = tf.reshape(tf.transpose(dy, [0, 2, 3, 1]), [n * V * V, H]) as tf.Tensor2D;
        return transposedRightProduct(oneHot, byPair);
      },
    };
  });
  return f(w) as tf.Tensor4D;
}

/** Normalises over the last axis (no learned gain: the next dense layer can scale). */
function layerNorm(h: tf.Tensor2D): tf.Tensor2D {
  const centred = tf.sub(h, tf.mean(h, 1, true));
  return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), 1e-5))) as tf.Tensor2D;
}

/**
 * The graph transformer as a scoring network: what `forward` scores with, plus its encoder alone (for
 * pre-training on unlabeled cells, bench/transformer-pretrain.ts) and its pooled embedding (for a
 * relation-graph head, bench/transformer-ssa-head.ts).
 */
export interface TransformerNetwork extends ScoringNetwork {
  /** Vertices and op types of the space's matrix encoding. */
  readonly vertices: number;
  readonly opTypes: readonly string[];
  /** Width of every token. */
  readonly width: number;
  /** How many of `shapes()` (the first ones) the encoder uses; the rest is the pooled output layer. */
  readonly encoderWeights: number;
  /**
   * The encoder's token of every vertex (count·V, width), row cell·V + vertex, layer-normalised after
   * the last layer (padded vertices included: their tokens mean nothing). Reads `weights`' first
   * `encoderWeights` only and the encoding part of `x` (count × at least the encoding size).
   */
  encode(weights: tf.Tensor[], x: tf.Tensor2D): tf.Tensor2D;
  /**
   * The cell's pooled embedding (count, width): the mean of `encode`'s tokens over the cell's real
   * vertices, the vector the output layer reads (before any per-cell inputs join it) — e.g. the
   * features of a relation-graph head (bench/transformer-ssa-head.ts). Reads the same weights and
   * columns as `encode`; `forward` computes it the same way, so its value there is this to the bit.
   */
  embed(weights: tf.Tensor[], x: tf.Tensor2D): tf.Tensor2D;
}

/** The graph transformer as a scoring network of the space's matrix encoding. */
export function transformerNetwork(
  space: Pick<SearchSpace<unknown>, "name" | "encoding">,
  options: Partial<TransformerOptions> = {},
): TransformerNetwork {
  const o: TransformerOptions = { ...DEFAULT_TRANSFORMER_OPTIONS, ...options };
  checkOptions(o);
  const encoding = graphEncoding(space, "transformer");
  const V = encoding.vertices;
  const K = encoding.opTypes.length;
  const { width: d, heads: H, layers: L, ffn: F } = o;
  const dk = d / H;
  const C = relationClasses(V);
  const scale = 1 / Math.sqrt(dk);
  const extra = o.inputs.length;
  /** The tokens after the layers (not normalised) and the cells' structure. */
  const layers = (weights: tf.Tensor[], x: tf.Tensor2D, structure: CellStructure): tf.Tensor2D => {
    const n = x.shape[0];
    const ops = tf.tensor2d(structure.ops, [n * V, K]);
    const real = tf.tensor2d(structure.real, [n, V]);
    const keyMask = tf.reshape(tf.mul(tf.sub(real, 1), 1e9), [n, 1, 1, V]);
    const heads = (t: tf.Tensor2D) =>
      tf.reshape(tf.transpose(tf.reshape(t, [n, V, H, dk]), [0, 2, 1, 3]), [n * H, V, dk]) as tf.Tensor3D;
    /** One transformer layer: attention, then the feed-forward block with a graph convolution. */
    const layer = (h: tf.Tensor2D, w: tf.Tensor[]): tf.Tensor2D => {
      // attention, pre-normalised; keys come transposed from their product
      const a = layerNorm(h);
      const q = heads(matMul(a, w[0]));
      const kT = tf.reshape(tf.transpose(tf.reshape(matMul(a, w[1]), [n, V, H, dk]), [0, 2, 3, 1]), [
        n * H,
        dk,
        V,
      ]) as tf.Tensor3D;
      const val = heads(matMul(a, w[2]));
      const scores = tf.reshape(tf.mul(tf.matMul(q, kT), scale), [n, H, V, V]);
      const logits = tf.add(
        o.relationBias ? tf.add(scores, relationBias(w[3] as tf.Tensor2D, structure)) : scores,
        keyMask,
      );
      const attention = tf.reshape(tf.softmax(logits), [n * H, V, V]) as tf.Tensor3D;
      const mixed = tf.reshape(
        tf.transpose(tf.reshape(tf.matMul(attention, val), [n, H, V, dk]), [0, 2, 1, 3]),
        [n * V, d],
      ) as tf.Tensor2D;
      const attended = tf.add(h, addBias(matMul(mixed, w[4]), w[5] as tf.Tensor1D)) as tf.Tensor2D;
      // feed-forward with a graph convolution
      const g = layerNorm(attended);
      const own = matMul(g, w[6]);
      const preActivation = o.graphFeedForward
        ? tf.add(own, matMul(neighbourMeans(g, structure), w[7]))
        : own;
      const hidden = tf.relu(addBias(preActivation, w[8] as tf.Tensor1D));
      return tf.add(
        attended,
        addBias(matMul(hidden as tf.Tensor2D, w[9]), w[10] as tf.Tensor1D),
      ) as tf.Tensor2D;
    };
    let h = addBias(inputProduct(ops, weights[0]), weights[1] as tf.Tensor1D); // (n V, d)
    const sweeps = o.flowLayers > 0 ? flowSweeps(structure) : undefined;
    let at = 2;
    // each sweep and layer in its own tidy: its intermediates go as soon as it is done (a gradient's
    // saved tensors are kept by tfjs), so a prediction batch holds one layer's activations at a time
    for (let l = 0; l < L; l++) {
      if (l < o.flowLayers && sweeps) {
        for (let side = 0; side < 2; side++) {
          const [input, w, sweep] = [h, weights.slice(at, at + 5), sweeps[side]];
          h = tf.tidy(() => flowSweep(input, w, sweep));
          at += 5;
        }
      }
      const [input, w] = [h, weights.slice(at, at + LAYER_WEIGHTS)];
      at += LAYER_WEIGHTS;
      h = tf.tidy(() => layer(input, w));
    }
    return h;
  };
  const structureOf = (x: tf.Tensor2D) => cellStructure(x.dataSync(), x.shape[0], V, K, x.shape[1]);
  /** The mean of the normalised tokens over each cell's real vertices (count, d). */
  const pooled = (weights: tf.Tensor[], x: tf.Tensor2D, structure: CellStructure): tf.Tensor2D => {
    const n = x.shape[0];
    const h = layers(weights, x, structure);
    const real = tf.tensor2d(structure.real, [n, V]);
    const tokens = tf.mul(tf.reshape(layerNorm(h), [n, V, d]), tf.reshape(real, [n, V, 1]));
    return tf.div(tf.sum(tokens, 1), tf.reshape(tf.sum(real, 1), [n, 1])) as tf.Tensor2D;
  };
  return {
    options: o,
    inputs: o.inputs,
    vertices: V,
    opTypes: encoding.opTypes,
    width: d,
    encoderWeights: 2 + L * LAYER_WEIGHTS + o.flowLayers * FLOW_WEIGHTS,
    shapes: () => [
      [K, d],
      [d],
      ...Array.from({ length: L }, (_, l) => [
        ...(l < o.flowLayers
          ? [0, 1].flatMap(() => [
              [d, F], // flow update from the vertex
              [d, F], // … from the mean of its predecessors (forward) or successors (backward)
              [F],
              [F, d],
              [d],
            ])
          : []),
        [d, d], // queries
        [d, d], // keys
        [d, d], // values
        [C, H], // attention bias per relation class and head
        [d, d], // attention output
        [d],
        [d, F], // feed-forward on the vertex
        [2 * d, F], // … on [mean of its predecessors, mean of its successors]
        [F],
        [F, d],
        [d],
      ]).flat(),
      [d + extra, 1],
      [1],
    ],
    encode: (weights, x) => tf.tidy(() => layerNorm(layers(weights, x, structureOf(x)))),
    embed: (weights, x) => tf.tidy(() => pooled(weights, x, structureOf(x))),
    forward: (weights, x) =>
      tf.tidy(() => {
        const n = x.shape[0];
        const mean = pooled(weights, x, structureOf(x));
        const features =
          extra > 0
            ? (tf.concat([mean, tf.slice(x, [0, V * V + V * K], [n, extra])], 1) as tf.Tensor2D)
            : mean;
        const head = weights.length - 2;
        const out = addBias(matMul(features, weights[head]), weights[head + 1] as tf.Tensor1D);
        return tf.reshape(out, [-1]) as tf.Tensor1D;
      }),
  };
}
