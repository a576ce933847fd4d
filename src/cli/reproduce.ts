/** `nas-assay reproduce NAME`: one of the paper's experiments, resumable, written as NAME.md/.json/.svg. */
import { Argument, Command } from "commander";
import { UserError } from "../errors.js";
import { EXPERIMENTS, type ExperimentName } from "../experiments/experiments.js";
import { reproduce } from "../experiments/reproduce.js";
import { queueAddress } from "../queue/address.js";
import { onQueue } from "../queue/sweep.js";
import { spaceName } from "../spaces/registry.js";
import { globals, note, print } from "./context.js";
import { spaceOption } from "./options.js";
import { withProgress } from "./progress.js";
import { queueOption } from "./queue-options.js";

export function reproduceCommand(): Command {
  return new Command("reproduce")
    .description(
      "run one of the paper's experiments (table1, table4, fig5, fig2) or the label-budget comparison (budget); " +
        "finished runs are kept in OUT/NAME.json, so an interrupted run resumes where it stopped",
    )
    .addArgument(new Argument("<name>", "experiment").choices(EXPERIMENTS))
    .addOption(spaceOption())
    .option("--seeds <list>", "comma-separated seeds (default 0-4, or 0-2 with --quick)")
    .option("--jobs <n>", "runs in parallel worker threads", "1")
    .option("--quick", "fewer seeds and the small N_l only, for a first look")
    .option("--out <dir>", "folder for NAME.json, NAME.md and the figures", "reproduce")
    .addOption(
      queueOption(
        "put the runs on this Redis job queue (redis://host:6379) for `nas-assay worker`s to run, and gather their results",
      ),
    )
    .addHelpText(
      "after",
      "\nExample:\n  nas-assay reproduce table1 --quick --jobs 2 --out results\n" +
        "  nas-assay reproduce budget --queue redis://queue-host:6379 --out results   # runs on `nas-assay worker`s",
    )
    .action(
      async (name: ExperimentName, opts: Record<string, string | boolean | undefined>, cmd: Command) => {
        const options = globals(cmd);
        let seeds: number[] | undefined;
        if (typeof opts.seeds === "string") {
          seeds = opts.seeds.split(",").map((s) => Number(s.trim()));
          if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0))
            throw new UserError(
              `--seeds must be non-negative integers separated by commas, got "${opts.seeds}"`,
            );
        }
        const jobs = Number(opts.jobs);
        if (!Number.isInteger(jobs) || jobs < 1)
          throw new UserError(`--jobs must be a positive integer, got "${opts.jobs}"`);
        const summary = await withProgress(options, name, "runs", (update) =>
          reproduce(name, {
            space: spaceName(String(opts.space)),
            data: options.dataDir,
            out: String(opts.out),
            seeds,
            quick: opts.quick === true,
            jobs,
            onProgress: update,
            elsewhere: opts.queue
              ? onQueue({ queue: queueAddress(String(opts.queue)), onNote: (text) => note(options, text) })
              : undefined,
          }),
        );
        print(options, summary, () =>
          [
            `${summary.experiment}: ${summary.runs} runs (${summary.ranNow} run now, ${summary.borrowed} taken from other experiments' results here, the rest from earlier), ` +
              `${Math.round(summary.wallSeconds)} s of wall time in runs`,
            ...summary.files.map((f) => `  wrote ${f}`),
          ].join("\n"),
        );
      },
    );
}
