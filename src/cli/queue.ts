/** `nas-assay queue status`: the job queue's counts (waiting, running, done, failed) and its workers. */
import { Command } from "commander";
import { queueAddress } from "../queue/address.js";
import { queueStatus } from "../queue/status.js";
import { globalsWithoutData, print } from "./context.js";
import { queueGiven, queueOption } from "./queue-options.js";

const EXAMPLE = "nas-assay queue status --queue redis://queue-host:6379";

export function queueCommand(): Command {
  const status = new Command("status")
    .description("how many runs wait, run, are done or failed on the queue, and which workers are connected")
    .addOption(queueOption().env("NAS_ASSAY_QUEUE").makeOptionMandatory())
    .addHelpText("after", `\nExample:\n  ${EXAMPLE}`)
    .action(async (opts: { queue: string }, cmd: Command) => {
      const options = globalsWithoutData(
        cmd,
        "it reads the queue's state from Redis; the workers read their own --data",
      );
      const s = await queueStatus(queueAddress(opts.queue, queueGiven(cmd)));
      print(options, s, () =>
        [
          `${s.queue}: ${s.waiting} waiting, ${s.running} running, ${s.done} done, ${s.failed} failed; ${s.workers.length} worker(s) connected`,
          ...s.workers.map((w) => `  worker ${w}`),
          ...s.failures.map((f) => `  failed ${f.run} (${f.attempts} attempt(s)): ${f.reason}`),
        ].join("\n"),
      );
    });
  return new Command("queue")
    .addHelpText("after", `\nExample:\n  ${EXAMPLE}`)
    .description("the Redis job queue of `reproduce --queue` and `worker`")
    .addCommand(status);
}
