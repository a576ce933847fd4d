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
import { matMul } from "../tensor/matmul.js";
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
}

export const DEFAULT_TRANSFORMER_OPTIONS: TransformerOptions = {
  width: 32,
  heads: 4,
  layers: 2,
  ffn: 64,
  relationBias: true,
  graphFeedForward: true,
};

/**
 * How the transformer trains (supervised.ts's loop). It reads no vertex position, so training on other
 * vertex orders of a cell would show it the same input again: no reordering, one order at prediction.
 * Loss and epochs were chosen by 4-fold cross-validation on the labeled cells of the label sets of seeds
 * 10–12 (never test cells; docs/transformer.md). Loss: the pairwise hinge loss (margin 0.5) alone, which
 * beat the pairwise logistic (BCE) loss at 424 labels (held-out Kendall tau 0.719 vs 0.705, both label
 * sets) and 1,000 (0.761 vs 0.742, all four folds) and tied it at 100 (0.624 vs 0.631); BCE + MSE and
 * MSE alone were worse. Epochs: 25 up to 500 labels, 50 beyond — training longer over-fits (BCE, 424
 * labels: 10 / 15 / 25 / 35 / 50 / 100 epochs 0.667 / 0.702 / 0.705 / 0.701 / 0.688 / 0.687; 1,000 labels: 25 / 50
 * epochs 0.730 / 0.742; 100 labels: 10 / 15 / 25 / 50 epochs 0.559 / 0.598 / 0.631 / 0.618).
 */
export const TRANSFORMER_TRAINING: Partial<TrainingOptions> = {
  reorder: false,
  predictOrders: 1,
  mseWeight: 0,
  rankWeight: 0,
  hingeWeight: 1,
  hingeMargin: 0.5,
  learningRate: 2e-3,
  batchSize: 256,
  epochs: 50,
  epochsByLabels: [[500, 25]],
  minSteps: 1,
  maxSteps: 3000,
};

const LAYER_WEIGHTS = 11;

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
  if (o.width % o.heads !== 0)
    throw new RangeError(`transformer width ${o.width} is not divisible by its ${o.heads} heads`);
}

/** Relation classes of vertex pairs: self, forward distance 1..V-1, backward 1..V-1, unrelated. */
export function relationClasses(vertices: number): number {
  return 2 * vertices;
}

/**
 * The relation class of every ordered vertex pair (count, V, V), int32, from adjacencies (count, V, V),
 * row = source: 0 the vertex itself, d in 1..V-1 "j is reachable from i at shortest-path distance d",
 * V-1+d "i is reachable from j at distance d", 2V-1 neither.
 */
export function relations(adjacency: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const v = adjacency.shape[1];
    const a = tf.cast(tf.greater(adjacency, 0), "float32") as tf.Tensor3D;
    const eye = tf.reshape(tf.eye(v), [1, v, v]);
    let reached = tf.add(a, eye); // pairs at distance ≤ d (the vertex itself at 0)
    let frontier = a; // pairs first reached at distance d
    let distance = a as tf.Tensor; // shortest-path distance, 0 where unreachable
    for (let d = 2; d < v; d++) {
      frontier = tf.mul(
        tf.cast(tf.greater(tf.matMul(frontier, a), 0), "float32"),
        tf.sub(1, reached),
      ) as tf.Tensor3D;
      distance = tf.add(distance, tf.mul(frontier, d));
      reached = tf.add(reached, frontier);
    }
    const back = tf.transpose(distance, [0, 2, 1]);
    const backward = tf.mul(tf.add(back, v - 1), tf.cast(tf.greater(back, 0), "float32"));
    const neither = tf.mul(tf.sub(1, tf.minimum(tf.add(tf.add(distance, back), eye), 1)), 2 * v - 1);
    return tf.cast(tf.add(tf.add(distance, backward), neither), "int32") as tf.Tensor3D;
  });
}

/** Normalises over the last axis (no learned gain: the next dense layer can scale). */
function layerNorm(h: tf.Tensor2D): tf.Tensor2D {
  const centred = tf.sub(h, tf.mean(h, 1, true));
  return tf.mul(centred, tf.rsqrt(tf.add(tf.mean(tf.square(centred), 1, true), 1e-5))) as tf.Tensor2D;
}

