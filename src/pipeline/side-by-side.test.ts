import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark } from "../benchmark.js";
import { UserError } from "../errors.js";
import { PAPER_TABLE1 } from "../experiments/paper.js";
import { SEARCH_METHOD } from "../predictors/registry.js";
import { DEFAULT_NEIGHBOURHOOD } from "../search/neighbourhood.js";
import { NO_SEARCH_CHOICE, NO_SEARCH_CHOICE_SHORT, predictorSearchSeed } from "../search/predictor-search.js";
import { SMALL_ASSESSOR, SMALL_EVOLUTION, testData } from "../testing/fixtures.js";
import { type PipelineResult, runPaperPipeline } from "./paper-pipeline.js";
import { searchTable } from "./pipeline-report.js";
import { type Column, runSideBySide } from "./side-by-side.js";
import {
  sideBySideDocument,
  sideBySidePredictionTable,
  sideBySideSearchTable,
  sideBySideSummaryTable,
} from "./side-by-side-report.js";

test("side by side: two worker threads give the paper's pipeline and search's default choice, on the same labels", async () => {
  const data = testData();
  const seen: Record<Column, string[]> = { paper: [], ours: [] };
  let last = 0;
  const result = await runSideBySide({
    space: "nb201",
    data,
    labels: 100,
    seed: 3,
    options: SMALL_ASSESSOR,
    evolution: SMALL_EVOLUTION,
    sample: 500,
    jobs: 2,
    onProgress: (stages, done) => {
      for (const column of ["paper", "ours"] as const)
        if (seen[column].at(-1) !== stages[column]) seen[column].push(stages[column]);
      assert.ok(done >= last - 1e-12 && done <= 1, `progress ${done} after ${last}`);
      last = done;
    },
  });
  assert.equal(result.jobs, 2);
  assert.equal(last, 1);
  for (const column of ["paper", "ours"] as const)
    assert.deepEqual(seen[column].slice(-3), ["predict", "search", "done"]);
  const { paper, ours } = result;
  assert.equal(paper.settings.method, "ssa");
  assert.equal(paper.settings.neighbourhood?.weight, 0);
  assert.equal(paper.search.neighbourEvaluations, 0);
  assert.equal(ours.settings.method, SEARCH_METHOD);
  assert.equal(SEARCH_METHOD, "transformer-ensemble");
  assert.deepEqual(ours.settings.neighbourhood, DEFAULT_NEIGHBOURHOOD);
  assert.ok((ours.search.neighbourEvaluations ?? 0) > 0, "the mutations of the candidates were scored");
  assert.deepEqual(ours.settings.options, {}, "the assessor's options are the paper column's");
  assert.deepEqual(paper.settings.options, SMALL_ASSESSOR);
  // the same labeled cells and test cells in both columns
  assert.equal(paper.search.bestLabeled.id, ours.search.bestLabeled.id);
  assert.equal(paper.testCells, 15625 - 100);
  assert.equal(ours.testCells, 15625 - 100);

  // the paper's column is the pipeline run here, the helper thread or not
  const here = await runPaperPipeline({
    space: "nb201",
    data,
    labels: 100,
    seed: 3,
    options: SMALL_ASSESSOR,
    evolution: SMALL_EVOLUTION,
    sample: 500,
  });
  assert.equal(paper.scores.ktau, here.scores.ktau);
  assert.deepEqual(
    paper.search.top.map((c) => c.id),
    here.search.top.map((c) => c.id),
  );
  // nas-assay's column is what `search` does by default with the same predictor and seed
  const benchmark = await loadBenchmark("nb201", data);
  const searched = await predictorSearchSeed(
    { method: SEARCH_METHOD, space: "nb201", data, labels: 100, evolution: SMALL_EVOLUTION },
    3,
    undefined,
    benchmark,
  );
  assert.deepEqual(
    ours.search.top.map((c) => c.id),
    Array.from(searched.top),
  );
  assert.equal(ours.search.best.id, searched.best.id);
  assert.equal(ours.search.exhaustive.id, searched.exhaustive.id);
  assert.equal(ours.search.neighbourEvaluations, searched.neighbourEvaluations);

  // both columns in the tables, with the numbers of each
  const prediction = sideBySidePredictionTable(result);
  assert.deepEqual(prediction.header.slice(1), [
    "the paper's assessor (`ssa`)",
    `nas-assay (\`${SEARCH_METHOD}\`)`,
  ]);
  const tau = prediction.rows.find((row) => row[0] === "Kendall tau");
  assert.deepEqual(tau, ["Kendall tau", paper.scores.ktau.toFixed(3), ours.scores.ktau.toFixed(3)]);
  const search = sideBySideSearchTable(result);
  assert.equal(search.header.length, 3);
  const found = search.rows[0];
  assert.equal(found[0], "found: best of the 10 trained");
  const cell = (c: { truth: number; rank: number }) =>
    new RegExp(
      `^${(100 * c.truth).toFixed(2)} % \\(rank ${c.rank.toLocaleString("en-US")}, top [\\d.]+ %\\)$`,
    );
  assert.match(found[1], cell(paper.search.best));
  assert.match(found[2], cell(ours.search.best));
  const kept = search.rows.find((row) => row[0].includes("what you keep"));
  const keep =
    ours.search.best.truth > ours.search.bestLabeled.truth ? ours.search.best : ours.search.bestLabeled;
  assert.match(kept?.[2] ?? "", cell(keep));
  // what `paper` prints: both in one table, the search's rows below the scores
  const summary = sideBySideSummaryTable(result);
  assert.deepEqual(summary.header, [prediction.header[0], "the paper's assessor", "nas-assay"]);
  assert.deepEqual(summary.rows.slice(0, prediction.rows.length), prediction.rows);
  assert.deepEqual(
    summary.rows.slice(prediction.rows.length).map((row) => row[0]),
    search.rows.map((row) => row[0]),
  );
  const compact = (c: { truth: number; rank: number }) =>
    `${(100 * c.truth).toFixed(2)} % (rank ${c.rank.toLocaleString("en-US")})`;
  assert.deepEqual(summary.rows[prediction.rows.length].slice(1), [
    compact(paper.search.best),
    compact(ours.search.best),
  ]);
  // the paper's Table 1 has NAS-Bench-101 numbers only: a fourth column where the result carries them
  assert.equal(paper.paper, undefined);
  const withTable1 = sideBySidePredictionTable({
    ...result,
    paper: { ...paper, paper: PAPER_TABLE1.ssa[1000] },
  });
  assert.equal(withTable1.header[3], "paper (Table 1, N_l = 100)");
  assert.equal(withTable1.rows[0][3], "0.654 ± 0.008");
  const summary1 = sideBySideSummaryTable({ ...result, paper: { ...paper, paper: PAPER_TABLE1.ssa[1000] } });
  assert.equal(summary1.header[3], "paper, Table 1");
  assert.equal(summary1.rows.at(-1)?.[3], "–", "no Table 1 figure for a cell");

  const doc = sideBySideDocument(result);
  const kinds = doc.blocks.map((b) => b.kind);
  assert.equal(kinds.filter((k) => k === "figure").length, 4, "a rank plot and a search curve per column");
  const cells = doc.blocks.find((b) => b.kind === "cells");
  assert.equal(cells?.kind === "cells" ? cells.cells.length : 0, 4);
  assert.match(doc.title, /NAS-Bench-201, seed 3: the paper's assessor and nas-assay's choice, side by side/);
});

