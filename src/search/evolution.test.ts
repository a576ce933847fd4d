import assert from "node:assert/strict";
import { before, test } from "node:test";
import { loadBenchmark, targetValues } from "../benchmark.js";
import { Rng } from "../random.js";
import type { Nb101Space } from "../spaces/nb101/space.js";
import type { Nb201Space } from "../spaces/nb201/space.js";
import { testData, testSpace } from "../testing/fixtures.js";
import { evolutionOptions, evolve, topK } from "./evolution.js";

let nb201: Nb201Space;
let truth: Float64Array;
let nb101: Nb101Space;
before(async () => {
  const benchmark = await loadBenchmark("nb201", testData());
  nb201 = benchmark.space as Nb201Space;
  truth = targetValues(benchmark);
  nb101 = await testSpace();
});

const trueFitness = async (ids: Int32Array) => Float64Array.from(ids, (id) => truth[id]);

for (const crossover of [0, 0.5]) {
  test(`evolution (crossover ${crossover}) evaluates exactly its budget of distinct, valid cells; same seed, same trajectory`, async () => {
    const options = { population: 50, tournament: 10, evaluations: 400, batch: 10, crossover };
    const a = await evolve(nb201, trueFitness, new Rng(4), options);
    const b = await evolve(nb201, trueFitness, new Rng(4), options);
    assert.equal(a.ids.length, 400);
    assert.equal(new Set(a.ids).size, 400);
    assert.ok(a.ids.every((id) => Number.isInteger(id) && id >= 0 && id < nb201.size));
    assert.deepEqual(Array.from(a.ids), Array.from(b.ids));
    assert.deepEqual(
      Array.from(a.fitness),
      Array.from(a.ids, (id) => truth[id]),
    );
    const best = topK(a, 10);
    assert.equal(best.length, 10);
    assert.equal(truth[best[0]], Math.max(...a.fitness));
    // it climbs: the later half of the search finds better cells on average than the random start
    const start = a.fitness.slice(0, 50).reduce((x, y) => x + y) / 50;
    const end = a.fitness.slice(200).reduce((x, y) => x + y) / 200;
    assert.ok(end > start, `mean fitness ${start} at the start, ${end} at the end`);
  });
}

test("crossover gives valid cells whose parts come from the parents", () => {
  const rng = new Rng(8);
  for (let k = 0; k < 200; k++) {
    const [a, b] = nb201.sample(rng, 2);
    const child = nb201.crossover(rng, a, b);
    const [pa, pb, c] = [nb201.cell(a).ops, nb201.cell(b).ops, nb201.cell(child).ops];
    for (const [edge, op] of c.entries()) assert.ok(op === pa[edge] || op === pb[edge]);
  }
  for (let k = 0; k < 200; k++) {
    const [a, b] = nb101.sample(rng, 2);
    const child = nb101.crossover(rng, a, b);
    assert.ok(Number.isInteger(child) && child >= 0 && child < nb101.size);
  }
});

test("bad evolution options are errors that name the option", () => {
  assert.throws(() => evolutionOptions({ population: 0 }), /population must be a positive integer/);
  assert.throws(
    () => evolutionOptions({ population: 5, tournament: 10 }),
    /tournament \(10\) must not exceed/,
  );
  assert.throws(() => evolutionOptions({ crossover: 2 }), /crossover must be in \[0, 1\]/);
  // a first population that takes every evaluation: random sampling, reported as evolution
  for (const evaluations of [50, 100])
    assert.throws(
      () => evolutionOptions({ population: 100, evaluations }),
      new RegExp(
        `^UserError: --population \\(100\\) must be below --evaluations \\(${evaluations}\\): .*evolution would never start; expected --population at most ${evaluations - 1} or --evaluations at least 101$`,
      ),
    );
  assert.equal(
    evolutionOptions({ population: 100, evaluations: 101 }).population,
    100,
    "one child is evolution",
  );
});

test('an evolution option given as text is shown as text: "20" was refused as "got 20"', () => {
  assert.throws(
    () => evolutionOptions({ evaluations: "20" as never }),
    /^UserError: --evaluations must be a positive integer, got "20"$/,
  );
});
