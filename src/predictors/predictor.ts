/** What every accuracy predictor offers: the assessor, its ablations and the baselines. */
import { shownValue, UserError } from "../errors.js";
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
  /**
   * Frees the fitted model's tensors: tfjs never garbage-collects them, and a loop that makes a
   * predictor per round (ask, simulate, active search) would otherwise hold every round's weights
   * (about 1 MB a round for an ensemble). Predicting afterwards throws; fitting again works.
   */
  dispose(): void;
}

/**
 * Runs `use` on `predictor`, then disposes it, also when `use` throws: the fitted weights of a
 * predictor that failed half-way (a bad label, an interrupted predict) would otherwise stay for the
 * life of the process. Returns what `use` returns; rethrows what it throws.
 */
export async function usePredictor<P extends Predictor, T>(
  predictor: P,
  use: (predictor: P) => Promise<T>,
): Promise<T> {
  try {
    return await use(predictor);
  } finally {
    predictor.dispose();
  }
}

/** The labeled ids and labels of a fit, checked: same length, at least `minimum`, ids in the space, finite labels. */
export function checkedLabels(
  input: FitInput,
  space: SearchSpace<unknown>,
  minimum: number,
): { labeled: Int32Array; labels: Float64Array } {
  if (input === null || typeof input !== "object")
    throw new UserError(
      `fit needs { space, labeled, labels, seed }, got ${JSON.stringify(input) ?? String(input)}`,
    );
  for (const name of ["labeled", "labels"] as const)
    if (!isArrayLike(input[name]))
      throw new UserError(`fit's ${name} must be an array (or typed array), got ${shownValue(input[name])}`);
  if (!Number.isInteger(input.seed))
    throw new UserError(`fit's seed must be an integer, got ${shownValue(input.seed)}`);
  if (input.space !== undefined && input.space !== space && input.space?.name !== space.name)
    throw new UserError(
      `fit's space is ${input.space?.name ?? String(input.space)}, but this predictor was made for ${space.name}`,
    );
  const n = input.labeled.length;
  if (n < minimum) throw new UserError(`at least ${minimum} labeled cells are needed, got ${n}`);
  if (input.labels.length !== n) throw new UserError(`${n} labeled cells but ${input.labels.length} labels`);
  const labels = Float64Array.from(input.labels);
  const bad = labels.findIndex((y) => !Number.isFinite(y));
  if (bad >= 0)
    throw new UserError(`label ${bad} (cell ${input.labeled[bad]}) is ${labels[bad]}; expected a number`);
  const labeled = Int32Array.from(input.labeled);
  for (let k = 0; k < n; k++) {
    const id = input.labeled[k];
    if (!Number.isInteger(id) || id < 0 || id >= space.size)
      throw new UserError(`labeled cell id ${id} is not in ${space.name}`);
  }
  return { labeled, labels };
}

/** Checks ids asked of a predictor: an array (or typed array) of integer cell ids of the space. */
export function checkIds(ids: ArrayLike<number>, space: SearchSpace<unknown>): void {
  if (!isArrayLike(ids))
    throw new UserError(`predict needs an array of cell ids of ${space.name}, got ${shownValue(ids)}`);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (typeof id !== "number")
      throw new UserError(
        `cell id ${shownValue(id)} is a ${typeof id}; expected an integer id of ${space.name}`,
      );
    if (!Number.isInteger(id) || id < 0 || id >= space.size)
      throw new UserError(`cell id ${id} is not in ${space.name}`);
  }
}

/** An array or typed array (what `length` and indexing read), not a string or a number. */
function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}
