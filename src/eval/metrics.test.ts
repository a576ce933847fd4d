import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../random.js";
import {
  averageRanks,
  kendallTau,
  mse,
  pearson,
  precisionAtK,
  ranksBestFirst,
  spearman,
  trueValueOfPredictedBest,
  undefinedCorrelationReason,
} from "./metrics.js";

/** Kendall tau-b by its definition, O(n²). */
function bruteKendall(x: number[], y: number[]): number {
  let concordant = 0;
  let discordant = 0;
  let tiedXOnly = 0;
  let tiedYOnly = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const s = Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j]);
      if (s > 0) concordant++;
      else if (s < 0) discordant++;
      else if (x[i] === x[j] && y[i] !== y[j]) tiedXOnly++;
      else if (y[i] === y[j] && x[i] !== x[j]) tiedYOnly++;
    }
  }
  return (
    (concordant - discordant) /
    Math.sqrt((concordant + discordant + tiedXOnly) * (concordant + discordant + tiedYOnly))
  );
}

test("Kendall tau-b matches the O(n²) definition on small inputs with many ties", () => {
  const rng = new Rng(8);
  for (let trial = 0; trial < 300; trial++) {
    const n = 2 + rng.int(60);
    const levels = 1 + rng.int(8);
    const x = Array.from({ length: n }, () => rng.int(levels));
    const y = Array.from({ length: n }, (_, i) => (rng.float() < 0.5 ? x[i] : rng.int(levels)));
    const expected = bruteKendall(x, y);
    const got = kendallTau(x, y);
    if (Number.isNaN(expected)) assert.ok(Number.isNaN(got));
    else assert.ok(Math.abs(got - expected) < 1e-12, `n=${n}: ${got} vs ${expected}`);
  }
  assert.equal(kendallTau([1, 2, 3], [1, 2, 3]), 1);
  assert.equal(kendallTau([1, 2, 3], [3, 2, 1]), -1);
  assert.ok(Number.isNaN(kendallTau([1, 1, 1], [1, 2, 3])));
});

test("Kendall tau on 423,624 values runs in O(n log n)", () => {
  const rng = new Rng(1);
  const n = 423_624;
  const truth = Float64Array.from({ length: n }, () => rng.float());
  const noisy = truth.map((t) => t + 0.3 * rng.float());
  const tau = kendallTau(noisy, truth);
  assert.ok(tau > 0.5 && tau < 0.9, `tau ${tau}`);
});

test("Spearman, Pearson, MSE, precision@k and the true value of the predicted best", () => {
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 5])), [2, 3.5, 3.5, 1]);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [10, 20, 30, 1000]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12);
  assert.ok(Math.abs(pearson([1, 2, 3], [1, 3, 2]) - 0.5) < 1e-12);
  assert.ok(Math.abs(mse([0.9, 0.8], [1, 0.5]) - (0.01 + 0.09) / 2) < 1e-12);
  const truth = [0.9, 0.5, 0.95, 0.1, 0.7];
  const predicted = [0.8, 0.9, 0.7, 0.2, 0.1];
  assert.equal(precisionAtK(predicted, truth, 2), 0.5); // predicted top-2 {1, 0}, true top-2 {2, 0}
  assert.equal(precisionAtK(predicted, truth, 5), 1);
  assert.equal(trueValueOfPredictedBest(predicted, truth), 0.5);
  assert.throws(() => mse([1], [1, 2]), RangeError);
  assert.throws(() => precisionAtK([1], [1], 0), RangeError);
});

test("a NaN in either array makes every correlation NaN, never a score (break test: Kendall tau 1)", () => {
  const x = [1, 2, 3, 4];
  for (const bad of [
    [Number.NaN, Number.NaN, Number.NaN, 1],
    [1, Number.NaN, 3, 4],
  ]) {
    for (const [a, b] of [
      [bad, x],
      [x, bad],
    ]) {
      assert.ok(Number.isNaN(kendallTau(a, b)), `kendall ${kendallTau(a, b)}`);
      assert.ok(Number.isNaN(spearman(a, b)), `spearman ${spearman(a, b)}`);
      assert.ok(Number.isNaN(pearson(a, b)), `pearson ${pearson(a, b)}`);
    }
  }
});

test("ranksBestFirst: 1 = the largest, ties by position", () => {
  assert.deepEqual(ranksBestFirst([0.5, 0.9, 0.5, 0.7]), [3, 1, 4, 2]);
});

test("every correlation is NaN for a constant input, and says why", () => {
  // ten times 0.1: the mean is 0.09999999999999999, so centred sums are rounding noise, not zero
  const constant = Array(10).fill(0.1);
  const varied = Array.from({ length: 10 }, (_, i) => i / 10);
  for (const [x, y] of [
    [constant, varied],
    [varied, constant],
    [constant, constant],
  ]) {
    assert.ok(Number.isNaN(pearson(x, y)), `pearson ${pearson(x, y)}`);
    assert.ok(Number.isNaN(spearman(x, y)), `spearman ${spearman(x, y)}`);
    assert.ok(Number.isNaN(kendallTau(x, y)), `kendall ${kendallTau(x, y)}`);
  }
  assert.ok(Number.isNaN(pearson([0.5], [0.7])));
  assert.equal(undefinedCorrelationReason(constant, varied), "the predictions are constant");
  assert.equal(undefinedCorrelationReason(varied, constant), "the true labels are constant");
  assert.equal(
    undefinedCorrelationReason(constant, constant),
    "the predictions and the true labels are constant",
  );
  assert.equal(undefinedCorrelationReason([0.5], [0.7]), "only 1 test cell");
  assert.equal(undefinedCorrelationReason(varied, varied), undefined);
  assert.ok(Math.abs(pearson(varied, varied) - 1) < 1e-12);
});

test("an entry that is not a number is refused, not correlated as text or skipped", () => {
  // pearson(["1","2","3"], …) summed by concatenation (0.0209); an undefined entry escaped the NaN check (tau 1)
  assert.throws(
    () => pearson(["1", "2", "3"] as never, [1, 2, 3]),
    /^RangeError: expected two arrays of numbers; entry 0 is "1"$/,
  );
  assert.throws(() => kendallTau([1, undefined, 3] as never, [1, 2, 3]), /entry 1 is undefined$/);
  assert.throws(() => mse([1, 2], [1, null] as never), /entry 1 is null$/);
  // typed arrays hold numbers only; empty inputs give NaN, not undefined
  assert.ok(Number.isNaN(trueValueOfPredictedBest(new Float64Array(0), new Float64Array(0))));
  assert.ok(Number.isNaN(mse([], [])));
});
