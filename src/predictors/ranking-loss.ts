/**
 * Pairwise logistic ranking loss: the mean over pairs of labeled cells with different labels of
 * softplus(-(ŷ_better - ŷ_worse)). Computed in one JavaScript pass over the pairs, gradient included:
 * the same loss from batch² tensor operations costs twice as long on the wasm backend.
 */
import { tf } from "../tensor/backend.js";

const loss = tf.customGrad((...args) => {
  const [predicted, target] = args as unknown as [tf.Tensor1D, tf.Tensor1D];
  const p = predicted.dataSync();
  const y = target.dataSync();
  const n = p.length;
  const gradient = new Float64Array(n);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (y[i] === y[j]) continue;
      const [better, worse] = y[i] > y[j] ? [i, j] : [j, i];
      const margin = p[better] - p[worse];
      const e = Math.exp(-Math.abs(margin));
      // softplus(-margin), and its derivative -sigmoid(-margin), without overflow
      sum += Math.max(-margin, 0) + Math.log1p(e);
      const slope = margin > 0 ? e / (1 + e) : 1 / (1 + e);
      gradient[better] -= slope;
      gradient[worse] += slope;
      pairs++;
    }
  }
  const scale = 1 / Math.max(pairs, 1);
  return {
    value: tf.scalar(sum * scale),
    gradFunc: (dy: tf.Tensor) => [
      tf.mul(dy, tf.tensor1d(Float32Array.from(gradient, (g) => g * scale))),
      tf.zerosLike(target),
    ],
  };
});

/** The ranking loss of predictions against targets (1-D, same length). */
export function rankingLoss(predicted: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  return loss(predicted, target) as tf.Scalar;
}
