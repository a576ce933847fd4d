/**
 * How many threads this process's numeric work may use (NAS_ASSAY_THREADS). Apart from backend.ts so that
 * reading it loads no tfjs: the command line checks it at every start, and requiring tfjs took about
 * 0.18 s of each `tell`'s 0.45 s (2 cores), where `tell` needs no tensor at all.
 */
import { availableParallelism } from "node:os";
import { UserError } from "../errors.js";

let threadBudget: number | undefined;

/**
 * How many threads this process's own numeric work may use: NAS_ASSAY_THREADS, else every core up to 2
 * (what the assessor's helper thread and the scoring thread can use). Set to 1 where several jobs
 * already share the cores. Throws UserError when NAS_ASSAY_THREADS is set to anything but a positive
 * integer (it was read with parseInt and ignored when bad: "one" and "0" meant every core).
 */
export function threads(): number {
  if (threadBudget !== undefined) return threadBudget;
  const given = process.env.NAS_ASSAY_THREADS;
  if (given === undefined || given === "") return Math.min(2, availableParallelism());
  if (!/^[1-9][0-9]*$/.test(given))
    throw new UserError(
      `NAS_ASSAY_THREADS must be a positive integer (the threads a process may use; 1 or 2 matter), got ${JSON.stringify(given)}`,
    );
  return Number(given);
}

/** Overrides `threads()` for this thread (e.g. 1 inside a worker that is one of several jobs). */
export function setThreads(count: number): void {
  threadBudget = Math.max(1, Math.floor(count));
}
