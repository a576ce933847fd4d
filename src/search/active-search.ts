/**
 * Active search (beyond the paper; its "future work"): what a person with a GPU budget does. Start
 * from a few trained (labeled) cells; repeatedly fit the predictor on every cell trained so far, and
 * train next the cells it predicts best, with some exploration; stop at a budget of trained cells.
 * Beside it, on the same seeds: random search and regularized evolution with true labels as fitness.
 * Each returns the best true label found after each trained cell. On a partial import (cells without a
 * label), every strategy trains labeled cells only, and ranks are among the labeled cells.
 */
import { type Benchmark, drawLabeled, labeledCells, loadBenchmark, targetValues } from "../benchmark.js";
import type { DataDir } from "../data/locations.js";
import { shownValue, UserError } from "../errors.js";
import { meanStd, type Summary } from "../eval/evaluate.js";
import { usePredictor } from "../predictors/predictor.js";
import { createPredictor, type Method } from "../predictors/registry.js";
import { Rng } from "../random.js";
import { checkSeedsAndJobs, forEachSeed } from "../seeds-in-parallel.js";
import type { SpaceName } from "../spaces/registry.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { evolve } from "./evolution.js";
import { truthRanks } from "./predictor-search.js";

const SEARCH_WORKER = new URL("./search-worker.js", import.meta.url);

export interface ActiveOptions {
  /** Cells trained at random before the first fit. */
  initial: number;
  /** Cells trained in all. */
  budget: number;
  /** Cells trained per round (one fit per round). */
  step: number;
  /** Share of each round's cells drawn at random from the candidates instead of the predicted best. */
  exploration: number;
  /** Cells the predictor scores per round: the space if it is at most this large, else this many at random plus mutations of the best trained cells. */
  candidates: number;
}

export const DEFAULT_ACTIVE: ActiveOptions = {
  initial: 10,
  budget: 150,
  step: 10,
  exploration: 0.2,
  candidates: 20000,
};

/**
 * Merges options over the defaults and checks them; `spaceSize`, when given, bounds the budget (a search
 * cannot train more cells than the space has). Throws UserError naming the option as its flag.
 */
export function activeOptions(given: Partial<ActiveOptions> = {}, spaceSize?: number): ActiveOptions {
  const o = { ...DEFAULT_ACTIVE, ...given };
  for (const name of ["initial", "budget", "step", "candidates"] as const)
    if (!Number.isInteger(o[name]) || o[name] < 1)
      throw new UserError(`--${name} must be a positive integer, got ${shownValue(o[name])}`);
  if (o.initial < 2)
    throw new UserError(`--initial must be at least 2 (a predictor needs two labels), got ${o.initial}`);
  if (o.initial > o.budget)
    throw new UserError(`--initial (${o.initial}) must not exceed --budget (${o.budget})`);
  if (spaceSize !== undefined && o.budget > spaceSize)
    throw new UserError(
      `--budget ${o.budget} is more cells than the space has; at most ${spaceSize.toLocaleString("en-US")}`,
    );
  if (!(o.exploration >= 0 && o.exploration <= 1))
    throw new UserError(`--exploration must be in [0, 1], got ${o.exploration}`);
  return o;
}

/** Best true label so far after each trained cell (index k: after k + 1 cells), and the cells in order. */
export interface Trajectory {
  trained: number[];
  bestSoFar: number[];
}

function trajectory(trained: number[], truth: Float64Array): Trajectory {
  let best = Number.NEGATIVE_INFINITY;
  return { trained, bestSoFar: trained.map((id) => (best = Math.max(best, truth[id]))) };
}

/**
 * Candidate cells for a round: every untrained cell of a small space, else random ones plus neighbours
 * of the best trained; only cells with a label (`truth` not NaN: a partial import leaves some without).
 */
function candidateCells(
  space: SearchSpace<unknown>,
  trained: Set<number>,
  best: number[],
  rng: Rng,
  count: number,
  truth: Float64Array,
  labeled: Int32Array | undefined,
): Int32Array {
  const pool = labeled?.length ?? space.size;
  if (pool - trained.size <= count) {
    const all: number[] = [];
    for (let id = 0; id < space.size; id++) if (!trained.has(id) && !Number.isNaN(truth[id])) all.push(id);
    return Int32Array.from(all);
  }
  const picked = new Set<number>();
  for (const id of best) for (let k = 0; k < 50; k++) picked.add(space.mutate(rng, id));
  if (labeled) for (const id of picked) if (Number.isNaN(truth[id])) picked.delete(id);
  for (const id of drawLabeled(space, labeled, rng, Math.min(pool, count))) {
    if (picked.size >= count) break;
    picked.add(id);
  }
  for (const id of trained) picked.delete(id);
  return Int32Array.from(picked);
}

