/** `nas-assay reproduce NAME`: one of the paper's experiments, resumable, written as NAME.md/.json/.svg. */

import { join } from "node:path";
import { Argument, Command } from "commander";
import { UserError } from "../errors.js";
import { EXPERIMENTS, type ExperimentName } from "../experiments/experiments.js";
import { checkReproduceOutput, reproduce, runCountsLine } from "../experiments/reproduce.js";
import { queueAddress } from "../queue/address.js";
import { onQueue } from "../queue/sweep.js";
import type { SpaceName } from "../spaces/registry.js";
import { globals, note, print } from "./context.js";
import { sayOnInterrupt } from "./interrupt.js";
import { jobsOption, seedsOf, spaceOption, withSeedOptions } from "./options.js";
import { withCounted } from "./progress.js";
import { queueOption } from "./queue-options.js";

export function reproduceCommand(): Command {
  const command = new Command("reproduce")
    .description(
      "run one of the paper's experiments (table1, table4, fig5, fig2) or the label-budget comparison (budget); " +
        "finished runs are kept in OUT/NAME.json, so an interrupted run resumes where it stopped",
    )
    .addArgument(new Argument("<name>", "experiment").choices(EXPERIMENTS))
    .addOption(spaceOption());
  withSeedOptions(command, undefined, "0-4, or 0-2 with --quick")
    .addOption(
      jobsOption(
        "runs",
        "the runs left",
        1,
        "; not with --queue, whose workers run them (each its --concurrency)",
      ),
    )
    .option("--quick", "fewer seeds and the small N_l only, for a first look")
    .option("--out <dir>", "folder for NAME.json, NAME.md and the figures", "reproduce")
    .addOption(
      queueOption(
        "put the runs on this Redis job queue (redis://host:6379) for `nas-assay worker`s to run, and gather their results",
      ),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay reproduce table1 --quick --jobs 2 --out results\n" +
        "  nas-assay reproduce table4 --space nb201 --seeds 5-9 --out results   # seeds 5 to 9\n" +
        "  nas-assay reproduce budget --queue redis://queue-host:6379 --out results   # runs on `nas-assay worker`s",
    );
  return command.action(async (name: ExperimentName, opts: Record<string, unknown>, cmd: Command) => {
    const options = globals(cmd);
    // taken in silence, --jobs 2 looked like two runs at a time on the queue
    if (opts.queue !== undefined && cmd.getOptionValueSource("jobs") === "cli")
      throw new UserError(
        `--jobs is not read with --queue: the workers run the runs, each taking as many at once as its --concurrency; drop --jobs, or drop --queue to run them here`,
      );
    checkReproduceOutput(name, String(opts.out), "--out");
    const seeds = seedsOf(opts);
    // Figure 2 is one run per predictor, of the first seed: the others were dropped without a word
    if (name === "fig2" && seeds !== undefined && seeds.length > 1)
      note(
        options,
        `fig2 draws its figure from one seed: seed ${seeds[0]} runs, ${seeds.length === 2 ? "seed" : "seeds"} ${seeds.slice(1).join(",")} ${seeds.length === 2 ? "does" : "do"} not`,
      );
    const file = join(String(opts.out), `${name}.json`);
    const interrupted = sayOnInterrupt(() =>
      opts.queue === undefined
        ? `the runs finished so far are saved in ${file}; run the same command again to do the rest (finished runs are not redone)`
        : `the runs stay on the queue, where the workers go on with them; run the same command again to gather their results into ${file}`,
    );
    const summary = await withCounted(options, name, "runs", (update) =>
      reproduce(name, {
        space: opts.space as SpaceName,
        data: options.dataDir,
        out: String(opts.out),
        seeds,
        quick: opts.quick === true,
        jobs: opts.jobs as number,
        onProgress: update,
        elsewhere:
          opts.queue === undefined
            ? undefined
            : onQueue({ queue: queueAddress(String(opts.queue)), onNote: (text) => note(options, text) }),
      }),
    );
    interrupted();
    print(options, summary, () =>
      [
        runCountsLine(summary),
        ...(summary.labeledCells < summary.spaceCells
          ? [
              `  labels and test cells drawn from the ${summary.labeledCells} labeled cells only (${summary.labeledCells} of ${summary.spaceCells} cells have labels)`,
            ]
          : []),
        ...(summary.unverifiedRuns
          ? [
              `  ${summary.unverifiedRuns} runs of ${String(opts.out)}/${summary.experiment}.json were saved before results files recorded the labels' fingerprint: taken as made on this data (remove the file to run them again)`,
            ]
          : []),
        ...(summary.unstampedRuns
          ? [
              `  ${summary.unstampedRuns} runs of ${String(opts.out)}/${summary.experiment}.json were saved before results files recorded the predictors' defaults: taken as made with this nas-assay's (remove the file to run them again)`,
            ]
          : []),
        ...summary.files.map((f) => `  wrote ${f}`),
      ].join("\n"),
    );
  });
}
