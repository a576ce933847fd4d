/**
 * `simulate` on the shipped benchmarks, reproducibly: writes the simulation tables from the benchmark
 * data through the library, runs the three strategies (ask, random search, regularized evolution) and
 * saves the result; prints the docs' table from saved results; compares two saved results paired by seed.
 *
 * Tables (written once into --tables DIR, default $TMPDIR/nas-assay-simulate-tables):
 *   nb201-DATASET.csv  `arch` (NB201 arch string), `val_acc`, `test_acc` (percent) from DATA/nb201/DATASET.csv
 *                      (`arch str`, `validation accuracy`, `test accuracy`), for cifar10-valid, cifar100,
 *                      ImageNet16-120;
 *   nb101-cifar10.csv  `matrix`, `ops` (as label files write them) and `test_acc` (fraction) from
 *                      DATA/nb101/test_accuracy_run0.npy: row i = cell id i of docs/spaces/nb101.json
 *                      (the spec's ids are the built-in space's, sorted module hashes, as the array's rows).
 *
 * Usage:
 *   node dist/bench/simulate-benchmarks.js run --space nb201 --dataset cifar100 [--target test_acc|val_acc]
 *        [--seeds 0-19] [--budget 100] [--step 10] [--jobs 2] [--ask '{"exploration":0.1}'] [--out FILE]
 *        (default FILE: docs/results/simulate/SPACE-DATASET.json; NB101: --space nb101 --dataset cifar10)
 *   node dist/bench/simulate-benchmarks.js markdown FILE...       the docs' table (mean ± std (median rank))
 *   node dist/bench/simulate-benchmarks.js summary FILE...        `ask` of each run: mean (median rank) per checkpoint
 *   node dist/bench/simulate-benchmarks.js compare A.json B.json   B − A for `ask`, paired by seed
 *   node dist/bench/simulate-benchmarks.js merge A.json B.json --out C.json   runs on disjoint seeds as one
 *   node dist/bench/simulate-benchmarks.js baselines FILE...      random search and evolution redone in place
 *   node dist/bench/simulate-benchmarks.js noise                  JSON: how far apart the best NB201 cells'
 *        test accuracies are, and the test rank of the cells with the best validation accuracy
 * Data: --data DIR, else NAS_ASSAY_DATA, else the copy shipped with nas-assay (src/data/locations.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { readSeedList, scriptFlags } from "../src/cli/flag-values.js";
import { dataDir, dataFile } from "../src/data/locations.js";
import { readNpyVector } from "../src/data/npy.js";
import { UserError } from "../src/errors.js";
import { meanStd } from "../src/eval/evaluate.js";
import { MLP_TRAINING } from "../src/predictors/mlp.js";
import { DEFAULT_TRAINING_OPTIONS, type TrainingOptions } from "../src/predictors/supervised.js";
import { blocksToMarkdown } from "../src/report/markdown.js";
import { simulateTable } from "../src/report/simulate-tables.js";
import { createSpace } from "../src/spaces/kinds.js";
import { readSpecFile } from "../src/spaces/spec.js";
import type { VertexCellSpace } from "../src/spaces/vertex-cell/space.js";
import type { AskOptions } from "../src/study/ask-strategy.js";
import { ASK_TRAINING, DEFAULT_ASK } from "../src/study/ask-strategy.js";
import {
  DEFAULT_BATCH,
  type PerSeed,
  type SimulateResult,
  simulate,
  simulateBaselines,
} from "../src/study/simulate.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const NB201_DATASETS = ["cifar10-valid", "cifar100", "ImageNet16-120"];
const STRATEGIES = ["ask", "random", "evolution"] as const;

/** A saved run: the result `simulate --json` prints, plus the ask options, per-seed figures and time. */
interface SavedRun extends SimulateResult {
  dataset: string;
  askOptions: AskOptions;
  /**
   * How ask trained its predictor where that differs from the method's own (ASK_TRAINING); absent in
   * runs made before ask had such settings (the method's own training: the MLP's floor of 300 steps).
   */
  askTraining?: Partial<TrainingOptions>;
  batch: number;
  perSeed: PerSeed;
  wallSeconds: number;
  /** The top 0.01 % of the table: its last rank (⌊size × 10⁻⁴⌋) and the target value there. */
  top001: { rank: number; value: number };
}