/** Active search with a predictor; never trains more than `budget` cells, and only cells with a label. */
export async function activeSearch(
  benchmark: Benchmark,
  truth: Float64Array,
  method: Method,
  seed: number,
  given: Partial<ActiveOptions> = {},
  onProgress?: (done: number) => void,
): Promise<Trajectory> {
  const o = activeOptions(given);
  const { space } = benchmark;
  const rng = new Rng(seed);
  const labeled = labeledCells(truth); // undefined: every cell has a label
  const trained = Array.from(drawLabeled(space, labeled, rng, o.initial));
  const seen = new Set(trained);
  for (let round = 0; trained.length < o.budget; round++) {
    const best = trained
      .slice()
      .sort((a, b) => truth[b] - truth[a])
      .slice(0, 10);
    const candidates = candidateCells(space, seen, best, rng, o.candidates, truth, labeled);
    // a fresh predictor each round, freed after it: tfjs would keep every round's weights
    const predicted = await usePredictor(createPredictor(method, space), async (predictor) => {
      await predictor.fit({
        space,
        labeled: trained,
        labels: trained.map((id) => truth[id]),
        seed: seed * 1000 + round,
      });
      return predictor.predict(candidates);
    });
    const order = Array.from(candidates.keys()).sort((a, b) => predicted[b] - predicted[a] || a - b);
    const take = Math.min(o.step, o.budget - trained.length, candidates.length);
    const explore = Math.round(take * o.exploration);
    const chosen: number[] = [];
    for (const k of order) {
      if (chosen.length >= take - explore) break;
      chosen.push(candidates[k]);
    }
    const rest = order.slice(chosen.length);
    while (chosen.length < take && rest.length > 0) {
      const k = rest.splice(rng.int(rest.length), 1)[0];
      chosen.push(candidates[k]);
    }
    if (chosen.length === 0) break; // the space is exhausted
    for (const id of chosen) {
      trained.push(id);
      seen.add(id);
    }
    onProgress?.(trained.length / o.budget);
  }
  return trajectory(trained, truth);
}

/** Random search: `budget` distinct cells at random (among the cells with a label). */
export function randomSearch(
  space: SearchSpace<unknown>,
  truth: Float64Array,
  seed: number,
  budget: number,
): Trajectory {
  const labeled = labeledCells(truth);
  const n = Math.min(budget, labeled?.length ?? space.size);
  return trajectory(Array.from(drawLabeled(space, labeled, new Rng(seed), n)), truth);
}

/** Regularized evolution with true labels as fitness (one cell trained at a time; labeled cells only). */
export async function trueEvolution(
  space: SearchSpace<unknown>,
  truth: Float64Array,
  seed: number,
  budget: number,
): Promise<Trajectory> {
  // the evaluations there can be: a table of 15 cells with budget 100 gave a population of 20, cut to
  // the 15 by evolve, so that no child was ever bred and the "evolution" column was a random draw
  const labeledCount = labeledCells(truth)?.length ?? space.size;
  const evaluations = Math.min(budget, labeledCount);
  const population = Math.max(2, Math.min(20, Math.floor(evaluations / 3)));
  // a budget of 1 or 2 is the first population (random cells) alone, which evolve refuses as no
  // evolution: the same draw evolve made there, which is random search's on this seed
  if (population >= evaluations) return randomSearch(space, truth, seed, budget);
  const trace = await evolve(
    space,
    async (ids) => Float64Array.from(ids, (id) => truth[id]),
    new Rng(seed),
    {
      population,
      tournament: Math.max(1, Math.floor(population / 4)),
      evaluations: budget,
      batch: 1,
      crossover: 0,
      freshChildren: true,
    },
    labeledCells(truth),
  );
  return trajectory(Array.from(trace.ids), truth);
}

/** What search-worker.ts is given to run one seed of the active-search comparison. */
export interface ActiveSearchJob {
  kind: "active";
  spec: ActiveSearchSpec;
  seed: number;
}

