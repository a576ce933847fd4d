/**
 * `reproduce NAME`: runs the experiment's pending runs (up to `jobs` at once, each seed in a worker
 * thread), saving each result as it finishes, then writes NAME.md and NAME's figures from all results.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Benchmark, labeledCells, labelsDigest, loadBenchmark, targetValues } from "../benchmark.js";
import type { DataDir } from "../data/locations.js";
import {
  checkOutputFile,
  checkOutputFolder,
  createFolders,
  HTML_PAGE,
  removeEmptyFolders,
  SVG_DRAWING,
} from "../data/output-path.js";
import {
  type EvaluationSpec,
  evaluateSeed,
  evaluateSeedInWorker,
  type SeedResult,
} from "../eval/evaluate.js";
import { checkJobs, workersFor } from "../seeds-in-parallel.js";
import {
  defaultSeeds,
  type ExperimentName,
  type ExperimentSettings,
  experimentRuns,
  type RunSpec,
  runKey,
} from "./experiments.js";
import { experimentReportFiles, renderExperiment } from "./render.js";
import {
  borrowRuns,
  openResults,
  pendingRuns,
  readResults,
  resultsOf,
  saveResults,
  unstampedRuns,
} from "./results-file.js";

export interface ReproduceOptions {
  space: ExperimentSettings["space"];
  data: DataDir;
  out: string;
  seeds?: number[];
  quick?: boolean;
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
  /** Where the pending runs are evaluated when not here (e.g. on a job queue: `queue/`). */
  elsewhere?: RunsElsewhere;
  /** How a run is evaluated (tests replace it); by default `evaluate`'s protocol. */
  evaluateRun?: (spec: EvaluationSpec, seed: number, onProgress: (d: number) => void) => Promise<SeedResult>;
}

/**
 * Evaluates `runs` somewhere else than in this process (each run's numbers exactly as `evaluateSeed`
 * gives them): calls `onResult` as each one finishes (`earlier`: it had finished before this call, e.g.
 * a queue's job kept from a sweep stopped while waiting) and `onProgress` (fraction 0..1) now and then;
 * resolves when every run has a result, rejects once every run has either a result or has failed.
 */
export type RunsElsewhere = (
  runs: RunSpec[],
  context: {
    space: ExperimentSettings["space"];
    target: string;
    /** labelsDigest of the target's labels here: a run elsewhere must read the same labels. */
    labels: string;
    onResult: (run: RunSpec, result: SeedResult, earlier?: boolean) => void;
    onProgress: (run: RunSpec, done: number) => void;
  },
) => Promise<void>;

export interface ReproduceSummary {
  experiment: ExperimentName;
  runs: number;
  ranNow: number;
  /** Runs taken from other experiments' results in the same folder. */
  borrowed: number;
  /** Runs whose result was there already where `elsewhere` runs them (a queue's finished jobs); not in ranNow. */
  finishedEarlier: number;
  /** Cells with a label for the target: runs label and test among these only. */
  labeledCells: number;
  /** Cells in the space. */
  spaceCells: number;
  wallSeconds: number;
  files: string[];
  /**
   * Runs kept from a results file written before files recorded the labels' fingerprint: taken as made
   * on this data, which nothing can check (absent when none).
   */
  unverifiedRuns?: number;
  /**
   * Runs kept from a results file written before files recorded their methods' defaults (a version 1
   * file): taken as made with this nas-assay's, which nothing can check (absent when none).
   */
  unstampedRuns?: number;
}

/**
 * The first line `reproduce` prints: how many runs, how many ran now and where the others came from,
 * each source named only when it gave runs (the count borrowed from other experiments was printed
 * even at 0, where the queue's was left out), and the wall time in runs.
 */
export function runCountsLine(summary: ReproduceSummary): string {
  const sources = [
    `${summary.ranNow} run now`,
    ...(summary.finishedEarlier > 0
      ? [`${summary.finishedEarlier} taken from the queue's jobs finished before this command`]
      : []),
    ...(summary.borrowed > 0 ? [`${summary.borrowed} taken from other experiments' results here`] : []),
    "the rest from earlier",
  ];
  return (
    `${summary.experiment}: ${summary.runs} runs (${sources.join(", ")}), ` +
    `${Math.round(summary.wallSeconds)} s of wall time in runs (summed over the processes that ran or waited for them)`
  );
}

/**
 * Checks, before any run, that reproduce `name` may write into the folder `out` (given with `flag`):
 * the folder can hold files (checkOutputFolder), and none of the files it writes there (NAME.json and
 * the report's files) is read-only for this user, nor a page or drawing of the user's own under one of
 * their names. Throws UserError (one line naming `flag` and the path).
 */
export function checkReproduceOutput(name: ExperimentName, out: string, flag: string): void {
  checkOutputFolder(out, flag);
  if (!existsSync(out)) return; // a new folder, made by the command: nothing in it yet
  for (const file of [`${name}.json`, ...experimentReportFiles(name)]) {
    const format = file.endsWith(".html") ? HTML_PAGE : file.endsWith(".svg") ? SVG_DRAWING : undefined;
    checkOutputFile(join(out, file), flag, format);
  }
}

