/**
 * The evaluation protocol of the paper's Table 1: per seed, N_l cells drawn uniformly at random are
 * labeled, the predictor is fitted, and it is scored on ALL remaining cells of the space — of the
 * cells that have a label for the target, when a partial import leaves some without one.
 * Seeds may run in parallel worker threads, each with its own numeric backend.
 */
import {
  type Benchmark,
  drawLabeled,
  labeledCells,
  labelsDigest,
  loadBenchmark,
  targetValues,
} from "../benchmark.js";
import type { DataDir } from "../data/locations.js";
import { refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import type { AssessorOptions } from "../predictors/assessor/options.js";
import type { CellInput } from "../predictors/cell-inputs.js";
import { usePredictor } from "../predictors/predictor.js";
import { checkExtras, createPredictor, type Method } from "../predictors/registry.js";
import { Rng } from "../random.js";
import { checkSeedsAndJobs, forEachSeed, inWorker } from "../seeds-in-parallel.js";
import type { SpaceName } from "../spaces/registry.js";
import {
  kendallTau,
  mse,
  pearson,
  precisionAtK,
  spearman,
  trueValueOfPredictedBest,
  undefinedCorrelationReason,
} from "./metrics.js";

/** The keys of an EvaluationSpec: any other is refused (a misspelt one would be dropped in silence). */
const EVALUATION_SPEC_KEYS = [
  "method",
  "space",
  "data",
  "target",
  "labels",
  "options",
  "inputs",
  "unlabeled",
  "sample",
  "labelsDigest",
];

export interface EvaluationSpec {
  method: Method;
  space: SpaceName;
  data: DataDir;
  target?: string;
  labels: number;
  options?: Partial<AssessorOptions>;
  /** Per-cell inputs the predictor reads beside the graph (transformer methods; cell-inputs.ts). */
  inputs?: CellInput[];
  /**
   * Unlabeled cells the assessor may use (N_u): the first N_u test cells of the seed's random order;
   * 0 = none (batches are filled from the labeled cells); absent = all remaining cells.
   */
  unlabeled?: number;
  /** Also return the predictions and true labels of this many random test cells (for rank plots). */
  sample?: number;
  /**
   * The labels the run must read (labelsDigest of the target's labels), when the run was planned
   * elsewhere (a results file, a job queue): a run on other data is refused, not mixed in.
   */
  labelsDigest?: string;
}

export interface SeedResult {
  seed: number;
  ktau: number;
  spearman: number;
  pearson: number;
  mse: number;
  /**
   * Share (fraction) of the true top-100 test cells among the predicted top-100; NaN when there are at
   * most 100 test cells (every cell is then in both top-100s and the share would read 1 whatever the
   * predictor).
   */
  precisionAt100: number;
  /** True label of the test cell predicted best. */
  predictedBestTruth: number;
  /**
   * Present when Kendall tau, Spearman and Pearson are NaN on this seed: why, in words (say "the
   * predictions are constant").
   */
  undefinedCorrelation?: string;
  fitSeconds: number;
  predictSeconds: number;
  /** With `sample`: predictions and true labels of random test cells. */
  sample?: { predicted: number[]; actual: number[] };
}

export interface Summary {
  mean: number;
  std: number;
}

export interface EvaluationResult {
  method: Method;
  space: SpaceName;
  target: string;
  labels: number;
  /** The per-cell inputs the predictor read, when any. */
  inputs?: CellInput[];
  seeds: number[];
  /** Test cells per seed: the labeled cells not drawn as labels. */
  testCells: number;
  /** Cells with a label for the target (all cells of the space unless an import was partial). */
  labeledCells: number;
  /** Cells in the space. */
  spaceCells: number;
  ktau: Summary;
  spearman: Summary;
  pearson: Summary;
  mse: Summary;
  precisionAt100: Summary;
  predictedBestTruth: Summary;
  runs: SeedResult[];
}

/** Runs one seed of the protocol on this thread (with the benchmark when the caller has it loaded). */
export async function evaluateSeed(
  spec: EvaluationSpec,
  seed: number,
  onProgress?: (done: number) => void,
  loaded?: Benchmark,
): Promise<SeedResult> {
  const benchmark = loaded ?? (await loadBenchmark(spec.space, spec.data));
  const truth = targetValues(benchmark, spec.target);
  const { space } = benchmark;
  if (spec.labelsDigest !== undefined && labelsDigest(truth) !== spec.labelsDigest)
    throw new UserError(
      `the labels of ${spec.target ?? benchmark.defaultTarget} in ${spec.data.dir} (fingerprint ${labelsDigest(truth)}) ` +
        `are not those the run was planned on (${spec.labelsDigest}): run it on the same benchmark data (--data)`,
    );
  // a run from elsewhere (a job queue) has not been through `evaluate`'s check
  if (!Number.isInteger(spec.labels) || spec.labels < 2 || spec.labels > space.size - 2)
    throw new UserError(
      `the number of labeled cells must be an integer in 2..${space.size - 2} (at least 2 test cells), got ${spec.labels}`,
    );
  const pool = labeledCells(truth); // undefined: every cell has a label
  const available = pool?.length ?? space.size;
  checkLabelCount(spec.labels, available, space.size);
  const order = drawLabeled(space, pool, new Rng(seed), available); // a random permutation of the labeled cells
  const labeled = order.subarray(0, spec.labels);
  const test = order.subarray(spec.labels);
  const unlabeled = spec.unlabeled;
  if (unlabeled !== undefined && !(Number.isInteger(unlabeled) && unlabeled >= 0 && unlabeled <= test.length))
    throw new RangeError(
      `the number of unlabeled cells must be an integer in 0..${test.length}, got ${unlabeled}`,
    );
  // freed after this seed: seeds may run one after another in this process
  const predictor = createPredictor(spec.method, space, spec.options, { inputs: spec.inputs });
  const { predicted, fitSeconds, predictSeconds } = await usePredictor(predictor, async () => {
    let started = performance.now();
    await predictor.fit({
      space,
      labeled,
      labels: Array.from(labeled, (id) => truth[id]),
      pool: unlabeled === undefined ? undefined : unlabeled === 0 ? labeled : test.subarray(0, unlabeled),
      seed,
      onProgress: (d) => onProgress?.(d * 0.8),
    });
    const fitSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const predicted = await predictor.predict(test, (d) => onProgress?.(0.8 + d * 0.2));
    return { predicted, fitSeconds, predictSeconds: (performance.now() - started) / 1000 };
  });
  const actual = Float64Array.from(test, (id) => truth[id]);
  const sample = spec.sample ? sampleOfTest(seed, predicted, actual, spec.sample) : undefined;
  return {
    seed,
    ...scorePredictions(predicted, actual),
    fitSeconds,
    predictSeconds,
    ...(sample ? { sample } : {}),
  };
}

/** Predictions and true labels of `n` test cells drawn at random (the same cells for the same seed). */
export function sampleOfTest(
  seed: number,
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  n: number,
): NonNullable<SeedResult["sample"]> {
  const picked = new Rng(seed + 1_000_003).permutation(actual.length).subarray(0, Math.min(n, actual.length));
  return {
    predicted: Array.from(picked, (i) => predicted[i]),
    actual: Array.from(picked, (i) => actual[i]),
  };
}

/** The protocol's scores of predictions against the true labels of the same cells. */
export type Scores = Pick<
  SeedResult,
  "ktau" | "spearman" | "pearson" | "mse" | "precisionAt100" | "predictedBestTruth" | "undefinedCorrelation"
>;

/** Every score of the protocol, for predictions and true labels of the same test cells. */
export function scorePredictions(predicted: ArrayLike<number>, actual: ArrayLike<number>): Scores {
  const undefinedCorrelation = undefinedCorrelationReason(predicted, actual);
  return {
    ...(undefinedCorrelation === undefined ? {} : { undefinedCorrelation }),
    ktau: kendallTau(predicted, actual),
    spearman: spearman(predicted, actual),
    pearson: pearson(predicted, actual),
    mse: mse(predicted, actual),
    precisionAt100: actual.length > 100 ? precisionAtK(predicted, actual, 100) : Number.NaN,
    predictedBestTruth: trueValueOfPredictedBest(predicted, actual),
  };
}

/**
 * Runs every seed (up to `jobs` at once in worker threads) and summarises them. Throws UserError when
 * `spec.labels` is not an integer in 2..(space size − 2): the scores need at least 2 labeled and 2 test cells.
 */
export async function evaluate(
  spec: EvaluationSpec,
  seeds: number[],
  jobs = 1,
  onProgress?: (done: number) => void,
): Promise<EvaluationResult> {
  // from JavaScript, a misspelt key (`label: 50`) was dropped and the run took another setting
  refuseUnknownKeys(spec, EVALUATION_SPEC_KEYS, "evaluate");
  checkSeedsAndJobs(seeds, jobs, "evaluate", onProgress);
  if (spec.sample !== undefined && !(Number.isInteger(spec.sample) && spec.sample >= 0))
    throw new UserError(
      `evaluate: sample must be an integer ≥ 0 (test cells returned), got ${shownValue(spec.sample)}`,
    );
  const benchmark = await loadBenchmark(spec.space, spec.data);
  const target = spec.target ?? benchmark.defaultTarget;
  const truth = targetValues(benchmark, target); // fails early on an unknown target
  const available = labeledCells(truth)?.length ?? benchmark.space.size;
  const size = benchmark.space.size;
  if (!Number.isInteger(spec.labels) || spec.labels < 2 || spec.labels > size - 2) {
    throw new UserError(
      `--labels must be an integer in 2..${size - 2} (the ${size.toLocaleString("en-US")} cells of ${spec.space} ` +
        `less at least 2 test cells to score on), got ${shownValue(spec.labels)}`,
    );
  }
  checkLabelCount(spec.labels, available, benchmark.space.size);
  checkExtras(spec.method, benchmark.space, { inputs: spec.inputs });
  const runs = await forEachSeed(
    seeds,
    jobs,
    {
      here: (seed, report) => evaluateSeed(spec, seed, report, benchmark),
      worker: { script: new URL("./evaluate-worker.js", import.meta.url), data: (seed) => ({ spec, seed }) },
    },
    onProgress,
  );
  const summary = (key: Exclude<keyof SeedResult, "seed" | "sample" | "undefinedCorrelation">): Summary =>
    meanStd(runs.map((r) => r[key]));
  return {
    method: spec.method,
    space: spec.space,
    target,
    labels: spec.labels,
    ...(spec.inputs?.length ? { inputs: spec.inputs } : {}),
    seeds,
    testCells: available - spec.labels,
    labeledCells: available,
    spaceCells: benchmark.space.size,
    ktau: summary("ktau"),
    spearman: summary("spearman"),
    pearson: summary("pearson"),
    mse: summary("mse"),
    precisionAt100: summary("precisionAt100"),
    predictedBestTruth: summary("predictedBestTruth"),
    runs,
  };
}

/** Labels plus at least 2 test cells must fit in the cells that have a label (UserError otherwise). */
function checkLabelCount(labels: number, available: number, size: number): void {
  if (available < size && labels > available - 2) {
    throw new UserError(
      `--labels ${labels} leaves fewer than 2 test cells: only ${available.toLocaleString("en-US")} of ${size.toLocaleString("en-US")} cells have a label (a partial import); use at most ${available - 2}`,
    );
  }
}

/** `evaluateSeed` in a worker thread of its own (one numeric backend per thread, no helper thread). */
export function evaluateSeedInWorker(
  spec: EvaluationSpec,
  seed: number,
  onProgress: (d: number) => void,
): Promise<SeedResult> {
  return inWorker(new URL("./evaluate-worker.js", import.meta.url), { spec, seed }, onProgress);
}

/**
 * The largest |value|, by a loop: Math.max(...values) passes each value as an argument, and some
 * 120,000 of them overflow the call stack (a RangeError where the mean of a large table was asked).
 */
function largestMagnitude(values: readonly number[]): number {
  return values.reduce((largest, v) => Math.max(largest, Math.abs(v)), 0);
}

/**
 * The mean of `values` (NaN for none). Finite values whose sum overflows a double (1e308 and 1e308,
 * a table's values with --scale none) are averaged scaled by their largest magnitude, so the mean of
 * finite values is finite; other values give the plain sum's result, to the last bit.
 */
export function mean(values: readonly number[]): number {
  const plain = values.reduce((a, b) => a + b, 0) / values.length;
  if (Number.isFinite(plain) || !values.every(Number.isFinite)) return plain;
  const scale = largestMagnitude(values);
  return scale * (values.reduce((a, b) => a + b / scale, 0) / values.length);
}

/**
 * Mean and sample standard deviation (0 for one value). Where the squared deviations of finite values
 * overflow (values near 1e308), they are scaled by the largest magnitude: the std is finite unless
 * it is itself beyond the largest double.
 */
export function meanStd(values: number[]): Summary {
  // equal values: their value and 0 exactly (three runs of 0.7 printed 0.70000 ± 1.4e-16)
  if (values.length > 0 && values.every((v) => v === values[0])) return { mean: values[0], std: 0 };
  const m = mean(values);
  if (values.length < 2) return { mean: m, std: 0 };
  const std = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
  if (Number.isFinite(std) || !values.every(Number.isFinite)) return { mean: m, std };
  const scale = largestMagnitude(values);
  const scaled = values.reduce((a, b) => a + (b / scale - m / scale) ** 2, 0) / (values.length - 1);
  return { mean: m, std: scale * Math.sqrt(scaled) };
}
