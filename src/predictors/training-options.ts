/**
 * The options of a supervised predictor's training, apart from the training code (supervised.ts):
 * this file imports no tfjs, so that the library's declaration files (index.d.ts) do not import it
 * either — a consumer compiling with `strict` and no skipLibCheck got 15 errors in tfjs' own
 * declarations.
 */

/** How the learning rate moves over a fit's steps (learning-rate.ts). */
export type LearningRateSchedule = "constant" | "cosine";

/**
 * How a supervised predictor (mlp, gin, peephole, transformer) trains: createPredictor's
 * `extras.training` replaces any of these for one predictor. Weights and rates are plain numbers
 * (no unit); steps and epochs are counts.
 */
export interface TrainingOptions {
  /** Adam's learning rate (> 0), the first step's under a cosine schedule. */
  learningRate: number;
  /** Labeled cells per step (at most). */
  batchSize: number;
  /** Passes over the labeled cells, kept within [minSteps, maxSteps] steps. */
  epochs: number;
  /**
   * Epochs by label count, replacing `epochs`: the first [most labels, epochs] pair whose count is at
   * least the fit's labeled cells applies; beyond the last, `epochs`. Absent: `epochs` at every count.
   */
  epochsByLabels?: [number, number][];
  minSteps: number;
  maxSteps: number;
  /** Weight of the mean squared error on the (quantile-scaled) labels. */
  mseWeight: number;
  /** Weight of the pairwise logistic (BCE) ranking loss (ranking-loss.ts). */
  rankWeight: number;
  /** Weight of the pairwise hinge ranking loss (pairwise-hinge.ts), and its margin. */
  hingeWeight: number;
  hingeMargin: number;
  /** Pairs whose (quantile-scaled) labels differ by this or less are left out of the hinge loss; absent = 0. */
  hingeMinGap?: number;
  /** Weight of the listwise ListMLE loss (listmle.ts); absent = 0. */
  listWeight?: number;
  /** How the learning rate moves over the fit (learning-rate.ts); absent = constant. */
  schedule?: LearningRateSchedule;
  /** Decoupled weight decay per unit of learning rate (AdamW, learning-rate.ts), ≥ 0; absent = 0. */
  weightDecay?: number;
  /**
   * Stochastic weight averaging (Izmailov et al. 2018): the fit keeps the equal-weight mean of the
   * weights after every step from this fraction of its steps on, and predicts with that mean; a
   * fraction in [0, 1], 1 (or absent) = the last step's weights, no averaging.
   */
  averageFrom?: number;
  /**
   * `averageFrom` by label count, as `epochsByLabels` does for epochs: the first [most labels,
   * fraction] pair whose count is at least the fit's labeled cells applies; beyond the last, `averageFrom`.
   */
  averageFromByLabels?: [number, number][];
  /**
   * Show each training cell in a random topological vertex order each time it enters a batch (another
   * matrix of the same cell; see spaces/vertex-order.ts), so that the network learns the orders are one cell.
   */
  reorder: boolean;
  /**
   * Vertex orders averaged per prediction: the stored one, then fixed random ones (1 = stored only);
   * 1 to MAX_PREDICT_ORDERS.
   */
  predictOrders: number;
}
