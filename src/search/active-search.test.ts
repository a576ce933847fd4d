import assert from "node:assert/strict";
import { before, test } from "node:test";
import { type Benchmark, loadBenchmark, targetValues } from "../benchmark.js";
import { UserError } from "../errors.js";
import { partialBenchmark, testData } from "../testing/fixtures.js";
import {
  activeOptions,
  activeSearch,
  compareStrategiesOverSeeds,
  randomSearch,
  trueEvolution,
} from "./active-search.js";

let benchmark: Benchmark;
let truth: Float64Array;
before(async () => {
  benchmark = await loadBenchmark("nb201", testData());
  truth = targetValues(benchmark);
});

test("active search trains exactly its budget of distinct, valid cells, the same for the same seed", async () => {
  const options = { initial: 10, budget: 40, step: 10, exploration: 0.2 };
  const a = await activeSearch(benchmark, truth, "e2epp", 3, options);
  const b = await activeSearch(benchmark, truth, "e2epp", 3, options);
  assert.equal(a.trained.length, 40);
  assert.equal(new Set(a.trained).size, 40);
  assert.ok(a.trained.every((id) => Number.isInteger(id) && id >= 0 && id < benchmark.space.size));
  assert.deepEqual(a.trained, b.trained);
  assert.equal(a.bestSoFar.length, 40);
  assert.equal(a.bestSoFar[39], Math.max(...a.trained.map((id) => truth[id])));
  for (let k = 1; k < 40; k++) assert.ok(a.bestSoFar[k] >= a.bestSoFar[k - 1]);
  // a budget that is not a multiple of the round never overshoots
  const odd = await activeSearch(benchmark, truth, "e2epp", 4, { ...options, budget: 25 });
  assert.equal(odd.trained.length, 25);
});

test("the baselines train their budget of distinct cells, reproducibly", async () => {
  const r = randomSearch(benchmark.space, truth, 5, 60);
  assert.equal(new Set(r.trained).size, 60);
  const e1 = await trueEvolution(benchmark.space, truth, 5, 60);
  const e2 = await trueEvolution(benchmark.space, truth, 5, 60);
  assert.equal(new Set(e1.trained).size, 60);
  assert.deepEqual(e1.trained, e2.trained);
  // budgets of 1 and 2 are the first population alone, which evolve refuses: random search's draw,
  // what evolve drew there before; at 3 the population is 2 and one child is bred
  for (const budget of [1, 2])
    assert.deepEqual(
      (await trueEvolution(benchmark.space, truth, 5, budget)).trained,
      randomSearch(benchmark.space, truth, 5, budget).trained,
    );
  assert.equal((await trueEvolution(benchmark.space, truth, 5, 3)).trained.length, 3);
  // 15 labeled cells, budget 100: the population follows the 15 (it was 20, cut to the 15 by evolve, so
  // no child was bred and the result was random search's draw)
  const few = Float64Array.from(truth, (v, id) => (id < 15 ? v : Number.NaN));
  const evolved = (await trueEvolution(benchmark.space, few, 5, 100)).trained;
  const drawn = randomSearch(benchmark.space, few, 5, 100).trained;
  assert.equal(evolved.length, 15);
  assert.deepEqual(
    [...evolved].sort((a, b) => a - b),
    [...drawn].sort((a, b) => a - b),
  );
  assert.notDeepEqual(evolved, drawn, "children bred, not the random draw");
});

test("regularized evolution with true labels does not stop short of its budget on NAS-Bench-101", async () => {
  // its population of 20 used to fill with copies of one cell whose every mutation was known
  const nb101 = await loadBenchmark("nb101", testData());
  for (const seed of [0, 1, 2]) {
    const run = await trueEvolution(nb101.space, targetValues(nb101), seed, 300);
    assert.equal(new Set(run.trained).size, 300, `seed ${seed}`);
  }
});

test("bad active-search options are errors naming the option", () => {
  assert.throws(() => activeOptions({ initial: 1 }), /initial must be at least 2/);
  assert.throws(
    () => activeOptions({ initial: 50, budget: 20 }),
    /--initial \(50\) must not exceed --budget \(20\)/,
  );
  assert.throws(() => activeOptions({ exploration: -0.1 }), /exploration must be in \[0, 1\]/);
  // a budget beyond the space (NAS-Bench-201: 15,625 cells) is refused before any training
  assert.throws(() => activeOptions({ budget: 100_000 }, 15_625), /--budget 100000 .*at most 15,625/);
  assert.equal(activeOptions({ budget: 15_625 }, 15_625).budget, 15_625);
});

test("on a partial import, active search, random search and evolution train labeled cells only", async () => {
  const partial = partialBenchmark(benchmark, (id) => id % 50 === 0); // 313 labeled cells
  const values = targetValues(partial);
  const labeled = (id: number) => !Number.isNaN(values[id]);
  const active = await activeSearch(partial, values, "e2epp", 1, {
    initial: 10,
    budget: 30,
    step: 10,
    candidates: 100,
  });
  const random = randomSearch(partial.space, values, 1, 30);
  const evolution = await trueEvolution(partial.space, values, 1, 60);
  for (const [name, t, n] of [
    ["active", active, 30],
    ["random", random, 30],
    ["evolution", evolution, 60],
  ] as const) {
    assert.equal(new Set(t.trained).size, n, name);
    assert.ok(t.trained.every(labeled), `${name} trained a cell without a label`);
    assert.ok(
      t.bestSoFar.every((v) => Number.isFinite(v)),
      name,
    );
  }
  // a budget beyond the labeled cells: random search and evolution stop at them
  assert.equal(randomSearch(partial.space, values, 2, 400).trained.length, 313);
  assert.throws(() => activeOptions({ budget: 400 }, 313), /at most 313/);
});

test('an active-search option given as text is shown as text: "20" was refused as "got 20"', () => {
  assert.throws(
    () => activeOptions({ budget: "20" as never }),
    /^UserError: --budget must be a positive integer, got "20"$/,
  );
});

test("compareStrategiesOverSeeds refuses seeds, jobs and a progress callback of the wrong kind before loading anything", async () => {
  // it checked none: seeds 3 said "seeds.slice is not a function" after the benchmark had loaded
  const spec = { space: "nb201", method: "mlp", data: "/nonexistent" } as never;
  for (const [seeds, jobs, progress, pattern] of [
    [3, 1, undefined, /compareStrategiesOverSeeds needs a list of seeds \(at least one\), got 3/],
    [[0, 0], 1, undefined, /compareStrategiesOverSeeds: the seed 0 is given twice/],
    [[0], 0, undefined, /compareStrategiesOverSeeds: jobs must be a positive integer, got 0/],
    [[0], 1, "yes", /compareStrategiesOverSeeds: onProgress must be a function .*got "yes"/],
  ] as const)
    await assert.rejects(
      compareStrategiesOverSeeds(spec, seeds as never, jobs, progress as never),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
});