export interface ActiveSearchSpec {
  method: Method;
  space: SpaceName;
  data: DataDir;
  target?: string;
  active?: Partial<ActiveOptions>;
}

export interface StrategyRuns {
  seed: number;
  active: Trajectory;
  random: Trajectory;
  evolution: Trajectory;
}

/** The three strategies on one seed. */
export async function compareStrategies(
  spec: ActiveSearchSpec,
  seed: number,
  onProgress?: (done: number) => void,
  loaded?: Benchmark,
): Promise<StrategyRuns> {
  const benchmark = loaded ?? (await loadBenchmark(spec.space, spec.data));
  const truth = targetValues(benchmark, spec.target);
  const o = activeOptions(spec.active, labeledCells(truth)?.length ?? benchmark.space.size);
  return {
    seed,
    active: await activeSearch(benchmark, truth, spec.method, seed, o, onProgress),
    random: randomSearch(benchmark.space, truth, seed, o.budget),
    evolution: await trueEvolution(benchmark.space, truth, seed, o.budget),
  };
}

export interface StrategySummary {
  /** Trained cells at which the curves are read. */
  at: number;
  /** Best true label found so far (mean ± std over seeds) and its rank in the space (% of cells, mean). */
  active: { truth: Summary; rankPercent: number };
  random: { truth: Summary; rankPercent: number };
  evolution: { truth: Summary; rankPercent: number };
}

export interface ActiveSearchResult {
  method: Method;
  space: SpaceName;
  target: string;
  /** Cells with a label (the space's size unless a partial import): every strategy trains these only. */
  labeledCells: number;
  spaceCells: number;
  options: ActiveOptions;
  seeds: number[];
  summary: StrategySummary[];
  /** Mean best-so-far after each trained cell, per strategy. */
  curves: { active: number[]; random: number[]; evolution: number[] };
  runs: StrategyRuns[];
}

/** The three strategies on every seed (up to `jobs` at once in worker threads), read at 50, 150, 300 cells and the budget. */
export async function compareStrategiesOverSeeds(
  spec: ActiveSearchSpec,
  seeds: number[],
  jobs = 1,
  onProgress?: (done: number) => void,
): Promise<ActiveSearchResult> {
  checkSeedsAndJobs(seeds, jobs, "compareStrategiesOverSeeds", onProgress);
  activeOptions(spec.active); // bad options stop before the benchmark loads
  const benchmark = await loadBenchmark(spec.space, spec.data);
  const target = spec.target ?? benchmark.defaultTarget;
  const truth = targetValues(benchmark, target);
  const available = labeledCells(truth)?.length ?? benchmark.space.size;
  const options = activeOptions(spec.active, available);
  const runs = await forEachSeed<StrategyRuns>(
    seeds,
    jobs,
    {
      here: (seed, report) => compareStrategies(spec, seed, report, benchmark),
      worker: { script: SEARCH_WORKER, data: (seed): ActiveSearchJob => ({ kind: "active", spec, seed }) },
    },
    onProgress,
  );
  const rank = truthRanks(truth);
  const checkpoints = [...new Set([50, 150, 300, options.budget].filter((n) => n <= options.budget))].sort(
    (a, b) => a - b,
  );
  const read = (strategy: "active" | "random" | "evolution", at: number) => {
    const values = runs.map((r) => r[strategy].bestSoFar[Math.min(at, r[strategy].bestSoFar.length) - 1]);
    const ranks = values.map((v) => (100 * rank(v)) / available);
    return { truth: meanStd(values), rankPercent: ranks.reduce((a, b) => a + b, 0) / ranks.length };
  };
  const curve = (strategy: "active" | "random" | "evolution") =>
    Array.from(
      { length: options.budget },
      (_, k) =>
        runs.reduce(
          (sum, r) => sum + r[strategy].bestSoFar[Math.min(k, r[strategy].bestSoFar.length - 1)],
          0,
        ) / runs.length,
    );
  return {
    method: spec.method,
    space: spec.space,
    target,
    labeledCells: available,
    spaceCells: benchmark.space.size,
    options,
    seeds,
    summary: checkpoints.map((at) => ({
      at,
      active: read("active", at),
      random: read("random", at),
      evolution: read("evolution", at),
    })),
    curves: { active: curve("active"), random: curve("random"), evolution: curve("evolution") },
    runs,
  };
}
