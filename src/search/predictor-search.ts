/**
 * The paper's search protocol (section 4.2, Table 2): per seed, N_l random cells are labeled, a
 * predictor is fitted on them, an evolutionary search uses its predictions as fitness (no true label
 * is used during the search), and the top-10 cells by predicted accuracy are "trained": the result is
 * the best true accuracy among them and its rank in the whole space. Also the same choice made among
 * every cell of the space by prediction, with no search (`exhaustive`). Beyond the paper, the top-10 are chosen among the
 * cells predicted best by the predictions around them too (neighbourhood.ts; weight 0 = the paper's).
 */
import { type Benchmark, drawLabeled, labeledCells, loadBenchmark, targetValues } from "../benchmark.js";
import type { DataDir } from "../data/locations.js";
import { refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { meanStd, type Summary } from "../eval/evaluate.js";
import { PAPER_TABLE2, PAPER_TABLE3 } from "../experiments/paper.js";
import type { AssessorOptions } from "../predictors/assessor/options.js";
import type { Predictor } from "../predictors/predictor.js";
import { usePredictor } from "../predictors/predictor.js";
import { createPredictor, type Method } from "../predictors/registry.js";
import { Rng } from "../random.js";
import { checkSeedsAndJobs, forEachSeed } from "../seeds-in-parallel.js";
import type { SpaceName } from "../spaces/registry.js";
import type { SearchSpace } from "../spaces/search-space.js";
import {
  checkEvaluationsFit,
  DEFAULT_EVOLUTION,
  type EvolutionOptions,
  evolutionOptions,
  evolve,
  type SearchTrace,
  topK,
} from "./evolution.js";
import { chooseByNeighbourhood, type NeighbourhoodOptions, neighbourhoodOptions } from "./neighbourhood.js";

const SEARCH_WORKER = new URL("./search-worker.js", import.meta.url);

/**
 * How text and reports name `exhaustive`: the same choice of cells to train, made among every cell of the
 * space instead of among those the search scored. Not a bound, as it was called: of every cell, those
 * predicted best are partly those whose errors happen to be largest, so the search's choice can be truly
 * better (90.60 % found against 90.40 % on NAS-Bench-201, mlp, 50 labels, seed 0).
 */
export const NO_SEARCH_CHOICE = "the same choice among every cell of the space (no search)";
/** NO_SEARCH_CHOICE in a table's first column. */
export const NO_SEARCH_CHOICE_SHORT = "same choice among every cell (no search)";

/** What search-worker.ts is given to run one seed of the predictor-guided search. */
export interface PredictorSearchJob {
  kind: "evolution";
  spec: PredictorSearchSpec;
  seed: number;
}

export interface PredictorSearchSpec {
  method: Method;
  space: SpaceName;
  data: DataDir;
  target?: string;
  labels: number;
  /** Assessor options (ssa and ssa-noae only). */
  options?: Partial<AssessorOptions>;
  evolution?: Partial<EvolutionOptions>;
  /** Cells "trained" at the end (the top by predicted accuracy). */
  top?: number;
  /** How the top cells are chosen among those predicted best (weight 0: by own prediction only). */
  neighbourhood?: Partial<NeighbourhoodOptions>;
}

/**
 * A found cell: its id, true label and rank among the labeled cells of the space (1 = best; percent =
 * rank / labeled cells, which is the whole space unless a partial import left cells without a label).
 */
export interface FoundCell {
  id: number;
  truth: number;
  rank: number;
  rankPercent: number;
}

export interface PredictorSearchRun extends SearchOutcome {
  seed: number;
  /**
   * The best of every cell trained in the protocol: the N_l labeled cells and the top found. Not the
   * paper's number (that is `best`), but what a user keeps: the labeled best is often the better one.
   */
  bestTrained: FoundCell;
  /** Distinct cells the predictor scored during the search. */
  evaluations: number;
  /** Further cells it scored to choose the top found (mutations of the candidates). */
  neighbourEvaluations: number;
  fitSeconds: number;
  searchSeconds: number;
}

export interface PredictorSearchResult {
  method: Method;
  space: SpaceName;
  target: string;
  labels: number;
  /** Cells with a label (the space's size unless a partial import): labels, trained cells and ranks are among these. */
  labeledCells: number;
  spaceCells: number;
  evolution: EvolutionOptions;
  neighbourhood: NeighbourhoodOptions;
  seeds: number[];
  bestTruth: Summary;
  /** Mean over seeds of each seed's rank percentile. */
  bestRankPercent: Summary;
  /**
   * Where the mean best true accuracy (`bestTruth.mean`) would rank in the space: how the paper's
   * Table 2 states its "rank in the space" (one number beside the mean accuracy, no ±).
   */
  rankOfMeanBest: { rank: number; rankPercent: number };
  exhaustiveTruth: Summary;
  exhaustiveRankPercent: Summary;
  bestTrainedTruth: Summary;
  bestTrainedRankPercent: Summary;
  /** Which of the paper's tables this run stands beside, and how far it is comparable. */
  comparison: string;
  runs: PredictorSearchRun[];
}

/**
 * What a search result compares with in the paper: Table 2 (NAS-Bench-101, its CIFAR-10 test labels)
 * or, on NAS-Bench-201, a stand-in for Table 3, whose CIFAR-100 labels were never published.
 */
export function paperComparison(
  method: Method,
  space: SpaceName,
  target: string,
  defaultTarget: string,
): string {
  const pct = (x: Summary) => `${x.mean.toFixed(2)} ± ${x.std.toFixed(2)} %`;
  if (space === "nb101") {
    if (target !== defaultTarget)
      return `no paper table for ${target} (its Table 2 is on CIFAR-10 test accuracy)`;
    const theirs = PAPER_TABLE2[method];
    return theirs
      ? `the paper's Table 2 protocol; paper: ${pct(theirs.accuracy)}, rank ${theirs.rankPercent} % (its labels differ from repeat 0: compare the rank)`
      : `the paper's Table 2 protocol (the paper has no row for ${method})`;
  }
  const theirs = PAPER_TABLE3[method];
  return (
    "stands in for the paper's Table 3, whose labels (1k NAS-Bench-101 cells the authors trained on CIFAR-100) " +
    `are not public: the same protocol on NAS-Bench-201 with ${target} labels` +
    (theirs ? `; the paper's ${pct(theirs)} is on another space and not comparable` : "")
  );
}

/** Rank of a true label among the labeled cells (`labeled`: how many cells have a label, NaN ones left out). */
export type RankOf = ((value: number) => number) & { labeled?: number };

/**
 * Ranks of true labels: rank(v) = 1 + number of cells with a higher label; cells without a label (NaN,
 * a partial import) are left out, and `labeled` says how many cells have one.
 */
export function truthRanks(truth: ArrayLike<number>): RankOf & { labeled: number } {
  const sorted = Float64Array.from(truth).sort(); // NaN last
  const finite = sorted.findIndex((v) => Number.isNaN(v));
  const n = finite < 0 ? sorted.length : finite;
  const rank = (value: number) => {
    // first index with sorted[i] > value
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > value) hi = mid;
      else lo = mid + 1;
    }
    return n - lo + 1;
  };
  return Object.assign(rank, { labeled: n });
}

