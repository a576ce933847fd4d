/** `nas-assay queue status`: how many runs wait, run, are done or failed, and who works on them. */
import {
  connectionOptions,
  databaseIndex,
  QUEUE_NAME,
  type QueueAddress,
  reachable,
  refusedByRedis,
} from "./address.js";
import { inOurWords } from "./queue-messages.js";

export interface QueueStatus {
  /** The Redis URL without its password. */
  queue: string;
  /** Jobs not started yet, including those waiting for a retry. */
  waiting: number;
  /** Jobs a worker is running now. */
  running: number;
  done: number;
  /** Jobs failed for good (refused, or out of attempts). */
  failed: number;
  /** Workers connected now (host:pid). */
  workers: string[];
  /** The most recently failed jobs (at most 10): the run and why. */
  failures: { run: string; reason: string; attempts: number }[];
}

/**
 * Reads the queue's counts.
 * @throws UserError when Redis cannot be reached within 10 s, or refuses a command (e.g. an ACL user
 *   without the right to read the queue).
 */
export async function queueStatus(address: QueueAddress): Promise<QueueStatus> {
  // BullMQ (a quarter of a second to load) is loaded by the queue commands only, not at every command's start
  const { Queue } = await import("bullmq");
  const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(address) });
  queue.on("error", () => {});
  try {
    await reachable(queue, address);
    const counts = await queue.getJobCounts();
    const workers = await queue.getWorkers();
    const failed = await queue.getFailed(0, 9);
    return {
      queue: address.shown,
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0),
      running: counts.active ?? 0,
      done: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      // BullMQ names a worker's connection PREFIX:QUEUE:w:NAME (NAME: host:pid, see startWorker)
      // Redis's client list is server-wide: a worker of the same queue name on another database is not ours
      workers: [
        ...new Set(
          workers
            .filter((w) => w.db === undefined || w.db === String(databaseIndex(address)))
            .map((w) => w.rawname?.split(":w:")[1] ?? "(unnamed)"),
        ),
      ],
      failures: failed.map((job) => ({
        run: job.name,
        reason: inOurWords(job.failedReason),
        attempts: job.attemptsMade,
      })),
    };
  } catch (e) {
    throw refusedByRedis(e, address);
  } finally {
    await queue.close().catch(() => {});
  }
}
