/**
 * The table of a `simulate` run on a benchmark (docs/own-space.md's "Reported once" tables), written from
 * the run files `bench/simulate-benchmarks.ts` saves (`simulate --json` plus the dataset and per-seed
 * figures), so that the reported figures are never typed by hand: the bench's `markdown` command prints
 * it, and `npm run docs-tables` writes it into the docs between its markers.
 */
import { readFileSync } from "node:fs";
import { BadFileError } from "../errors.js";
import type { SimulateResult } from "../study/simulate.js";
import { type Block, table } from "./document.js";

/** The strategies of a run, in the table's column order. */
const STRATEGIES = ["ask", "random", "evolution"] as const;

/** What the table reads of a saved run: `simulate --json`'s result and the benchmark's dataset. */
export interface SimulateRunFile extends Pick<SimulateResult, "space" | "target" | "strategies"> {
  dataset: string;
}

/**
 * A saved run read from `path`.
 * @throws BadFileError naming `path` when it cannot be read, is not JSON, or lacks a strategy's checkpoints.
 */
export function readSimulateRun(path: string): SimulateRunFile {
  let run: SimulateRunFile;
  try {
    run = JSON.parse(readFileSync(path, "utf8")) as SimulateRunFile;
  } catch (e) {
    throw new BadFileError(path, `not a readable simulate run file (${(e as Error).message})`);
  }
  for (const s of STRATEGIES)
    if (typeof run?.strategies?.[s]?.at !== "object" || typeof run.dataset !== "string")
      throw new BadFileError(
        path,
        `has no "${s}" checkpoints or no "dataset"; expected a run saved by bench/simulate-benchmarks.js run`,
      );
  return run;
}

/**
 * One table for `runs`: a row per run and checkpoint, each strategy's best found as mean ± std over the
 * seeds (median rank in the table, 1 = its best). Values in percent: a run whose values are fractions
 * (NAS-Bench-101's) is shown × 100, decided by ask's mean at its first checkpoint being ≤ 1.
 */
export function simulateTable(runs: readonly SimulateRunFile[]): Block[] {
  const rows: string[][] = [];
  for (const r of runs) {
    const checkpoints = Object.keys(r.strategies.ask.at);
    const scale = r.strategies.ask.at[checkpoints[0]].mean > 1 ? 1 : 100;
    for (const k of checkpoints)
      rows.push([
        `${r.space}, ${r.dataset}`,
        k,
        ...STRATEGIES.map((s) => {
          const x = r.strategies[s].at[k];
          return `${(x.mean * scale).toFixed(2)} ± ${(x.std * scale).toFixed(2)} (${x.medianRank})`;
        }),
      ]);
  }
  return [
    table(
      [
        `space, dataset (${runs[0]?.target ?? "target"}, %)`,
        "evaluated",
        "ask",
        "random search",
        "regularized evolution",
      ],
      rows,
    ),
  ];
}

/**
 * A mean (± std over several seeds) as fixed-point text: five significant digits of the mean, or
 * `decimals` where that is more (a table's shared decimals), the std on the mean's decimals. `toPrecision` wrote 113140 as "1.1314e+5 ± 5.4e+3" (a latency in µs), and
 * over one seed "± 0.0", a spread read as a certainty, which evaluate and reproduce leave out.
 */
export function meanStdText(x: { mean: number; std: number }, seeds: number, decimals?: number): string {
  const own = fixedDecimals(x.mean);
  // beyond what fixed-point can show in five significant digits (toFixed writes at most 20 decimals and
  // an exponent from 1e21 on): 1e-30 was "0.00000000000000000000", a value shown as none, and the std of
  // 1e25 "1.0000000000000001e+24"
  if (own === undefined)
    return seeds > 1 ? `${x.mean.toExponential(4)} ± ${x.std.toExponential(1)}` : x.mean.toExponential(4);
  // a table's shared decimals, but at most 4 past the value's own: one value of 1e-9 gave every other
  // value 20 decimals and its float noise, 111111.1019999999990 (tester U)
  const shown = Math.min(20, own + 4, Math.max(own, decimals ?? own));
  return seeds > 1 ? `${x.mean.toFixed(shown)} ± ${x.std.toFixed(shown)}` : x.mean.toFixed(shown);
}

/** The decimals that show five significant digits of `mean` in fixed point, or undefined where it cannot (below 1e-16, from 1e21). */
function fixedDecimals(mean: number): number | undefined {
  const magnitude = mean === 0 || !Number.isFinite(mean) ? 0 : Math.floor(Math.log10(Math.abs(mean)));
  return magnitude < -16 || magnitude >= 21 ? undefined : Math.max(0, 4 - magnitude);
}

/**
 * `simulate`'s text: the run's line, then per checkpoint each strategy's best found, mean ± std over the
 * seeds (median rank in the table). Columns are as wide as their widest cell plus two spaces: a fixed
 * width of 30 ran cells of small values into the next ("(rank 3)0.00014322 ± …").
 */
export function simulateText(result: SimulateResult, restricted: boolean, plot?: string): string {
  const names = ["ask", "random", "evolution"] as const;
  const checkpoints = Object.keys(result.strategies.ask.at);
  const evaluated = result.strategies.ask.curve.length;
  const seeds = result.seeds.length;
  // one number of decimals for the whole table, that of its smallest value, so that the columns read
  // alike (0.72896 beside 12.740 and 1.0490 was five significant digits each; found by tester R)
  const decimals = Math.max(
    0,
    ...checkpoints.flatMap((at) => names.map((n) => fixedDecimals(result.strategies[n].at[at].mean) ?? 0)),
  );
  const cells = checkpoints.map((at) =>
    names.map((n) => {
      const x = result.strategies[n].at[at];
      return `${meanStdText(x, seeds, decimals)} (rank ${x.medianRank})`;
    }),
  );
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((row) => row[i].length)) + 2);
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("")
      .trimEnd();
  return [
    `simulate on ${result.space}, ${result.target}: ${result.tableSize} architecture${result.tableSize === 1 ? "" : "s"} in the table` +
      (restricted ? " (it does not cover the space: every strategy searched the table only)" : "") +
      `, budget ${result.budget}` +
      (evaluated < result.budget ? ` (the table holds ${evaluated}: each run evaluated all of them)` : "") +
      // the seeds themselves, as search's text and the JSON give them: "seeds 1" was the count, read as seed 1
      `, seeds ${result.seeds.join(",")}`,
    seeds > 1
      ? "best found, mean ± std over seeds (median rank in the table, 1 = its best):"
      : "best found (its rank in the table, 1 = its best):",
    `  evaluated  ${line(names)}`,
    ...checkpoints.map((at, k) => `  ${at.padStart(9)}  ${line(cells[k])}`),
    ...(plot ? [`curves drawn in ${plot}`] : []),
  ].join("\n");
}