const argv = process.argv.slice(2);
/** The flags each command takes: any other is refused (a misspelt one ran the defaults). */
const FLAGS: Record<string, readonly string[]> = {
  run: [
    "--space",
    "--dataset",
    "--target",
    "--seeds",
    "--budget",
    "--step",
    "--jobs",
    "--ask",
    "--out",
    "--tables",
    "--data",
  ],
  markdown: [],
  summary: [],
  compare: [],
  merge: ["--out"],
  baselines: ["--tables", "--data"],
  noise: ["--tables", "--data"],
};
let flag: (name: string, fallback?: string) => string | undefined = () => undefined;

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writeCsv(path: string, header: string[], rows: string[][]): void {
  const lines = [header.join(","), ...rows.map((r) => r.map(csvField).join(","))];
  writeFileSync(path, `${lines.join("\n")}\n`);
}

/** The table of one benchmark (written when missing) and the spec file it goes with. */
async function table(space: string, dataset: string, dir: string): Promise<{ spec: string; file: string }> {
  const data = dataDir(flag("--data"));
  const spec = join(REPO, "docs", "spaces", `${space}.json`);
  const file = join(dir, `${space}-${dataset}.csv`);
  if (existsSync(file)) return { spec, file };
  mkdirSync(dir, { recursive: true });
  if (space === "nb201") {
    if (!NB201_DATASETS.includes(dataset))
      throw new UserError(`NAS-Bench-201 datasets: ${NB201_DATASETS.join(", ")}; got ${dataset}`);
    const source = dataFile(data, `nb201/${dataset}.csv`, `NAS-Bench-201 ${dataset}`);
    const rows = parse(readFileSync(source, "utf8"), { columns: true }) as Record<string, string>[];
    writeCsv(
      file,
      ["arch", "val_acc", "test_acc"],
      rows.map((r) => [r["arch str"], r["validation accuracy"], r["test accuracy"]]),
    );
  } else if (space === "nb101") {
    if (dataset !== "cifar10") throw new UserError(`NAS-Bench-101 has one dataset, cifar10; got ${dataset}`);
    const cells = (await createSpace(readSpecFile(spec))) as unknown as VertexCellSpace;
    const accuracy = readNpyVector(
      dataFile(data, "nb101/test_accuracy_run0.npy", "NAS-Bench-101 test accuracy"),
      cells.size,
    );
    const rows: string[][] = [];
    for (let id = 0; id < cells.size; id++) {
      const row = cells.toRow(cells.cellAt(id));
      rows.push([row.matrix, row.ops, String(accuracy[id])]);
    }
    writeCsv(file, ["matrix", "ops", "test_acc"], rows);
  } else throw new UserError(`--space nb201 or nb101, got ${space}`);
  return { spec, file };
}

