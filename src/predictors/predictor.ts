/** What every accuracy predictor offers: the assessor, its ablations and the baselines. */
import { kindOf, shownValue, UserError } from "../errors.js";
import { MAX_SEED } from "../random.js";
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
  /**
   * Writes the fitted model to a file (atomically). Throws UserError over a file that is not a nas-assay
   * model (a study, a CSV: it would be destroyed; an empty file or an older model may be replaced).
   */
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

/**
 * The error of predict or save on a predictor with no fitted model (never fitted, or disposed): a
 * UserError, since it is a misuse of the API that the caller fixes, not a fault of nas-assay.
 */
export function notFitted(method: string, action: "predict" | "save"): UserError {
  return new UserError(
    `${method}: ${action} needs a fitted model; call fit() (or loadPredictor) first — this predictor was never fitted, or was disposed`,
  );
}

/**
 * The labeled ids, labels and pool of a fit, checked: same length, at least `minimum`, ids integers in
 * the space and each labeled once, labels finite numbers (no null, boolean or numeric string: a
 * conversion would turn them into 0, 1 or a number silently), seed an integer in 0..MAX_SEED, pool
 * (when given) an array of ids in the space. Throws UserError naming the first fault.
 */
export function checkedLabels(
  input: FitInput,
  space: SearchSpace<unknown>,
  minimum: number,
): { labeled: Int32Array; labels: Float64Array; pool: Int32Array | undefined } {
  if (input === null || typeof input !== "object")
    throw new UserError(
      `fit needs { space, labeled, labels, seed }, got ${JSON.stringify(input) ?? String(input)}`,
    );
  for (const name of ["labeled", "labels"] as const)
    if (!isArrayLike(input[name]))
      throw new UserError(`fit's ${name} must be an array (or typed array), got ${shownValue(input[name])}`);
  if (!Number.isInteger(input.seed) || input.seed < 0 || input.seed > MAX_SEED)
    throw new UserError(
      `fit's seed must be an integer in 0..${MAX_SEED} (2^31 - 1), got ${shownValue(input.seed)}`,
    );
  if (input.space !== undefined && input.space !== space && input.space?.name !== space.name)
    throw new UserError(
      `fit's space is ${input.space?.name ?? String(input.space)}, but this predictor was made for ${space.name}`,
    );
  const n = input.labeled.length;
  if (n < minimum) throw new UserError(`at least ${minimum} labeled cells are needed, got ${n}`);
  if (input.labels.length !== n) throw new UserError(`${n} labeled cells but ${input.labels.length} labels`);
  for (let k = 0; k < n; k++) {
    const y = input.labels[k];
    if (typeof y !== "number" || !Number.isFinite(y))
      throw new UserError(
        `label ${k} (cell ${shownValue(input.labeled[k])}) is ${shownValue(y)}; expected a finite number`,
      );
  }
  const labels = Float64Array.from(input.labels);
  checkIdList(input.labeled, space, "labeled cell");
  const labeled = Int32Array.from(input.labeled);
  const first = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const earlier = first.get(labeled[k]);
    if (earlier !== undefined)
      throw new UserError(
        `cell ${labeled[k]} is labeled twice (labels ${earlier} and ${k}: ${labels[earlier]} and ${labels[k]}); give each cell once, averaging repeated runs first`,
      );
    first.set(labeled[k], k);
  }
  let pool: Int32Array | undefined;
  if (input.pool !== undefined) {
    if (!isArrayLike(input.pool))
      throw new UserError(
        `fit's pool must be an array (or typed array) of cell ids, got ${shownValue(input.pool)}`,
      );
    checkIdList(input.pool, space, "pool cell");
    pool = Int32Array.from(input.pool);
  }
  return { labeled, labels, pool };
}

/** Each entry of `ids` an integer id of the space; UserError naming the first that is not (`what` names the list). */
function checkIdList(ids: ArrayLike<unknown>, space: SearchSpace<unknown>, what: string): void {
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (typeof id !== "number")
      throw new UserError(
        `${what} id ${shownValue(id)} is ${kindOf(id)}; expected an integer id of ${space.name}`,
      );
    if (!Number.isInteger(id) || id < 0 || id >= space.size)
      throw new UserError(`${what} id ${id} is not in ${space.name} (ids 0..${space.size - 1})`);
  }
}

/** Checks ids asked of a predictor: an array (or typed array) of integer cell ids of the space. */
export function checkIds(ids: ArrayLike<number>, space: SearchSpace<unknown>): void {
  if (!isArrayLike(ids))
    throw new UserError(`predict needs an array of cell ids of ${space.name}, got ${shownValue(ids)}`);
  checkIdList(ids, space, "cell");
}

/** An array or typed array (what `length` and indexing read), not a string or a number. */
function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}
