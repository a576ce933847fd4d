import assert from "node:assert/strict";
import { test } from "node:test";
import { toHtml } from "../report/html.js";
import { experimentRuns, runKey } from "./experiments.js";
import { experimentDocument } from "./render.js";
import { RESULTS_FORMAT, RESULTS_VERSION, type ResultsFile, resultsOf } from "./results-file.js";

const result = (seed: number, ktau: number) => ({
  seed,
  ktau,
  spearman: 0.6,
  pearson: 0.5,
  mse: 0.003,
  precisionAt100: 0.1,
  predictedBestTruth: 0.93,
  fitSeconds: 1,
  predictSeconds: 1,
});

test("a results file read before some figures' runs finished says so instead of drawing bare axes", async () => {
  const settings = { space: "nb101" as const, seeds: [0], quick: true };
  const file: ResultsFile = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    experiment: "fig5",
    space: "nb101",
    target: "val_accuracy",
    wallSeconds: 3,
    settings,
    runs: {},
  };
  // an interrupted `reproduce fig5`: σ runs finished, the λ and N_u ones not yet (nor σ = 0.1, the
  // defaults' run, which is on every curve)
  for (const run of experimentRuns("fig5", settings).filter((r) => r.series === "sigma" && r.x !== 0.1))
    file.runs[runKey(run)] = { run, result: result(0, 0.5 + (run.x as number)) };
  const doc = experimentDocument("fig5", settings, file, resultsOf(file, experimentRuns("fig5", settings)));
  const figures = doc.blocks.filter((b) => b.kind === "figure").map((b) => b.title);
  assert.deepEqual(figures, ["Kendall tau and r against σ"]);
  const notes = doc.blocks.flatMap((b) =>
    b.kind === "paragraph" && /no finished run/.test(b.text) ? [b.text] : [],
  );
  assert.deepEqual(notes, [
    "Kendall tau and r against λ: no finished run to draw yet (the figure comes with the first).",
    "Kendall tau and r against N_u: no finished run to draw yet (the figure comes with the first).",
  ]);
  const html = await toHtml(doc.title, [doc]);
  assert.doesNotMatch(html, /Infinity|NaN/);
  // nothing finished at all on NAS-Bench-201 (no paper numbers to draw either): no figure, a note
  const empty = { ...file, experiment: "table1" as const, space: "nb201", runs: {} };
  const nb201 = { ...settings, space: "nb201" as const };
  const blocks = experimentDocument("table1", nb201, empty, []).blocks;
  assert.equal(blocks.filter((b) => b.kind === "figure").length, 0);
  assert.doesNotMatch(await toHtml("t", [{ title: "t", blocks }]), /Infinity|NaN/);
});

test("the budget report's title names the run's own label budgets (it said NAS-Bench-101's four on every run)", () => {
  const title = (space: "nb101" | "nb201", quick: boolean) => {
    const settings = { space, seeds: [0], quick };
    const file: ResultsFile = {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      experiment: "budget",
      space,
      target: "val_accuracy",
      wallSeconds: 0,
      settings,
      runs: {},
    };
    return experimentDocument("budget", settings, file, []).title;
  };
  assert.equal(title("nb101", false), "Label budgets: every predictor at N_l = 100, 424, 1k, 4,236");
  assert.equal(title("nb101", true), "Label budgets: every predictor at N_l = 100, 424");
  assert.equal(title("nb201", false), "Label budgets: every predictor at N_l = 78, 156, 469, 781, 1,563");
  assert.equal(title("nb201", true), "Label budgets: every predictor at N_l = 78, 156");
});
