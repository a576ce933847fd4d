/**
 * `nas-assay worker`: takes runs off the queue and evaluates them, each in a worker thread of its own,
 * until stopped. Evaluating off the main thread keeps the event loop free, so BullMQ renews the job's
 * lock on time however long a run computes (every `lockSeconds / 2`).
 *
 * When a worker dies (kill -9, a lost machine), its job's lock is no longer renewed: after at most
 * `lockSeconds`, the next stalled-job check of any live worker (every `stalledSeconds`) puts the job
 * back in the queue, and a worker takes it from the start. A job that stalls this way twice is failed
 * (MAX_STALLED_COUNT): it is more likely to kill its workers than to be unlucky twice.
 *
 * A job whose payload is not a nas-assay run, or that fails for a reason in the run itself (a UserError,
 * a value out of range), fails at once without retries (BullMQ's UnrecoverableError); any other failure
 * (a crashed thread, a lost connection) is retried as many times as the job allows.
 */
import { availableParallelism, hostname } from "node:os";
import { requireBenchmark } from "../benchmark.js";
import { type DataDir, notAFolder } from "../data/locations.js";
import { UserError } from "../errors.js";
import { type EvaluationSpec, evaluateSeedInWorker, type SeedResult } from "../eval/evaluate.js";
import { connectionOptions, QUEUE_NAME, type QueueAddress, reachable } from "./address.js";
import { inOurWords, MAX_STALLED_COUNT } from "./queue-messages.js";
import { describeRun, evaluationOf, parseRunJob, type RunJob } from "./run-job.js";

/** Seconds a job's lock lasts without renewal (BullMQ's lockDuration); renewed every half of it. */
export const DEFAULT_LOCK_SECONDS = 30;
/** Seconds between two checks for jobs whose lock has expired (BullMQ's stalledInterval). */
export const DEFAULT_STALLED_SECONDS = 30;
/**
 * The longest lock or stalled-job interval: Node's timers take at most 2^31 - 1 ms; a longer one fired
 * every millisecond (an idle worker sent 1,400 Redis commands and 900 warnings a second).
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** How long a forced close waits for BullMQ to let go of Redis before it is taken as closed (ms). */
export const FORCE_CLOSE_MS = 2000;
/**
 * How long a graceful close waits, once no run computes any more, for BullMQ to record their outcomes
 * and let go of Redis (ms); then the worker is taken as closed. Recording takes milliseconds; only a
 * Redis that does not answer takes longer, and BullMQ then waited for it to come back for ever (its
 * timers may then outlive the close: `nas-assay worker` exits once it said "stopped").
 */
export const SETTLE_MS = 10_000;
/** The same queue error is reported at most once in this long (ms). */
const ERROR_REPEAT_MS = 60_000;

/** What a worker tells as it goes (one line each on the command line). */
export type WorkerEvent =
  | { event: "ready"; queue: string; concurrency: number; worker: string }
  | { event: "started"; job: string; run: string }
  | { event: "finished"; job: string; run: string; seconds: number }
  | { event: "refused"; job: string; reason: string }
  | { event: "failed"; job: string; run?: string; reason: string; retry: boolean }
  | { event: "requeued"; job: string }
  | { event: "lacking"; job: string; run: string; reason: string }
  | { event: "error"; reason: string }
  | { event: "stopping"; running: number; force: boolean }
  | { event: "stopped" };

export interface WorkerOptions {
  queue: QueueAddress;
  /** This machine's benchmark data (never a path from the queue). */
  data: DataDir;
  /** Runs at once (default 1); each uses one core, so more than the cores run as that many. */
  concurrency?: number;
  lockSeconds?: number;
  stalledSeconds?: number;
  onEvent?: (event: WorkerEvent) => void;
  /** How a run is evaluated (default: `evaluateSeedInWorker`). */
  evaluateRun?: (spec: EvaluationSpec, seed: number, onProgress: (d: number) => void) => Promise<SeedResult>;
}

export interface RunningWorker {
  /** This worker's name on the queue (host:pid). */
  name: string;
  /**
   * Stops taking jobs; waits for the running ones to finish unless `force` (then it returns within
   * about FORCE_CLOSE_MS, even while an earlier graceful close still waits). Emits `stopped` once.
   */
  close(force?: boolean): Promise<void>;
  running(): number;
  /**
   * Settles with the reason when the worker stopped taking jobs by itself: a job needed benchmark files
   * this machine lacks (the job went back to the queue for another worker). Never settles otherwise.
   */
  readonly lacking: Promise<UserError>;
}

