/** Flags of the job-queue commands (`worker`, `queue status`, `reproduce --queue`), checked while parsing. */
import { Option } from "commander";
import { UserError } from "../errors.js";
import { parsedBy } from "./options.js";

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

/** A number of seconds ≥ 0.5. */
export function secondsOption(flags: string, help: string, fallback: number): Option {
  return new Option(flags, help)
    .argParser(
      parsedBy((text) => {
        const n = Number(text);
        if (text.trim() === "" || !Number.isFinite(n) || n < 0.5)
          throw new UserError("expected seconds ≥ 0.5");
        return n;
      }),
    )
    .default(fallback);
}
