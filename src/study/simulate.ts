/**
 * `simulate`: the ask/tell loop played against a table of evaluated architectures (a benchmark of the
 * user's own), beside random search and regularized evolution on the same seeds, so that a user can
 * check the strategy on their own data before spending GPU hours. Each strategy "trains" an
 * architecture by reading its value in the table. When the table does not hold every member of the
 * space, every strategy is restricted to the table's architectures (TableSpace, ArchitectureList).
 */
import { BadFileError, refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { mean, meanStd } from "../eval/evaluate.js";
import { Rng } from "../random.js";
import { randomSearch, trueEvolution } from "../search/active-search.js";
import { checkSeedsAndJobs, forEachSeed } from "../seeds-in-parallel.js";
import { ArchitectureList } from "../spaces/architecture-list.js";
import type { ArchitectureSpace } from "../spaces/architecture-space.js";
import { createSpace, readSpaceSpec } from "../spaces/kinds.js";
import { type AskOptions, askOptions, maxAskCount } from "./ask-strategy.js";
import { readResultsFile } from "./results-file.js";
import { SqliteStudyStore } from "./sqlite-store.js";
import { Study } from "./study.js";
import { TableSpace } from "./table-space.js";
import { checkTableValues, type ValueScale } from "./tell-rules.js";

const SIMULATE_WORKER = new URL("./simulate-worker.js", import.meta.url);

/**
 * Key of the baselines' seed. Random search and evolution draw from a hash of the simulation seed, not
 * from `new Rng(seed)`: xoroshiro128+'s first draws follow a small seed in step (seeds 0, 1, 2, … drew
 * table rows N − 1, N − 2, N − 3, … first), so on a table sorted by value random search's first pick
 * was the same kind of row on every seed.
 */
const BASELINE_KEY = 0xba5e;

/**
 * The seed random search and regularized evolution run on for simulation seed `seed`: one for both, so
 * that they share their first draws (evolution's first population is random).
 */
export function baselineSeed(seed: number): number {
  return Rng.keyed(seed, BASELINE_KEY).int(2 ** 31);
}

/** What a simulation runs on (plain data: worker threads get it as is). */
/** Architectures asked for at a time when none is given (`simulate --step`; the reported runs' batch). */
export const DEFAULT_BATCH = 10;

export interface SimulateSpec {
  specFile: string;
  tableFile: string;
  target: string;
  minimize?: boolean;
  /**
   * The values' scale, as `study create --scale` (default "auto": read from the table): "percent" for a
   * table whose values of 1 or less are real percents (error rates near 0, chance-level cells), "none"
   * for a target that is no accuracy whatever its name.
   */
  scale?: ValueScale;
  /** Architectures "trained" per run. */
  budget: number;
  /** Architectures asked for at a time (one predictor fit per ask). */
  batch: number;
  ask?: Partial<AskOptions>;
}

/** A strategy over the seeds: mean best-so-far after each evaluation, and read at checkpoints. */
export interface StrategyResult {
  /** Mean (over seeds) best value found so far, after each evaluation (index k: after k + 1). */
  curve: number[];
  /** At 10, 25, 50, 100 evaluations (those ≤ budget) and at the budget: the best found, mean ± std over seeds, and its median rank in the table (1 = the table's best). */
  at: Record<string, { mean: number; std: number; medianRank: number }>;
}

export interface SimulateResult {
  space: string;
  target: string;
  budget: number;
  seeds: number[];
  tableSize: number;
  strategies: { ask: StrategyResult; random: StrategyResult; evolution: StrategyResult };
}

/** Per seed (in the order of `seeds`), per strategy, at each checkpoint: the best found and its rank. */
export type PerSeed = Record<keyof SeedCurves, Record<string, { value: number; rank: number }[]>>;

/** One seed's best-so-far curves (user scale), per strategy. */
export interface SeedCurves {
  ask: number[];
  random: number[];
  evolution: number[];
}

interface Table<A> {
  space: ArchitectureSpace<A>;
  /** The space searched: the whole space when the table covers it, else the table's architectures. */
  searched: ArchitectureSpace<A>;
  archs: A[];
  /** Values on the user's scale, by table position. */
  values: Float64Array;
  byKey: Map<string, number>;
  /** The values' scale, read from the whole table (checkTableValues). */
  scale: ValueScale;
  /** Architectures that had several rows, each averaged into one. */
  averaged: number;
  /** Values kept that look like a slip (checkTableValues), one line each. */
  warnings: string[];
}

/** Reads the spec and the table (distinct architectures; repeated rows are averaged). */
async function loadTable(spec: SimulateSpec): Promise<Table<unknown>> {
  const space = await createSpace(readSpaceSpec(spec.specFile));
  const rows = readResultsFile(spec.tableFile, space, spec.target, false);
  const warnings: string[] = [];
  // the values an import into a new study takes, no others: a fraction among percents would be read
  // as a cell at chance level, a percent among fractions as the table's best
  const scale = checkTableValues(
    spec.target,
    rows.flatMap((r) => ("value" in r.outcome ? [{ line: r.line, value: r.outcome.value }] : [])),
    (line) => `${spec.tableFile} line ${line}`,
    spec.minimize ? "minimize" : "maximize",
    spec.scale ?? "auto",
    (warning) => warnings.push(warning),
  );
  const sums = new Map<string, { arch: unknown; sum: number; n: number }>();
  for (const row of rows) {
    if (!("value" in row.outcome))
      throw new BadFileError(
        spec.tableFile,
        `line ${row.line}: a simulation table needs a value on every row, not "failed"`,
      );
    const key = space.key(row.arch);
    const entry = sums.get(key) ?? { arch: row.arch, sum: 0, n: 0 };
    entry.sum += row.outcome.value;
    entry.n++;
    sums.set(key, entry);
  }
  const entries = [...sums.values()];
  const archs = entries.map((e) => e.arch);
  const values = Float64Array.from(entries, (e) => e.sum / e.n);
  const byKey = new Map(archs.map((a, k) => [space.key(a), k]));
  const covers = BigInt(archs.length) === space.count;
  const averaged = entries.filter((e) => e.n > 1).length;
  return {
    space,
    searched: covers ? space : new TableSpace(space, archs),
    archs,
    values,
    byKey,
    scale,
    averaged,
    warnings,
  };
}

function checkSpec(spec: SimulateSpec): void {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec))
    throw new UserError(
      `simulate needs an object of settings { specFile, tableFile, target, budget, batch, … }, got ${shownValue(spec)}`,
    );
  // from JavaScript, a guessed key (`direction: "minimize"`) would be dropped and the run maximize
  refuseUnknownKeys(
    spec,
    ["specFile", "tableFile", "target", "minimize", "scale", "budget", "batch", "ask"],
    "simulate",
  );
  if (typeof spec.target !== "string" || spec.target === "")
    throw new UserError(
      `simulate: target (--target) must be the name of the table's column to optimize, got ${shownValue(spec.target, 80)}`,
    );
  if (spec.minimize !== undefined && typeof spec.minimize !== "boolean")
    throw new UserError(`simulate: minimize must be true or false, got ${JSON.stringify(spec.minimize)}`);
  if (spec.scale !== undefined && !["fraction", "percent", "auto", "none"].includes(spec.scale))
    throw new UserError(
      `simulate: the scale must be fraction, percent, none or auto, got ${JSON.stringify(spec.scale)}`,
    );
  for (const [name, flag] of [
    ["budget", "--budget"],
    ["batch", "--step"],
  ] as const)
    if (!Number.isInteger(spec[name]) || spec[name] < 1)
      throw new UserError(
        `simulate: ${name} (${flag}) must be a positive integer, got ${shownValue(spec[name])}`,
      );
  const most = maxAskCount(askOptions(spec.ask));
  if (spec.batch > most)
    throw new UserError(
      `simulate: batch (--step) must be at most ${most} (what one ask hands out), got ${spec.batch}`,
    );
}