/**
 * Connects to the queue and starts taking jobs.
 * @throws UserError when Redis cannot be reached (within 10 s), an option is out of range, or the data
 *   folder does not exist (checked first: a worker without its data would fail every job it took).
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const asked = options.concurrency ?? 1;
  const lockSeconds = options.lockSeconds ?? DEFAULT_LOCK_SECONDS;
  const stalledSeconds = options.stalledSeconds ?? DEFAULT_STALLED_SECONDS;
  if (!Number.isInteger(asked) || asked < 1)
    throw new UserError(`--concurrency must be a positive integer, got ${asked}`);
  // as --jobs everywhere (workersFor): a run takes a core, so more runs than cores only slow each one
  // (and hold as many jobs, each with its benchmark in memory); `ready` says the count taken
  const concurrency = Math.min(asked, availableParallelism());
  for (const [flag, value] of [
    ["--lock-seconds", lockSeconds],
    ["--stalled-seconds", stalledSeconds],
  ] as const)
    if (!(Number.isFinite(value) && value >= 0.5 && value <= MAX_TIMER_SECONDS))
      throw new UserError(
        `${flag} must be a number of seconds in 0.5..${MAX_TIMER_SECONDS.toLocaleString("en-US")} (about 24 days), got ${value}`,
      );
  notAFolder(options.data);
  const emit = options.onEvent ?? (() => {});
  const evaluateRun = options.evaluateRun ?? evaluateSeedInWorker;
  const name = `${hostname()}:${process.pid}`;
  const jobs = new Map<string, RunJob>();
  let active = 0;
  /** Called when the last running run ends (graceful closes wait on it). */
  const whenIdle: (() => void)[] = [];
  const idle = () =>
    active === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenIdle.push(resolve));

  // BullMQ (a quarter of a second to load) is loaded by the queue commands only, not at every command's start
  const { UnrecoverableError, WaitingError, Worker } = await import("bullmq");
  let noteLacking: (reason: UserError) => void = () => {};
  const lacking = new Promise<UserError>((resolve) => {
    noteLacking = (reason) => {
      noteLacking = () => {};
      resolve(reason);
      // stop fetching now; the runs under way (of a space this machine has) finish
      void worker.close(false).catch(() => {});
    };
  });
  const worker = new Worker(
    QUEUE_NAME,
    async (job, token) => {
      let run: RunJob;
      try {
        run = parseRunJob(job.data);
      } catch (e) {
        emit({ event: "refused", job: String(job.id), reason: (e as Error).message });
        throw new UnrecoverableError(`refused: ${(e as Error).message}`);
      }
      // a folder without this space's files would fail every such run, one job after another, runs that
      // a worker with the files could do: the job goes back to the queue and this worker stops taking more
      try {
        requireBenchmark(run.space, options.data);
      } catch (e) {
        if (!(e instanceof UserError) || token === undefined) throw e;
        await job.moveToWait(token);
        emit({ event: "lacking", job: String(job.id), run: describeRun(run), reason: e.message });
        noteLacking(
          new UserError(
            `${e.message} Job ${job.id} (${describeRun(run)}) went back to the queue for a worker that has the files; this worker stopped rather than fail the queue's runs one by one.`,
          ),
        );
        throw new WaitingError();
      }
      jobs.set(String(job.id), run);
      emit({ event: "started", job: String(job.id), run: describeRun(run) });
      const { spec, seed } = evaluationOf(run, options.data);
      let reported = 0;
      const started = performance.now();
      active++;
      try {
        const result = await evaluateRun(spec, seed, (done) => {
          const now = performance.now();
          if (now - reported < 2000) return;
          reported = now;
          job.updateProgress(Math.round(done * 1000) / 1000).catch(() => {});
        });
        emit({
          event: "finished",
          job: String(job.id),
          run: describeRun(run),
          seconds: Math.round((performance.now() - started) / 100) / 10,
        });
        return result;
      } catch (e) {
        if (e instanceof UserError || e instanceof RangeError)
          throw new UnrecoverableError((e as Error).message);
        throw e;
      } finally {
        active--;
        if (active === 0) for (const wake of whenIdle.splice(0)) wake();
      }
    },
    {
      connection: connectionOptions(options.queue),
      concurrency,
      name,
      lockDuration: lockSeconds * 1000,
      stalledInterval: stalledSeconds * 1000,
      maxStalledCount: MAX_STALLED_COUNT,
      // started below, once Redis answered and "ready" is out: a job taken while connecting printed its
      // line before the worker said it was ready
      autorun: false,
    },
  );
  worker.on("completed", (job) => jobs.delete(String(job.id)));
  worker.on("failed", (job, error) => {
    if (!job || error.message.startsWith("refused: ")) return;
    const retry =
      !(error instanceof UnrecoverableError) &&
      error.name !== "UnrecoverableError" &&
      job.attemptsMade < (job.opts.attempts ?? 1);
    const run = jobs.get(String(job.id));
    jobs.delete(String(job.id));
    emit({
      event: "failed",
      job: String(job.id),
      run: run && describeRun(run),
      reason: inOurWords(error.message),
      retry,
    });
  });
  worker.on("stalled", (jobId) => emit({ event: "requeued", job: jobId }));
  try {
    await reachable(worker, options.queue);
  } catch (e) {
    await worker.close(true).catch(() => {});
    throw e;
  }
  // while Redis is down BullMQ reports the same refused connection every second: say it once a minute
  let lastError = { reason: "", at: Number.NEGATIVE_INFINITY };
  worker.on("error", (error) => {
    const now = performance.now();
    // compared in our words: Redis's refusals of BullMQ's scripts name the script, which varies
    const reason = inOurWords(error.message);
    if (reason === lastError.reason && now - lastError.at < ERROR_REPEAT_MS) return;
    lastError = { reason, at: now };
    emit({ event: "error", reason });
  });
  emit({ event: "ready", queue: options.queue.shown, concurrency, worker: name });
  // run() settles when the worker closes; a failure of its loop is reported like BullMQ's other errors
  worker.run().catch((error: Error) => emit({ event: "error", reason: inOurWords(error.message) }));
  let stopped = false;
  return {
    name,
    lacking,
    running: () => active,
    async close(force = false) {
      // BullMQ's close hands a second caller the first one's promise: after a graceful close, close(true)
      // waited for the running runs all the same (hours, for a long one). Forced, it waits no longer than
      // FORCE_CLOSE_MS for the connections; the running runs' locks expire and their jobs go back.
      if (force)
        await Promise.race([
          worker.close(true).catch(() => {}),
          new Promise<void>((resolve) => setTimeout(resolve, FORCE_CLOSE_MS).unref()),
        ]);
      else {
        // BullMQ's graceful close also waits for its fetch of the next job, which waits for Redis: with
        // Redis down, an idle worker never stopped on SIGTERM (systemd's stop, SLURM's limit). The runs
        // are waited for however long they take; after them, Redis gets SETTLE_MS to take their outcome
        // (a forced close then would hand back the same waiting promise)
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          worker.close(false),
          idle().then(
            () =>
              new Promise<void>((resolve) => {
                timer = setTimeout(resolve, SETTLE_MS);
              }),
          ),
        ]);
        clearTimeout(timer);
      }
      if (stopped) return;
      stopped = true;
      emit({ event: "stopped" });
    },
  };
}

/**
 * Runs a worker until SIGINT or SIGTERM: the first signal stops taking jobs and lets the running ones
 * finish; a second one stops at once (those jobs go back to the queue once their lock expires).
 * @throws UserError when the worker stopped by itself: a job needed benchmark files this machine lacks.
 */
export async function runUntilStopped(options: WorkerOptions): Promise<void> {
  const worker = await startWorker(options);
  const emit = options.onEvent ?? (() => {});
  // the worker stops by itself when a job needs files this machine lacks: say why, status 1
  const lacking = worker.lacking.then(async (reason) => {
    await worker.close(false);
    return reason;
  });
  await new Promise<void>((resolve, reject) => {
    void lacking.then(reject);
    let signals = 0;
    const onSignal = () => {
      signals++;
      const force = signals > 1;
      emit({ event: "stopping", running: worker.running(), force });
      if (force) {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
        // the evaluation threads would keep the process alive; their jobs' locks simply expire
        void worker.close(true).finally(() => process.exit(130));
      } else void worker.close(false).then(resolve);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
