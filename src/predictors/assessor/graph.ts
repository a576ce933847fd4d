/**
 * The relation graph of a mini-batch (paper, Eq. 3): s(i,j) = exp(-d(E(xi), E(xj)) / 2σ²) with d the
 * squared Euclidean distance, A_ij = s(i,j) where s > τ else 0, A_ii = 1 (s_ii = exp(0) already),
 * Â = D^-1/2 A D^-1/2. Differentiable in the embeddings (the threshold mask is a constant).
 * Â is kept factored as (A, D^-1/2): Â·X = D^-1/2 ⊙ (A · (D^-1/2 ⊙ X)) costs batch×features
 * instead of batch² per product.
 */
import { tf } from "../../tensor/backend.js";
import { matMul } from "../../tensor/matmul.js";
import type { AssessorOptions } from "./options.js";

export interface RelationGraph {
  /** Thresholded similarities A (batch × batch). */
  adjacency: tf.Tensor2D;
  /** D^-1/2 as a column (batch × 1). */
  inverseRootDegree: tf.Tensor2D;
}

/** Pairwise squared distances of the rows of z, ≥ 0 (exactly 0 on the diagonal up to rounding). */
export function squaredDistances(z: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(z), 1, true);
    return tf.relu(tf.sub(tf.add(sq, tf.transpose(sq)), matMul(tf.mul(z, 2), z, false, true))) as tf.Tensor2D;
  });
}

/** The relation graph of the embeddings `z` (batch × embedding). */
export function relationGraph(
  z: tf.Tensor2D,
  options: Pick<AssessorOptions, "graphScale" | "sigma" | "tau">,
): RelationGraph {
  return tf.tidy(() => {
    const e = options.graphScale === "normalized" ? tf.div(z, tf.add(tf.norm(z, 2, 1, true), 1e-12)) : z;
    const d = squaredDistances(e as tf.Tensor2D);
    let sigma = options.sigma;
    if (options.graphScale === "median") sigma = options.sigma * Math.max(sampledMedian(d), 1e-12);
    const s = tf.exp(tf.mul(d, -1 / (2 * sigma * sigma)));
    const adjacency = tf.mul(s, thresholdMask(s, options.tau)) as tf.Tensor2D;
    const inverseRootDegree = tf.rsqrt(tf.sum(adjacency, 1, true)) as tf.Tensor2D;
    return { adjacency, inverseRootDegree };
  });
}

/** Â·x for a factored graph. */
export function propagate(graph: RelationGraph, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.mul(
        graph.inverseRootDegree,
        matMul(graph.adjacency, tf.mul(graph.inverseRootDegree, x)),
      ) as tf.Tensor2D,
  );
}

/** The dense Â (for tests and inspection). */
export function normalizedAdjacency(graph: RelationGraph): tf.Tensor2D {
  return tf.tidy(
    () =>
      tf.mul(
        tf.mul(graph.adjacency, graph.inverseRootDegree),
        tf.transpose(graph.inverseRootDegree),
      ) as tf.Tensor2D,
  );
}

/** 1 where s > τ, else 0, with no gradient (the threshold only selects edges). */
function thresholdMask(s: tf.Tensor, tau: number): tf.Tensor {
  const mask = tf.customGrad((x) => ({
    value: tf.cast(tf.greater(x as tf.Tensor, tau), "float32"),
    gradFunc: (dy) => tf.zerosLike(dy),
  }));
  return mask(s);
}

/** Median of the off-diagonal squared distances of the first 16 rows: the batch's distance scale. */
function sampledMedian(d: tf.Tensor2D): number {
  const rows = Math.min(16, d.shape[0]);
  const columns = d.shape[1];
  const values = tf.slice(d, [0, 0], [rows, columns]).dataSync();
  const offDiagonal: number[] = [];
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < columns; j++) if (i !== j) offDiagonal.push(values[i * columns + j]);
  offDiagonal.sort((a, b) => a - b);
  return offDiagonal[Math.floor(offDiagonal.length / 2)] ?? 1;
}
