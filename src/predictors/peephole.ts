/**
 * Peephole (Deng et al. 2017) on the cell's matrix representation: the vertices in topological order
 * form a sequence whose tokens describe each layer (its one-hot operation and which earlier vertices
 * feed it); an LSTM reads the sequence and a dense layer maps its last state (the output vertex) to the
 * score. Trained with the shared supervised trainer.
 */
import { graphEncoding, type SearchSpace } from "../spaces/search-space.js";
import { tf } from "../tensor/backend.js";
import { addBias } from "../tensor/bias.js";
import { matMul } from "../tensor/matmul.js";
import type { ScoringNetwork } from "./supervised.js";

export interface PeepholeOptions extends Record<string, unknown> {
  /** Width of the LSTM state. */
  hidden: number;
}

export const DEFAULT_PEEPHOLE_OPTIONS: PeepholeOptions = { hidden: 64 };

export function peepholeNetwork(
  space: Pick<SearchSpace<unknown>, "name" | "encoding">,
  options: Partial<PeepholeOptions> = {},
): ScoringNetwork {
  const o: PeepholeOptions = { ...DEFAULT_PEEPHOLE_OPTIONS, ...options };
  if (!Number.isInteger(o.hidden) || o.hidden < 1)
    throw new Error(`hidden must be a positive integer, got ${JSON.stringify(o.hidden)}`);
  const { vertices: v, opTypes } = graphEncoding(space, "peephole");
  const ops = opTypes.length;
  const token = ops + v;
  const h = o.hidden;
  return {
    options: o,
    // input weights, recurrent weights, gate biases, output layer
    shapes: () => [[token, 4 * h], [h, 4 * h], [4 * h], [h, 1], [1]],
    forward: (weights, x) =>
      tf.tidy(() => {
        const [wx, wh, b, wOut, bOut] = weights;
        const n = x.shape[0];
        const adjacency = tf.reshape(tf.slice(x, [0, 0], [n, v * v]), [n, v, v]);
        const opRows = tf.reshape(tf.slice(x, [0, v * v], [n, v * ops]), [n, v, ops]);
        let state = tf.zeros([n, h]) as tf.Tensor2D;
        let memory = tf.zeros([n, h]) as tf.Tensor2D;
        for (let t = 0; t < v; t++) {
          // vertex t's op and its inputs (column t of the adjacency)
          const op = tf.reshape(tf.slice(opRows, [0, t, 0], [n, 1, ops]), [n, ops]);
          const inputs = tf.reshape(tf.slice(adjacency, [0, 0, t], [n, v, 1]), [n, v]);
          const gates = addBias(
            tf.add(matMul(tf.concat([op, inputs], 1), wx), matMul(state, wh)) as tf.Tensor2D,
            b as tf.Tensor1D,
          );
          const [input, forget, candidate, output] = tf.split(gates, 4, 1);
          memory = tf.add(
            tf.mul(tf.sigmoid(forget), memory),
            tf.mul(tf.sigmoid(input), tf.tanh(candidate)),
          ) as tf.Tensor2D;
          state = tf.mul(tf.sigmoid(output), tf.tanh(memory)) as tf.Tensor2D;
        }
        return tf.reshape(addBias(matMul(state, wOut), bOut as tf.Tensor1D), [-1]) as tf.Tensor1D;
      }),
  };
}
