/**
 * The paper's pipeline in one run (one column of what `npm start` shows): N_l cells drawn at random are
 * labeled, a predictor (by default the semi-supervised assessor) is fitted on them with the rest of the
 * space as its unlabeled pool, it is scored on all remaining cells as `evaluate` scores it, and it
 * guides the evolutionary search of the paper's Table 2 as `search` runs it, ending with the cells to
 * train (the paper's choice, the top by prediction, unless a neighbourhood weight says otherwise). One
 * fit serves both: the labeled cells of a seed are the same in the two protocols, and a prediction
 * depends only on the cell and the model.
 */
import { availableParallelism } from "node:os";
import {
  type Benchmark,
  drawLabeled,
  labeledCells,
  loadBenchmark,
  requireBenchmark,
  targetValues,
} from "../benchmark.js";
import { type DataDir, dataDir } from "../data/locations.js";
import { refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { type Scores, type Summary, sampleOfTest, scorePredictions } from "../eval/evaluate.js";
import { PAPER_TABLE1 } from "../experiments/paper.js";
import type { AssessorOptions } from "../predictors/assessor/options.js";
import { usePredictor } from "../predictors/predictor.js";
import { createPredictor, type Method } from "../predictors/registry.js";
import { Rng } from "../random.js";
import {
  checkEvaluationsFit,
  DEFAULT_EVOLUTION,
  type EvolutionOptions,
  evolutionOptions,
  type SearchTrace,
} from "../search/evolution.js";
import { type NeighbourhoodOptions, neighbourhoodOptions } from "../search/neighbourhood.js";
import {
  chooseTrained,
  type FoundCell,
  foundCell,
  outcomeOf,
  searchWithPredictor,
  truthRanks,
} from "../search/predictor-search.js";
import type { SpaceName } from "../spaces/registry.js";

export const PIPELINE_FORMAT = "nas-assay pipeline";
export const PIPELINE_VERSION = 1;

/** The stages, in order, as progress reports name them. */
export const PIPELINE_STAGES = ["load", "fit", "predict", "search"] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
/** Share of a 1k-label NAS-Bench-101 run's time each stage takes (measured: fit 62 s, predict 14 s, search 6 s). */
const STAGE_WEIGHTS: Record<PipelineStage, number> = { load: 0.01, fit: 0.75, predict: 0.17, search: 0.07 };

/** The keys of a PipelineSpec: any other is refused. */
const PIPELINE_SPEC_KEYS = [
  "space",
  "data",
  "target",
  "method",
  "labels",
  "seed",
  "options",
  "evolution",
  "top",
  "neighbourhood",
  "sample",
  "onProgress",
  "onNote",
];

export interface PipelineSpec {
  space: SpaceName;
  data: DataDir;
  /** The label to predict (default: the benchmark's test accuracy). */
  target?: string;
  /** The predictor (default "ssa", the semi-supervised assessor). */
  method?: Method;
  /** Labeled cells N_l (default 1,000). */
  labels?: number;
  seed?: number;
  /** Assessor options (ssa and ssa-noae only). */
  options?: Partial<AssessorOptions>;
  evolution?: Partial<EvolutionOptions>;
  /** Cells "trained" at the end of the search (default 10). */
  top?: number;
  /**
   * How they are chosen among the cells predicted best: by own prediction only (weight 0, the default:
   * the paper's choice), or with the predictions of their mutations too (`search`'s default).
   */
  neighbourhood?: Partial<NeighbourhoodOptions>;
  /** Random test cells kept for the predicted-against-true rank plot (default 5,000). */
  sample?: number;
  /** Progress: the stage running and the share of the whole run done (0..1). */
  onProgress?: (stage: PipelineStage, done: number) => void;
  /** Notes for people (e.g. "enumerating NAS-Bench-101 once"). */
  onNote?: (text: string) => void;
}

/** A cell of the result: its true label and rank, its prediction, and its description in the space. */
export interface ReportedCell extends FoundCell {
  predicted: number;
  /** `space.describe(id)`: NAS-Bench-101 hash, matrix and ops; NAS-Bench-201 arch and ops. */
  cell: { ops: string[]; matrix?: number[][]; arch?: string; hash?: string };
}

/** A point of the search curve, after `evaluations` cells were scored by the predictor. */
export interface SearchCurvePoint {
  evaluations: number;
  /** True label of the best of the top cells by prediction so far (what the protocol reports). */
  top: number;
  /** Best true label among all cells scored so far (never seen by the search). */
  seen: number;
}

export interface PipelineResult {
  format: typeof PIPELINE_FORMAT;
  version: number;
  settings: {
    space: SpaceName;
    target: string;
    method: Method;
    labels: number;
    seed: number;
    top: number;
    /** The choice of the cells to train; absent in files of versions that had only the paper's (weight 0). */
    neighbourhood?: NeighbourhoodOptions;
    evolution: EvolutionOptions;
    options: Partial<AssessorOptions>;
    sample: number;
    data: string;
  };
  environment: { node: string; cpus: number; startedAt: string };
  spaceSize: number;
  /**
   * Cells with a label; below `spaceSize` only on a partial import, where the labeled and test cells,
   * the cells trained, the best in space and every rank are among these. Absent in older files (all).
   */
  labeledCells?: number;
  testCells: number;
  seconds: Record<PipelineStage | "total", number>;
  /** Scores on all remaining cells. */
  scores: Scores;
  /** The paper's Table 1 at this N_l, where it has it (NAS-Bench-101, the assessor). */
  paper?: { ktau: Summary; mse: Summary; pearson: Summary };
  /** Predictions and true labels of random test cells (as the library's `evaluate` gives with `sample`; no flag sets it). */
  sample: { predicted: number[]; actual: number[] };
  search: {
    /** Distinct cells the predictor scored. */
    evaluations: number;
    /** Further cells it scored to choose the cells to train (mutations of the candidates; 0 for the paper's choice). */
    neighbourEvaluations?: number;
    /** The best by true label of the cells trained: the protocol's answer. */
    best: ReportedCell;
    /** The cells trained, in the order chosen (the paper's choice: best predicted first). */
    top: ReportedCell[];
    /** The same choice among all cells of the space (no search). */
    exhaustive: ReportedCell;
    /** The best of the labeled cells (already trained before the search). */
    bestLabeled: ReportedCell;
    /** The best cell of the space. */
    bestInSpace: ReportedCell;
    curve: SearchCurvePoint[];
  };
}

/**
 * Runs the pipeline on this thread (`loaded`: the benchmark, when the caller has it already). Throws
 * UserError for missing or bad data, RangeError for settings out of range (before any work).
 */
export async function runPaperPipeline(spec: PipelineSpec, loaded?: Benchmark): Promise<PipelineResult> {
  // from JavaScript: a misspelt key (`label: 50`) was dropped and the run took 1,000 labels; a spec
  // without data or no spec at all failed deep inside with a TypeError
  refuseUnknownKeys(spec, PIPELINE_SPEC_KEYS, "runPaperPipeline");
  refuseUnknownKeys(spec.evolution ?? {}, Object.keys(DEFAULT_EVOLUTION), "evolution options");
  // a folder's path, as evaluate and predictorSearch take it (loadBenchmark)
  if (typeof spec.data === "string") spec = { ...spec, data: dataDir(spec.data) };
  if (typeof spec.data !== "object" || spec.data === null)
    throw new UserError(
      `runPaperPipeline: data must be the benchmark data's folder (a path, or dataDir() of the library), got ${shownValue(spec.data)}`,
    );
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const seconds: Record<PipelineStage | "total", number> = {
    load: 0,
    fit: 0,
    predict: 0,
    search: 0,
    total: 0,
  };
  let stageStart = started;
  const progress = (stage: PipelineStage, done: number) => {
    let before = 0;
    for (const s of PIPELINE_STAGES) {
      if (s === stage) break;
      before += STAGE_WEIGHTS[s];
    }
    spec.onProgress?.(stage, before + STAGE_WEIGHTS[stage] * Math.min(1, Math.max(0, done)));
  };
  const finish = (stage: PipelineStage) => {
    const now = performance.now();
    seconds[stage] = (now - stageStart) / 1000;
    stageStart = now;
    progress(stage, 1);
  };

  progress("load", 0);
  let benchmark = loaded;
  if (!benchmark) {
    requireBenchmark(spec.space, spec.data); // at once, before enumerating the space
    benchmark = await loadBenchmark(spec.space, spec.data, spec.onNote);
  }
  const target = spec.target ?? benchmark.defaultTarget;
  const truth = targetValues(benchmark, target);
  const { space } = benchmark;
  const pool = labeledCells(truth); // undefined: every cell has a label
  const available = pool?.length ?? space.size;
  const method = spec.method ?? "ssa";
  const labels = spec.labels ?? 1000;
  const seed = spec.seed ?? 0;
  const top = spec.top ?? DEFAULT_TOP;
  const sampleSize = spec.sample ?? 5000;
  const evolution = evolutionOptions(spec.evolution);
  const neighbourhood = neighbourhoodOptions({ weight: 0, ...spec.neighbourhood });
  checkPipelineSettings(available, labels, seed, top, evolution.evaluations);
  checkEvaluationsFit(evolution.evaluations, space.size, spec.space);
  finish("load");

  // the evaluate protocol's split: the labeled cells are also the search protocol's (same seed)
  const order = drawLabeled(space, pool, new Rng(seed), available);
  const labeled = order.subarray(0, labels);
  const test = order.subarray(labels);
  const options = spec.options ?? {};
  const everyCell = Int32Array.from({ length: space.size }, (_, id) => id);
  const predictor = createPredictor(method, space, options);
  const { all, scores, sample, trace, chosen } = await usePredictor(predictor, async () => {
    await predictor.fit({
      space,
      labeled,
      labels: Array.from(labeled, (id) => truth[id]),
      seed,
      onProgress: (d) => progress("fit", d),
    });
    finish("fit");

    const all = await predictor.predict(everyCell, (d) => progress("predict", d));
    const predictedTest = Float64Array.from(test, (id) => all[id]);
    const actualTest = Float64Array.from(test, (id) => truth[id]);
    const scores = scorePredictions(predictedTest, actualTest);
    const sample = sampleOfTest(seed, predictedTest, actualTest, sampleSize);
    finish("predict");

    const trace = await searchWithPredictor(space, predictor, seed, evolution, (d) => progress("search", d));
    const chosen = await chooseTrained(
      space,
      trace,
      all,
      (ids) => predictor.predict(ids),
      seed,
      top,
      neighbourhood,
      pool,
    );
    return { all, scores, sample, trace, chosen };
  });
  const rank = truthRanks(truth);
  const outcome = outcomeOf(chosen.found, chosen.exhaustive, truth, rank);
  finish("search");

  const report = (found: FoundCell): ReportedCell => ({
    ...found,
    predicted: all[found.id],
    cell: space.describe(found.id) as ReportedCell["cell"],
  });
  const cellOf = (id: number) => report(foundCell(id, truth, rank));
  seconds.total = (performance.now() - started) / 1000;
  const paper = spec.space === "nb101" && method === "ssa" && target === benchmark.defaultTarget;
  return {
    format: PIPELINE_FORMAT,
    version: PIPELINE_VERSION,
    settings: {
      space: spec.space,
      target,
      method,
      labels,
      seed,
      top,
      neighbourhood,
      evolution,
      options,
      sample: sample.actual.length,
      data: spec.data.dir,
    },
    environment: { node: process.version, cpus: availableParallelism(), startedAt },
    spaceSize: space.size,
    labeledCells: available,
    testCells: test.length,
    seconds,
    scores,
    ...(paper && PAPER_TABLE1.ssa[labels] ? { paper: PAPER_TABLE1.ssa[labels] } : {}),
    sample,
    search: {
      evaluations: trace.ids.length,
      neighbourEvaluations: chosen.neighbourEvaluations,
      best: report(outcome.best),
      top: outcome.top.map(cellOf),
      exhaustive: report(outcome.exhaustive),
      bestLabeled: cellOf(argMax(labeled, truth)),
      bestInSpace: cellOf(argMax(everyCell, truth)),
      curve: searchCurve(trace, truth, top, evolution.batch),
    },
  };
}

/** Cells trained after the search when none is said: the paper's Table 2 protocol trains the top 10. */
export const DEFAULT_TOP = 10;

/**
 * Throws UserError, naming the flag, for settings a space of `size` (labeled) cells cannot run: the top
 * cells are chosen among the `evaluations` the search scores, so more than that would train fewer
 * cells than said.
 */
export function checkPipelineSettings(
  size: number,
  labels: number,
  seed: number,
  top: number,
  evaluations: number,
): void {
  if (!Number.isInteger(labels) || labels < 2 || labels > size - 2)
    throw new UserError(
      `--labels must be an integer in 2..${size - 2} (at least 2 test cells to score on), got ${shownValue(labels)}`,
    );
  if (!Number.isInteger(seed) || seed < 0)
    throw new UserError(`--seed must be an integer ≥ 0, got ${shownValue(seed)}`);
  if (!Number.isInteger(top) || top < 1)
    throw new UserError(`--top must be a positive integer, got ${shownValue(top)}`);
  if (top > evaluations)
    throw new UserError(
      `--evaluations ${evaluations} is below the ${top} cells trained, chosen among the cells the search evaluates; expected at least ${top}`,
    );
}

/** The id with the highest value (NaN values never win). */
function argMax(ids: ArrayLike<number>, values: ArrayLike<number>): number {
  let best = ids[0];
  for (let k = 1; k < ids.length; k++)
    if (values[ids[k]] > values[best] || Number.isNaN(values[best])) best = ids[k];
  return best;
}

/**
 * The search's progress every `step` scored cells: the true label of the best of the top cells by
 * prediction so far, and the best true label among all cells scored so far; cells without a label
 * (a partial import) are never among the top, as they are never trained.
 */
export function searchCurve(
  trace: SearchTrace,
  truth: ArrayLike<number>,
  top: number,
  step: number,
): SearchCurvePoint[] {
  const curve: SearchCurvePoint[] = [];
  const leaders: { fitness: number; id: number }[] = []; // the top by prediction, best first
  let seen = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < trace.ids.length; k++) {
    const id = trace.ids[k];
    const fitness = trace.fitness[k];
    if (!Number.isNaN(truth[id])) {
      if (truth[id] > seen) seen = truth[id];
      // ties keep the earlier cell, as topK does
      const at = leaders.findIndex((l) => fitness > l.fitness);
      if (at >= 0) leaders.splice(at, 0, { fitness, id });
      else leaders.push({ fitness, id });
      if (leaders.length > top) leaders.pop();
    }
    if ((k + 1) % step === 0 || k === trace.ids.length - 1) {
      let best = Number.NEGATIVE_INFINITY;
      for (const l of leaders) if (truth[l.id] > best) best = truth[l.id];
      curve.push({ evaluations: k + 1, top: best, seen });
    }
  }
  return curve;
}
