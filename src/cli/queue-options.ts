/** Flags of the job-queue commands (`worker`, `queue status`, `reproduce --queue`), checked while parsing. */
import type { Command } from "commander";
import { Option } from "commander";
import { MAX_TIMER_SECONDS } from "../queue/worker.js";
import { realFlag } from "./flag-values.js";

/**
 * `--queue redis://…`. Checked by the command (`queueAddress`), not while parsing: commander's message
 * for a bad value repeats the value, password included. `worker` and `queue status` also read it from
 * $NAS_ASSAY_QUEUE, which keeps a password out of the process list.
 */
export function queueOption(
  help = "Redis URL of the job queue (redis://[user:password@]host:6379[/db], rediss:// for TLS)",
): Option {
  return new Option("--queue <url>", help);
}

/** A number of seconds ≥ 0.5 (a decimal number). */
export function secondsOption(flags: string, help: string, fallback: number): Option {
  return new Option(flags, help).argParser(realFlag({ min: 0.5, max: MAX_TIMER_SECONDS })).default(fallback);
}

/** Where a command's `--queue` came from, for its messages: `NAS_ASSAY_QUEUE` when read from there. */
export function queueGiven(command: Command): string {
  return command.getOptionValueSource("queue") === "env" ? "NAS_ASSAY_QUEUE" : "--queue";
}
