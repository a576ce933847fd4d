/**
 * The learning rate over a fit: constant (what every predictor trained with first) or cosine-annealed
 * from `learningRate` down to 0 at the last step (Loshchilov & Hutter, "SGDR", ICLR 2017, without
 * restarts), and Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019: AdamW). Both aim at what training longer did to the transformer at a
 * constant rate: it over-fits (docs/transformer.md).
 */
import { tf } from "../tensor/backend.js";
import type { LearningRateSchedule } from "./training-options.js";

// declared in training-options.ts, which imports no tfjs (the public types reach it)
export type { LearningRateSchedule } from "./training-options.js";

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

/** tfjs' Adam defaults (`tf.train.adam`; ε is its float32 backends' epsilon). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

/**
 * Adam (Kingma & Ba, ICLR 2015; β1 0.9, β2 0.999, ε 1e-7: tfjs' `tf.train.adam` defaults on a float32
 * backend) whose learning rate can change between steps, with decoupled weight decay: after each Adam
 * step every matrix weight (rank ≥ 2; biases and vectors are not decayed, as in AdamW practice) is
 * multiplied by 1 − rate · `weightDecay`.
 *
 * The update is tfjs' AdamOptimizer's, kernel for kernel and scalar for scalar, applied once to all the
 * weights laid end to end in one flat tensor instead of once per weight: every kernel is elementwise,
 * so each value goes through the same float32 operations and the weights are those tfjs' Adam gives, to
 * the last bit (tested). Why: tfjs' update is 13 backend kernels per weight per step, and on the small
 * networks of `ask` the fixed cost of a kernel call, not arithmetic, is much of a fit; flat, a step is
 * about 16 kernels whatever the number of weights, a reshape per gradient and a write per weight.
 */
export class ScheduledAdam {
  private accBeta1 = Math.fround(BETA1);
  private accBeta2 = Math.fround(BETA2);
  /** The first and second moments and the values of all the weights, end to end (created at the first step). */
  private flat: { m: tf.Variable; v: tf.Variable; value: tf.Variable; sizes: number[] } | undefined;

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
    this.flat ??= tf.tidy(() => {
      const value = tf.concat(weights.map((w) => tf.reshape(w, [-1])));
      return {
        m: tf.variable(tf.zerosLike(value), false),
        v: tf.variable(tf.zerosLike(value), false),
        value: tf.variable(value, false),
        sizes: weights.map((w) => w.size),
      };
    });
    const flat = this.flat;
    const rate = this.learningRate;
    tf.tidy(() => {
      const g = tf.concat(weights.map((w, k) => tf.reshape(gradients[k] ?? tf.zerosLike(w), [-1])));
      // tfjs' AdamOptimizer.applyGradients, with its scalars
      const m = tf.add(tf.mul(flat.m, BETA1), tf.mul(g, 1 - BETA1));
      const v = tf.add(tf.mul(flat.v, BETA2), tf.mul(tf.square(g), 1 - BETA2));
      const correctedM = tf.div(m, tf.sub(1, this.accBeta1));
      const correctedV = tf.div(v, tf.sub(1, this.accBeta2));
      let value = tf.add(tf.mul(tf.div(correctedM, tf.add(tf.sqrt(correctedV), EPSILON)), -rate), flat.value);
      // a weight without a gradient is skipped by tfjs' Adam: its moments and value stay
      const skipped = gradients.some((gradient) => !gradient);
      const moved = skipped ? this.mask(weights, (k) => (gradients[k] ? 1 : 0)).cast("bool") : undefined;
      flat.m.assign(moved ? tf.where(moved, m, flat.m) : m);
      flat.v.assign(moved ? tf.where(moved, v, flat.v) : v);
      if (moved) value = tf.where(moved, value, flat.value);
      // decoupled decay: the matrices times 1 − rate · decay (as tf.mul(w, factor) did), the rest times 1
      if (this.weightDecay !== 0) {
        const factor = 1 - rate * this.weightDecay;
        value = tf.mul(
          value,
          this.mask(weights, (k) => (weights[k].rank >= 2 ? factor : 1)),
        );
      }
      flat.value.assign(value);
      // one read of the whole, then a write per weight: the wasm backend's split (slice) reads the whole
      // input once per part, which on a 650,000-weight MLP cost more than the rest of the fit
      const values = value.dataSync() as Float32Array;
      let offset = 0;
      for (const [k, w] of weights.entries()) {
        w.assign(tf.tensor(values.subarray(offset, offset + flat.sizes[k]), w.shape, "float32"));
        offset += flat.sizes[k];
      }
    });
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(BETA1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(BETA2));
  }

  /** A flat float32 tensor holding `of(k)` over weight k's stretch. */
  private mask(weights: readonly tf.Variable[], of: (k: number) => number): tf.Tensor1D {
    const out = new Float32Array(weights.reduce((sum, w) => sum + w.size, 0));
    let offset = 0;
    for (const [k, w] of weights.entries()) {
      out.fill(of(k), offset, offset + w.size);
      offset += w.size;
    }
    return tf.tensor1d(out);
  }

  /** Frees the moments and the flat copy of the weights. */
  dispose(): void {
    if (this.flat) tf.dispose([this.flat.m, this.flat.v, this.flat.value]);
    this.flat = undefined;
  }
}
