/**
 * Choosing the cells to train among those predicted best, by the predictions around them. Of hundreds
 * of thousands of cells, those predicted best are partly those whose errors happen to be largest; a
 * cell whose mutations are predicted well too is more often truly good. Each candidate is scored by
 * its own prediction plus `weight` × the mean prediction of the distinct cells among `draws` of the
 * space's mutations of it, and the best by that score are kept.
 */
import { hasMembers, refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";

export interface NeighbourhoodOptions {
  /** Weight of the mutations' mean prediction; 0 keeps the top by own prediction (the paper's protocol). */
  weight: number;
  /** Mutations drawn per candidate; their distinct cells are averaged. */
  draws: number;
  /** Cells predicted best that are rescored (the rest cannot be chosen); at least as many as are chosen. */
  candidates: number;
}

/**
 * NAS-Bench-101, 1k labels, mlp-ensemble, the 10 best of the whole space by prediction, seeds 0–59:
 * weight 0 / 0.5 / 1 / 2 gave a best true accuracy of 94.220 / 94.237 / 94.241 / 94.231 % and
 * 24 / 30 / 32 / 32 seeds in the top 0.01 % (the Table 2 search with weight 1,
 * seeds 0–79: 94.25 % against 94.19 %, rank 36 against 71).
 * With weight 1 the 10 chosen of 2,000 candidates were within the first 152 (median seed; 622 at most);
 * 500 candidates gave the same best cell on every seed.
 */
export const DEFAULT_NEIGHBOURHOOD: NeighbourhoodOptions = { weight: 1, draws: 150, candidates: 500 };

/** Checks options given by a user, filling the rest from the defaults. */
export function neighbourhoodOptions(given: Partial<NeighbourhoodOptions> = {}): NeighbourhoodOptions {
  // from JavaScript, a misspelt option (`wieght`) was dropped and the default ran
  refuseUnknownKeys(given, Object.keys(DEFAULT_NEIGHBOURHOOD), "neighbourhood options");
  const o = { ...DEFAULT_NEIGHBOURHOOD, ...given };
  if (!(Number.isFinite(o.weight) && o.weight >= 0))
    throw new RangeError(`the neighbourhood weight must be a number ≥ 0, got ${shownValue(o.weight)}`);
  for (const name of ["draws", "candidates"] as const)
    if (!Number.isInteger(o[name]) || o[name] < 1)
      throw new RangeError(`neighbourhood ${name} must be a positive integer, got ${shownValue(o[name])}`);
  return o;
}

/**
 * How many of the `scored` cells predicted best are rescored: `candidates`, or `top` where that is more
 * (the top by own prediction only, with weight 0), and never more than were scored — `search --help`
 * said "among the 500 predicted best" where 300 evaluations gave 300.
 */
export function candidateCount(o: NeighbourhoodOptions, top: number, scored: number): number {
  return Math.min(o.weight === 0 ? top : Math.max(o.candidates, top), scored);
}

/** The chosen cells, best first, and how many cells other than the candidates were predicted for it. */
export interface Rescored {
  top: Int32Array;
  neighbourEvaluations: number;
}

/**
 * From JavaScript: chooseByNeighbourhood(null, …) read `.mutate` of null, a `top` of -1 chose all but
 * the last candidate and an undefined one none; each is a UserError naming the argument.
 */
function checkArguments(
  space: unknown,
  ranked: unknown,
  predict: unknown,
  seed: unknown,
  top: unknown,
): void {
  const refuse = (what: string, value: unknown) => {
    throw new UserError(`chooseByNeighbourhood needs ${what}, got ${shownValue(value, 60)}`);
  };
  if (!hasMembers(space, { mutate: "function" })) refuse("a search space of cell ids (space.mutate)", space);
  if (typeof (ranked as { length?: unknown } | null)?.length !== "number" || typeof ranked === "string")
    refuse("the cell ids ranked best predicted first (a list)", ranked);
  if (typeof predict !== "function") refuse("predict, a function of cell ids to their predictions", predict);
  if (!Number.isSafeInteger(seed)) refuse("a seed (an integer)", seed);
  if (!Number.isSafeInteger(top) || (top as number) < 1)
    refuse("top, how many cells to choose (an integer ≥ 1)", top);
}

/**
 * The `top` cells to train among `ranked` (best predicted first; only the first `candidates` count).
 * A cell's mutations come from a generator keyed on (seed, cell), so a cell gets the same score in
 * every call of one seed. `predict` gives predictions in the order asked. `drawn` keeps each cell's
 * distinct mutations between calls of one seed, so that a cell in both is mutated once. Throws
 * UserError for an argument of the wrong kind (checkArguments) or a `predict` giving another count of
 * predictions than cells asked, RangeError for options out of range (neighbourhoodOptions).
 */
export async function chooseByNeighbourhood(
  space: SearchSpace<unknown>,
  ranked: ArrayLike<number>,
  predict: (ids: Int32Array) => Promise<ArrayLike<number>>,
  seed: number,
  top: number,
  given: Partial<NeighbourhoodOptions> = {},
  drawn: Map<number, Int32Array> = new Map(),
): Promise<Rescored> {
  checkArguments(space, ranked, predict, seed, top);
  const o = neighbourhoodOptions(given);
  const candidates = Int32Array.from({ length: candidateCount(o, top, ranked.length) }, (_, k) => ranked[k]);
  if (o.weight === 0) return { top: candidates, neighbourEvaluations: 0 };
  const neighbours = Array.from(candidates, (id) => {
    let cells = drawn.get(id);
    if (!cells) {
      const rng = Rng.keyed(seed, id);
      const set = new Set<number>();
      for (let k = 0; k < o.draws; k++) set.add(space.mutate(rng, id));
      cells = Int32Array.from(set);
      drawn.set(id, cells);
    }
    return cells;
  });
  // every cell predicted once: the candidates, then their mutations
  const index = new Map<number, number>();
  for (const id of candidates) if (!index.has(id)) index.set(id, index.size);
  for (const cells of neighbours) for (const id of cells) if (!index.has(id)) index.set(id, index.size);
  const predicted = await predict(Int32Array.from(index.keys()));
  // a shorter list scored the missing cells NaN, and the order came out arbitrary, unsaid
  if (
    typeof (predicted as { length?: unknown } | null)?.length !== "number" ||
    predicted.length !== index.size
  )
    throw new UserError(
      `chooseByNeighbourhood: predict must give one prediction per cell asked, in order: asked ${index.size}, got ${shownValue(predicted, 60)}`,
    );
  const value = (id: number) => predicted[index.get(id) as number];
  const score = Float64Array.from(candidates, (id, k) => {
    let sum = 0;
    for (const n of neighbours[k]) sum += value(n);
    return value(id) + (o.weight * sum) / neighbours[k].length;
  });
  const order = Array.from(candidates.keys()).sort((a, b) => score[b] - score[a] || a - b);
  return {
    top: Int32Array.from(order.slice(0, top), (k) => candidates[k]),
    neighbourEvaluations: index.size - new Set(candidates).size,
  };
}
