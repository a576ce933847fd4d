/**
 * The paper's assessor and nas-assay's own choice side by side on one seed (what `npm start` runs):
 * two pipelines on the same labeled cells, one with the paper's predictor and choice of the cells to
 * train (the semi-supervised assessor; the 10 cells predicted best), one with nas-assay's (an ensemble
 * of MLPs; the 10 chosen among the predicted best by the predictions of their mutations too, as
 * `search` chooses by default). Where there are two cores, each runs in a worker thread of its own,
 * and the one still running takes the second core when the other is done.
 */

import type { Worker } from "node:worker_threads";
import { type Benchmark, labeledCells, loadBenchmark, requireBenchmark, targetValues } from "../benchmark.js";
import type { DataDir } from "../data/locations.js";
import { refuseUnknownKeys } from "../errors.js";
import type { AssessorOptions } from "../predictors/assessor/options.js";
import { type Method, SEARCH_METHOD } from "../predictors/registry.js";
import { type EvolutionOptions, evolutionOptions } from "../search/evolution.js";
import { DEFAULT_NEIGHBOURHOOD, type NeighbourhoodOptions } from "../search/neighbourhood.js";
import { checkJobs, inWorker, workersFor } from "../seeds-in-parallel.js";
import type { SpaceName } from "../spaces/registry.js";
import {
  checkPipelineSettings,
  DEFAULT_TOP,
  type PipelineResult,
  type PipelineSpec,
  type PipelineStage,
  runPaperPipeline,
} from "./paper-pipeline.js";

export const SIDE_BY_SIDE_FORMAT = "nas-assay side by side";
export const SIDE_BY_SIDE_VERSION = 1;

/** The two columns: the paper's, and nas-assay's. */
export const COLUMNS = ["paper", "ours"] as const;
export type Column = (typeof COLUMNS)[number];

/** What each column runs: its predictor and its choice of the cells to train. */
export const COLUMN_CHOICES: Record<
  Column,
  { title: string; method: Method; neighbourhood: NeighbourhoodOptions }
> = {
  paper: {
    title: "the paper's assessor",
    method: "ssa",
    neighbourhood: { ...DEFAULT_NEIGHBOURHOOD, weight: 0 },
  },
  // the predictor that picked the best cells on the Table 2 protocol (SEARCH_METHOD; docs/searching.md)
  ours: { title: "nas-assay", method: SEARCH_METHOD, neighbourhood: DEFAULT_NEIGHBOURHOOD },
};

/** The keys of a SideBySideSpec: runSideBySide refuses others. */
const SIDE_BY_SIDE_KEYS = [
  "space",
  "data",
  "target",
  "labels",
  "seed",
  "options",
  "method",
  "evolution",
  "top",
  "sample",
  "jobs",
  "onProgress",
  "onNote",
] as const satisfies readonly (keyof SideBySideSpec)[];

export interface SideBySideSpec {
  space: SpaceName;
  data: DataDir;
  /** The label to predict (default: the benchmark's test accuracy). */
  target?: string;
  /** Labeled cells N_l, the same for both columns (default 1,000). */
  labels?: number;
  seed?: number;
  /** The paper's column: the assessor's options. */
  options?: Partial<AssessorOptions>;
  /** nas-assay's column: its predictor (default `COLUMN_CHOICES.ours.method`). */
  method?: Method;
  evolution?: Partial<EvolutionOptions>;
  /** Cells trained at the end of each search (default 10). */
  top?: number;
  /** Random test cells kept for the rank plots (default 5,000). */
  sample?: number;
  /**
   * Pipelines at once (workersFor: at most the 2 columns and the cores): with 2, each in a worker thread
   * of its own; with 1, one after the other on this thread. Default: 2 where there are two cores or more.
   */
  jobs?: number;
  /**
   * Progress: the stage each column is at ("waiting" while the other runs first, with jobs 1; "done"
   * when it is) and the share of the whole run done (0..1).
   */
  onProgress?: (stages: Record<Column, ColumnStage>, done: number) => void;
  /** Notes for people (e.g. "enumerating NAS-Bench-101 once"). */
  onNote?: (text: string) => void;
}

/** Where one column of a side-by-side run is: a pipeline stage, or not begun, or finished. */
export type ColumnStage = PipelineStage | "waiting" | "done";