async function run(): Promise<void> {
  const space = flag("--space", "nb201") as string;
  const dataset = flag("--dataset", space === "nb101" ? "cifar10" : "cifar100") as string;
  const target = flag("--target", "test_acc") as string;
  const seeds = readSeedList(flag("--seeds", "0-19") as string);
  const budget = Number(flag("--budget", space === "nb101" ? "150" : "100"));
  const batch = Number(flag("--step", String(DEFAULT_BATCH)));
  const jobs = Number(flag("--jobs", "2"));
  const ask = JSON.parse(flag("--ask", "{}") as string) as Partial<AskOptions>;
  const out = flag("--out", join(REPO, "docs", "results", "simulate", `${space}-${dataset}.json`)) as string;
  const tables = flag("--tables", join(tmpdir(), "nas-assay-simulate-tables")) as string;
  const { spec, file } = await table(space, dataset, tables);
  const start = performance.now();
  const { result, perSeed } = await simulate(
    { specFile: spec, tableFile: file, target, budget, batch, ask },
    seeds,
    jobs,
  );
  const sorted = (parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[])
    .map((r) => Number(r[target]))
    .sort((x, y) => y - x);
  const topRank = Math.max(1, Math.floor(sorted.length * 1e-4));
  const askOptions: AskOptions = {
    ...DEFAULT_ASK,
    ...ask,
    neighbourhood: { ...DEFAULT_ASK.neighbourhood, ...ask.neighbourhood },
  };
  const saved: SavedRun = {
    ...result,
    dataset,
    askOptions,
    askTraining: ASK_TRAINING[askOptions.method] ?? {},
    batch,
    perSeed,
    wallSeconds: Math.round((performance.now() - start) / 1000),
    top001: { rank: topRank, value: sorted[topRank - 1] },
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(saved, null, 1)}\n`);
  const at = result.strategies.ask.at;
  console.log(
    `${space} ${dataset} ${target} ${JSON.stringify(ask)} (${saved.wallSeconds} s): ` +
      Object.keys(at)
        .map((k) =>
          STRATEGIES.map(
            (s) =>
              `${s}@${k} ${result.strategies[s].at[k].mean.toFixed(3)} (${result.strategies[s].at[k].medianRank})`,
          ).join(" "),
        )
        .join(" | ") +
      ` → ${out}`,
  );
}

function load(path: string): SavedRun {
  // a mistyped file name ended compare, summary and merge with node:fs's stack trace
  if (!existsSync(path)) throw new UserError(`no saved run at ${path}`);
  return JSON.parse(readFileSync(path, "utf8")) as SavedRun;
}

/** The docs' table (src/report/simulate-tables.ts, as `npm run docs-tables` writes it), then the top-0.01 % notes. */
function markdown(files: string[]): void {
  const runs = files.map(load);
  console.log(blocksToMarkdown(simulateTable(runs)).trimEnd());
  for (const r of runs.filter((x) => x.top001)) {
    const last = Object.keys(r.perSeed.ask).at(-1) as string;
    const reached = STRATEGIES.map(
      (s) => `${s} ${r.perSeed[s][last].filter((x) => x.rank <= r.top001.rank).length}`,
    );
    console.log(
      `\n${r.space}, ${r.dataset}: seeds whose best at ${last} is in the top 0.01 % (rank ≤ ${r.top001.rank} of ${r.tableSize}, ${r.target} ≥ ${r.top001.value}), of ${r.seeds.length}: ${reached.join(", ")}; ${r.wallSeconds} s wall`,
    );
  }
}

/** `ask` of B minus `ask` of A at each checkpoint, paired by seed: mean ± std, wins / ties / losses. */
function compare(a: string, b: string): void {
  const ra = load(a);
  const rb = load(b);
  const index = new Map(rb.seeds.map((s, k) => [s, k]));
  for (const k of Object.keys(ra.perSeed.ask).filter((c) => rb.perSeed.ask[c])) {
    const pairs = ra.seeds.flatMap((seed, i) => {
      const j = index.get(seed);
      return j === undefined ? [] : [[ra.perSeed.ask[k][i], rb.perSeed.ask[k][j]]];
    });
    const diff = pairs.map(([x, y]) => y.value - x.value);
    const d = meanStd(diff);
    const median = (xs: number[]) => {
      const s = xs.slice().sort((p, q) => p - q);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    console.log(
      `${ra.space} ${ra.dataset} @${k}: A ${meanStd(pairs.map((p) => p[0].value)).mean.toFixed(3)} (rank ${median(pairs.map((p) => p[0].rank))})` +
        ` B ${meanStd(pairs.map((p) => p[1].value)).mean.toFixed(3)} (rank ${median(pairs.map((p) => p[1].rank))})` +
        ` B−A ${d.mean.toFixed(3)} ± ${d.std.toFixed(3)}, B better/equal/worse on ${diff.filter((x) => x > 0).length}/${diff.filter((x) => x === 0).length}/${diff.filter((x) => x < 0).length} of ${diff.length} seeds`,
    );
  }
}

/**
 * The training settings of a run's predictor that differ from what ask uses today, as "minSteps 300"
 * (the value the run trained with): a run saved without askTraining trained as the method's own.
 */
function trainingChanges(r: SavedRun): string[] {
  const method = r.askOptions.method;
  const own: Partial<TrainingOptions> = {
    ...DEFAULT_TRAINING_OPTIONS,
    ...(method === "mlp" ? MLP_TRAINING : {}),
  };
  const now: Partial<TrainingOptions> = ASK_TRAINING[method] ?? {};
  const then: Partial<TrainingOptions> = r.askTraining ?? {};
  const keys = [...new Set([...Object.keys(now), ...Object.keys(then)])] as (keyof TrainingOptions)[];
  return keys
    .filter((k) => (then[k] ?? own[k]) !== (now[k] ?? own[k]))
    .map((k) => `${k} ${JSON.stringify(then[k] ?? own[k])}`);
}

/** One row per saved run: its ask options and step (those apart from the defaults) and `ask` at each checkpoint. */
function summary(files: string[]): void {
  const runs = files.map(load);
  // every checkpoint of any run, in order (a shorter budget leaves its later cells empty)
  const points = [...new Set(runs.flatMap((r) => Object.keys(r.strategies.ask.at)))].sort(
    (a, b) => Number(a) - Number(b),
  );
  console.log(
    `| ask settings | dataset (${runs[0].target}, seeds ${runs[0].seeds[0]}–${runs[0].seeds.at(-1)}) | ${points.map((p) => `at ${p}`).join(" | ")} |`,
  );
  console.log(`| --- | --- | ${points.map(() => "---").join(" | ")} |`);
  for (const r of runs) {
    const changed = Object.entries(r.askOptions)
      .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(DEFAULT_ASK[k as keyof AskOptions]))
      .map(([k, v]) => `${k} ${JSON.stringify(v)}`);
    changed.push(...trainingChanges(r));
    if (r.batch !== DEFAULT_BATCH) changed.push(`step ${r.batch}`);
    const cells = points.map((p) => {
      const x = r.strategies.ask.at[p];
      if (!x) return "–";
      return `${(x.mean * (x.mean > 1 ? 1 : 100)).toFixed(2)} (${x.medianRank})`;
    });
    console.log(`| ${changed.join(", ") || "defaults"} | ${r.dataset} | ${cells.join(" | ")} |`);
  }
}

/**
 * One run from runs of the same benchmark and settings on disjoint seeds (e.g. two processes): seeds
 * and per-seed figures joined, curves averaged weighted by seeds, checkpoints recomputed from the seeds.
 */
function merge(files: string[], out: string): void {
  const runs = files.map(load);
  const [first] = runs;
  const same = (r: SavedRun) =>
    r.space === first.space &&
    r.dataset === first.dataset &&
    r.target === first.target &&
    r.budget === first.budget &&
    r.batch === first.batch &&
    JSON.stringify(r.askOptions) === JSON.stringify(first.askOptions) &&
    JSON.stringify(r.askTraining ?? {}) === JSON.stringify(first.askTraining ?? {});
  if (!runs.every(same))
    throw new UserError("merge needs runs of one benchmark, target, budget, batch and ask settings");
  const seeds = runs.flatMap((r) => r.seeds);
  if (new Set(seeds).size !== seeds.length) throw new UserError("merge needs disjoint seeds");
  const median = (xs: number[]) => {
    const v = xs.slice().sort((p, q) => p - q);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const merged: SavedRun = { ...first, seeds, wallSeconds: runs.reduce((t, r) => t + r.wallSeconds, 0) };
  merged.strategies = { ...first.strategies };
  merged.perSeed = { ask: {}, random: {}, evolution: {} };
  for (const s of STRATEGIES) {
    const curve = first.strategies[s].curve.map(
      (_, k) => runs.reduce((t, r) => t + r.strategies[s].curve[k] * r.seeds.length, 0) / seeds.length,
    );
    const at: SavedRun["strategies"]["ask"]["at"] = {};
    for (const k of Object.keys(first.perSeed[s])) {
      const all = runs.flatMap((r) => r.perSeed[s][k]);
      merged.perSeed[s][k] = all;
      at[k] = { ...meanStd(all.map((x) => x.value)), medianRank: median(all.map((x) => x.rank)) };
    }
    merged.strategies[s] = { curve, at };
  }
  writeFileSync(out, `${JSON.stringify(merged, null, 1)}\n`);
}

/**
 * Random search and evolution of saved runs redone with today's code, ask's columns kept (ask does not
 * depend on them): for a change to the baselines only. Rewrites each file in place.
 */
async function baselines(files: string[]): Promise<void> {
  const tables = flag("--tables", join(tmpdir(), "nas-assay-simulate-tables")) as string;
  for (const path of files) {
    const saved = load(path);
    const { spec, file } = await table(saved.space, saved.dataset, tables);
    const redone = await simulateBaselines(
      {
        specFile: spec,
        tableFile: file,
        target: saved.target,
        budget: saved.budget,
        // the baselines do not read ask's options (some saved runs name a predictor of a trial branch)
        batch: saved.batch,
      },
      saved.seeds,
    );
    for (const s of ["random", "evolution"] as const) {
      saved.strategies[s] = redone.strategies[s];
      saved.perSeed[s] = redone.perSeed[s];
    }
    writeFileSync(path, `${JSON.stringify(saved, null, 1)}\n`);
    const last = Object.keys(saved.strategies.random.at).at(-1) as string;
    console.log(
      `${path}: random@${last} ${saved.strategies.random.at[last].mean.toFixed(3)} (${saved.strategies.random.at[last].medianRank}), ` +
        `evolution@${last} ${saved.strategies.evolution.at[last].mean.toFixed(3)} (${saved.strategies.evolution.at[last].medianRank})`,
    );
  }
}

const [command, ...rest] = argv;
/** The command named, or undefined for none known. */
/**
 * How much the top of each NAS-Bench-201 test table is worth telling apart: the test accuracy (percent)
 * at ranks 1, 5, 10 and 14, and the test ranks of the 5 cells of best validation accuracy (the same
 * networks' other held-out measurement; rank 1 = best test accuracy, ties sharing the better rank as
 * simulate's ranks do). Why: the issue's median rank <= 5 at 50 asks `ask` to single out cells whose
 * test accuracies differ by less than the two measurements disagree.
 */
async function noise(): Promise<void> {
  const dir = flag("--tables", join(tmpdir(), "nas-assay-simulate-tables")) as string;
  const out: Record<string, unknown> = {};
  for (const dataset of NB201_DATASETS) {
    const { file } = await table("nb201", dataset, dir);
    const rows = (parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[]).map(
      (r) => ({
        arch: r.arch,
        val: Number(r.val_acc),
        test: Number(r.test_acc),
      }),
    );
    const tests = rows.map((r) => r.test).sort((a, b) => b - a);
    const testRank = (value: number) => tests.indexOf(value) + 1;
    const byVal = [...rows].sort((a, b) => b.val - a.val).slice(0, 5);
    out[dataset] = {
      cells: rows.length,
      testAtRank: Object.fromEntries([1, 5, 10, 14].map((k) => [k, tests[k - 1]])),
      bestValidation: byVal.map((r) => ({
        arch: r.arch,
        val: r.val,
        test: r.test,
        testRank: testRank(r.test),
      })),
    };
  }
  console.log(JSON.stringify(out, null, 2));
}

async function main(): Promise<boolean> {
  if (!Object.hasOwn(FLAGS, command)) return false;
  flag = scriptFlags(rest, FLAGS[command]);
  if (command === "run") await run();
  else if (command === "markdown") markdown(rest.filter((f) => f.endsWith(".json")));
  else if (command === "summary") summary(rest.filter((f) => f.endsWith(".json")));
  else if (command === "merge")
    merge(
      rest.filter((f) => f.endsWith(".json") && f !== flag("--out")),
      flag("--out") as string,
    );
  else if (command === "compare") compare(rest[0], rest[1]);
  else if (command === "baselines") await baselines(rest.filter((f) => f.endsWith(".json")));
  else if (command === "noise") await noise();
  return true;
}
try {
  if (!(await main())) {
    console.error(
      "usage: node dist/bench/simulate-benchmarks.js run|markdown|summary|compare|merge|baselines|noise … (see the comment at the top of bench/simulate-benchmarks.ts)",
    );
    process.exit(1);
  }
} catch (e) {
  // a bad flag or value (a seed list, a missing file): one line, as nas-assay says it
  if (!(e instanceof UserError)) throw e;
  console.error(`simulate-benchmarks ${command}: ${e.message}`);
  process.exit(1);
}
