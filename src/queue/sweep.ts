/**
 * `reproduce NAME --queue URL`: an experiment's pending runs as jobs on the queue, and their results
 * gathered back as the workers finish them. A run's job id is its identity (`runJobId`), so enqueueing
 * the same run again — a resumed sweep, another experiment sharing the run — adds nothing; a run whose
 * job already finished is gathered at once, and one whose job failed is retried afresh.
 */
import type { Queue } from "bullmq";
import { UserError } from "../errors.js";
import type { SeedResult } from "../eval/evaluate.js";
import type { RunSpec } from "../experiments/experiments.js";
import type { RunsElsewhere } from "../experiments/reproduce.js";
import { connectionOptions, QUEUE_NAME, type QueueAddress, reachable, refusedByRedis } from "./address.js";
import { inOurWords } from "./queue-messages.js";
import { BadJobError, describeRun, parseSeedResult, type RunJob, runJob, runJobId } from "./run-job.js";

export interface SweepOptions {
  queue: QueueAddress;
  /** Tries per job before it counts as failed (default 3); runs failing on bad input get one. */
  attempts?: number;
  /** Delay before the first retry, doubled for each further one (s; default 10). */
  retrySeconds?: number;
  /** How often the jobs' states are read (ms; default 1000). */
  pollMs?: number;
  /** A note for people, e.g. that no worker is connected yet. */
  onNote?: (text: string) => void;
}

/** Finished jobs are kept this long (s), so that a sweep stopped while waiting gathers them later. */
const KEEP_SECONDS = 30 * 24 * 3600;
/** How long the queue may not answer before the sweep says so (ms). */
const SILENCE_MS = 15_000;
/** How often the sweep looks whether any worker is still connected (ms). */
const WORKERS_CHECK_MS = 5_000;

interface Enqueued {
  run: RunSpec;
  job: RunJob;
  id: string;
  /** Its job had finished already when this sweep put it on the queue (kept from an earlier sweep). */
  finishedEarlier?: boolean;
}

/**
 * The `RunsElsewhere` of `reproduce` that puts the runs on the queue at `options.queue` and waits for
 * their results. It rejects with a UserError listing the runs that failed (after saving every other
 * result), when Redis cannot be reached, or when it refuses a command (out of memory: maxmemory reached).
 */
export function onQueue(options: SweepOptions): RunsElsewhere {
  return async (runs, context) => {
    // BullMQ (a quarter of a second to load) is loaded by the queue commands only, not at every command's start
    const { Queue } = await import("bullmq");
    const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(options.queue) });
    queue.on("error", () => {}); // reconnects are BullMQ's business; `reachable` reports a dead address
    try {
      await reachable(queue, options.queue);
      const enqueued = runs.map((run): Enqueued => {
        const job = runJob(context.space, context.target, context.labels, run);
        return { run, job, id: runJobId(job) };
      });
      for (const item of enqueued) await enqueue(queue, item, options);
      // runs whose jobs finished already wait for no worker: with all of them so, the note said "the 2
      // runs wait" and the next line had them done
      const left = enqueued.filter((item) => !item.finishedEarlier).length;
      const noWorkers = left > 0 && (await queue.getWorkersCount()) === 0;
      if (noWorkers)
        options.onNote?.(
          `no worker is connected to ${options.queue.shown} yet: the ${left} runs wait for \`nas-assay worker --queue ${options.queue.shown}\``,
        );
      const failures = await gather(queue, enqueued, options, context, noWorkers);
      if (failures.length > 0) {
        const shown = failures.slice(0, 3).map((f) => `${describeRun(f.item.job)}: ${f.reason}`);
        throw new UserError(
          `${failures.length} of ${runs.length} runs failed on the queue (the other results are saved): ${shown.join("; ")}` +
            `${failures.length > 3 ? `; … (nas-assay queue status --queue ${options.queue.shown} lists them)` : ""}`,
        );
      }
    } catch (e) {
      throw refusedByRedis(e, options.queue);
    } finally {
      await queue.close().catch(() => {});
    }
  };
}

/**
 * Adds a run's job unless it is there. A job that failed before is replaced by a new one (this sweep's
 * payload, all its attempts): what made it fail — a worker's data, a bug — may have been fixed since.
 */
