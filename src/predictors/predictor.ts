/** What every accuracy predictor offers: the assessor, its ablations and the baselines. */
import type { SearchSpace } from "../spaces/search-space.js";

export interface FitInput {
  space: SearchSpace<unknown>;
  /** Ids of the labeled cells. */
  labeled: ArrayLike<number>;
  /** Their labels (e.g. test accuracy 0..1), in the same order. */
  labels: ArrayLike<number>;
  /** Unlabeled cells the method may learn from (default: every other cell of the space). */
  pool?: ArrayLike<number>;
  /** Seed of every random choice of the fit. */
  seed: number;
  /** Called now and then with the share of the fit done (0..1). */
  onProgress?: (done: number) => void;
}

export interface Predictor {
  /** Short name of the method, e.g. "ssa". */
  readonly method: string;
  /** Trains on the labeled cells (and, for semi-supervised methods, the pool). */
  fit(input: FitInput): Promise<void>;
  /** Predicted label of each id, on the scale of the training labels. */
  predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array>;
  /** Writes the fitted model to a file (atomically). */
  save(path: string): void;
}