/** One seed: the three strategies' best-so-far curves on the user's scale. */
export async function simulateSeed(
  spec: SimulateSpec,
  seed: number,
  onProgress?: (done: number) => void,
  loaded?: Table<unknown>,
): Promise<SeedCurves> {
  checkSpec(spec);
  const table = loaded ?? (await loadTable(spec));
  const sign = spec.minimize ? -1 : 1;
  const budget = Math.min(spec.budget, table.archs.length);
  const user = (curve: number[]) => curve.map((v) => sign * v);
  const truth = Float64Array.from(table.values, (v) => sign * v);
  const { random, evolution } = await baselineCurves(table, sign, seed, budget);

  const settings = Study.settings({
    spec: table.space.spec,
    target: spec.target,
    direction: spec.minimize ? "minimize" : "maximize",
    // the table's values were checked whole when it was read (checkTableValues); told here in the order
    // asked, a rule that reads them one at a time would judge them again, differently (a run stopped
    // halfway on a table it had accepted)
    scale: "none",
    seed,
  });
  const study = await Study.open(await SqliteStudyStore.memory(settings), table.searched, spec.ask);
  const ask: number[] = [];
  let best = Number.NEGATIVE_INFINITY;
  try {
    while (ask.length < budget) {
      const asked = await study.ask(Math.min(spec.batch, budget - ask.length));
      if (asked.length === 0) break;
      const items = asked.map((a) => {
        const k = table.byKey.get(a.key);
        if (k === undefined) throw new Error(`ask suggested ${a.key}, which is not in the table`);
        best = Math.max(best, truth[k]);
        ask.push(best);
        return { arch: a.arch, outcome: { value: table.values[k] } };
      });
      await study.tellMany(items);
      onProgress?.(ask.length / budget);
    }
  } finally {
    await study.close();
  }
  return { ask: user(ask), random, evolution };
}