/** A cell with its true label and its rank among the labeled cells by that label (`rank` from `truthRanks`). */
export function foundCell(id: number, truth: ArrayLike<number>, rank: RankOf): FoundCell {
  const r = rank(truth[id]);
  return { id, truth: truth[id], rank: r, rankPercent: (100 * r) / (rank.labeled ?? truth.length) };
}

function bestByTruth(ids: ArrayLike<number>, truth: ArrayLike<number>): number {
  let best = ids[0];
  for (let i = 1; i < ids.length; i++) if (truth[ids[i]] > truth[best]) best = ids[i];
  return best;
}

/**
 * The search of the protocol with a fitted predictor: evolution with its predictions as fitness (no
 * true label is used), seeded from `seed`; `onProgress` gets the share of the budget scored.
 */
export function searchWithPredictor(
  space: SearchSpace<unknown>,
  predictor: Predictor,
  seed: number,
  evolution: EvolutionOptions,
  onProgress?: (done: number) => void,
): Promise<SearchTrace> {
  let scored = 0;
  return evolve(
    space,
    async (ids) => {
      const values = await predictor.predict(ids);
      scored += ids.length;
      onProgress?.(scored / evolution.evaluations);
      return values;
    },
    new Rng(seed + 104_729),
    evolution,
  );
}

