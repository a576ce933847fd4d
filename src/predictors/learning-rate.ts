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

/**
 * Adam whose learning rate can change between steps (tfjs' AdamOptimizer reads its rate at every
 * step but offers no setter), with decoupled weight decay: after each Adam step every matrix weight
 * (rank ≥ 2; biases and vectors are not decayed, as in AdamW practice) is multiplied by
 * 1 − rate · `weightDecay`.
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(
    rate: number,
    private readonly weightDecay = 0,
  ) {
    super(rate, 0.9, 0.999);
  }

  /** Sets the rate the next steps use. */
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }

  /** Shrinks the matrices by the current rate × weight decay (call after each step; no-op at 0). */
  decay(weights: readonly tf.Variable[]): void {
    if (this.weightDecay === 0) return;
    const factor = 1 - this.learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const w of weights) if (w.rank >= 2) w.assign(tf.mul(w, factor));
    });
  }
}
