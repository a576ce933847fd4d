/**
 * A supervised graph network on the cell's DAG (GIN-style, as in the Neural Predictor of Wen et al.):
 * vertex features start as the one-hot operations; each layer sums a vertex with its in- and
 * out-neighbours, then a dense layer with ReLU; the mean over the cell's real vertices (padding
 * excluded) goes to one output.
 */
import { graphEncoding, type SearchSpace } from "../spaces/search-space.js";
import { tf } from "../tensor/backend.js";
import { addBias } from "../tensor/bias.js";
import { matMul } from "../tensor/matmul.js";
import type { ScoringNetwork } from "./supervised.js";

export interface GinOptions extends Record<string, unknown> {
  /** Widths of the graph layers. */
  layers: number[];
}

export const DEFAULT_GIN_OPTIONS: GinOptions = { layers: [64, 64, 64] };

export function ginNetwork(
  space: Pick<SearchSpace<unknown>, "name" | "encoding">,
  options: Partial<GinOptions> = {},
): ScoringNetwork {
  const o: GinOptions = { ...DEFAULT_GIN_OPTIONS, ...options };
  if (
    !Array.isArray(o.layers) ||
    o.layers.length === 0 ||
    o.layers.some((w) => !Number.isInteger(w) || w < 1)
  )
    throw new Error(`layer widths must be positive integers, got ${JSON.stringify(o.layers)}`);
  const { vertices: v, opTypes } = graphEncoding(space, "gin");
  const ops = opTypes.length;
  const widths = [ops, ...o.layers];
  return {
    options: o,
    shapes: () => [
      ...widths.slice(1).flatMap((w, k) => [[widths[k], w], [w]]),
      [widths[widths.length - 1], 1],
      [1],
    ],
    forward: (weights, x) =>
      tf.tidy(() => {
        const n = x.shape[0];
        const adjacency = tf.reshape(tf.slice(x, [0, 0], [n, v * v]), [n, v, v]);
        // neighbours both ways plus the vertex itself; a constant of the batch
        const mixing = tf.add(
          tf.add(adjacency, tf.transpose(adjacency, [0, 2, 1])),
          tf.eye(v),
        ) as tf.Tensor3D;
        let h = tf.reshape(tf.slice(x, [0, v * v], [n, v * ops]), [n, v, ops]) as tf.Tensor3D;
        const real = tf.cast(tf.greater(tf.sum(h, 2, true), 0), "float32"); // padded vertices have no op
        const layers = widths.length - 1;
        for (let k = 0; k < layers; k++) {
          const mixed = tf.reshape(tf.matMul(mixing, h), [n * v, widths[k]]);
          const dense = tf.relu(addBias(matMul(mixed, weights[2 * k]), weights[2 * k + 1] as tf.Tensor1D));
          h = tf.mul(tf.reshape(dense, [n, v, widths[k + 1]]), real) as tf.Tensor3D;
        }
        const readout = tf.div(tf.sum(h, 1), tf.sum(real, 1)) as tf.Tensor2D;
        const out = addBias(matMul(readout, weights[2 * layers]), weights[2 * layers + 1] as tf.Tensor1D);
        return tf.reshape(out, [-1]) as tf.Tensor1D;
      }),
  };
}
