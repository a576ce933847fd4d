import assert from "node:assert/strict";
import { test } from "node:test";
import { calibrate, fitCalibration } from "./calibration.js";

test("isotonic calibration pools adjacent violators into their means", () => {
  const scores = [0, 1, 2, 3, 4, 5];
  const labels = [0.1, 0.5, 0.3, 0.8, 0.7, 0.9];
  const c = fitCalibration(scores, labels);
  // (0.5, 0.3) and (0.8, 0.7) pool into their means
  assert.deepEqual(
    c.labels.map((y) => +y.toFixed(6)),
    [0.1, 0.4, 0.75, 0.9],
  );
  assert.deepEqual(c.scores, [0, 1.5, 3.5, 5]);
  for (let i = 1; i < c.labels.length; i++) assert.ok(c.labels[i] > c.labels[i - 1]);
});

test("equal scores share a block, and the map keeps every order, beyond the ends too", () => {
  const c = fitCalibration([1, 1, 2, 3], [0.2, 0.4, 0.5, 0.45]);
  assert.deepEqual(c.scores, [1, 2.5]);
  assert.ok(Math.abs(c.labels[0] - 0.3) < 1e-12 && Math.abs(c.labels[1] - 0.475) < 1e-12);
  let previous = Number.NEGATIVE_INFINITY;
  for (const s of [-100, -1, 0.999, 1, 1.2, 2, 2.5, 2.6, 3, 50]) {
    const y = calibrate(c, s);
    assert.ok(y > previous, `not increasing at ${s}`);
    previous = y;
  }
  assert.ok(Math.abs(calibrate(c, 1.75) - (0.3 + 0.475) / 2) < 1e-12);
  assert.ok(Math.abs(calibrate(c, -100) - 0.3) < 1e-6, "clamped, but for a tiny slope");
});

test("a single pair calibrates to its label", () => {
  const c = fitCalibration([0.5], [0.9]);
  assert.ok(Math.abs(calibrate(c, 0.5) - 0.9) < 1e-12);
});

test("labels near the largest double calibrate to finite values, in order (they overflowed to NaN)", () => {
  const big = fitCalibration([0, 1, 2, 3], [1.5e308, 1.7e308, 1.6e308, 1.75e308]);
  for (const y of big.labels) assert.ok(Number.isFinite(y), `${y}`);
  assert.ok(Math.abs(big.labels[1] / 1.65e308 - 1) < 1e-12, "the pooled mean of 1.7e308 and 1.6e308");
  const signs = fitCalibration([0, 1], [-1.7e308, 1.7e308]);
  const middle = calibrate(signs, 0.5);
  assert.ok(Number.isFinite(middle) && Math.abs(middle) < 1e300, `${middle}`);
  assert.ok(calibrate(signs, 0.25) < middle && middle < calibrate(signs, 0.75));
});