export interface SideBySideResult {
  format: typeof SIDE_BY_SIDE_FORMAT;
  version: number;
  /** Wall seconds of the whole run, and pipelines run at once. */
  seconds: number;
  jobs: number;
  paper: PipelineResult;
  ours: PipelineResult;
}

/**
 * Runs both columns on the same seed and labels. Throws UserError for missing or bad data, RangeError
 * for settings out of range: both before any work.
 */
export async function runSideBySide(spec: SideBySideSpec): Promise<SideBySideResult> {
  const started = performance.now();
  // from JavaScript, runSideBySide(null) read `.jobs` of null, and a misspelt option was dropped unsaid
  refuseUnknownKeys(spec, SIDE_BY_SIDE_KEYS, "runSideBySide");
  if (spec.jobs !== undefined) checkJobs(spec.jobs, "runSideBySide");
  requireBenchmark(spec.space, spec.data);
  // here first: a space enumerated once for both, and bad settings refused before the workers start
  let benchmark: Benchmark | undefined = await loadBenchmark(spec.space, spec.data, spec.onNote);
  const truth = targetValues(benchmark, spec.target);
  const available = labeledCells(truth)?.length ?? benchmark.space.size; // a partial import: fewer
  checkPipelineSettings(
    available,
    spec.labels ?? 1000,
    spec.seed ?? 0,
    spec.top ?? DEFAULT_TOP,
    evolutionOptions(spec.evolution).evaluations,
  );
  const jobs = workersFor(spec.jobs ?? 2, COLUMNS.length);

  const specs: Record<Column, PipelineSpec> = {
    paper: pipelineSpec(spec, "paper"),
    ours: pipelineSpec(spec, "ours"),
  };
  // one after the other, the paper's column waits for ours (it said "loading the benchmark" all along)
  const stages: Record<Column, ColumnStage> = { paper: jobs === 1 ? "waiting" : "load", ours: "load" };
  const done: Record<Column, number> = { paper: 0, ours: 0 };
  const report = (column: Column) => (stage: ColumnStage, share: number) => {
    stages[column] = stage;
    done[column] = share;
    spec.onProgress?.({ ...stages }, (done.paper + done.ours) / 2);
  };

  let results: Record<Column, PipelineResult>;
  if (jobs === 1) {
    const ours = await runPaperPipeline({ ...specs.ours, onProgress: report("ours") }, benchmark);
    report("ours")("done", 1);
    const paper = await runPaperPipeline({ ...specs.paper, onProgress: report("paper") }, benchmark);
    report("paper")("done", 1);
    results = { paper, ours };
  } else {
    benchmark = undefined; // each worker loads its own: not a third copy here while they run
    const workers = new Map<Column, Worker>();
    const running = new Set<Column>(COLUMNS);
    const run = async (column: Column) => {
      const result = await inWorker<PipelineResult>(
        PIPELINE_WORKER,
        specs[column],
        (share, stage) => report(column)(stage as PipelineStage, share),
        (worker) => workers.set(column, worker),
      );
      running.delete(column);
      report(column)("done", 1);
      // the other column takes this one's core (the assessor's helper thread uses it)
      for (const other of running) workers.get(other)?.postMessage({ threads: 2 });
      return result;
    };
    const [paper, ours] = await Promise.all([run("paper"), run("ours")]);
    results = { paper, ours };
  }
  return {
    format: SIDE_BY_SIDE_FORMAT,
    version: SIDE_BY_SIDE_VERSION,
    seconds: (performance.now() - started) / 1000,
    jobs,
    ...results,
  };
}

const PIPELINE_WORKER = new URL("./pipeline-worker.js", import.meta.url);

/** One column's pipeline (no callbacks: it may travel to a worker). */
function pipelineSpec(spec: SideBySideSpec, column: Column): PipelineSpec {
  const choice = COLUMN_CHOICES[column];
  return {
    space: spec.space,
    data: spec.data,
    target: spec.target,
    method: column === "ours" ? (spec.method ?? choice.method) : choice.method,
    labels: spec.labels,
    seed: spec.seed,
    options: column === "paper" ? spec.options : undefined,
    evolution: spec.evolution,
    top: spec.top,
    neighbourhood: choice.neighbourhood,
    sample: spec.sample,
  };
}
