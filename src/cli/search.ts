/**
 * `nas-assay search`: predictor-guided evolutionary search (the paper's Table 2 protocol), or active
 * search against random search and regularized evolution (`--strategy active`).
 */
import { Command, Option } from "commander";
import { accuracyTarget } from "../benchmark.js";
import { checkOutputFile, SVG_DRAWING } from "../data/output-path.js";
import { UserError } from "../errors.js";
import { drawingRefused } from "../experiments/plots.js";
import { type Method, SEARCH_METHOD } from "../predictors/registry.js";
import {
  type ActiveSearchResult,
  compareStrategiesOverSeeds,
  DEFAULT_ACTIVE,
} from "../search/active-search.js";
import { DEFAULT_EVOLUTION } from "../search/evolution.js";
import { candidateCount, DEFAULT_NEIGHBOURHOOD } from "../search/neighbourhood.js";
import { NO_SEARCH_CHOICE, type PredictorSearchResult, predictorSearch } from "../search/predictor-search.js";
import type { SpaceName } from "../spaces/registry.js";
import { globals, print } from "./context.js";
import {
  integerFlag,
  labelCountFlag,
  nonEmptyFlag,
  probabilityFlag,
  realFlag,
  TARGET_NAME,
} from "./flag-values.js";
import { jobsOption, methodOption, seedsOf, spaceOption, withSeedOptions } from "./options.js";
import { withProgress } from "./progress.js";

/** Flags that only `--strategy active` reads, and those that only the evolution strategy reads. */
const ACTIVE_ONLY = ["budget", "initial", "step", "exploration", "candidates", "plot"];
const EVOLUTION_ONLY = [
  "labels",
  "evaluations",
  "population",
  "tournament",
  "batch",
  "crossover",
  "top",
  "neighbourhood",
];

/** Refuses a flag the user gave that the chosen strategy would ignore, naming it. */
function refuseOtherStrategysFlags(cmd: Command, strategy: string): void {
  const [others, owner] =
    strategy === "active" ? [EVOLUTION_ONLY, "--strategy evolution"] : [ACTIVE_ONLY, "--strategy active"];
  for (const name of others) {
    const source = cmd.getOptionValueSource(name);
    if (source !== undefined && source !== "default") {
      const fix =
        strategy === "active" ? "leave it out with --strategy active" : "give --strategy active with it";
      throw new UserError(`--${name} is for ${owner} only (${fix})`);
    }
  }
}