export async function reproduce(name: ExperimentName, options: ReproduceOptions): Promise<ReproduceSummary> {
  if (options.jobs !== undefined) checkJobs(options.jobs, "reproduce");
  const quick = options.quick ?? false;
  const settings: ExperimentSettings = {
    space: options.space,
    seeds: options.seeds ?? defaultSeeds(quick),
    quick,
  };
  const benchmark = await loadBenchmark(settings.space, options.data);
  const target = benchmark.defaultTarget;
  const truth = targetValues(benchmark, target);
  const labeled = labeledCells(truth)?.length ?? benchmark.space.size;
  const labels = labelsDigest(truth);
  const made = createFolders(options.out);
  try {
    return await reproduceInto(name, options, settings, benchmark, labeled, labels);
  } catch (e) {
    // nothing saved (Redis out of reach, a refused run): no empty --out left behind
    removeEmptyFolders(made);
    throw e;
  }
}

/** reproduce() once its output folder exists: `labeled` cells with labels of digest `labels`. */
async function reproduceInto(
  name: ExperimentName,
  options: ReproduceOptions,
  settings: ExperimentSettings,
  benchmark: Benchmark,
  labeled: number,
  labels: string,
): Promise<ReproduceSummary> {
  const target = benchmark.defaultTarget;
  const path = join(options.out, `${name}.json`);
  // a file from before fingerprints were kept takes this data's (openResults): say so, once
  const before = existsSync(path) ? readResults(path) : undefined;
  const unverifiedRuns = before && before.labels === undefined ? Object.keys(before.runs).length : 0;
  const unstamped = before ? unstampedRuns(before) : 0;
  const file = openResults(path, name, settings.space, target, labels);
  file.settings = settings;
  const planned = experimentRuns(name, settings);
  const borrowed = Object.values(borrowRuns(file, options.out, planned)).reduce((a, b) => a + b, 0);
  if (borrowed > 0) saveResults(path, file);
  const pending = pendingRuns(file, planned);
  const jobs = workersFor(options.jobs ?? 1, pending.length);
  const evaluateRun =
    options.evaluateRun ??
    (jobs > 1
      ? evaluateSeedInWorker
      : (spec: EvaluationSpec, seed: number, onProgress: (d: number) => void) =>
          evaluateSeed(spec, seed, onProgress, benchmark));

  const progress = new Map<string, number>();
  const total = pending.length;
  const report = () =>
    options.onProgress?.(
      [...progress.values()].reduce((a, b) => a + b, 0),
      total,
    );
  // wall time in runs since the last save, added to the file's total at each save
  let lastSave = performance.now();
  const save = () => {
    const now = performance.now();
    saveResults(path, file, (now - lastSave) / 1000);
    lastSave = now;
  };
  const queue = pending.slice();
  const runOne = async (run: RunSpec) => {
    const key = runKey(run);
    const spec: EvaluationSpec = {
      method: run.method,
      space: settings.space,
      data: options.data,
      target,
      labels: run.labels,
      options: run.options,
      unlabeled: run.unlabeled,
      sample: run.sample,
      labelsDigest: labels,
    };
    const result = await evaluateRun(spec, run.seed, (d) => {
      progress.set(key, d);
      report();
    });
    record(run, result);
  };
  let finishedEarlier = 0;
  const record = (run: RunSpec, result: SeedResult, earlier = false) => {
    if (earlier) finishedEarlier++;
    const key = runKey(run);
    progress.set(key, 1);
    file.runs[key] = { run, result };
    save();
    report();
  };
  report();
  if (options.elsewhere && pending.length > 0)
    await options.elsewhere(pending, {
      space: settings.space,
      target,
      labels,
      onResult: record,
      onProgress: (run, d) => {
        progress.set(runKey(run), d);
        report();
      },
    });
  else
    await Promise.all(
      Array.from({ length: jobs }, async () => {
        for (let run = queue.shift(); run !== undefined; run = queue.shift()) await runOne(run);
      }),
    );
  save(); // with this invocation's settings, even when nothing was left to run
  // the tables show every seed the file's settings now hold (this invocation's and other ones' of the
  // same plan, saveResults): a second process on other seeds into the same folder drew its own only
  let shown = file.settings ?? settings;
  let drawn = file;
  let rendered = await renderExperiment(
    name,
    shown,
    drawn,
    resultsOf(drawn, experimentRuns(name, shown)),
    options.out,
  );
  // drawing takes seconds: another process on other seeds may have saved meanwhile (a new seed, or one
  // more run of a seed already shown), and drawn its tables before this one wrote its own over them; so
  // the tables are drawn again until the file holds no seed and no run of theirs they lack (the last
  // process to draw always draws every run saved before it looked)
  for (;;) {
    const latest = readResults(path);
    const more = latest.settings?.quick === shown.quick ? latest.settings.seeds : [];
    const seeds = [...new Set([...shown.seeds, ...more])].sort((a, b) => a - b);
    const drawnKeys = new Set(Object.keys(drawn.runs));
    const lacking = experimentRuns(name, { ...shown, seeds }).some(
      (run) => latest.runs[runKey(run)] !== undefined && !drawnKeys.has(runKey(run)),
    );
    if (seeds.length === shown.seeds.length && !lacking) break;
    shown = { ...shown, seeds };
    drawn = latest;
    rendered = await renderExperiment(
      name,
      shown,
      drawn,
      resultsOf(drawn, experimentRuns(name, shown)),
      options.out,
    );
  }
  const files = [path, ...rendered];
  const runs = new Set(planned.map(runKey)).size;
  return {
    experiment: name,
    runs,
    ranNow: pending.length - finishedEarlier,
    borrowed,
    finishedEarlier,
    labeledCells: labeled,
    spaceCells: benchmark.space.size,
    wallSeconds: file.wallSeconds,
    files,
    ...(unverifiedRuns > 0 ? { unverifiedRuns } : {}),
    ...(unstamped > 0 ? { unstampedRuns: unstamped } : {}),
  };
}
