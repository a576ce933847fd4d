/**
 * `nas-assay search`: predictor-guided evolutionary search (the paper's Table 2 protocol), or active
 * search against random search and regularized evolution (`--strategy active`).
 */
import { Command, Option } from "commander";
import { writeFileAtomic } from "../data/atomic-file.js";
import { checkOutputFile } from "../data/output-path.js";
import { UserError } from "../errors.js";
import { renderSvg } from "../experiments/plots.js";
import { methodName } from "../predictors/registry.js";
import {
  type ActiveSearchResult,
  compareStrategiesOverSeeds,
  DEFAULT_ACTIVE,
} from "../search/active-search.js";
import { DEFAULT_EVOLUTION } from "../search/evolution.js";
import { DEFAULT_NEIGHBOURHOOD } from "../search/neighbourhood.js";
import { predictorSearch } from "../search/predictor-search.js";
import { spaceName } from "../spaces/registry.js";
import { globals, print } from "./context.js";
import { methodOption, spaceOption } from "./options.js";
import { withProgress } from "./progress.js";

/** "20" → seeds 0..19; "3,5,8" → those seeds. */
export function seedList(text: string): number[] {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    if (n < 1) throw new UserError(`--seeds must be a count ≥ 1 or a comma-separated list, got "${text}"`);
    return Array.from({ length: n }, (_, i) => i);
  }
  const seeds = trimmed.split(",").map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new UserError(
      `--seeds must be a count or non-negative integers separated by commas, got "${text}"`,
    );
  return seeds;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got "${text}"`);
  return n;
}

export function searchCommand(): Command {
  return new Command("search")
    .description(
      "train a predictor on N_l random labeled cells, search the space with it as fitness, and report the " +
        "best true accuracy among the top cells it finds (and among the top cells of the whole space by " +
        "prediction); or, with --strategy active, train cells a few at a time where the predictor points",
    )
    .addOption(spaceOption())
    .addOption(
      methodOption(
        "predictor (default: ssa; with --strategy active, mlp, which is refitted every round: ssa would " +
          "take a minute a round)",
        null,
      ),
    )
    .option("--labels <n>", "labeled cells per seed", "1000")
    .option("--target <name>", "label to predict (default: the benchmark's test accuracy)")
    .option("--seeds <n|list>", "number of seeds (0..n-1) or a comma-separated list", "20")
    .option("--jobs <n>", "seeds run in parallel worker threads", "1")
    .option(
      "--evaluations <n>",
      "distinct cells the predictor scores in a search",
      String(DEFAULT_EVOLUTION.evaluations),
    )
    .option("--population <n>", "population size", String(DEFAULT_EVOLUTION.population))
    .option("--tournament <n>", "tournament size", String(DEFAULT_EVOLUTION.tournament))
    .option("--batch <n>", "children per round", String(DEFAULT_EVOLUTION.batch))
    .option(
      "--crossover <p>",
      "probability of a crossover child (0 = regularized evolution)",
      String(DEFAULT_EVOLUTION.crossover),
    )
    .option("--top <n>", "cells trained at the end (the top by prediction)", "10")
    .option(
      "--neighbourhood <weight>",
      `choose the top among the ${DEFAULT_NEIGHBOURHOOD.candidates} predicted best by own prediction + weight × the mean ` +
        "prediction of their mutations (0: by own prediction only, as the paper)",
      String(DEFAULT_NEIGHBOURHOOD.weight),
    )
    .addOption(
      new Option(
        "--strategy <name>",
        "evolution: the paper's protocol; active: active search vs random and evolution",
      )
        .choices(["evolution", "active"])
        .default("evolution"),
    )
    .option("--budget <n>", "active: cells trained in all", String(DEFAULT_ACTIVE.budget))
    .option("--initial <n>", "active: cells trained at random first", String(DEFAULT_ACTIVE.initial))
    .option("--step <n>", "active: cells trained per round", String(DEFAULT_ACTIVE.step))
    .option(
      "--exploration <p>",
      "active: share of each round drawn at random",
      String(DEFAULT_ACTIVE.exploration),
    )
    .option(
      "--candidates <n>",
      "active: cells scored per round in a large space",
      String(DEFAULT_ACTIVE.candidates),
    )
    .option("--plot <file.svg>", "active: also draw the three curves")
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay search --space nb101 --method ssa --labels 1000 --seeds 20 --jobs 2 --json\n" +
        "  nas-assay search --strategy active --budget 150 --seeds 20 --jobs 2 --plot active.svg",
    )
    .action(async (opts: Record<string, string>, cmd: Command) => {
      if (opts.strategy === "active") return activeAction(opts, cmd);
      const options = globals(cmd);
      const crossover = Number(opts.crossover);
      if (!(crossover >= 0 && crossover <= 1))
        throw new UserError(`--crossover must be in [0, 1], got "${opts.crossover}"`);
      const weight = Number(opts.neighbourhood);
      if (!(Number.isFinite(weight) && weight >= 0))
        throw new UserError(`--neighbourhood must be a number ≥ 0, got "${opts.neighbourhood}"`);
      const result = await withProgress(options, "search", "%", (update) =>
        predictorSearch(
          {
            ...searched(opts, options, "ssa"),
            labels: positiveInteger("--labels", opts.labels),
            top: positiveInteger("--top", opts.top),
            neighbourhood: { weight },
            evolution: {
              evaluations: positiveInteger("--evaluations", opts.evaluations),
              population: positiveInteger("--population", opts.population),
              tournament: positiveInteger("--tournament", opts.tournament),
              batch: positiveInteger("--batch", opts.batch),
              crossover,
            },
          },
          seedList(opts.seeds),
          positiveInteger("--jobs", opts.jobs),
          (d) => update(d * 100, 100),
        ),
      );
      const pct = (s: { mean: number; std: number }) =>
        `${(100 * s.mean).toFixed(2)} ± ${(100 * s.std).toFixed(2)} %`;
      print(options, result, () =>
        [
          `${result.method} on ${result.space} (${result.target}), ${result.labels} labels, ${result.evolution.evaluations} predictor evaluations per search, seeds ${result.seeds.join(",")}`,
          `(${result.comparison})`,
          result.neighbourhood.weight === 0
            ? "the top cells by prediction are trained (the paper's choice)"
            : `the top cells are chosen among the ${result.neighbourhood.candidates} predicted best by own prediction + ${result.neighbourhood.weight} × ` +
              `the mean prediction of their mutations (${result.neighbourhood.draws} drawn; --neighbourhood 0 for the paper's choice)`,
          `best true accuracy among the top ${result.runs[0]?.top.length ?? 0} found: ${pct(result.bestTruth)}; ` +
            `the mean ranks ${result.rankOfMeanBest.rank} in the space (top ${result.rankOfMeanBest.rankPercent.toFixed(4)} %, the paper's measure); ` +
            `mean of the seeds' rank percentiles ${result.bestRankPercent.mean.toFixed(3)} %`,
          `exhaustive bound (the same choice among every cell of the space): ${pct(result.exhaustiveTruth)}, rank ${result.exhaustiveRankPercent.mean.toFixed(3)} %`,
          `best of every cell trained (the ${result.labels} labeled and the top found): ${pct(result.bestTrainedTruth)}, rank ${result.bestTrainedRankPercent.mean.toFixed(3)} %`,
          ...result.runs.map(
            (r) =>
              `  seed ${r.seed}: cell ${r.best.id} ${(100 * r.best.truth).toFixed(2)} % (rank ${r.best.rank}), ` +
              `${r.evaluations} evaluations (+ ${r.neighbourEvaluations} to choose the top), fit ${r.fitSeconds.toFixed(1)} s, search ${r.searchSeconds.toFixed(1)} s`,
          ),
        ].join("\n"),
      );
    });
}

