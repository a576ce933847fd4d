import assert from "node:assert/strict";
import { test } from "node:test";
import { BadFileError } from "../errors.js";
import { checkAccuracyScale, type ScaleSource } from "./label-scale.js";

const source: ScaleSource = {
  file: "f.csv",
  position: (i) => `line ${i + 2}`,
  what: 'column "acc"',
  fix: "THE FIX",
};
const refused = (values: number[], scale: "fraction" | "percent", message: RegExp) =>
  assert.throws(
    () => checkAccuracyScale(values, scale, source),
    (e: Error) => e instanceof BadFileError && e.message.startsWith("f.csv: ") && message.test(e.message),
    `${scale} ${values}`,
  );

test("values on the expected scale pass; NaN (no label) and 0 belong to both", () => {
  checkAccuracyScale([0.91, 0.5, 0, Number.NaN, 1], "fraction", source);
  checkAccuracyScale([91.2, 50, 0, Number.NaN, 100], "percent", source);
  // near-chance percentages at most 1 (ImageNet16-120 train accuracy: 0.84-0.86 %) among many above
  const withChance = [...Array.from({ length: 40 }, (_, i) => 20 + i), 0.8446, 0.8541, 0.857];
  checkAccuracyScale(withChance, "percent", source);
});

test("a file on the other scale is refused with the fix", () => {
  refused(
    [93.1, 91, 88.5],
    "fraction",
    /column "acc" holds percentages \(values up to 93\.1, e\.g\. line 2 \(93\.1\)\); expected a fraction 0\.\.1: THE FIX/,
  );
  refused(
    [0.931, 0.91, 0.885],
    "percent",
    /column "acc" holds fractions .*up to 0\.931.*expected a percentage 0\.\.100: THE FIX/,
  );
});

test("mixed scales are refused naming lines of both kinds", () => {
  const everyThird = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? 80 + i : 0.9 + i / 1000));
  refused(
    everyThird,
    "fraction",
    /mixes scales: 4 values above 1 \(percentages: line 4 \(82\), line 7 \(85\), line 10 \(88\), …\) and 8 at most 1 \(fractions: line 2 \(0\.9\), line 3 \(0\.901\), line 5/,
  );
  refused(everyThird, "percent", /mixes scales/);
  // two different fractions among percentages are not a near-chance cluster
  refused(
    [...Array.from({ length: 40 }, (_, i) => 20 + i), 0.93, 0.71],
    "percent",
    /mixes scales: 40 values above 1.*2 at most 1 \(fractions: line 42 \(0\.93\), line 43 \(0\.71\)\)/,
  );
});

test("values out of 0..100, and infinities, are refused naming the line", () => {
  refused([0.5, -0.1], "fraction", /line 3 \(-0\.1\) is out of range; expected a fraction 0\.\.1/);
  refused([50, 150], "percent", /line 3 \(150\) is out of range; expected a percentage 0\.\.100/);
  refused([0.5, Number.POSITIVE_INFINITY], "fraction", /line 3 \(Infinity\) is out of range/);
});
