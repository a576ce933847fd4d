import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { testData } from "../testing/fixtures.js";
import { evaluate, evaluateSeed, mean, meanStd, scorePredictions } from "./evaluate.js";

test("evaluate refuses label counts that leave fewer than 2 test cells, before any training", async () => {
  const spec = { method: "mlp", space: "nb201", data: testData() } as const;
  for (const labels of [15_624, 15_625, 20_000, 1, 2.5])
    await assert.rejects(
      evaluate({ ...spec, labels }, [0]),
      (e: unknown) =>
        e instanceof UserError &&
        /--labels must be an integer in 2\.\.15623 \(the 15,625 cells of nb201 less at least 2 test cells/.test(
          e.message,
        ),
      String(labels),
    );
});

test("a run planned on other labels (a queue worker started on other data) is refused before any training", async () => {
  const spec = { method: "mlp", space: "nb201", data: testData(), labels: 20 } as const;
  await assert.rejects(
    evaluateSeed({ ...spec, labelsDigest: "0000000000000000" }, 0),
    (e: unknown) =>
      e instanceof UserError &&
      /^the labels of cifar10-valid\/test in .* \(fingerprint [0-9a-f]{16}\) are not those the run was planned on \(0000000000000000\): run it on the same benchmark data \(--data\)$/.test(
        (e as Error).message,
      ),
  );
});

test("scorePredictions says why the correlations are NaN, and only then", () => {
  const truth = [0.9, 0.8, 0.7, 0.6];
  const flat = scorePredictions([0.5, 0.5, 0.5, 0.5], truth);
  assert.ok(Number.isNaN(flat.ktau) && Number.isNaN(flat.spearman) && Number.isNaN(flat.pearson));
  assert.equal(flat.undefinedCorrelation, "the predictions are constant");
  const good = scorePredictions([0.4, 0.3, 0.2, 0.1], truth);
  assert.equal(good.ktau, 1);
  assert.equal(good.undefinedCorrelation, undefined);
  assert.ok(!("undefinedCorrelation" in good), "absent from the JSON when the correlations are defined");
});

test("precision@100 is NaN with at most 100 test cells (it would read 1 whatever the predictor), a share above", () => {
  const truth = (n: number) => Array.from({ length: n }, (_, i) => i / n);
  const reversed = (n: number) => truth(n).reverse();
  assert.ok(Number.isNaN(scorePredictions(reversed(100), truth(100)).precisionAt100));
  // 101 cells, predictions reversed: the predicted top 100 misses only the true best
  assert.equal(scorePredictions(reversed(101), truth(101)).precisionAt100, 0.99);
});

test("meanStd of equal values is that value ± 0 exactly; of others, the sample std", () => {
  // three runs of 0.7 printed 0.70000 ± 1.4e-16
  assert.deepEqual(meanStd([0.7, 0.7, 0.7]), { mean: 0.7, std: 0 });
  const { mean, std } = meanStd([1, 2, 3, 4]);
  assert.equal(mean, 2.5);
  assert.ok(Math.abs(std - Math.sqrt(5 / 3)) < 1e-15);
});

test("mean and meanStd of many values whose sum overflows: no RangeError (Math.max of 200,000 arguments overflowed the stack)", () => {
  const values = Array.from({ length: 200_000 }, (_, k) => (k % 2 === 0 ? 1e305 : 3e305));
  assert.ok(Math.abs(mean(values) / 2e305 - 1) < 1e-9, String(mean(values)));
  const { mean: m, std } = meanStd(values);
  assert.ok(Math.abs(m / 2e305 - 1) < 1e-9 && Math.abs(std / 1e305 - 1) < 1e-4, `${m} ± ${std}`);
});

test("meanStd and mean of finite values near the largest double are finite (their sums overflowed to Infinity)", () => {
  assert.equal(mean([1e308, 1e308]), 1e308);
  assert.equal(mean([1e308, 1e308, -1e308]), 1e308 / 3);
  const { mean: m, std } = meanStd([1e308, -1e308, 1e308, -1e308]);
  assert.equal(m, 0);
  assert.ok(Math.abs(std / (2 / Math.sqrt(3)) / 1e308 - 1) < 1e-12, `std ${std}`);
  // ordinary values: the plain sums, to the last bit
  assert.equal(mean([0.1, 0.2, 0.4]), (0.1 + 0.2 + 0.4) / 3);
  assert.deepEqual(meanStd([0.5]), { mean: 0.5, std: 0 });
});