/** What the protocol reports from a search trace and the predictions of every cell of the space. */
export interface SearchOutcome {
  /** The best (by true label) of the top cells by prediction found by the search. */
  best: FoundCell;
  /** The top cells by prediction found by the search, best predicted first. */
  top: number[];
  /** The same from the prediction of every cell of the space. */
  exhaustive: FoundCell;
}

/**
 * The `k` cells of the whole space predicted best, best first (`all`: the prediction of every id);
 * only among `labeled` (ascending ids) when given.
 */
function exhaustiveTopK(all: ArrayLike<number>, k: number, labeled?: Int32Array): Int32Array {
  if (labeled) return topK({ ids: labeled, fitness: Float64Array.from(labeled, (id) => all[id]) }, k);
  return topK(
    { ids: Int32Array.from({ length: all.length }, (_, id) => id), fitness: Float64Array.from(all) },
    k,
  );
}

/** The cells of `trace` that are among `labeled` (all of it when undefined: every cell has a label). */
export function labeledPart(trace: SearchTrace, labeled: Int32Array | undefined, size: number): SearchTrace {
  if (!labeled) return trace;
  const has = new Uint8Array(size);
  for (const id of labeled) has[id] = 1;
  const keep = Array.from(trace.ids.keys()).filter((k) => has[trace.ids[k]] === 1);
  return {
    ids: Int32Array.from(keep, (k) => trace.ids[k]),
    fitness: Float64Array.from(keep, (k) => trace.fitness[k]),
  };
}

/** The chosen cells of the search and of the whole space, each "trained" (true label). */
export function outcomeOf(
  topIds: Int32Array,
  exhaustiveTop: Int32Array,
  truth: ArrayLike<number>,
  rank: RankOf,
): SearchOutcome {
  return {
    best: foundCell(bestByTruth(topIds, truth), truth, rank),
    top: Array.from(topIds),
    exhaustive: foundCell(bestByTruth(exhaustiveTop, truth), truth, rank),
  };
}

/** The top `top` cells by prediction of the trace and of the whole space, each "trained" (true label). */
export function searchOutcome(
  trace: SearchTrace,
  all: ArrayLike<number>,
  truth: ArrayLike<number>,
  top: number,
  rank: RankOf = truthRanks(truth),
): SearchOutcome {
  return outcomeOf(topK(trace, top), exhaustiveTopK(all, top), truth, rank);
}

/** The cells chosen to train, from a search and from the whole space (`chooseTrained`). */
export interface TrainedChoice {
  /** Chosen among the cells the search scored, best first. */
  found: Int32Array;
  /** The same choice among every cell of the space (no search), best first. */
  exhaustive: Int32Array;
  /** Cells beyond the search's that the predictor scored for the search's choice (mutations). */
  neighbourEvaluations: number;
  /** Seconds the search's choice took (the exhaustive one is not part of the protocol's cost). */
  seconds: number;
}

