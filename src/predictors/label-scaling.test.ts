import assert from "node:assert/strict";
import { test } from "node:test";
import { fitScaling, normalCdf, normalQuantile, scaleLabels, unscale } from "./label-scaling.js";

test("normal CDF and quantile are inverse and match known values", () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  for (const p of [0.001, 0.01, 0.2, 0.5, 0.7, 0.99, 0.9999])
    assert.ok(Math.abs(normalCdf(normalQuantile(p)) - p) < 1e-6, `p=${p}`);
});

test("standard scaling round trips", () => {
  const labels = [0.9, 0.92, 0.1, 0.93];
  const s = fitScaling(labels, "standard");
  const z = scaleLabels(s, labels);
  for (let i = 0; i < labels.length; i++) assert.ok(Math.abs(unscale(s, z[i]) - labels[i]) < 1e-6);
});

test("quantile scaling keeps the order, tames outliers, and maps back into the labels' range", () => {
  const labels = [0.93, 0.1, 0.91, 0.92, 0.92, 0.94];
  const s = fitScaling(labels, "quantile");
  const z = scaleLabels(s, labels);
  assert.ok(z[1] < z[2] && z[2] < z[3] && z[3] < z[0] && z[0] < z[5]);
  assert.equal(z[3], z[4]); // ties share a score
  assert.ok(Math.abs(z[1]) < 2, "an outlier label gets an ordinary score");
  assert.ok(unscale(s, -10) >= 0.1 && unscale(s, 10) <= 0.94);
  let previous = -1;
  for (let v = -3; v <= 3; v += 0.25) {
    const y = unscale(s, v);
    assert.ok(y >= previous, "unscale is monotone");
    previous = y;
  }
});
