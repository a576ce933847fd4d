/**
 * Pairwise hinge ranking loss: the mean over pairs of labeled cells with different labels of
 * max(0, margin − (ŷ_better − ŷ_worse)), with a hand-written gradient computed in one JavaScript pass
 * over the pairs (like ranking-loss.ts; checked against tfjs' automatic differentiation in the tests).
 */
import { tf } from "../tensor/backend.js";

function hinge(margin: number) {
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
      while (better < n && y[order[better]] === y[worse]) better++;
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

const losses = new Map<number, ReturnType<typeof hinge>>();

/**
 * The hinge ranking loss of predictions against targets (1-D, same length); `margin` ≥ 0 is on the
 * predictions' scale. Throws RangeError for a negative or non-finite margin.
 */
export function pairwiseHingeLoss(predicted: tf.Tensor1D, target: tf.Tensor1D, margin: number): tf.Scalar {
  if (!(Number.isFinite(margin) && margin >= 0))
    throw new RangeError(`the hinge margin must be a number ≥ 0, got ${margin}`);
  let loss = losses.get(margin);
  if (!loss) {
    loss = hinge(margin);
    losses.set(margin, loss);
  }
  return loss(predicted, target) as tf.Scalar;
}