/**
 * The `top` cells to train after a search: among the cells of `trace` predicted best, and among every
 * cell of the space (`all`: the prediction of every id), by own prediction and, with a neighbourhood
 * weight above 0, the predictions of their mutations (`predict` asks the predictor; the exhaustive
 * choice reads `all`). A cell's mutations are drawn once for both choices. With `labeled` (ascending
 * ids of the cells that have a label: a partial import), both choices are made among those cells only
 * (the predictor still scores any cell).
 */
export async function chooseTrained(
  space: SearchSpace<unknown>,
  trace: SearchTrace,
  all: ArrayLike<number>,
  predict: (ids: Int32Array) => Promise<ArrayLike<number>>,
  seed: number,
  top: number,
  given?: Partial<NeighbourhoodOptions>,
  labeled?: Int32Array,
): Promise<TrainedChoice> {
  const neighbourhood = neighbourhoodOptions(given);
  const candidates = Math.max(neighbourhood.candidates, top);
  const started = performance.now();
  const drawn = new Map<number, Int32Array>(); // mutations of a cell, drawn once for both choices
  const found = await chooseByNeighbourhood(
    space,
    topK(labeledPart(trace, labeled, space.size), candidates),
    predict,
    seed,
    top,
    neighbourhood,
    drawn,
  );
  const seconds = (performance.now() - started) / 1000;
  const exhaustive = await chooseByNeighbourhood(
    space,
    exhaustiveTopK(all, candidates, labeled),
    async (ids) => Float64Array.from(ids, (id) => all[id]),
    seed,
    top,
    neighbourhood,
    drawn,
  );
  return {
    found: found.top,
    exhaustive: exhaustive.top,
    neighbourEvaluations: found.neighbourEvaluations,
    seconds,
  };
}

/** One seed of the protocol on this thread. */
export async function predictorSearchSeed(
  spec: PredictorSearchSpec,
  seed: number,
  onProgress?: (done: number) => void,
  loaded?: Benchmark,
): Promise<PredictorSearchRun> {
  const benchmark = loaded ?? (await loadBenchmark(spec.space, spec.data));
  const truth = targetValues(benchmark, spec.target);
  const { space } = benchmark;
  const pool = labeledCells(truth); // undefined: every cell has a label
  const labeled = drawLabeled(space, pool, new Rng(seed), spec.labels);
  // freed after this seed: seeds may run one after another in this process
  const predictor = createPredictor(spec.method, space, spec.options);
  const { fitSeconds, searchTime, trace, chosen } = await usePredictor(predictor, async () => {
    let started = performance.now();
    await predictor.fit({
      space,
      labeled,
      labels: Array.from(labeled, (id) => truth[id]),
      seed,
      onProgress: (d) => onProgress?.(d * 0.6),
    });
    const fitSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const options = evolutionOptions(spec.evolution);
    const trace = await searchWithPredictor(space, predictor, seed, options, (d) =>
      onProgress?.(0.6 + 0.2 * d),
    );
    const searchTime = (performance.now() - started) / 1000;
    const all = await predictor.predict(
      Int32Array.from({ length: space.size }, (_, id) => id),
      (d) => onProgress?.(0.8 + d * 0.2),
    );
    const chosen = await chooseTrained(
      space,
      trace,
      all,
      (ids) => predictor.predict(ids),
      seed,
      spec.top ?? 10,
      spec.neighbourhood,
      pool,
    );
    return { fitSeconds, searchTime, trace, chosen };
  });
  const searchSeconds = searchTime + chosen.seconds;
  const rank = truthRanks(truth); // sorts every label: once per seed
  const outcome = outcomeOf(chosen.found, chosen.exhaustive, truth, rank);
  const bestLabeled = bestByTruth(labeled, truth);
  return {
    seed,
    ...outcome,
    bestTrained: truth[bestLabeled] > outcome.best.truth ? foundCell(bestLabeled, truth, rank) : outcome.best,
    evaluations: trace.ids.length,
    neighbourEvaluations: chosen.neighbourEvaluations,
    fitSeconds,
    searchSeconds,
  };
}