export function searchCommand(): Command {
  const command = new Command("search")
    .description(
      "train a predictor on N_l random labeled cells, search the space with it as fitness, and report the " +
        "best true accuracy among the top cells it finds (and among the top cells of the whole space by " +
        "prediction); or, with --strategy active, train cells a few at a time where the predictor points",
    )
    .addOption(spaceOption())
    .addOption(
      methodOption(
        `predictor (default: ${SEARCH_METHOD}, which picked the best cells on the paper's Table 2 protocol; ` +
          "with --strategy active, mlp, which is refitted every round: an ensemble or ssa would take much longer a round)",
        null,
      ),
    )
    .option(
      "--labels <n>",
      "labeled cells per seed (2..cells of the space − 1)",
      labelCountFlag("search"),
      1000,
    )
    .option(
      "--target <name>",
      "label to predict (default: the benchmark's test accuracy)",
      nonEmptyFlag(TARGET_NAME),
    );
  withSeedOptions(command, 20)
    .addOption(jobsOption("seeds", "the seeds"))
    .option(
      "--evaluations <n>",
      "distinct cells the predictor scores in a search",
      integerFlag(1),
      DEFAULT_EVOLUTION.evaluations,
    )
    .option(
      "--population <n>",
      "population size: random cells evaluated first (below --evaluations)",
      integerFlag(1),
      DEFAULT_EVOLUTION.population,
    )
    .option(
      "--tournament <n>",
      "tournament size (at most the population)",
      integerFlag(1),
      DEFAULT_EVOLUTION.tournament,
    )
    .option("--batch <n>", "children per round", integerFlag(1), DEFAULT_EVOLUTION.batch)
    .option(
      "--crossover <p>",
      "probability of a crossover child (0 = regularized evolution)",
      probabilityFlag(),
      DEFAULT_EVOLUTION.crossover,
    )
    .option("--top <n>", "cells trained at the end (the top by prediction)", integerFlag(1), 10)
    .option(
      "--neighbourhood <weight>",
      `choose the top among the cells the search scored that are predicted best — ${DEFAULT_NEIGHBOURHOOD.candidates} of them ` +
        "(at least --top), or all it scored if fewer — by own prediction + weight × the mean prediction of " +
        "their mutations (0: by own prediction only, as the paper)",
      realFlag({ min: 0 }),
      DEFAULT_NEIGHBOURHOOD.weight,
    )
    .addOption(
      new Option(
        "--strategy <name>",
        "evolution: the paper's protocol; active: active search vs random and evolution",
      )
        .choices(["evolution", "active"])
        .default("evolution"),
    )
    .option(
      "--budget <n>",
      "active: cells trained in all (at most the cells of the space)",
      integerFlag(2),
      DEFAULT_ACTIVE.budget,
    )
    .option(
      "--initial <n>",
      "active: cells trained at random first (2..budget)",
      integerFlag(2),
      DEFAULT_ACTIVE.initial,
    )
    .option("--step <n>", "active: cells trained per round", integerFlag(1), DEFAULT_ACTIVE.step)
    .option(
      "--exploration <p>",
      "active: share of each round drawn at random (0..1)",
      probabilityFlag(),
      DEFAULT_ACTIVE.exploration,
    )
    .option(
      "--candidates <n>",
      "active: cells scored per round in a large space",
      integerFlag(1),
      DEFAULT_ACTIVE.candidates,
    )
    .option("--plot <file.svg>", "active: also draw the three curves", nonEmptyFlag("a file name"))
    .addHelpText(
      "after",
      "\nThe flags marked active: go with --strategy active only; --labels, --evaluations, --population,\n" +
        "--tournament, --batch, --crossover, --top and --neighbourhood with the evolution strategy only." +
        "\n\nExamples:\n  nas-assay search --space nb101 --method ssa --labels 1000 --seeds 0-19 --jobs 2 --json\n" +
        "  nas-assay search --strategy active --budget 150 --seed-count 20 --jobs 2 --plot active.svg\n" +
        "  nas-assay search --labels 1000 --seeds 7             # one search, on seed 7",
    );
  return command.action(async (opts: Record<string, unknown>, cmd: Command) => {
    refuseOtherStrategysFlags(cmd, opts.strategy as string);
    if (opts.strategy === "active") return activeAction(opts, cmd);
    // the top cells come from what the evolution evaluated: more than that was capped without a word
    if ((opts.top as number) > (opts.evaluations as number))
      throw new UserError(
        `--top ${opts.top} exceeds --evaluations ${opts.evaluations}: the top cells are chosen among the cells the search evaluates; expected --top at most ${opts.evaluations}`,
      );
    const options = globals(cmd);
    const result = await withProgress(options, "search", "%", (update) =>
      predictorSearch(
        {
          ...searched(opts, options, SEARCH_METHOD),
          labels: opts.labels as number,
          top: opts.top as number,
          neighbourhood: { weight: opts.neighbourhood as number },
          evolution: {
            evaluations: opts.evaluations as number,
            population: opts.population as number,
            tournament: opts.tournament as number,
            batch: opts.batch as number,
            crossover: opts.crossover as number,
          },
        },
        seedsOf(opts) ?? [],
        opts.jobs as number,
        (d) => update(d * 100, 100),
      ),
    );
    const { what, one, spread } = targetFormat(result.space, result.target, result.seeds.length);
    const pct = spread;
    print(options, result, () =>
      [
        `${result.method} on ${result.space} (${result.target}), ${result.labels} labels, up to ${result.evolution.evaluations} predictor evaluations per search, seeds ${result.seeds.join(",")}`,
        ...(result.runs.some((r) => r.evaluations < result.evolution.evaluations)
          ? [
              `(evolution stopped short of ${result.evolution.evaluations} on seeds ${result.runs
                .filter((r) => r.evaluations < result.evolution.evaluations)
                .map((r) => r.seed)
                .join(
                  ",",
                )}: 100 rounds of children brought no cell it had not scored — its population had converged; the seed lines give the counts)`,
            ]
          : []),
        `(${result.comparison})`,
        ...(result.labeledCells < result.spaceCells
          ? [
              `(on the ${result.labeledCells} labeled cells of ${result.spaceCells}: a partial import; labels, cells trained, the same choice with no search and ranks are among them)`,
            ]
          : []),
        result.neighbourhood.weight === 0
          ? "the top cells by prediction are trained (the paper's choice)"
          : `the top cells are chosen among the ${candidatesText(result)} predicted best by own prediction + ${result.neighbourhood.weight} × ` +
            `the mean prediction of their mutations (${result.neighbourhood.draws} drawn; --neighbourhood 0 for the paper's choice)`,
        `best true ${what} among the top ${result.runs[0]?.top.length ?? 0} found: ${pct(result.bestTruth)}; ` +
          `the mean ranks ${result.rankOfMeanBest.rank} in the space (top ${result.rankOfMeanBest.rankPercent.toFixed(4)} %, the paper's measure); ` +
          `mean of the seeds' rank percentiles ${result.bestRankPercent.mean.toFixed(3)} %`,
        `${NO_SEARCH_CHOICE}: ${pct(result.exhaustiveTruth)}, rank ${result.exhaustiveRankPercent.mean.toFixed(3)} %`,
        `best of every cell trained (the ${result.labels} labeled and the top found): ${pct(result.bestTrainedTruth)}, rank ${result.bestTrainedRankPercent.mean.toFixed(3)} %`,
        ...result.runs.map(
          (r) =>
            `  seed ${r.seed}: cell ${r.best.id} ${one(r.best.truth)} (rank ${r.best.rank}), ` +
            `${r.evaluations} evaluations (+ ${r.neighbourEvaluations} to choose the top), fit ${r.fitSeconds.toFixed(1)} s, search ${r.searchSeconds.toFixed(1)} s`,
        ),
      ].join("\n"),
    );
  });
}

