/**
 * x + bias over the last axis, and the sum over rows that is its gradient. The wasm backend sums over
 * the first axis of a narrow matrix fast, but transposes a wide one first (1024×672: 7 ms); there a
 * product with a row of ones is the same sum at matMul speed (3.5 ms).
 */
import { tf } from "./backend.js";

/** The column sums of g (rows, columns), as a vector. */
export function columnSums(g: tf.Tensor2D): tf.Tensor1D {
  const columns = g.shape[1];
  if (columns < 256) return tf.sum(g, 0) as tf.Tensor1D;
  return tf.reshape(tf.matMul(tf.ones([1, g.shape[0]]), g), [columns]) as tf.Tensor1D;
}

const biasAdd = tf.customGrad((...args) => {
  const [x, bias] = args as unknown as [tf.Tensor, tf.Tensor1D];
  return {
    value: tf.add(x, bias),
    gradFunc: (dy: tf.Tensor) => [dy, columnSums(tf.reshape(dy, [-1, bias.shape[0]]) as tf.Tensor2D)],
  };
});

/** x (…, channels) + bias (channels). */
export function addBias<T extends tf.Tensor>(x: T, bias: tf.Tensor1D): T {
  return biasAdd(x, bias) as T;
}