/** Every seed (up to `jobs` at once in worker threads), summarised. */
export async function predictorSearch(
  spec: PredictorSearchSpec,
  seeds: number[],
  jobs = 1,
  onProgress?: (done: number) => void,
): Promise<PredictorSearchResult> {
  // from JavaScript, a misspelt key was dropped and the run took another setting
  refuseUnknownKeys(
    spec,
    ["method", "space", "data", "target", "labels", "options", "evolution", "top", "neighbourhood"],
    "predictorSearch",
  );
  checkSeedsAndJobs(seeds, jobs, "predictorSearch", onProgress);
  // top 0 trained nothing and reported the best cell of the space as found (rank 1)
  if (spec.top !== undefined && !(Number.isInteger(spec.top) && spec.top >= 1))
    throw new UserError(
      `predictorSearch: top must be a positive integer (cells trained), got ${shownValue(spec.top)}`,
    );
  // a misspelt evolution option (`populaton`) was dropped and the default ran
  refuseUnknownKeys(spec.evolution ?? {}, Object.keys(DEFAULT_EVOLUTION), "evolution options");
  const evolution = evolutionOptions(spec.evolution); // bad options stop before the benchmark loads
  const neighbourhood = neighbourhoodOptions(spec.neighbourhood);
  const benchmark = await loadBenchmark(spec.space, spec.data);
  const target = spec.target ?? benchmark.defaultTarget;
  const truth = targetValues(benchmark, target);
  const available = labeledCells(truth)?.length ?? benchmark.space.size;
  if (!Number.isInteger(spec.labels) || spec.labels < 2 || spec.labels >= available)
    throw new UserError(
      `--labels must be an integer in 2..${available - 1} (the ${available.toLocaleString("en-US")} ${available < benchmark.space.size ? `labeled cells of ${spec.space}, ${available.toLocaleString("en-US")} of its ${benchmark.space.size.toLocaleString("en-US")} having labels: a partial import,` : `cells of ${spec.space}`} ` +
        `less at least one unlabeled cell for the search to find), got ${shownValue(spec.labels)}`,
    );
  checkEvaluationsFit(evolution.evaluations, benchmark.space.size, spec.space);
  // as `search` refuses --top above --evaluations: the top is chosen among the cells evaluated
  if ((spec.top ?? 0) > evolution.evaluations)
    throw new UserError(
      `predictorSearch: top ${spec.top} exceeds the ${evolution.evaluations} evaluations: the top cells are chosen among the cells the search evaluates`,
    );
  const runs = await forEachSeed<PredictorSearchRun>(
    seeds,
    jobs,
    {
      here: (seed, report) => predictorSearchSeed(spec, seed, report, benchmark),
      worker: {
        script: SEARCH_WORKER,
        data: (seed): PredictorSearchJob => ({ kind: "evolution", spec, seed }),
      },
    },
    onProgress,
  );
  const bestTruth = meanStd(runs.map((r) => r.best.truth));
  const rankOfMean = truthRanks(truth)(bestTruth.mean);
  return {
    method: spec.method,
    space: spec.space,
    target,
    labels: spec.labels,
    labeledCells: available,
    spaceCells: benchmark.space.size,
    evolution,
    neighbourhood,
    seeds,
    bestTruth,
    bestRankPercent: meanStd(runs.map((r) => r.best.rankPercent)),
    rankOfMeanBest: { rank: rankOfMean, rankPercent: (100 * rankOfMean) / available },
    exhaustiveTruth: meanStd(runs.map((r) => r.exhaustive.truth)),
    exhaustiveRankPercent: meanStd(runs.map((r) => r.exhaustive.rankPercent)),
    bestTrainedTruth: meanStd(runs.map((r) => r.bestTrained.truth)),
    bestTrainedRankPercent: meanStd(runs.map((r) => r.bestTrained.rankPercent)),
    comparison: paperComparison(spec.method, spec.space, target, benchmark.defaultTarget),
    runs,
  };
}
