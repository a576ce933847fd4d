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
  // cells in increasing order of target: every pair is then (worse a, better b) with b after a's ties,
  // so the pair's direction needs no test
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b]);
  const gradient = new Float64Array(n);
  let sum = 0;
  let pairs = 0;
  // Σ log(1 + e_k) as the log of running products of (1 + e_k) ∈ (1, 2], taken every 512 pairs (a
  // product stays below 2^512): one Math.log per 512 pairs instead of a log1p per pair
  let product = 1;
  let inProduct = 0;
  let better = 0;
  for (let a = 0; a < n; a++) {
    const worse = order[a];
    const yw = y[worse];
    if (better <= a) better = a + 1;
    while (better < n && y[order[better]] === yw) better++;
    const pw = p[worse];
    let slopes = 0;
    for (let b = better; b < n; b++) {
      const i = order[b];
      // softplus(-margin) = max(-margin, 0) + log(1 + e), e = exp(-|margin|); its slope in the
      // better cell's prediction is -sigmoid(-margin)
      const margin = p[i] - pw;
      const e = Math.exp(-Math.abs(margin));
      sum += Math.max(-margin, 0);
      product *= 1 + e;
      if (++inProduct === 512) {
        sum += Math.log(product);
        product = 1;
        inProduct = 0;
      }
      const slope = (margin > 0 ? e : 1) / (1 + e);
      gradient[i] -= slope;
      slopes += slope;
    }
    gradient[worse] += slopes;
    pairs += n - better;
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
