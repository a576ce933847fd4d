/**
 * Evolutionary search over a space's cells with any fitness (a predictor's output, or true labels):
 * regularized evolution (Real et al., 2019: tournament selection, mutation, the oldest member dies)
 * and its genetic variant with crossover (the paper's "population generation, cross-over and
 * mutation"). Children are made and evaluated in rounds of `batch` (a predictor scores many cells as
 * fast as one); `batch` = 1 is the classic one-at-a-time algorithm. A cell is evaluated once; the
 * budget counts distinct evaluated cells.
 */

import { drawLabeled } from "../benchmark.js";
import { hasMembers, shownValue, UserError } from "../errors.js";
import type { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";

/** Scores of cells (higher is better), in the order asked. */
export type Fitness = (ids: Int32Array) => Promise<ArrayLike<number>>;

export interface EvolutionOptions {
  /** Population size: below `evaluations`, as the first population is random cells evaluated before any child. */
  population: number;
  /** Members drawn for each tournament; the fittest is a parent. */
  tournament: number;
  /** Distinct cells to evaluate in all, the initial population included. */
  evaluations: number;
  /** Children made and evaluated together per round. */
  batch: number;
  /** Probability that a child is the crossover of two tournament winners (then mutated); 0 = mutation only. */
  crossover: number;
  /**
   * Mutate a child again (up to 100 times) while it is a cell already evaluated. Without it a small
   * population fills with copies of one cell whose every mutation is known, and the search stops short
   * of its budget (regularized evolution with true labels, population 20, stopped after 143–300 of 300).
   */
  freshChildren?: boolean;
}

export const DEFAULT_EVOLUTION: EvolutionOptions = {
  population: 100,
  tournament: 10,
  evaluations: 5000,
  batch: 50,
  crossover: 0,
};

/** Every cell evaluated, in order, with its fitness. */
export interface SearchTrace {
  ids: Int32Array;
  fitness: Float64Array;
}

/** Merges options over the defaults and checks them; throws UserError naming the option as its flag. */
export function evolutionOptions(given: Partial<EvolutionOptions> = {}): EvolutionOptions {
  const o = { ...DEFAULT_EVOLUTION, ...given };
  const positive = (name: "population" | "tournament" | "evaluations" | "batch") => {
    if (!Number.isInteger(o[name]) || o[name] < 1)
      throw new UserError(`--${name} must be a positive integer, got ${shownValue(o[name])}`);
  };
  for (const name of ["population", "tournament", "evaluations", "batch"] as const) positive(name);
  if (o.tournament > o.population)
    throw new UserError(`--tournament (${o.tournament}) must not exceed --population (${o.population})`);
  // the first population is drawn at random and evaluated before any child is bred: with as many
  // evaluations or fewer, a random sample ran and was reported as an evolutionary search (exit 0)
  if (o.population >= o.evaluations)
    throw new UserError(
      `--population (${o.population}) must be below --evaluations (${o.evaluations}): the first population is random cells evaluated before any child, so evolution would never start; expected --population at most ${o.evaluations - 1} or --evaluations at least ${o.population + 1}`,
    );
  if (!(o.crossover >= 0 && o.crossover <= 1))
    throw new UserError(`--crossover must be in [0, 1], got ${o.crossover}`);
  return o;
}

/**
 * Refuses (UserError) more evaluations than the space has cells: `evolve` would stop when the space is
 * exhausted, and the settings printed beside the results would claim a search that never ran.
 */
export function checkEvaluationsFit(evaluations: number, cells: number, space: string): void {
  if (evaluations > cells)
    throw new UserError(
      `--evaluations ${evaluations} exceeds the ${cells} cells of ${space}; expected at most ${cells}`,
    );
}

/**
 * Runs the evolution until `evaluations` distinct cells have been evaluated (or the space is exhausted).
 * With `labeled` (ascending ids of the cells that have a label: a partial import), only those cells are
 * evaluated: the first population is drawn among them, and a child without a label is mutated again
 * (up to 20 tries), then replaced by a random labeled cell. Without it, the draws are as they always were.
 */
export async function evolve(
  space: SearchSpace<unknown>,
  fitness: Fitness,
  rng: Rng,
  given: Partial<EvolutionOptions> = {},
  labeled?: Int32Array,
): Promise<SearchTrace> {
  if (!hasMembers(space, { mutate: "function" }))
    throw new UserError(
      `evolve needs a search space of cell ids (a benchmark's space), got ${shownValue(space)}`,
    );
  if (typeof fitness !== "function")
    throw new UserError(
      `evolve needs a fitness function (cell ids → their values, higher is better), got ${shownValue(fitness)}`,
    );
  if (!hasMembers(rng, { int: "function" }))
    throw new UserError(`evolve needs a random generator (new Rng(seed)), got ${shownValue(rng)}`);
  const o = evolutionOptions(given);
  const budget = Math.min(o.evaluations, labeled ? labeled.length : space.size);
  const has = labeled ? new Uint8Array(space.size) : undefined;
  if (labeled && has) for (const id of labeled) has[id] = 1;
  const mutate = (id: number) => {
    let child = space.mutate(rng, id);
    if (!labeled || !has) return child;
    for (let tries = 0; has[child] !== 1 && tries < 20; tries++) child = space.mutate(rng, id);
    return has[child] === 1 ? child : labeled[rng.int(labeled.length)];
  };
  const scores = new Map<number, number>();
  const order: number[] = [];
  const evaluate = async (ids: number[]) => {
    const fresh = [...new Set(ids.filter((id) => !scores.has(id)))].slice(0, budget - order.length);
    if (fresh.length > 0) {
      const values = checkedFitness(await fitness(Int32Array.from(fresh)), fresh.length);
      fresh.forEach((id, i) => {
        scores.set(id, values[i]);
        order.push(id);
      });
    }
  };
  // the population: a queue of ids, oldest first
  const population = Array.from(
    labeled
      ? drawLabeled(space, labeled, rng, Math.min(o.population, budget))
      : space.sample(rng, Math.min(o.population, budget)),
  );
  await evaluate(population);
  const winner = () => {
    let best = -1;
    for (let k = 0; k < o.tournament; k++) {
      const id = population[rng.int(population.length)];
      if (best < 0 || (scores.get(id) as number) > (scores.get(best) as number)) best = id;
    }
    return best;
  };
  let stalled = 0;
  while (order.length < budget && stalled < 100) {
    const children: number[] = [];
    for (let c = 0; c < o.batch; c++) {
      const parent = winner();
      let child = rng.float() < o.crossover ? mutate(space.crossover(rng, parent, winner())) : mutate(parent);
      for (
        let tries = 0;
        o.freshChildren && tries < 100 && (scores.has(child) || children.includes(child));
        tries++
      )
        child = mutate(child);
      children.push(child);
    }
    const before = order.length;
    await evaluate(children);
    stalled = order.length === before ? stalled + 1 : 0;
    for (const child of children) {
      population.push(child);
      population.shift();
    }
  }
  return { ids: Int32Array.from(order), fitness: Float64Array.from(order, (id) => scores.get(id) as number) };
}

/** The `k` ids of a trace with the highest fitness, best first. */
export function topK(trace: SearchTrace, k: number): Int32Array {
  if (trace === null || typeof trace !== "object" || !trace.ids || !trace.fitness)
    throw new UserError(`topK needs a search trace (what evolve returns), got ${shownValue(trace)}`);
  if (!Number.isInteger(k) || k < 1)
    throw new UserError(`topK needs k, a positive integer, got ${shownValue(k)}`);
  const index = Array.from(trace.ids.keys()).sort((a, b) => trace.fitness[b] - trace.fitness[a] || a - b);
  return Int32Array.from(index.slice(0, k), (i) => trace.ids[i]);
}

/**
 * The fitness function's values for `count` cells, checked: one finite number each (a short list left
 * NaN fitnesses and a list of strings fitness 0, and topK then picked arbitrary cells).
 */
function checkedFitness(values: unknown, count: number): ArrayLike<number> {
  const list = values as ArrayLike<unknown> | null | undefined;
  if (!hasMembers(list, { length: "number" }))
    throw new UserError(
      `evolve: the fitness function returned ${shownValue(values, 80)}; expected ${count} numbers`,
    );
  if (list.length !== count)
    throw new UserError(
      `evolve: the fitness function returned ${list.length} values for ${count} cells; expected one each`,
    );
  for (let i = 0; i < count; i++)
    if (typeof list[i] !== "number" || !Number.isFinite(list[i]))
      throw new UserError(
        `evolve: the fitness function's value ${i} is ${shownValue(list[i], 80)}; expected a finite number`,
      );
  return list as ArrayLike<number>;
}
