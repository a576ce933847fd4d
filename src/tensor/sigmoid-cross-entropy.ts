/**
 * Mean sigmoid cross-entropy between 0/1 targets and logits, loss and gradient in one JavaScript pass:
 * the same from tfjs' element-wise kernels costs about ten of them over the whole batch on wasm.
 */
import { tf } from "./backend.js";

/** mean over elements of max(l, 0) - l·t + log(1 + e^-|l|); targets and logits of the same shape. */
export function sigmoidCrossEntropy(targets: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const op = tf.customGrad((...args) => {
    const [t, l] = args as unknown as [tf.Tensor, tf.Tensor];
    const target = t.dataSync();
    const logit = l.dataSync();
    const n = logit.length;
    const gradient = new Float32Array(n);
    let sum = 0;
    // Σ log(1 + e^-|l|) as the log of running products of factors in (1, 2], taken every 512
    // elements: one Math.log per 512 elements instead of a log1p each
    let product = 1;
    for (let i = 0; i < n; i++) {
      const x = logit[i];
      const e = Math.exp(-Math.abs(x));
      sum += Math.max(x, 0) - x * target[i];
      product *= 1 + e;
      if ((i & 511) === 511) {
        sum += Math.log(product);
        product = 1;
      }
      // sigmoid(x) - t, without overflow
      gradient[i] = ((x >= 0 ? 1 / (1 + e) : e / (1 + e)) - target[i]) / n;
    }
    sum += Math.log(product);
    return {
      value: tf.scalar(sum / n),
      gradFunc: (dy: tf.Tensor) => [tf.zerosLike(t), tf.mul(dy, tf.tensor(gradient, l.shape))],
    };
  });
  return op(targets, logits) as tf.Scalar;
}
