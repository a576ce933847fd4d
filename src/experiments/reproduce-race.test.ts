// In a file of its own: the race needs this process's first figure, whose drawing loads Vega (file
// reads, so other processes' saves — here another reproduce's, on a later turn of the event loop —
// land while the tables are being drawn, as they do between processes).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { EvaluationSpec, SeedResult } from "../eval/evaluate.js";
import { testData } from "../testing/fixtures.js";
import { reproduce } from "./reproduce.js";
import type { ResultsFile } from "./results-file.js";

const root = mkdtempSync(join(tmpdir(), "nas-assay-reproduce-race-"));
after(() => rmSync(root, { recursive: true, force: true }));

function result(spec: EvaluationSpec, seed: number): SeedResult {
  const base = 0.5 + (spec.method === "ssa" ? 0.05 : 0) + seed / 1000;
  return {
    seed,
    ktau: base,
    spearman: base,
    pearson: base,
    mse: 0.004,
    precisionAt100: 0.1,
    predictedBestTruth: 0.93,
    fitSeconds: 1,
    predictSeconds: 0.5,
  };
}

test("a run another process saves while this one draws the tables, of a seed already drawn, is drawn too", async () => {
  const data = testData();
  const out = join(root, "race");
  const options = { space: "nb201" as const, data, out, quick: true };
  // process B, on seed 1: its first run is saved; its second finishes while A draws, and B dies before
  // drawing (killed, say): A's tables are the last written
  let aDone!: () => void;
  const aFinished = new Promise<void>((resolve) => {
    aDone = resolve;
  });
  let bSavedOne!: () => void;
  const bFirstSaved = new Promise<void>((resolve) => {
    bSavedOne = resolve;
  });
  let bRuns = 0;
  const b: Promise<unknown> = reproduce("table4", {
    ...options,
    seeds: [1],
    evaluateRun: async (spec, seed) => {
      if (++bRuns === 2) {
        await aFinished; // A has saved its last run
        await new Promise((resolve) => setImmediate(resolve)); // A is drawing now
      }
      return result(spec, seed);
    },
    onProgress: (done, total) => {
      if (done === 1) bSavedOne();
      if (done === total) throw new Error("B killed before drawing");
    },
  }).then(
    () => "B drew its tables",
    (e: Error) => e.message,
  );
  await bFirstSaved;
  // process A, on seed 0: it sees seed 1 in the file at its first save, so seed 1 is in its tables from
  // the start; B's second run is saved after A's last save, while A draws
  await reproduce("table4", {
    ...options,
    seeds: [0],
    evaluateRun: async (spec, seed) => result(spec, seed),
    onProgress: (done, total) => {
      if (done === total) aDone();
    },
  });
  assert.equal(await b, "B killed before drawing");
  const file = JSON.parse(readFileSync(join(out, "table4.json"), "utf8")) as ResultsFile;
  assert.equal(Object.keys(file.runs).length, 4, "every run of both is saved");
  const md = readFileSync(join(out, "table4.md"), "utf8");
  assert.match(md, /seeds 0, 1 \(--quick\); test = all cells not labeled\. 4 runs, /);
});
