import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark, targetValues } from "../benchmark.js";
import { Rng } from "../random.js";
import { partialBenchmark, testData } from "../testing/fixtures.js";
import { paperComparison, predictorSearch, predictorSearchSeed, truthRanks } from "./predictor-search.js";

test("truthRanks: 1 + the number of cells with a higher label, NaN cells ignored", () => {
  const rank = truthRanks([0.5, 0.9, Number.NaN, 0.7, 0.9]);
  assert.equal(rank(0.9), 1);
  assert.equal(rank(0.7), 3);
  assert.equal(rank(0.5), 4);
  assert.equal(rank(0.95), 1);
});

test("the search returns valid cells of the space, reproducibly, and reports their true rank", async () => {
  const spec = {
    method: "e2epp" as const,
    space: "nb201" as const,
    data: testData(),
    labels: 300,
    evolution: { evaluations: 400, population: 40, batch: 20 },
  };
  const a = await predictorSearch(spec, [0, 1]);
  const b = await predictorSearch(spec, [0, 1]);
  assert.deepEqual(
    a.runs.map((r) => r.top),
    b.runs.map((r) => r.top),
  );
  for (const run of a.runs) {
    assert.equal(run.top.length, 10);
    assert.equal(new Set(run.top).size, 10);
    assert.ok(run.top.every((id) => Number.isInteger(id) && id >= 0 && id < 15625));
    assert.ok(run.top.includes(run.best.id));
    assert.equal(run.evaluations, 400);
    // the top is chosen by the predictions of the candidates' mutations too: more cells scored
    assert.ok(run.neighbourEvaluations > 0, `${run.neighbourEvaluations} mutations scored`);
    assert.ok(run.best.rank >= 1 && run.best.rankPercent === (100 * run.best.rank) / 15625);
    // the same choice with no search ranks every cell of the space by prediction
    assert.ok(run.exhaustive.truth > 0.85, `exhaustive best ${run.exhaustive.truth}`);
  }
  assert.ok(a.bestTruth.mean > 0.85, `best found ${a.bestTruth.mean}`);
  // the paper's "rank in the space": where the mean best accuracy would rank among every cell
  const truth = targetValues(await loadBenchmark("nb201", testData()));
  const above = truth.filter((v) => v > a.bestTruth.mean).length;
  assert.deepEqual(a.rankOfMeanBest, { rank: above + 1, rankPercent: (100 * (above + 1)) / 15625 });
  assert.match(a.comparison, /Table 3.*not public.*NAS-Bench-201 with cifar10-valid\/test labels/);
});

test("the best trained cell is the better of the best labeled cell and the best found", async () => {
  const benchmark = await loadBenchmark("nb201", testData());
  const truth = targetValues(benchmark);
  // a short search and one cell trained at the end, so that the labeled best is sometimes better
  const spec = {
    method: "e2epp" as const,
    space: "nb201" as const,
    data: testData(),
    labels: 300,
    top: 1,
    evolution: { evaluations: 60, population: 20, batch: 20 },
  };
  const result = await predictorSearch(spec, [0, 1, 2]);
  for (const run of result.runs) {
    const labeled = Array.from(benchmark.space.sample(new Rng(run.seed), spec.labels));
    const bestLabeled = labeled.reduce((a, b) => (truth[b] > truth[a] ? b : a));
    const expected = truth[bestLabeled] > run.best.truth ? bestLabeled : run.best.id;
    assert.equal(run.bestTrained.id, expected, `seed ${run.seed}`);
    assert.equal(run.bestTrained.truth, truth[expected]);
  }
  assert.ok(
    result.runs.some((r) => r.bestTrained.id !== r.best.id),
    "some seed's labeled best beats its find",
  );
});

test("a search result names the paper table it stands beside, and says when it is not comparable", () => {
  const t2 = paperComparison("ssa", "nb101", "test_accuracy_run0", "test_accuracy_run0");
  assert.match(t2, /Table 2 protocol; paper: 94\.01 ± 0\.12 %, rank 0\.01 %/);
  assert.match(paperComparison("gin", "nb101", "test_accuracy_run0", "test_accuracy_run0"), /no row for gin/);
  assert.match(paperComparison("ssa", "nb101", "flops", "test_accuracy_run0"), /no paper table for flops/);
  const t3 = paperComparison("e2epp", "nb201", "cifar100/test", "cifar10-valid/test");
  assert.match(
    t3,
    /Table 3, whose labels .* are not public: the same protocol on NAS-Bench-201 with cifar100\/test/,
  );
  assert.match(t3, /75\.86 ± 0\.19 % is on another space and not comparable/);
});

test("on a partial import, the labeled and trained cells and the same choice with no search all have a label, ranked among the labeled", async () => {
  const data = testData();
  const benchmark = partialBenchmark(await loadBenchmark("nb201", data), (id) => id % 5 === 0);
  const truth = targetValues(benchmark);
  const labeled = Array.from(truth.keys()).filter((id) => !Number.isNaN(truth[id]));
  assert.equal(labeled.length, 3125);
  const run = await predictorSearchSeed(
    {
      method: "e2epp",
      space: "nb201",
      data,
      labels: 50,
      evolution: { evaluations: 300, population: 30, batch: 20 },
      neighbourhood: { weight: 1, draws: 10, candidates: 30 },
    },
    0,
    undefined,
    benchmark,
  );
  assert.equal(run.top.length, 10);
  for (const id of run.top) assert.ok(!Number.isNaN(truth[id]), `cell ${id} has no label`);
  for (const cell of [run.best, run.exhaustive, run.bestTrained]) {
    assert.ok(!Number.isNaN(truth[cell.id]), `cell ${cell.id} has no label`);
    assert.equal(cell.rank, 1 + labeled.filter((id) => truth[id] > cell.truth).length);
    assert.equal(cell.rankPercent, (100 * cell.rank) / 3125);
  }
});
