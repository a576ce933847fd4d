import assert from "node:assert/strict";
import { test } from "node:test";
import { normalQuantile, scaleLabels } from "./label-scaling.js";

test("the normal quantile matches known values and is odd", () => {
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232) < 1e-5);
  for (const p of [0.001, 0.01, 0.2, 0.7, 0.9999])
    assert.ok(Math.abs(normalQuantile(p) + normalQuantile(1 - p)) < 1e-8, `p=${p}`);
});

test("standard scaling has mean 0 and standard deviation 1", () => {
  const z = scaleLabels([0.9, 0.92, 0.1, 0.93], "standard");
  const mean = z.reduce((a, b) => a + b, 0) / 4;
  const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
  assert.ok(Math.abs(mean) < 1e-6 && Math.abs(variance - 1) < 1e-5);
});

test("quantile scaling keeps the order and tames outliers", () => {
  const z = scaleLabels([0.93, 0.1, 0.91, 0.92, 0.92, 0.94], "quantile");
  assert.ok(z[1] < z[2] && z[2] < z[3] && z[3] < z[0] && z[0] < z[5]);
  assert.equal(z[3], z[4]); // ties share a score
  assert.ok(Math.abs(z[1]) < 2, "an outlier label gets an ordinary score");
});
