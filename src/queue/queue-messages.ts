/**
 * BullMQ's own messages in nas-assay's words. BullMQ speaks of its internals (locks, stalled counts,
 * the Lua command that failed); a user of `reproduce --queue`, `worker` or `queue status` needs what
 * happened to the run and what to do. Messages not listed here are passed on as they are.
 */

/**
 * How many times a job may lose its worker and go back to the queue (BullMQ's maxStalledCount): a
 * second loss fails it, since a run that kills its worker (memory) would otherwise kill them all, one
 * after another.
 */
export const MAX_STALLED_COUNT = 1;

const TRANSLATIONS: [RegExp, (match: RegExpMatchArray) => string][] = [
  [
    // BullMQ's commands are Lua scripts: the reply names the script's hash and line, which differ from
    // one command to the next (so the worker's once-a-minute report repeated it every second)
    /^OOM command not allowed when used memory > 'maxmemory'/,
    () =>
      "Redis is out of memory: its maxmemory is reached, and (with maxmemory-policy noeviction, which a " +
      "queue needs) it refuses every write; free memory or raise maxmemory on the Redis server",
  ],
  [
    /^job stalled more than allowable limit$/,
    () =>
      `its worker was lost ${MAX_STALLED_COUNT + 1} times (killed, frozen, or cut off from Redis past the job's lock): ` +
      "given up, so that a run that brings its worker down does not go round every worker; running the sweep again retries it",
  ],
  [
    /^could not renew lock for job (\S+)$/,
    (m) =>
      `could not renew the lock of job ${m[1]} (Redis unreachable or restarted): if that lasts past the lock, ` +
      "the job goes back to the queue and runs again",
  ],
  [
    /^Missing lock for job (\S+)\. (moveToFinished|moveToCompleted)\b/,
    (m) =>
      `the result of job ${m[1]} was not recorded: this worker had lost the job's lock (Redis restarted, or the ` +
      "lock expired), so the job went back to the queue and runs again",
  ],
  [
    /^Missing lock for job (\S+)\. (\w+)/,
    (m) =>
      `the outcome of job ${m[1]} was not recorded: this worker had lost the job's lock (Redis restarted, or the ` +
      "lock expired), so the job went back to the queue and runs again",
  ],
  [
    /^Lock mismatch for job (\S+)\./,
    (m) =>
      `job ${m[1]} had been taken over by another worker (this one's lock on it expired): this worker's outcome ` +
      "of it was dropped",
  ],
  [
    /^Missing key for job (\S+)\./,
    (m) =>
      `job ${m[1]} was removed from the queue while it ran (the queue emptied by hand, or the job kept past its time): ` +
      "its outcome was dropped",
  ],
];

/** `message` (a BullMQ error or a job's failedReason) in nas-assay's words; other messages unchanged. */
export function inOurWords(message: string): string {
  for (const [pattern, words] of TRANSLATIONS) {
    const match = message.match(pattern);
    if (match) return words(match);
  }
  return message;
}
