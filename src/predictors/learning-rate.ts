/**
 * The learning rate over a fit: constant (what every predictor trained with first) or cosine-annealed
 * from `learningRate` down to 0 at the last step (Loshchilov & Hutter, "SGDR", ICLR 2017, without
 * restarts), and Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019: AdamW). Both aim at what training longer did to the transformer at a
 * constant rate: it over-fits (docs/transformer.md).
 */
import { tf } from "../tensor/backend.js";

/** How the learning rate moves over a fit's steps. */
export type LearningRateSchedule = "constant" | "cosine";

export const LEARNING_RATE_SCHEDULES: readonly LearningRateSchedule[] = ["constant", "cosine"];

/**
 * The learning rate of step `step` (0-based) of `steps`: `rate` throughout (constant), or
 * rate · (1 + cos(π · step / steps)) / 2 (cosine: `rate` at step 0, approaching 0 at the last).
 */
export function learningRateAt(
  schedule: LearningRateSchedule,
  rate: number,
  step: number,
  steps: number,
): number {
  return schedule === "cosine" ? (rate * (1 + Math.cos((Math.PI * step) / steps))) / 2 : rate;
}

const f32 = Math.fround;

/**
 * Adam (Kingma & Ba, ICLR 2015; β1 0.9, β2 0.999, ε 1e-7: tfjs' `tf.train.adam` defaults on a float32
 * backend) whose learning rate can change between steps, with decoupled weight decay: after each Adam
 * step every matrix weight (rank ≥ 2; biases and vectors are not decayed, as in AdamW practice) is
 * multiplied by 1 − rate · `weightDecay`.
 *
 * The update runs in JavaScript on float32 copies of the weights, each operation rounded to float32 in
 * the order tfjs' AdamOptimizer applies its kernels (a float32 +, −, ×, ÷ or √ equals the double one
 * rounded once to float32), so the weights are those tfjs' Adam gives, to the last bit (tested). Why not
 * tfjs' own: its update is 13 backend kernels per weight per step, and on the small networks of `ask`
 * the fixed cost of a kernel call, not arithmetic, is most of a fit (a fit of 300 steps at 100 told
 * spent a quarter of its time in tfjs' Adam); here a step is one read of each gradient and one write of
 * each weight.
 */
export class ScheduledAdam {
  private readonly beta1 = f32(0.9);
  private readonly beta2 = f32(0.999);
  private readonly oneMinusBeta1 = f32(1 - 0.9);
  private readonly oneMinusBeta2 = f32(1 - 0.999);
  private readonly epsilon = f32(1e-7);
  private accBeta1 = f32(0.9);
  private accBeta2 = f32(0.999);
  /** Per weight: its first and second moments and its current value (float32, row-major). */
  private state: { m: Float32Array; v: Float32Array; value: Float32Array }[] | undefined;

  constructor(
    private learningRate: number,
    private readonly weightDecay = 0,
  ) {}

  /** Sets the rate the next steps use. */
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  /**
   * One step on `loss`: its gradients with respect to `weights` (the same list, in the same order, at
   * every call), the Adam update, then the decay. A weight the loss does not depend on keeps its value
   * and moments (as tfjs' Adam skips it), but is decayed. Between calls nothing else may change the
   * weights: the update continues from the values it wrote last. Throws if no weight reaches the
   * loss (tfjs' variableGrads).
   */
  minimize(loss: () => tf.Scalar, weights: readonly tf.Variable[]): void {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, weights as tf.Variable[]);
      value.dispose();
      this.step(
        weights,
        weights.map((w) => grads[w.name]),
      );
    });
  }

  /**
   * The Adam update and the decay with `gradients[k]` (undefined: no gradient) for `weights[k]`;
   * `weights` as in `minimize`.
   */
  step(weights: readonly tf.Variable[], gradients: readonly (tf.Tensor | undefined)[]): void {
    const state =
      this.state ??
      weights.map((w) => ({
        m: new Float32Array(w.size),
        v: new Float32Array(w.size),
        value: (w.dataSync() as Float32Array).slice(),
      }));
    this.state = state;
    const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, epsilon } = this;
    const oneMinusAccBeta1 = f32(1 - this.accBeta1);
    const oneMinusAccBeta2 = f32(1 - this.accBeta2);
    const step = f32(-this.learningRate);
    const shrink = f32(1 - this.learningRate * this.weightDecay);
    tf.tidy(() => {
      for (const [k, w] of weights.entries()) {
        const { m, v, value } = state[k];
        const gradient = gradients[k];
        const decays = this.weightDecay !== 0 && w.rank >= 2;
        if (!gradient && !decays) continue;
        if (gradient) {
          const g = gradient.dataSync() as Float32Array;
          for (let i = 0; i < g.length; i++) {
            const gi = g[i];
            const mi = f32(f32(m[i] * beta1) + f32(gi * oneMinusBeta1));
            const vi = f32(f32(v[i] * beta2) + f32(f32(gi * gi) * oneMinusBeta2));
            m[i] = mi;
            v[i] = vi;
            const corrected = f32(
              f32(mi / oneMinusAccBeta1) / f32(f32(Math.sqrt(f32(vi / oneMinusAccBeta2))) + epsilon),
            );
            value[i] = f32(f32(corrected * step) + value[i]);
          }
        }
        if (decays) for (let i = 0; i < value.length; i++) value[i] = f32(value[i] * shrink);
        w.assign(tf.tensor(value, w.shape, "float32"));
      }
    });
    this.accBeta1 = f32(this.accBeta1 * beta1);
    this.accBeta2 = f32(this.accBeta2 * beta2);
  }
}