/** What both strategies search: the predictor (the strategy's default unless --method), space, data, target. */
function searched(opts: Record<string, string>, options: ReturnType<typeof globals>, method: string) {
  return {
    method: methodName(opts.method ?? method),
    space: spaceName(opts.space),
    data: options.dataDir,
    target: opts.target,
  };
}

async function activeAction(opts: Record<string, string>, cmd: Command): Promise<void> {
  const options = globals(cmd);
  if (opts.plot !== undefined) checkOutputFile(opts.plot, "--plot");
  const exploration = Number(opts.exploration);
  if (!(exploration >= 0 && exploration <= 1))
    throw new UserError(`--exploration must be in [0, 1], got "${opts.exploration}"`);
  const result = await withProgress(options, "active search", "%", (update) =>
    compareStrategiesOverSeeds(
      {
        ...searched(opts, options, "mlp"),
        active: {
          budget: positiveInteger("--budget", opts.budget),
          initial: positiveInteger("--initial", opts.initial),
          step: positiveInteger("--step", opts.step),
          candidates: positiveInteger("--candidates", opts.candidates),
          exploration,
        },
      },
      seedList(opts.seeds),
      positiveInteger("--jobs", opts.jobs),
      (d) => update(d * 100, 100),
    ),
  );
  if (opts.plot) writeFileAtomic(opts.plot, await renderSvg(curvesPlot(result)));
  const cell = (x: { truth: { mean: number; std: number }; rankPercent: number }) =>
    `${(100 * x.truth.mean).toFixed(2)} ± ${(100 * x.truth.std).toFixed(2)} % (top ${x.rankPercent.toFixed(3)} %)`;
  print(options, result, () =>
    [
      `active search (${result.method}) vs random search vs regularized evolution on ${result.space} (${result.target}), seeds ${result.seeds.join(",")}`,
      "best true accuracy found so far (mean ± std; mean rank in the space):",
      ...result.summary.map(
        (s) =>
          `  ${String(s.at).padStart(4)} trained: active ${cell(s.active)}   random ${cell(s.random)}   evolution ${cell(s.evolution)}`,
      ),
      ...(opts.plot ? [`curves drawn in ${opts.plot}`] : []),
    ].join("\n"),
  );
}

/** Mean best accuracy so far against trained cells, one line per strategy. */
function curvesPlot(result: ActiveSearchResult): Record<string, unknown> {
  const values = (["active", "random", "evolution"] as const).flatMap((strategy) =>
    result.curves[strategy].map((best, k) => ({ strategy, trained: k + 1, best })),
  );
  return {
    title: `Best true accuracy found (mean of ${result.seeds.length} seeds), ${result.space}`,
    width: 420,
    height: 280,
    data: { values },
    mark: "line",
    encoding: {
      x: { field: "trained", type: "quantitative", title: "cells trained" },
      y: { field: "best", type: "quantitative", title: "best true accuracy so far", scale: { zero: false } },
      color: { field: "strategy", type: "nominal" },
    },
  };
}
