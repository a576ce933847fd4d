/**
 * One job per seed, up to `jobs` at once: with more than one, each seed runs in a worker thread of its
 * own (one numeric backend each, no helper thread); progress is the mean over seeds. Used by
 * `evaluate` and by the searches.
 */
import { availableParallelism } from "node:os";
import { parentPort, Worker } from "node:worker_threads";
import { shownValue, UserError } from "./errors.js";
import { MAX_SEED } from "./random.js";
import { setThreads } from "./tensor/threads.js";

/** How one seed runs: here (given its progress callback), or as a worker script with its data. */
export interface SeedJob<T> {
  here: (seed: number, onProgress: (done: number) => void) => Promise<T>;
  worker: { script: URL; data: (seed: number) => unknown };
}

/**
 * Refuses (UserError, starting with `who`) seeds that are not a non-empty list of distinct integers in
 * 0..MAX_SEED, and `jobs` not a positive integer: from JavaScript, `simulate(spec, 3)` said
 * "seeds.slice is not a function", and a repeated seed counted its run twice in every mean (the CLI's
 * --seeds refuses both); and `onProgress`, when given, not a function.
 */
export function checkSeedsAndJobs(seeds: unknown, jobs: unknown, who: string, onProgress?: unknown): void {
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new UserError(`${who} needs a list of seeds (at least one), got ${shownValue(seeds)}`);
  const seen = new Set<number>();
  for (const seed of seeds) {
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED))
      throw new UserError(
        `${who}: a seed must be an integer in 0..${MAX_SEED} (2^31 - 1), got ${shownValue(seed)}`,
      );
    if (seen.has(seed)) throw new UserError(`${who}: the seed ${seed} is given twice; each seed runs once`);
    seen.add(seed);
  }
  checkJobs(jobs, who);
  // a progress callback that is no function threw "onProgress is not a function" at the first report,
  // after the benchmark had loaded and a seed's work had begun
  if (onProgress !== undefined && typeof onProgress !== "function")
    throw new UserError(
      `${who}: onProgress must be a function of the share done (0..1), got ${shownValue(onProgress)}`,
    );
}

/** Refuses (UserError, starting with `who`) `jobs` not a positive integer. */
export function checkJobs(jobs: unknown, who: string): void {
  if (!(Number.isInteger(jobs) && (jobs as number) >= 1))
    throw new UserError(`${who}: jobs must be a positive integer, got ${shownValue(jobs)}`);
}

/**
 * Worker threads for `units` jobs (seeds, runs, columns) asked to run `jobs` at once: at most one per job
 * and one per core, as more threads than cores only share them while each holds its own copy of the
 * data. The one rule behind every command's --jobs (paper capped at 2 columns, reproduce at its runs
 * and not at the cores, the others at seeds and cores: the same flag meant three things).
 */
export function workersFor(jobs: number, units: number): number {
  return Math.max(1, Math.min(jobs, units, availableParallelism()));
}

/** Results for every seed, in the order of `seeds`. */
export async function forEachSeed<T>(
  seeds: number[],
  jobs: number,
  job: SeedJob<T>,
  onProgress?: (done: number) => void,
): Promise<T[]> {
  const workers = workersFor(jobs, seeds.length);
  const progress = new Map<number, number>();
  const report = (seed: number) => (d: number) => {
    progress.set(seed, d);
    onProgress?.([...progress.values()].reduce((a, b) => a + b, 0) / seeds.length);
  };
  const results = new Map<number, T>();
  const queue = seeds.slice();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
        const result =
          workers === 1
            ? await job.here(seed, report(seed))
            : await inWorker<T>(job.worker.script, job.worker.data(seed), report(seed));
        results.set(seed, result);
      }
    }),
  );
  return seeds.map((seed) => results.get(seed) as T);
}

/** Warnings forwarded from worker threads so far: each said once per process, however many workers met it. */
const forwardedWarnings = new Set<string>();

/**
 * Runs a worker script that posts `{progress, stage?}` now and then and ends with `{result}` or
 * `{error}` (see `reportToParent`); `onStart` gets the worker, to post it messages while it runs. An
 * error keeps its kind across the thread: a UserError (bad input) or a RangeError (a value out of
 * range) is thrown again as one, anything else as a plain Error. A warning the worker posts
 * (`{warning}`) is emitted here, once per process, so that it reaches this process's own `warning`
 * listeners (the CLI's one-line `nas-assay: warning:`) instead of Node's default two lines on the
 * worker's stderr.
 */
export function inWorker<T>(
  script: URL,
  workerData: unknown,
  onProgress: (d: number, stage?: string) => void,
  onStart?: (worker: Worker) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData });
    onStart?.(worker);
    worker.on(
      "message",
      (message: {
        progress?: number;
        stage?: string;
        result?: T;
        error?: string;
        kind?: string;
        warning?: string;
      }) => {
        if (message.progress !== undefined) onProgress(message.progress, message.stage);
        if (message.warning !== undefined && !forwardedWarnings.has(message.warning)) {
          forwardedWarnings.add(message.warning);
          process.emitWarning(message.warning);
        }
        if (message.result) {
          resolve(message.result);
          void worker.terminate();
        }
        if (message.error)
          reject(
            message.kind === "user"
              ? new UserError(message.error)
              : message.kind === "range"
                ? new RangeError(message.error)
                : new Error(message.error),
          );
      },
    );
    worker.once("error", reject);
  });
}

/**
 * The worker side of `inWorker`: runs one job with one thread and posts its progress (and, where the
 * job names them, its stages) and its result.
 */
export async function reportToParent<T>(
  run: (onProgress: (d: number, stage?: string) => void) => Promise<T>,
): Promise<void> {
  // this worker is one of several jobs sharing the cores: no helper thread of its own
  setThreads(1);
  // a warning here (the assessor's helper or the scoring thread stopped) goes to the parent, which says
  // it the way the process says its own; Node's default listener would print two lines of its own format
  process.removeAllListeners("warning");
  process.on("warning", (warning) => parentPort?.postMessage({ warning: warning.message }));
  // process.emitWarning dispatches on a later tick: a warning raised just before the job ended reached
  // the listener above after the result was posted, and the parent, done, had terminated this thread
  const warningsDispatched = () => new Promise((resolve) => setImmediate(resolve));
  try {
    const result = await run((progress, stage) => parentPort?.postMessage({ progress, stage }));
    await warningsDispatched();
    parentPort?.postMessage({ result });
  } catch (e) {
    await warningsDispatched();
    const kind = e instanceof UserError ? "user" : e instanceof RangeError ? "range" : undefined;
    parentPort?.postMessage({ error: (e as Error).message, kind });
  }
}