/** Random search's and evolution's best-so-far curves on one seed (user scale), on table positions. */
async function baselineCurves(
  table: Table<unknown>,
  sign: number,
  seed: number,
  budget: number,
): Promise<Omit<SeedCurves, "ask">> {
  // maximizing sign × value
  const list = new ArchitectureList(table.space, table.archs);
  const truth = Float64Array.from(table.values, (v) => sign * v);
  const random = randomSearch(list, truth, baselineSeed(seed), budget).bestSoFar;
  const evolution = (await trueEvolution(list, truth, baselineSeed(seed), budget)).bestSoFar;
  return { random: random.map((v) => sign * v), evolution: evolution.map((v) => sign * v) };
}

/** Checkpoints read in the summary: 10, 25, 50, 100 (those ≤ budget), and the budget itself. */
export const CHECKPOINTS = [10, 25, 50, 100];

/** The checkpoints of a run of `budget` evaluations: those of CHECKPOINTS ≤ budget, then the budget when not among them. */
export function checkpointsOf(budget: number): number[] {
  const at = CHECKPOINTS.filter((c) => c <= budget);
  return at.includes(budget) ? at : [...at, budget];
}

/**
 * The three strategies on every seed (up to `jobs` at once in worker threads), whether they were
 * restricted to the table's architectures, how many architectures had several rows (averaged into
 * one each), the table's values that look like a slip (`warnings`: a fraction kept among percents under
 * --scale percent), and each seed's best and rank at the checkpoints (for
 * comparisons paired by seed). Throws UserError / BadFileError for a bad spec, table, target or budget.
 */