test("side by side with jobs 1: the paper's column is told as waiting while ours runs first, then runs", async () => {
  // it said "loading the benchmark" for the whole of the other column's run (found by tester P)
  const seen: Record<Column, string[]> = { paper: [], ours: [] };
  const both: string[] = [];
  const result = await runSideBySide({
    space: "nb201",
    data: testData(),
    method: "mlp",
    labels: 50,
    seed: 1,
    options: SMALL_ASSESSOR,
    evolution: { ...SMALL_EVOLUTION, evaluations: 60 },
    top: 3,
    sample: 100,
    jobs: 1,
    onProgress: (stages) => {
      for (const column of ["paper", "ours"] as const)
        if (seen[column].at(-1) !== stages[column]) seen[column].push(stages[column]);
      both.push(`${stages.paper}/${stages.ours}`);
    },
  });
  assert.equal(result.jobs, 1);
  assert.equal(seen.paper[0], "waiting");
  assert.deepEqual(seen.paper.slice(-3), ["predict", "search", "done"]);
  assert.deepEqual(seen.ours.slice(-3), ["predict", "search", "done"]);
  // waiting exactly until ours is done, never beside a stage of ours but its last
  const firstRun = both.findIndex((s) => !s.startsWith("waiting/"));
  assert.ok(firstRun > 0, both.join(" "));
  assert.equal(both[firstRun - 1], "waiting/done", both.slice(0, firstRun + 1).join(" "));
  assert.ok(
    both.slice(firstRun).every((s) => s.endsWith("/done")),
    both.join(" "),
  );
});

