/**
 * The paper's experiments as lists of runs: each run is one (method, N_l, seed, options) cell of a
 * table or one point of a curve, evaluated with the protocol of `evaluate` (N_l random labels, test on
 * all remaining cells). `--quick` keeps the small N_l and fewer seeds.
 */
import { type AssessorOptions, DEFAULT_ASSESSOR_OPTIONS } from "../predictors/assessor/options.js";
import { type Method, SINGLE_METHODS } from "../predictors/registry.js";
import type { SpaceName } from "../spaces/registry.js";

export const EXPERIMENTS = ["table1", "table4", "fig5", "fig2", "budget"] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** One evaluation: what it runs, and where it goes in the output. */
export interface RunSpec {
  method: Method;
  labels: number;
  seed: number;
  options?: Partial<AssessorOptions>;
  /** N_u, the unlabeled cells the assessor may use (absent: all). */
  unlabeled?: number;
  /** Keep predictions for this many random test cells (rank plots). */
  sample?: number;
  /** The curve a run belongs to ("sigma", "lambda", "unlabeled"), and its x. */
  series?: string;
  x?: number;
}

export interface ExperimentSettings {
  space: SpaceName;
  seeds: number[];
  quick: boolean;
}

/**
 * The key of a run in the results file: everything that determines its numbers. Options at their
 * default value are left out, so that e.g. Figure 5's σ = 0.1 point and its λ = 0.5 point are one run.
 */
export function runKey(run: RunSpec): string {
  const options = Object.entries(run.options ?? {})
    .filter(([name, value]) => DEFAULT_ASSESSOR_OPTIONS[name as keyof AssessorOptions] !== value)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([run.method, run.labels, run.seed, options, run.unlabeled ?? null, run.sample ?? 0]);
}

/** Seeds when none are given: 5 (3 with --quick). */
export function defaultSeeds(quick: boolean): number[] {
  return quick ? [0, 1, 2] : [0, 1, 2, 3, 4];
}

/** The N_l of Table 1 and Table 4 (NAS-Bench-201 has 15,625 cells, so 100k becomes 100). */
export function tableLabels(settings: ExperimentSettings): number[] {
  const all = settings.space === "nb101" ? [1000, 10000, 100000] : [100, 1000, 10000];
  return settings.quick ? all.slice(0, 1) : all;
}

/**
 * The label budgets recent papers report: NAS-Bench-101 N_l = 100, 424, 1k, 4,236; NAS-Bench-201
 * 78, 156, 469, 781, 1,563 (0.5, 1, 3, 5, 10 % of its 15,625 cells).
 */
export function budgetLabels(settings: ExperimentSettings): number[] {
  const all = settings.space === "nb101" ? [100, 424, 1000, 4236] : [78, 156, 469, 781, 1563];
  return settings.quick ? all.slice(0, 2) : all;
}

export const TABLE1_METHODS: Method[] = ["peephole", "e2epp", "ssa"];
export const TABLE4_METHODS: Method[] = ["ssa-noae", "ssa"];
export const FIG2_METHODS: Method[] = ["ssa", "ssa-noae", "e2epp", "peephole", "mlp", "gin"];
/**
 * The σ (relative to the batch's median distance), λ and N_u of Figure 5's curves, at N_l = 1k. σ stops
 * at 0.2: beyond, most pairs of a batch pass τ, the graph is nearly dense and a run takes over ten
 * times as long (and σ = 0.3 already over-smooths).
 */
export const FIG5_SIGMA = [0.02, 0.05, 0.1, 0.15, 0.2];
export const FIG5_LAMBDA = [0, 0.25, 0.5, 0.75, 1];
export const FIG5_UNLABELED = [0, 1000, 10000, 50000];
const FIG5_LABELS = 1000;
const FIG2_SAMPLE = 5000;

function grid(methods: Method[], labels: number[], seeds: number[]): RunSpec[] {
  return methods.flatMap((method) =>
    labels.flatMap((n) => seeds.map((seed) => ({ method, labels: n, seed }))),
  );
}

/** The runs of an experiment. */
export function experimentRuns(name: ExperimentName, settings: ExperimentSettings): RunSpec[] {
  const seeds = settings.seeds;
  switch (name) {
    case "table1":
      return grid(TABLE1_METHODS, tableLabels(settings), seeds);
    case "table4":
      return grid(TABLE4_METHODS, tableLabels(settings), seeds);
    case "budget":
      return grid([...SINGLE_METHODS], budgetLabels(settings), seeds);
    case "fig2":
      return FIG2_METHODS.map((method) => ({
        method,
        labels: FIG5_LABELS,
        seed: seeds[0],
        sample: FIG2_SAMPLE,
      }));
    case "fig5": {
      const runs: RunSpec[] = [];
      const unlabeled = settings.space === "nb101" ? FIG5_UNLABELED : [0, 1000, 5000, 10000];
      for (const seed of seeds) {
        for (const sigma of FIG5_SIGMA)
          runs.push({
            method: "ssa",
            labels: FIG5_LABELS,
            seed,
            options: { sigma },
            series: "sigma",
            x: sigma,
          });
        for (const lambda of FIG5_LAMBDA)
          runs.push({
            method: "ssa",
            labels: FIG5_LABELS,
            seed,
            options: { lambda },
            series: "lambda",
            x: lambda,
          });
        for (const n of unlabeled)
          runs.push({ method: "ssa", labels: FIG5_LABELS, seed, unlabeled: n, series: "unlabeled", x: n });
        // "all": the default run, at x = the number of remaining cells
        runs.push({ method: "ssa", labels: FIG5_LABELS, seed, series: "unlabeled", x: -1 });
      }
      return runs;
    }
  }
}