/**
 * How many cells each seed's choice of the top was made among (candidateCount of the cells it scored,
 * not of --evaluations: a search that stopped short scored fewer); a range where seeds differ.
 */
function candidatesText(result: PredictorSearchResult): string {
  const counts = result.runs.map((r) => candidateCount(result.neighbourhood, r.top.length, r.evaluations));
  const [low, high] = [Math.min(...counts), Math.max(...counts)];
  return low === high ? String(low) : `${low} to ${high} (by seed: fewer where a search stopped short)`;
}

/** What both strategies search: the predictor (the strategy's default unless --method), space, data, target. */
function searched(opts: Record<string, unknown>, options: ReturnType<typeof globals>, method: Method) {
  return {
    method: (opts.method as Method | undefined) ?? method,
    space: opts.space as SpaceName,
    data: options.dataDir,
    target: opts.target as string | undefined,
  };
}

async function activeAction(opts: Record<string, unknown>, cmd: Command): Promise<void> {
  const options = globals(cmd);
  const plot = opts.plot as string | undefined;
  if (plot !== undefined) {
    checkOutputFile(plot, "--plot", SVG_DRAWING);
  }
  const result = await withProgress(options, "active search", "%", (update) =>
    compareStrategiesOverSeeds(
      {
        ...searched(opts, options, "mlp"),
        active: {
          budget: opts.budget as number,
          initial: opts.initial as number,
          step: opts.step as number,
          candidates: opts.candidates as number,
          exploration: opts.exploration as number,
        },
      },
      seedsOf(opts) ?? [],
      opts.jobs as number,
      (d) => update(d * 100, 100),
    ),
  );
  // the searches took minutes to hours: printed even when the drawing is refused at the end (a full disk)
  const unwritten = plot ? await drawingRefused(plot, curvesPlot(result)) : undefined;
  const { what, spread } = targetFormat(result.space, result.target, result.seeds.length);
  const cell = (x: { truth: { mean: number; std: number }; rankPercent: number }) =>
    `${spread(x.truth)} (top ${x.rankPercent.toFixed(3)} %)`;
  print(options, result, () =>
    [
      `active search (${result.method}) vs random search vs regularized evolution on ${result.space} (${result.target}), seeds ${result.seeds.join(",")}`,
      ...(result.labeledCells < result.spaceCells
        ? [
            `(on the ${result.labeledCells} labeled cells of ${result.spaceCells}: a partial import; every strategy trains labeled cells only, ranks among them)`,
          ]
        : []),
      `best true ${what} found so far (mean ± std; mean rank in the space):`,
      ...result.summary.map(
        (s) =>
          `  ${String(s.at).padStart(4)} trained: active ${cell(s.active)}   random ${cell(s.random)}   evolution ${cell(s.evolution)}`,
      ),
      ...(plot && !unwritten ? [`curves drawn in ${plot}`] : []),
    ].join("\n"),
  );
  if (unwritten) throw unwritten;
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

/**
 * How a target's values are shown: an accuracy (a fraction) as a percent, anything else (flops, a
 * training time) as the number it is — `search --target flops` printed 558072320000.00 %. Over one
 * seed a mean has no spread: no "± 0.00" is shown.
 */
function targetFormat(
  space: SpaceName,
  target: string,
  seeds: number,
): {
  what: string;
  one: (x: number) => string;
  spread: (s: { mean: number; std: number }) => string;
} {
  const plusMinus = (std: string) => (seeds > 1 ? ` ± ${std}` : "");
  if (accuracyTarget(space, target))
    return {
      what: "accuracy",
      one: (x) => `${(100 * x).toFixed(2)} %`,
      spread: (s) => `${(100 * s.mean).toFixed(2)}${plusMinus((100 * s.std).toFixed(2))} %`,
    };
  const number = (x: number) => String(Number(x.toPrecision(6)));
  return { what: target, one: number, spread: (s) => `${number(s.mean)}${plusMinus(number(s.std))}` };
}
