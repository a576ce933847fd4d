import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark, targetValues } from "../benchmark.js";
import { UserError } from "../errors.js";
import { evaluateSeed } from "../eval/evaluate.js";
import { predictorSearchSeed } from "../search/predictor-search.js";
import { partialBenchmark, SMALL_ASSESSOR, SMALL_EVOLUTION, testData } from "../testing/fixtures.js";
import { checkPipelineSettings, runPaperPipeline, searchCurve } from "./paper-pipeline.js";
import { pipelineDocument } from "./pipeline-report.js";

test("one fit gives what evaluate and search give for the same seed, and the report shows it", async () => {
  const data = testData();
  const stages: string[] = [];
  let last = 0;
  const result = await runPaperPipeline({
    space: "nb201",
    data,
    labels: 100,
    seed: 3,
    options: SMALL_ASSESSOR,
    evolution: SMALL_EVOLUTION,
    sample: 500,
    onProgress: (stage, done) => {
      if (stages.at(-1) !== stage) stages.push(stage);
      assert.ok(done >= last - 1e-12 && done <= 1, `progress ${done} after ${last}`);
      last = done;
    },
  });
  assert.deepEqual(stages, ["load", "fit", "predict", "search"]);
  assert.equal(last, 1);
  assert.equal(result.testCells, 15625 - 100);
  assert.equal(result.sample.actual.length, 500);
  assert.equal(result.paper, undefined, "the paper has no NAS-Bench-201 numbers");
  assert.equal(result.settings.neighbourhood?.weight, 0, "the paper's choice unless told otherwise");
  assert.equal(result.search.neighbourEvaluations, 0);

  const benchmark = await loadBenchmark("nb201", data);
  const spec = { method: "ssa" as const, space: "nb201" as const, data, labels: 100 };
  const evaluated = await evaluateSeed(
    { ...spec, options: SMALL_ASSESSOR, sample: 500 },
    3,
    undefined,
    benchmark,
  );
  assert.equal(result.scores.ktau, evaluated.ktau);
  assert.equal(result.scores.mse, evaluated.mse);
  assert.deepEqual(result.sample, evaluated.sample);
  // the pipeline trains the 10 predicted best, as the paper: `search --neighbourhood 0`
  const searched = await predictorSearchSeed(
    { ...spec, options: SMALL_ASSESSOR, evolution: SMALL_EVOLUTION, neighbourhood: { weight: 0 } },
    3,
    undefined,
    benchmark,
  );
  assert.deepEqual(
    result.search.top.map((c) => c.id),
    searched.top,
  );
  assert.deepEqual(result.search.best.id, searched.best.id);
  assert.deepEqual(result.search.exhaustive.id, searched.exhaustive.id);

  const { search } = result;
  assert.equal(search.evaluations, SMALL_EVOLUTION.evaluations);
  assert.equal(search.bestInSpace.rank, 1);
  assert.ok(
    search.bestInSpace.truth >= search.best.truth && search.bestInSpace.truth >= search.bestLabeled.truth,
  );
  assert.match(search.best.cell.arch ?? "", /^\|.*\|$/);
  const last2 = search.curve.at(-1);
  assert.equal(last2?.evaluations, SMALL_EVOLUTION.evaluations);
  assert.equal(last2?.top, search.best.truth, "the curve ends at the protocol's answer");

  const doc = pipelineDocument(result);
  const kinds = doc.blocks.map((b) => b.kind);
  assert.equal(kinds.filter((k) => k === "figure").length, 2);
  assert.equal(kinds.filter((k) => k === "cells").length, 1);
});

test("the search curve: best true label of the top cells by prediction, and of all cells seen", () => {
  const trace = { ids: Int32Array.from([0, 1, 2, 3]), fitness: Float64Array.from([0.5, 0.9, 0.7, 0.8]) };
  const truth = [0.6, 0.1, 0.9, 0.3];
  assert.deepEqual(searchCurve(trace, truth, 2, 2), [
    { evaluations: 2, top: 0.6, seen: 0.6 },
    { evaluations: 4, top: 0.3, seen: 0.9 }, // top 2 by fitness: cells 1 (0.1) and 3 (0.3)
  ]);
  assert.deepEqual(
    searchCurve(trace, truth, 1, 3).map((p) => p.evaluations),
    [3, 4],
  );
});

test("bad settings and missing data are the user's errors, before any work", async () => {
  await assert.rejects(
    runPaperPipeline({ space: "nb201", data: testData(), labels: 1 }),
    /--labels must be an integer in 2\.\.15623 \(at least 2 test cells to score on\), got 1/,
  );
  // one test cell left: no correlation can be scored on it
  await assert.rejects(
    runPaperPipeline({ space: "nb201", data: testData(), labels: 15_624 }),
    (e: unknown) => e instanceof UserError && /in 2\.\.15623 .*got 15624/.test(e.message),
  );
  await assert.rejects(
    runPaperPipeline({ space: "nb101", data: { dir: "/nowhere", source: "--data" } }),
    (e: unknown) =>
      e instanceof UserError &&
      /^--data \/nowhere: no such folder; expected the folder that holds nb101\//.test(e.message),
  );
});

test("on a partial import, the split, the cells trained and the best in space are among the labeled cells", async () => {
  const data = testData();
  const benchmark = partialBenchmark(await loadBenchmark("nb201", data), (id) => id % 5 === 0);
  const truth = targetValues(benchmark);
  const result = await runPaperPipeline(
    { space: "nb201", data, method: "e2epp", labels: 100, evolution: SMALL_EVOLUTION, sample: 500 },
    benchmark,
  );
  assert.equal(result.labeledCells, 3125);
  assert.equal(result.spaceSize, 15625);
  assert.equal(result.testCells, 3125 - 100);
  assert.ok(
    Number.isFinite(result.scores.ktau) && Number.isFinite(result.scores.mse),
    "scores on labeled cells",
  );
  const { search } = result;
  for (const cell of [
    search.best,
    ...search.top,
    search.exhaustive,
    search.bestLabeled,
    search.bestInSpace,
  ]) {
    assert.ok(!Number.isNaN(truth[cell.id]), `cell ${cell.id} has no label`);
    assert.equal(cell.rankPercent, (100 * cell.rank) / 3125);
  }
  let best = Number.NEGATIVE_INFINITY;
  for (const v of truth) if (v > best) best = v;
  assert.equal(search.bestInSpace.truth, best);
  assert.equal(search.bestInSpace.rank, 1);
  assert.ok(search.curve.every((p) => Number.isFinite(p.top) && Number.isFinite(p.seen)));
  assert.match(
    JSON.stringify(pipelineDocument(result)),
    /on the 3,125 labeled cells only \(a partial import\)/,
  );
});

test('pipeline settings given as text are shown as text: "100" was refused as "got 100"', () => {
  assert.throws(
    () => checkPipelineSettings(15625, "100" as never, 0, 10, 300),
    /--labels must be an integer in 2\.\.15623 .*, got "100"$/,
  );
  assert.throws(
    () => checkPipelineSettings(15625, 100, "0" as never, 10, 300),
    /^UserError: --seed must be an integer ≥ 0, got "0"$/,
  );
  assert.throws(
    () => checkPipelineSettings(15625, 100, 0, "10" as never, 300),
    /^UserError: --top must be a positive integer, got "10"$/,
  );
});
