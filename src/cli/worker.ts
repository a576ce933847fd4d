/** `nas-assay worker`: runs experiment runs from a job queue until stopped (Ctrl-C / SIGTERM). */
import { Command, Option } from "commander";
import { queueAddress } from "../queue/address.js";
import {
  DEFAULT_LOCK_SECONDS,
  DEFAULT_STALLED_SECONDS,
  runUntilStopped,
  type WorkerEvent,
} from "../queue/worker.js";
import { globals } from "./context.js";
import { integerFlag } from "./flag-values.js";
import { queueGiven, queueOption, secondsOption } from "./queue-options.js";

export function workerCommand(): Command {
  return new Command("worker")
    .description(
      "run experiment runs that `reproduce … --queue` put on a Redis job queue, until stopped: " +
        "the first Ctrl-C (or SIGTERM) lets the running runs finish, a second stops at once",
    )
    .addOption(queueOption().env("NAS_ASSAY_QUEUE").makeOptionMandatory())
    .addOption(
      new Option(
        "--concurrency <n>",
        "runs at once (each takes one core): an integer ≥ 1; more than the cores run as that many",
      )
        .argParser(integerFlag(1))
        .default(1),
    )
    .addOption(
      secondsOption(
        "--lock-seconds <s>",
        "a job whose worker stops renewing its lock for this long is given to another worker",
        DEFAULT_LOCK_SECONDS,
      ),
    )
    .addOption(
      secondsOption("--stalled-seconds <s>", "how often to look for such jobs", DEFAULT_STALLED_SECONDS),
    )
    .addHelpText(
      "after",
      "\nExample:\n  nas-assay --data /srv/nas-data worker --queue redis://queue-host:6379 --concurrency 2",
    )
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const options = globals(cmd);
      await runUntilStopped({
        queue: queueAddress(String(opts.queue), queueGiven(cmd)),
        data: options.dataDir,
        concurrency: opts.concurrency as number,
        lockSeconds: opts.lockSeconds as number,
        stalledSeconds: opts.stalledSeconds as number,
        onEvent: (event) =>
          process.stdout.write(`${options.json ? JSON.stringify(event) : describeEvent(event)}\n`),
      });
      // stopped, and said so: BullMQ's timers (its stalled-job check, its lock renewal) outlive a close
      // that gave up on a Redis that is down, and kept the process alive for ever. The output is
      // delivered first (an empty write's callback runs after everything queued before it)
      const delivered = (stream: NodeJS.WriteStream) =>
        new Promise<void>((resolve) => stream.write("", () => resolve()));
      await Promise.all([delivered(process.stdout), delivered(process.stderr)]);
      process.exit(process.exitCode ?? 0);
    });
}

function describeEvent(event: WorkerEvent): string {
  switch (event.event) {
    case "ready":
      return `worker ${event.worker} ready on ${event.queue}, ${event.concurrency} run(s) at once`;
    case "started":
      return `started ${event.run} (job ${event.job})`;
    case "finished":
      return `finished ${event.run} in ${event.seconds} s (job ${event.job})`;
    case "refused":
      return `refused job ${event.job}: ${event.reason}`;
    case "failed":
      return `failed ${event.run ?? `job ${event.job}`}: ${event.reason}${event.retry ? " (to be retried)" : ""}`;
    case "lacking":
      return `job ${event.job} (${event.run}) went back to the queue: this machine lacks its benchmark files`;
    case "requeued":
      return `job ${event.job} had lost its worker: back in the queue`;
    case "error":
      return `queue error: ${event.reason}`;
    case "stopping":
      return event.force
        ? `stopping now; ${event.running} running run(s) go back to the queue when their lock expires`
        : `stopping after the ${event.running} running run(s) finish (Ctrl-C again to stop now)`;
    case "stopped":
      return "stopped";
  }
}