export async function simulate(
  spec: SimulateSpec,
  seeds: number[],
  jobs = 1,
  onProgress?: (done: number) => void,
): Promise<{
  result: SimulateResult;
  restrictedToTable: boolean;
  perSeed: PerSeed;
  averaged: number;
  warnings: string[];
}> {
  checkSpec(spec);
  checkSeedsAndJobs(seeds, jobs, "simulate", onProgress);
  const table = await loadTable(spec);
  const runs = await forEachSeed<SeedCurves>(
    seeds,
    jobs,
    {
      here: (seed, report) => simulateSeed(spec, seed, report, table),
      worker: { script: SIMULATE_WORKER, data: (seed) => ({ spec, seed }) },
    },
    onProgress,
  );
  const { strategies, perSeed } = summarize(runs, ["ask", "random", "evolution"], table, spec);
  const result: SimulateResult = {
    space: table.space.name,
    target: spec.target,
    budget: spec.budget,
    seeds,
    tableSize: table.archs.length,
    strategies,
  };
  return {
    result,
    restrictedToTable: table.searched instanceof TableSpace,
    perSeed,
    averaged: table.averaged,
    warnings: table.warnings,
  };
}

/**
 * Random search and regularized evolution alone, as `simulate` runs them (the same numbers on the same
 * seeds), without ask's fits: seconds where ask takes minutes, to redo saved results after a change to
 * the baselines only. Throws as `simulate`.
 */
export async function simulateBaselines(
  spec: SimulateSpec,
  seeds: number[],
): Promise<{
  strategies: Pick<SimulateResult["strategies"], "random" | "evolution">;
  perSeed: Pick<PerSeed, "random" | "evolution">;
}> {
  checkSpec(spec);
  checkSeedsAndJobs(seeds, 1, "simulate");
  const table = await loadTable(spec);
  const budget = Math.min(spec.budget, table.archs.length);
  const runs: Omit<SeedCurves, "ask">[] = [];
  for (const seed of seeds) runs.push(await baselineCurves(table, spec.minimize ? -1 : 1, seed, budget));
  return summarize(runs, ["random", "evolution"], table, spec);
}

/**
 * Per strategy: the mean best-so-far curve over the seeds' `runs` and, at each checkpoint, the mean ±
 * std of the best found and its median rank in the table (1 = the table's best); and each seed's best
 * and rank at the checkpoints.
 */
function summarize<K extends keyof SeedCurves>(
  runs: Pick<SeedCurves, K>[],
  names: K[],
  table: Table<unknown>,
  spec: SimulateSpec,
): { strategies: Record<K, StrategyResult>; perSeed: Record<K, PerSeed[K]> } {
  const sign = spec.minimize ? -1 : 1;
  // rank 1 = the table's best: 1 + the number of table values strictly better
  const sorted = Float64Array.from(table.values, (v) => sign * v).sort();
  const rank = (value: number) => {
    const v = sign * value;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] > v) hi = mid;
      else lo = mid + 1;
    }
    return sorted.length - lo + 1;
  };
  const budget = Math.min(spec.budget, table.archs.length);
  const perSeed = {} as Record<K, PerSeed[K]>;
  const strategies = {} as Record<K, StrategyResult>;
  for (const strategy of names) {
    const read = (r: Pick<SeedCurves, K>, k: number) => r[strategy][Math.min(k, r[strategy].length - 1)];
    const curve = Array.from({ length: budget }, (_, k) => mean(runs.map((r) => read(r, k))));
    const at: StrategyResult["at"] = {};
    const bySeed: Record<string, { value: number; rank: number }[]> = {};
    perSeed[strategy] = bySeed;
    for (const n of checkpointsOf(budget)) {
      const values = runs.map((r) => read(r, n - 1));
      bySeed[String(n)] = values.map((value) => ({ value, rank: rank(value) }));
      const ranks = values.map(rank).sort((a, b) => a - b);
      const mid = ranks.length >> 1;
      const medianRank = ranks.length % 2 ? ranks[mid] : (ranks[mid - 1] + ranks[mid]) / 2;
      at[String(n)] = { ...meanStd(values), medianRank };
    }
    strategies[strategy] = { curve, at };
  }
  return { strategies, perSeed };
}
