/**
 * x + bias over the last axis. The generic gradient sums dy over every other axis, which the wasm
 * backend does by transposing dy first (1024×672: 5 ms); a product with a row of ones is the same sum
 * at matMul speed.
 */
import { tf } from "./backend.js";

const biasAdd = tf.customGrad((...args) => {
  const [x, bias] = args as unknown as [tf.Tensor, tf.Tensor1D];
  return {
    value: tf.add(x, bias),
    gradFunc: (dy: tf.Tensor) => {
      const channels = bias.shape[0];
      const rows = tf.reshape(dy, [-1, channels]) as tf.Tensor2D;
      return [dy, tf.reshape(tf.matMul(tf.ones([1, rows.shape[0]]), rows), [channels])];
    },
  };
});

/** x (…, channels) + bias (channels). */
export function addBias<T extends tf.Tensor>(x: T, bias: tf.Tensor1D): T {
  return biasAdd(x, bias) as T;
}