async function enqueue(queue: Queue, item: Enqueued, options: SweepOptions): Promise<void> {
  const { Job } = await import("bullmq");
  const existing = await Job.fromId(queue, item.id);
  const state = existing ? await existing.getState() : undefined;
  if (state === "failed") await existing?.remove();
  else if (existing) {
    if (state === "completed") item.finishedEarlier = true;
    return;
  }
  await queue.add(describeRun(item.job), item.job, {
    jobId: item.id,
    attempts: options.attempts ?? 3,
    backoff: { type: "exponential", delay: (options.retrySeconds ?? 10) * 1000 },
    removeOnComplete: { age: KEEP_SECONDS },
    removeOnFail: { age: KEEP_SECONDS },
  });
}

/**
 * Polls the jobs until each has a result or has failed for good; returns the failures. `noWorkers`: no
 * worker was connected when the sweep began (and that was said).
 */
async function gather(
  queue: Queue,
  enqueued: Enqueued[],
  options: SweepOptions,
  context: Parameters<RunsElsewhere>[1],
  noWorkers: boolean,
): Promise<{ item: Enqueued; reason: string }[]> {
  const waiting = new Map(enqueued.map((item) => [item.id, item]));
  const failures: { item: Enqueued; reason: string }[] = [];
  const pollMs = options.pollMs ?? 1000;
  const { Job } = await import("bullmq");
  // Redis gone mid-sweep: BullMQ's calls wait for it to come back, and the sweep waited without a word
  let answeredAt = performance.now();
  let silent = false;
  const watchdog = setInterval(() => {
    if (silent || performance.now() - answeredAt < SILENCE_MS) return;
    silent = true;
    options.onNote?.(
      `the queue at ${options.queue.shown} has not answered for ${Math.round(SILENCE_MS / 1000)} s: waiting for it ` +
        "(the runs finished so far are saved; Ctrl-C stops, and the same command resumes)",
    );
  }, 1000);
  // after each answer, not each round: a round over thousands of jobs may itself take 15 s
  const answered = () => {
    answeredAt = performance.now();
    if (!silent) return;
    silent = false;
    options.onNote?.(`the queue at ${options.queue.shown} answers again`);
  };
  try {
    return await poll();
  } finally {
    clearInterval(watchdog);
  }

  async function poll(): Promise<{ item: Enqueued; reason: string }[]> {
    // the last workers gone (stopped, or a worker without the benchmark files, which hands its job back
    // and stops): the runs left wait, and the sweep said nothing
    let workersSeenAt = performance.now();
    let workersGone = noWorkers; // said already
    while (waiting.size > 0) {
      if (performance.now() - workersSeenAt > WORKERS_CHECK_MS) {
        workersSeenAt = performance.now();
        const workers = await queue.getWorkersCount();
        if (workers === 0 && !workersGone)
          options.onNote?.(
            `no worker is connected to ${options.queue.shown} any more: the ${waiting.size} runs left wait for \`nas-assay worker --queue ${options.queue.shown}\``,
          );
        workersGone = workers === 0;
      }
      for (const [id, item] of waiting) {
        // the state first: a job read after its state says finished holds all its outcome
        const state = await queue.getJobState(id);
        const job = await Job.fromId(queue, id);
        answered();
        if (!job || state === "unknown") {
          // removed by hand (e.g. queue obliterated) while we waited: put it back
          await enqueue(queue, item, options);
          continue;
        }
        if (state === "completed") {
          let result: SeedResult;
          try {
            result = parseSeedResult(job.returnvalue, item.job);
          } catch (e) {
            if (!(e instanceof BadJobError)) throw e;
            failures.push({ item, reason: e.message });
            waiting.delete(id);
            continue;
          }
          waiting.delete(id);
          context.onResult(item.run, result, item.finishedEarlier === true);
        } else if (state === "failed") {
          waiting.delete(id);
          failures.push({
            item,
            reason: `${inOurWords(job.failedReason)} (after ${job.attemptsMade} attempt(s))`,
          });
        } else if (typeof job.progress === "number") context.onProgress(item.run, job.progress);
      }
      if (waiting.size > 0) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return failures;
  }
}
