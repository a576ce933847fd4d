/** `nas-assay simulate`: the ask/tell loop against a table of evaluated architectures, beside random search and evolution. */
import { Command } from "commander";
import { checkOutputFile, SVG_DRAWING } from "../data/output-path.js";
import { drawingRefused } from "../experiments/plots.js";
import type { Method } from "../predictors/registry.js";
import { simulateText } from "../report/simulate-tables.js";
import { DEFAULT_ASK, maxAskCount } from "../study/ask-strategy.js";
import { DEFAULT_BATCH, type SimulateResult, simulate } from "../study/simulate.js";
import { globalsWithoutData, print, warnAll, warnOfDirection } from "./context.js";
import { integerFlag, nonEmptyFlag, TARGET_NAME } from "./flag-values.js";
import { jobsOption, methodOption, seedsOf, valueScaleOption, withSeedOptions } from "./options.js";
import { withProgress } from "./progress.js";

export function simulateCommand(): Command {
  const command = new Command("simulate")
    .description(
      "play the ask/tell loop against a table of evaluated architectures (your own benchmark), with random " +
        "search and regularized evolution on the same seeds; a table that does not cover the space restricts " +
        "every strategy to its architectures",
    )
    .requiredOption(
      "--space <spec.json>",
      "the space spec file (kinds: choices, edge-cell, vertex-cell), or a built-in space: nb101, nb201",
    )
    .requiredOption(
      "--table <all.csv>",
      "evaluated architectures, CSV or JSON Lines: their columns and the target column",
      nonEmptyFlag("a results file (CSV or JSON Lines)"),
    )
    .requiredOption("--target <column>", "the column to optimize", nonEmptyFlag(TARGET_NAME))
    .option("--minimize", "lower values are better")
    .addOption(valueScaleOption())
    .option("--budget <n>", "architectures evaluated per run", integerFlag(1), 100)
    .option(
      "--step <n>",
      "architectures asked for and trained per round (one predictor fit per ask), as search --strategy active --step",
      integerFlag(1, maxAskCount(DEFAULT_ASK)),
      DEFAULT_BATCH,
    )
    .addOption(jobsOption("seeds", "the seeds"))
    .addOption(methodOption(`the predictor ask refits (default ${DEFAULT_ASK.method})`, null))
    .option("--plot <sim.svg>", "also draw the three mean best-so-far curves")
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay simulate --space my201.json --table cifar100.csv --target test_acc --budget 100 --seeds 0-19 --jobs 2 --plot sim.svg",
    );
  return withSeedOptions(command, 20).action(
    async (
      opts: {
        space: string;
        table: string;
        target: string;
        minimize?: boolean;
        scale?: "fraction" | "percent" | "none";
        budget: number;
        step: number;
        seeds?: number[];
        seedCount?: number;
        jobs: number;
        method?: Method;
        plot?: string;
      },
      cmd: Command,
    ) => {
      const options = globalsWithoutData(cmd, "it reads its space from --space and its values from --table");
      if (opts.plot !== undefined)
        checkOutputFile(opts.plot, "--plot", SVG_DRAWING, [
          { flag: "--table", path: opts.table },
          { flag: "--space", path: opts.space },
        ]);
      const seeds = seedsOf(opts) ?? [];
      const { result, restrictedToTable, averaged, warnings } = await withProgress(
        options,
        "simulate",
        "%",
        (update) =>
          simulate(
            {
              specFile: opts.space,
              tableFile: opts.table,
              target: opts.target,
              minimize: opts.minimize,
              scale: opts.scale,
              budget: opts.budget,
              batch: opts.step,
              ask: opts.method ? { method: opts.method } : {},
            },
            seeds,
            opts.jobs,
            (d) => update(d * 100, 100),
          ),
      );
      // the runs took minutes to hours: a drawing the system refuses at the end (a full disk) loses them
      // not, they are printed first and the refusal said after them
      const unwritten = opts.plot ? await drawingRefused(opts.plot, curvesPlot(result)) : undefined;
      // the warnings stderr carries, in the JSON too (as tell's and study create's)
      print(options, warnings.length > 0 ? { ...result, warnings } : result, () =>
        simulateText(result, restrictedToTable, unwritten ? undefined : opts.plot),
      );
      // said under --json too (stderr): an import of the same table refuses such rows
      if (averaged > 0)
        process.stderr.write(
          `nas-assay: note: ${averaged} architecture${averaged === 1 ? "" : "s"} of ${opts.table} ${averaged === 1 ? "has" : "have"} several rows; ` +
            "each was simulated with the mean of its values (an import into a study refuses rows of one architecture with different values)\n",
        );
      warnAll(warnings);
      warnOfDirection(opts.target, opts.minimize ? "minimize" : "maximize");
      if (unwritten) throw unwritten;
    },
  );
}

function curvesPlot(result: SimulateResult): Record<string, unknown> {
  const values = (["ask", "random", "evolution"] as const).flatMap((strategy) =>
    result.strategies[strategy].curve.map((best, k) => ({ strategy, evaluated: k + 1, best })),
  );
  return {
    title: `Best ${result.target} found (mean of ${result.seeds.length} seeds), ${result.space}`,
    width: 420,
    height: 280,
    data: { values },
    mark: "line",
    encoding: {
      x: { field: "evaluated", type: "quantitative", title: "architectures evaluated" },
      y: {
        field: "best",
        type: "quantitative",
        title: `best ${result.target} so far`,
        scale: { zero: false },
      },
      color: { field: "strategy", type: "nominal" },
    },
  };
}
