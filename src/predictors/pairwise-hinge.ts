/**
 * Pairwise hinge ranking loss: the mean over pairs of labeled cells with different labels of
 * max(0, margin − (ŷ_better − ŷ_worse)), with a hand-written gradient computed in one JavaScript pass
 * over the pairs (like ranking-loss.ts; checked against tfjs' automatic differentiation in the tests).
 */
import { tf } from "../tensor/backend.js";

function hinge(margin: number, minGap: number) {
  return tf.customGrad((...args) => {
    const [predicted, target] = args as unknown as [tf.Tensor1D, tf.Tensor1D];
    const p = predicted.dataSync();
    const y = target.dataSync();
    const n = p.length;
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b]);
    const gradient = new Float64Array(n);
    let sum = 0;
    let pairs = 0;
    let better = 0;
    for (let a = 0; a < n; a++) {
      const worse = order[a];
      if (better <= a) better = a + 1;
      while (better < n && y[order[better]] - y[worse] <= minGap) better++;
      const pw = p[worse];
      let active = 0;
      for (let b = better; b < n; b++) {
        const i = order[b];
        const violation = margin - (p[i] - pw);
        if (violation > 0) {
          sum += violation;
          gradient[i] -= 1;
          active++;
        }
      }
      gradient[worse] += active;
      pairs += n - better;
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
}

const losses = new Map<string, ReturnType<typeof hinge>>();

/**
 * The hinge ranking loss of predictions against targets (1-D, same length); `margin` ≥ 0 is on the
 * predictions' scale. Pairs whose targets differ by `minGap` or less (≥ 0, the targets' scale) are left
 * out: with one noisy training run per label, a pair that close is ordered by the noise. Throws
 * RangeError for a negative or non-finite margin or gap.
 */
export function pairwiseHingeLoss(
  predicted: tf.Tensor1D,
  target: tf.Tensor1D,
  margin: number,
  minGap = 0,
): tf.Scalar {
  if (!(Number.isFinite(margin) && margin >= 0))
    throw new RangeError(`the hinge margin must be a number ≥ 0, got ${margin}`);
  if (!(Number.isFinite(minGap) && minGap >= 0))
    throw new RangeError(`the hinge minimum gap must be a number ≥ 0, got ${minGap}`);
  const key = `${margin} ${minGap}`;
  let loss = losses.get(key);
  if (!loss) {
    loss = hinge(margin, minGap);
    losses.set(key, loss);
  }
  return loss(predicted, target) as tf.Scalar;
}
