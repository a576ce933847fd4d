import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../random.js";
import { DEFAULT_FOREST_OPTIONS, fitForest, predictForest } from "./regression-forest.js";

test("a forest learns a function of binary features", () => {
  const rng = new Rng(1);
  const width = 6;
  const rows = 400;
  const x = Float32Array.from({ length: rows * width }, () => rng.int(2));
  const f = (r: number) => x[r * width] + 2 * x[r * width + 3] - x[r * width + 1] * x[r * width + 5];
  const y = Float64Array.from({ length: rows }, (_, r) => f(r));
  const trees = fitForest(x, width, y, { ...DEFAULT_FOREST_OPTIONS, trees: 30, featureShare: 0.5 }, rng);
  const predicted = predictForest(trees, x, width);
  let error = 0;
  for (let r = 0; r < rows; r++) error += (predicted[r] - y[r]) ** 2 / rows;
  assert.ok(error < 0.05, `mean squared error ${error}`);
});

test("a forest splits continuous features between observed values", () => {
  const rng = new Rng(2);
  const x = Float32Array.from({ length: 300 }, () => rng.float() * 10);
  const y = Float64Array.from(x, (v) => (v > 6.5 ? 1 : 0));
  const trees = fitForest(x, 1, y, { ...DEFAULT_FOREST_OPTIONS, trees: 20, featureShare: 1 }, rng);
  const predicted = predictForest(trees, Float32Array.from([1, 5, 6, 7, 9]), 1);
  assert.ok(predicted[0] < 0.1 && predicted[1] < 0.1 && predicted[4] > 0.9, `${Array.from(predicted)}`);
  // leaves respect minLeaf: no tree has a split leaving fewer than 2 samples on a side
  for (const tree of trees)
    for (let k = 0; k < tree.feature.length; k++)
      if (tree.feature[k] >= 0) assert.ok(tree.left[k] > k && tree.right[k] > k);
});

test("same seed, same forest", () => {
  const x = Float32Array.from({ length: 200 }, (_, i) => (i * 7) % 2);
  const y = Float64Array.from({ length: 100 }, (_, i) => i % 3);
  const a = fitForest(x, 2, y, DEFAULT_FOREST_OPTIONS, new Rng(5));
  const b = fitForest(x, 2, y, DEFAULT_FOREST_OPTIONS, new Rng(5));
  assert.deepEqual(predictForest(a, x, 2), predictForest(b, x, 2));
});
