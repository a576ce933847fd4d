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
  // Σ log(1 + e_k) as the log of running products of (1 + e_k) ∈ (1, 2], taken every 512 pairs (a
  // product stays below 2^512): one Math.log per 512 pairs instead of a log1p per pair
  let product = 1;
  let inProduct = 0;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    const yi = y[i];
    for (let j = i + 1; j < n; j++) {
      const yj = y[j];
      if (yi === yj) continue;
      // margin of the better cell over the worse; sign = +1 when i is the better
      const sign = yi > yj ? 1 : -1;
      const margin = sign * (pi - p[j]);
      const e = Math.exp(-Math.abs(margin));
      // softplus(-margin) = max(-margin, 0) + log(1 + e), and its derivative -sigmoid(-margin)
      if (margin < 0) sum -= margin;
      product *= 1 + e;
      if (++inProduct === 512) {
        sum += Math.log(product);
        product = 1;
        inProduct = 0;
      }
      const slope = sign * (margin > 0 ? e / (1 + e) : 1 / (1 + e));
      gradient[i] -= slope;
      gradient[j] += slope;
      pairs++;
    }
  }
  sum += Math.log(product);
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
