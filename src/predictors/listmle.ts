/**
 * ListMLE, a listwise ranking loss (Xia et al., ICML 2008): the negative log-likelihood of the true
 * order of the batch (by target, best first) under the Plackett–Luce model of the predictions, divided
 * by the batch size: (1/n) Σ_i [log Σ_{j ≥ i} exp(ŷ_π(j)) − ŷ_π(i)], π the cells by decreasing target
 * (ties in index order). Computed in one JavaScript pass, gradient included (O(n log n) with the sort):
 * d/dŷ_π(k) = (1/n) (−1 + exp(ŷ_π(k)) Σ_{i ≤ k} 1 / Σ_{j ≥ i} exp(ŷ_π(j))).
 */
import { tf } from "../tensor/backend.js";

const loss = tf.customGrad((...args) => {
  const [predicted, target] = args as unknown as [tf.Tensor1D, tf.Tensor1D];
  const p = predicted.dataSync();
  const y = target.dataSync();
  const n = p.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => y[b] - y[a] || a - b);
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) max = Math.max(max, p[i]);
  // e_k = exp(ŷ_π(k) − max); suffix[i] = Σ_{j ≥ i} e_j
  const e = Float64Array.from(order, (i) => Math.exp(p[i] - max));
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1] + e[i];
  let sum = 0;
  let inverses = 0;
  const gradient = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    sum += Math.log(suffix[k]) + max - p[order[k]];
    inverses += 1 / suffix[k];
    gradient[order[k]] = (-1 + e[k] * inverses) / n;
  }
  return {
    value: tf.scalar(sum / Math.max(n, 1)),
    gradFunc: (dy: tf.Tensor) => [tf.mul(dy, tf.tensor1d(gradient)), tf.zerosLike(target)],
  };
});

/** ListMLE of predictions against targets (1-D, same length); higher targets should rank first. */
export function listMleLoss(predicted: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  return loss(predicted, target) as tf.Scalar;
}
