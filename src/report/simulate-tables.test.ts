/** `simulate`'s text output: readable whatever the values' magnitude, and no spread over one seed. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SimulateResult } from "../study/simulate.js";
import { meanStdText, simulateText } from "./simulate-tables.js";

/** A result whose three strategies have the same `at` checkpoints. */
function result(seeds: number[], at: SimulateResult["strategies"]["ask"]["at"]): SimulateResult {
  const strategy = { curve: [0, 0], at };
  return {
    space: "s",
    target: "latency_us",
    budget: 2,
    seeds,
    tableSize: 30,
    strategies: { ask: strategy, random: strategy, evolution: strategy },
  };
}

test("a mean ± std is fixed-point at five significant digits, the std on the mean's decimals (break I: 1.1314e+5 ± 5.4e+3)", () => {
  assert.equal(meanStdText({ mean: 113140, std: 5402.4 }, 3), "113140 ± 5402");
  assert.equal(meanStdText({ mean: 0.9014, std: 0.006788 }, 2), "0.90140 ± 0.00679");
  assert.equal(meanStdText({ mean: 89.04, std: 0.3 }, 20), "89.040 ± 0.300");
  assert.equal(meanStdText({ mean: 0.00018975, std: 0.000104 }, 3), "0.00018975 ± 0.00010400");
  assert.equal(meanStdText({ mean: 0, std: 0 }, 2), "0.0000 ± 0.0000");
  assert.equal(meanStdText({ mean: -12.5, std: 1 }, 2), "-12.500 ± 1.000");
  // over one seed a mean has no spread: "± 0.0" read as a certainty (evaluate and reproduce leave it out)
  assert.equal(meanStdText({ mean: 89.04, std: 0 }, 1), "89.040");
});

test("a mean beyond fixed-point's five significant digits is written with an exponent, never as zero", () => {
  // toFixed(20) wrote 1e-30 as "0.00000000000000000000" (and -1e-30 as "-0.000…"): a best found shown as none
  assert.equal(meanStdText({ mean: 1e-30, std: 2e-31 }, 3), "1.0000e-30 ± 2.0e-31");
  assert.equal(meanStdText({ mean: -1.2345e-20, std: 0 }, 1), "-1.2345e-20");
  // toFixed(0) of 1e24 wrote the std with every digit of the double: "1.0000000000000001e+24"
  assert.equal(meanStdText({ mean: 1e25, std: 1e25 / 10 }, 2), "1.0000e+25 ± 1.0e+24");
  // fixed-point as far as it shows five significant digits
  assert.equal(meanStdText({ mean: 1.5e-16, std: 0 }, 1), "0.00000000000000015000");
  assert.equal(meanStdText({ mean: 1e20, std: 0 }, 1), "100000000000000000000");
});

test("simulate's text keeps its columns apart and writes no exponent (break I: cells ran together)", () => {
  const tiny = simulateText(
    result([0, 1, 2], { "2": { mean: 0.00014322, std: 0.0000159, medianRank: 4 } }),
    true,
  );
  const row = tiny.split("\n")[3];
  assert.equal(
    row,
    `          2  ${"0.00014322 ± 0.00001590 (rank 4)  ".repeat(2)}0.00014322 ± 0.00001590 (rank 4)`,
  );
  const large = simulateText(result([0, 1], { "2": { mean: 113140, std: 5402, medianRank: 3 } }), false);
  assert.doesNotMatch(large, /e\+/);
  assert.match(large, /\n {10}2 {2}113140 ± 5402 \(rank 3\) {2}113140/);
  // one table, one number of decimals: that of its smallest value (0.72896 beside 12.740; tester R)
  const mixed = simulateText(
    result([0, 1], {
      "10": { mean: 12.74, std: 16.003, medianRank: 3 },
      "20": { mean: 0.72896, std: 0, medianRank: 1 },
    }),
    false,
  );
  assert.match(mixed, /\n {9}10 {2}12\.74000 ± 16\.00300 \(rank 3\)/);
  assert.match(mixed, /\n {9}20 {2}0\.72896 ± 0\.00000 \(rank 1\)/);
  // but never more than 4 decimals past a value's own five significant digits: float noise (tester U)
  const wide = simulateText(
    result([0], {
      "10": { mean: 111111.102, std: 0, medianRank: 2 },
      "20": { mean: 1e-9, std: 0, medianRank: 1 },
    }),
    false,
  );
  assert.match(wide, /\n {9}10 {2}111111\.1020 \(rank 2\)/);
  assert.match(wide, /\n {9}20 {2}0\.0000000010000 \(rank 1\)/);
  const one = simulateText(result([7], { "2": { mean: 89.04, std: 0, medianRank: 1 } }), false, "sim.svg");
  assert.doesNotMatch(one, /±/);
  assert.match(one, /, seeds 7\nbest found \(its rank in the table, 1 = its best\):\n/);
  assert.match(one, /\ncurves drawn in sim\.svg$/);
});
