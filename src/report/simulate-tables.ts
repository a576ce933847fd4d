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
