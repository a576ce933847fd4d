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
  assert.deepEqual(checkAccuracyScale(withChance, "percent", { ...source, declared: true }), []);
  // declared percent keeps a fraction-looking value too, but warns of it: 0.5613 among 20–59 % is
  // 56.13 % slipped (it was learned as 0.56 % without a word: tester A)
  // a spread of 0.05 exactly is kept, as a study keeps it (0.95 − 0.90 is 0.05000000000000004: tester C)
  assert.deepEqual(
    checkAccuracyScale([...withChance.slice(0, 40), 0.9, 0.95], "percent", { ...source, declared: true }),
    [],
  );
  // and where the values of 1 or less spread too wide to keep, the refusal names those that read as
  // fractions first, not chance-level cells at 1 % before them (tester B)
  assert.throws(
    () =>
      checkAccuracyScale([...withChance.slice(0, 40), 1, 0.9999999996, 0.5613, 0.56], "percent", {
        ...source,
        declared: true,
      }),
    /and 4 of 1 or less \(line 44: 0\.5613, line 45: 0\.56, line 42: 1, …\); write every value as a percentage, the scale given \(0\.5613 → 56\.13\)$/,
  );
  assert.deepEqual(
    checkAccuracyScale([...withChance.slice(0, 40), 0.5613, 0.56], "percent", { ...source, declared: true }),
    [
      'f.csv: line 42: column "acc" 0.5613 is read as 0.5613 % (--scale percent), far below its values above 1 (20–59 %); if it is 56.13 %, write 56.13 in the file',
      'f.csv: line 43: column "acc" 0.56 is read as 0.56 % (--scale percent), far below its values above 1 (20–59 %); if it is 56 %, write 56 in the file',
    ],
  );
  // assumed, not declared: they cannot be told from fractions (a lone 0.9 among percents was learned
  // as 0.009 while a study importing the file refused it): refused, saying how to declare the scale
  assert.throws(
    () => checkAccuracyScale(withChance, "percent", { ...source, declareHint: "give --scale percent" }),
    /mixes percentages and fractions: 40 values above 1 .* \(if those at most 1 are accuracies at chance level, 1 % or less, give --scale percent\)$/,
  );
  assert.throws(
    () => checkAccuracyScale([...withChance.slice(0, 40), 0.9], "percent", source),
    /and 1 of 1 or less \(line 42: 0\.9\)/,
  );
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
  // float noise over 1 is a fraction's 1: "1.0000001 → 0.010000001" was offered (tester V)
  refused(
    [0.9, 1.0000001, 0.8],
    "fraction",
    /mixes percentages and fractions: 1 value above 1 \(line 3: 1\.0000001\) .*as fractions \(1\.0000001 → 1, float noise over 1\)/,
  );
  const everyThird = Array.from({ length: 12 }, (_, i) => (i % 3 === 2 ? 80 + i : 0.9 + i / 1000));
  refused(
    everyThird,
    "fraction",
    /^f\.csv: column "acc" mixes percentages and fractions: 4 values above 1 \(line 4: 82, line 7: 85, line 10: 88, …\) and 8 of 1 or less \(line 2: 0\.9, line 3: 0\.901, line 5: 0\.903, …\); write every value on one scale: as fractions \(82 → 0\.82\) or as percentages \(0\.9 → 90\)$/,
  );
  // the same advice whichever scale was assumed: it said "put every value on one scale, a percentage
  // 0..100" here while a study refused the same file with "write 0.82"
  refused(
    everyThird,
    "percent",
    /mixes percentages and fractions: .*; write every value on one scale: as fractions/,
  );
  // the fraction scale given: values above 1 are outside it, whatever the others are (199 percents and
  // a 1 were "a mix of percentages and fractions": break test)
  assert.throws(
    () => checkAccuracyScale(everyThird, "fraction", { ...source, declared: true }),
    /f\.csv: column "acc": 4 values are above 1 \(line 4 \(82\), line 7 \(85\), line 10 \(88\), …\), outside 0\.\.1 for the fraction scale given: THE FIX; or write every value as a fraction \(82 → 0\.82\)$/,
  );
  assert.throws(
    () =>
      checkAccuracyScale([...Array.from({ length: 199 }, (_, i) => 50 + i / 10), 1], "fraction", {
        ...source,
        declared: true,
      }),
    /f\.csv: column "acc": 199 values are above 1 \(line 2 \(50\), .*outside 0\.\.1 for the fraction scale given: THE FIX;/,
  );
  // assumed, a 1 among percents is not shown turned into 100 (a genuine 1 % value would become 100 %)
  const onePercent = [...Array.from({ length: 10 }, (_, i) => 50 + i), 1];
  refused(
    onePercent,
    "percent",
    /write every value on one scale: as percentages \(each 1 that means 100 % → 100; one that means 1 % stays 1\) or as fractions \(50 → 0\.5\)$/,
  );
  refused([...onePercent, 1, 0.9], "percent", /as percentages \(0\.9 → 90\)/);
  // two different fractions among percentages are not a near-chance cluster
  refused(
    [...Array.from({ length: 40 }, (_, i) => 20 + i), 0.93, 0.71],
    "percent",
    /mixes percentages and fractions: 40 values above 1.*2 of 1 or less \(line 42: 0\.93, line 43: 0\.71\); write every value on one scale: as percentages \(0\.93 → 93\) or as fractions \(20 → 0\.2\)$/,
  );
});

test("values out of 0..100, and infinities, are refused naming the line", () => {
  refused([0.5, -0.1], "fraction", /line 3 \(-0\.1\) is out of range; expected a fraction 0\.\.1/);
  refused([50, 150], "percent", /line 3 \(150\) is out of range; expected a percentage 0\.\.100/);
  refused([0.5, Number.POSITIVE_INFINITY], "fraction", /line 3 \(Infinity\) is out of range/);
});