test("side by side: bad settings and missing data refused before any work", async () => {
  // jobs as every command's --jobs takes it (0 ran the columns one after the other, 2.5 both at once)
  for (const jobs of [0, 2.5])
    await assert.rejects(
      runSideBySide({ space: "nb201", data: testData(), jobs }),
      new RegExp(`^UserError: runSideBySide: jobs must be a positive integer, got ${jobs}$`),
    );
  await assert.rejects(
    runSideBySide({ space: "nb201", data: testData(), labels: 15625 }),
    /--labels must be an integer in 2\.\.15623 \(at least 2 test cells to score on\), got 15625/,
  );
  await assert.rejects(
    runSideBySide({ space: "nb201", data: testData(), target: "cifar10/test" }),
    (e: unknown) => e instanceof UserError && /no target "cifar10\/test" in nb201/.test(e.message),
  );
  await assert.rejects(
    runSideBySide({ space: "nb101", data: { dir: "/nowhere", source: "--data" } }),
    (e: unknown) => e instanceof UserError && /^--data \/nowhere: no such folder/.test(e.message),
  );
});

test("the cells-found tables call the choice among every cell what it is, not a bound the search can beat", () => {
  const cell = (id: number, truth: number, rank: number) => ({ id, truth, rank, rankPercent: rank / 156.25 });
  // the search's choice beats the same choice among every cell, as it did on NAS-Bench-201 (mlp, 50 labels, seed 0)
  const column = {
    settings: { method: "mlp", labels: 50, top: 10 },
    search: {
      evaluations: 300,
      best: cell(10436, 0.906, 198),
      exhaustive: cell(1, 0.904, 324),
      bestLabeled: cell(2, 0.9, 400),
      bestInSpace: cell(3, 0.917, 1),
    },
  } as unknown as PipelineResult;
  const [found, same] = searchTable(column).rows;
  assert.ok(
    Number.parseFloat(found[1]) > Number.parseFloat(same[1]),
    "the found cell is the better one here",
  );
  assert.equal(same[0], NO_SEARCH_CHOICE);
  const sideBySide = sideBySideSearchTable({ paper: column, ours: column } as never, true);
  assert.equal(sideBySide.rows[1][0], NO_SEARCH_CHOICE_SHORT);
  for (const row of [...searchTable(column).rows, ...sideBySide.rows]) assert.doesNotMatch(row[0], /bound/);
});

test("runSideBySide refuses options that are no object, or a key it does not read, before any work", async () => {
  // null read `.jobs` of null (a TypeError)
  await assert.rejects(
    runSideBySide(null as never),
    (e: unknown) =>
      e instanceof UserError &&
      /^runSideBySide: the options must be an object of space, data, target, .*, got null$/.test(e.message),
  );
  // a misspelt option ran the defaults without a word
  await assert.rejects(
    runSideBySide({ space: "nb201", data: testData(), label: 50 } as never),
    (e: unknown) =>
      e instanceof UserError &&
      /^runSideBySide: unknown option "label"; expected space, data, /.test(e.message),
  );
});