/** The graph transformer as a scoring network of the space's matrix encoding. */
export function transformerNetwork(
  space: SearchSpace<unknown>,
  options: Partial<TransformerOptions> = {},
): ScoringNetwork {
  const o: TransformerOptions = { ...DEFAULT_TRANSFORMER_OPTIONS, ...options };
  checkOptions(o);
  const encoding = graphEncoding(space, "transformer");
  const V = encoding.vertices;
  const K = encoding.opTypes.length;
  const { width: d, heads: H, layers: L, ffn: F } = o;
  const dk = d / H;
  const C = relationClasses(V);
  const scale = 1 / Math.sqrt(dk);
  return {
    options: o,
    shapes: () => [
      [K, d],
      [d],
      ...Array.from({ length: L }, () => [
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
      [d, 1],
      [1],
    ],
    forward: (weights, x) =>
      tf.tidy(() => {
        const n = x.shape[0];
        const adjacency = tf.reshape(tf.slice(x, [0, 0], [n, V * V]), [n, V, V]) as tf.Tensor3D;
        const ops = tf.reshape(tf.slice(x, [0, V * V], [n, V * K]), [n * V, K]) as tf.Tensor2D;
        const real = tf.cast(tf.greater(tf.sum(tf.reshape(ops, [n, V, K]), 2), 0), "float32"); // (n, V)
        const keyMask = tf.reshape(tf.mul(tf.sub(real, 1), 1e9), [n, 1, 1, V]);
        const classes = tf.oneHot(tf.reshape(relations(adjacency), [n * V * V]), C) as tf.Tensor2D;
        // rows 0..V-1: mean over the vertex's predecessors; rows V..2V-1: over its successors
        const inDegree = tf.maximum(tf.sum(adjacency, 1), 1); // (n, V), per target
        const outDegree = tf.maximum(tf.sum(adjacency, 2), 1); // (n, V), per source
        const neighbours = tf.concat(
          [
            tf.div(tf.transpose(adjacency, [0, 2, 1]), tf.reshape(inDegree, [n, V, 1])),
            tf.div(adjacency, tf.reshape(outDegree, [n, V, 1])),
          ],
          1,
        ) as tf.Tensor3D;
        const heads = (t: tf.Tensor2D) =>
          tf.reshape(tf.transpose(tf.reshape(t, [n, V, H, dk]), [0, 2, 1, 3]), [n * H, V, dk]) as tf.Tensor3D;
        let h = addBias(matMul(ops, weights[0]), weights[1] as tf.Tensor1D); // (n V, d)
        for (let l = 0; l < L; l++) {
          const w = weights.slice(2 + l * LAYER_WEIGHTS, 2 + (l + 1) * LAYER_WEIGHTS);
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
            o.relationBias
              ? tf.add(scores, tf.transpose(tf.reshape(matMul(classes, w[3]), [n, V, V, H]), [0, 3, 1, 2]))
              : scores,
            keyMask,
          );
          const attention = tf.reshape(tf.softmax(logits), [n * H, V, V]) as tf.Tensor3D;
          const mixed = tf.reshape(
            tf.transpose(tf.reshape(tf.matMul(attention, val), [n, H, V, dk]), [0, 2, 1, 3]),
            [n * V, d],
          ) as tf.Tensor2D;
          h = tf.add(h, addBias(matMul(mixed, w[4]), w[5] as tf.Tensor1D)) as tf.Tensor2D;
          // feed-forward with a graph convolution
          const g = layerNorm(h);
          const own = matMul(g, w[6]);
          const preActivation = o.graphFeedForward
            ? tf.add(
                own,
                matMul(
                  tf.reshape(
                    tf.transpose(
                      tf.reshape(tf.matMul(neighbours, tf.reshape(g, [n, V, d])), [n, 2, V, d]),
                      [0, 2, 1, 3],
                    ),
                    [n * V, 2 * d],
                  ) as tf.Tensor2D,
                  w[7],
                ),
              )
            : own;
          const hidden = tf.relu(addBias(preActivation, w[8] as tf.Tensor1D));
          h = tf.add(h, addBias(matMul(hidden as tf.Tensor2D, w[9]), w[10] as tf.Tensor1D)) as tf.Tensor2D;
        }
        const tokens = tf.mul(tf.reshape(layerNorm(h), [n, V, d]), tf.reshape(real, [n, V, 1]));
        const pooled = tf.div(tf.sum(tokens, 1), tf.reshape(tf.sum(real, 1), [n, 1])) as tf.Tensor2D;
        const head = weights.length - 2;
        const out = addBias(matMul(pooled, weights[head]), weights[head + 1] as tf.Tensor1D);
        return tf.reshape(out, [-1]) as tf.Tensor1D;
      }),
  };
}
