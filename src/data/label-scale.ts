/**
 * The scale of accuracy labels: fractions 0..1 (NAS-Bench-101 arrays, nas-assay's own labels) or
 * percentages 0..100 (NAS-Bench-201 csv files). A file on the other scale, a file mixing both, or a
 * value outside 0..100 is refused with the place of the offending values and the fix. Only accuracy
 * targets have a scale: FLOPs, parameters or training times are not checked here.
 */
import { BadFileError } from "../errors.js";

export type AccuracyScale = "fraction" | "percent";

export const ACCURACY_SCALES: readonly AccuracyScale[] = ["fraction", "percent"];

/** How to name the values of a source in messages, and how to fix a file on the other scale. */
export interface ScaleSource {
  /** The file, named in every message. */
  file: string;
  /** Where value `i` is, e.g. `line 12` or `row 67206`. */
  position: (i: number) => string;
  /** The column or array the values come from, e.g. `column "test accuracy"`. */
  what: string;
  /** What the user should do when the whole file is on the other scale. */
  fix: string;
  /** Said after an out-of-range value, when the values may not be accuracies at all (a user's file). */
  outOfRangeHint?: string;
  /**
   * The values are classification error rates: on the percent scale, values of 1 or less are
   * near-perfect networks (0.3 % on MNIST), any number of them, as a minimized study keeps them.
   */
  errorRate?: boolean;
  /** The scale was given by the user (`--scale`), not assumed: percents all of 1 or less may be chance level. */
  declared?: boolean;
  /** How to declare the percent scale (e.g. "give --scale percent"), said when a mix may be chance-level accuracies. */
  declareHint?: string;
}

const RANGE: Record<AccuracyScale, string> = {
  fraction: "a fraction 0..1",
  percent: "a percentage 0..100",
};

/**
 * How far above 1 a value may lie to be read as float noise over a perfect score (a mean of 1.0 summed
 * in floating point), not as a percent: ÷100 made 1.0000001 "0.010000001" (found by tester R).
 */
export const FLOAT_NOISE_OVER_ONE = 1e-6;

/** `value` is above 1 by float noise only (FLOAT_NOISE_OVER_ONE): a fraction's 1, not a percent. */
export function floatNoiseOverOne(value: number): boolean {
  return value > 1 && value - 1 <= FLOAT_NOISE_OVER_ONE;
}

/** How far apart near-chance percentages at most 1 may be (NAS-Bench-201: within 0.013). */
const NEAR_CHANCE_SPREAD = 0.05;

/**
 * Checks accuracy `values` (NaN = no label, skipped) against the `expected` scale. Rules: every value
 * in 0..100 and finite; on the fraction scale no value above 1; on the percent scale values at most 1
 * are accepted as near-chance accuracies, all within 0.05 of each other (1 % on CIFAR-100, 0.83 % on
 * ImageNet16-120) only with `declared` (any number of them, what a study of that scale keeps): assumed,
 * a fraction among percentages cannot be told from a near-chance percentage, and the refusal says how
 * to declare the scale; as error rates (`errorRate`), any values of 1 or less. Zero belongs to both scales.
 * Throws BadFileError naming the file, the positions of the offending values and the fix. Returns
 * warnings, one line each, for values kept that look like a slip: declared percent, a value of 1 or
 * less that read as a fraction belongs with the percents (fractionAmongPercents).
 */
export function checkAccuracyScale(
  values: ArrayLike<number>,
  expected: AccuracyScale,
  source: ScaleSource,
): string[] {
  const at = (i: number) => `${source.position(i)} (${values[i]})`;
  const low: number[] = []; // 0 < v <= 1
  const high: number[] = []; // 1 < v <= 100
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!(v >= 0 && v <= 100)) {
      throw new BadFileError(
        source.file,
        `${source.what}: ${at(i)} is out of range; expected ${RANGE[expected]}${source.outOfRangeHint ? ` (${source.outOfRangeHint})` : ""}`,
      );
    }
    if (v > 1) high.push(i);
    else if (v > 0) low.push(i);
  }
  if (low.length === 0 && high.length === 0) return [];
  if (expected === "fraction" && high.length === 0) return [];
  if (expected === "percent" && low.length === 0) return [];
  const max = (ids: number[]) => ids.reduce((m, i) => Math.max(m, values[i]), Number.NEGATIVE_INFINITY);
  if (expected === "fraction" && low.length === 0) {
    throw new BadFileError(
      source.file,
      `${source.what} holds percentages (values up to ${max(high)}, e.g. ${at(high[0])}); expected ${RANGE.fraction}: ${source.fix}`,
    );
  }
  // the user said fractions: values above 1 are not fractions, whatever the others are (199 percents and
  // a 1 were called a mix of percentages and fractions, as if the scale were still open)
  if (expected === "fraction" && source.declared) {
    const shown = high.slice(0, 3).map(at).join(", ") + (high.length > 3 ? ", …" : "");
    throw new BadFileError(
      source.file,
      `${source.what}: ${high.length} value${high.length === 1 ? " is" : "s are"} above 1 (${shown}), outside 0..1 for the fraction scale given: ${source.fix}; or write every value as a fraction (${values[high[0]]} → ${+(values[high[0]] / 100).toPrecision(12)})`,
    );
  }
  if (expected === "percent") {
    // near-perfect error rates: percents of 1 or less, any number of them (study/tell-rules.ts keeps them)
    if (source.errorRate) return [];
    // near-chance accuracies (1 % on CIFAR-100, 0.83 % on ImageNet16-120): values of 1 or less within
    // NEAR_CHANCE_SPREAD of each other, beside percents or, declared percent, on their own — what a study
    // of that scale keeps (study/tell-rules.ts CHANCE_SPREAD)
    // only declared: assumed, a lone 0.9 among percentages was learned as 0.009 while a study importing
    // the same file refused it (study/tell-rules.ts); `--scale percent` keeps chance-level values
    // Those that read as fractions among the percents are kept as declared, with a warning (a slip of
    // 0.8513 for 85.13 among 79 percents was learned as 0.85 % without a word, as a study under
    // --scale percent kept 0.931 among 60–94 %: tester A)
    if (chanceCluster(low.map((i) => values[i])) && source.declared) {
      if (high.length === 0) return [];
      const { least, most } = rangeOf(values, high);
      const shown = (x: number) => +x.toPrecision(6);
      return low
        .filter((i) => slipAmongPercents(values[i], least, most))
        .map(
          (i) =>
            `${source.file}: ${source.position(i)}: ${source.what} ${values[i]} is read as ${values[i]} % (--scale percent), ` +
            `far below its values above 1 (${least === most ? shown(least) : `${shown(least)}–${shown(most)}`} %); ` +
            `if it is ${+(values[i] * 100).toPrecision(12)} %, write ${+(values[i] * 100).toPrecision(12)} in the file`,
        );
    }
  }
  if (expected === "percent" && high.length === 0) {
    throw new BadFileError(
      source.file,
      `${source.what} holds fractions (every value at most 1, up to ${max(low)}, e.g. ${at(low[0])}); expected ${RANGE.percent}: ${source.fix}`,
    );
  }
  const placed = (ids: number[]) => ids.map((i) => ({ place: source.position(i), value: values[i] }));
  // declared percent: the values of 1 or less that read as fractions among the percents are named (and
  // converted in the example) first, not the chance-level cells at 1 % before them (tester B: "0.9999999
  // → 99.99999" was offered for CIFAR-100's)
  const named =
    expected === "percent" && source.declared && high.length > 0
      ? (() => {
          const { least, most } = rangeOf(values, high);
          const slip = (i: number) => slipAmongPercents(values[i], least, most);
          return [...low.filter(slip), ...low.filter((i) => !slip(i))];
        })()
      : low;
  throw new BadFileError(
    source.file,
    `${source.what} ${mixedScales(placed(high), placed(named), source.declared ? expected : undefined)}` +
      (expected === "percent" &&
      source.declareHint &&
      !source.declared &&
      chanceCluster(low.map((i) => values[i]))
        ? ` (if those at most 1 are accuracies at chance level, 1 % or less, ${source.declareHint})`
        : ""),
  );
}

/**
 * Whether `value` (of 1 or less) read as a fraction belongs with percents `low`–`high`, a slip of a
 * fraction for a percent rather than an accuracy at chance level: maximized, when ×100 it falls from 5
 * points below them to 10 above (0.931 beside 60–94 %; a chance-level 0.83 % beside ImageNet16-120's
 * 2–47 % is not); minimized (an error rate, whose chance level is near 100 %), when ×100 it lies nearer
 * them than it does itself, by ratio on a log scale (0.36 beside 25–30 %, not 0.9 beside 1.5–2.3 %).
 * The rule of a study's values (study/tell-rules.ts) and of a label file's (checkAccuracyScale).
 */
export function fractionAmongPercents(
  value: number,
  low: number,
  high: number,
  direction: "maximize" | "minimize" = "maximize",
): boolean {
  // (×100 rounded to 12 digits: 0.57 × 100 is 56.99999999999999, which is 57)
  const round = (x: number) => +x.toPrecision(12);
  const asPercent = round(value * 100);
  // How far (a ratio, on a log scale) a reading of the value lies from the percents' range.
  const away = (x: number) => (x < low ? Math.log(low / x) : x > high ? Math.log(x / high) : 0);
  return direction === "minimize"
    ? away(asPercent) <= away(value)
    : asPercent >= round(low - 5) && asPercent <= round(high + 10);
}

/**
 * Whether a value of a declared percent scale reads as a fraction slipped in among maximized percents
 * `low`–`high` (fractionAmongPercents), where a warning or a refusal names it: above 0, below 1 by more
 * than float noise (1 as a fraction is a perfect score; as a percent, chance level on 100 classes, which
 * NAS-Bench-201's CIFAR-100 cells score exactly). Studies, tables and label files judge by it.
 */
export function slipAmongPercents(value: number, low: number, high: number): boolean {
  return value > 0 && value < 1 - FLOAT_NOISE_OVER_ONE && fractionAmongPercents(value, low, high);
}

/** The least and the most of `values` at the indexes `ids`. */
function rangeOf(values: ArrayLike<number>, ids: readonly number[]): { least: number; most: number } {
  let least = Number.POSITIVE_INFINITY;
  let most = Number.NEGATIVE_INFINITY;
  for (const i of ids) {
    least = Math.min(least, values[i]);
    most = Math.max(most, values[i]);
  }
  return { least, most };
}

/** Values of 1 or less within NEAR_CHANCE_SPREAD of each other: what accuracies at chance level look like in percent. */
function chanceCluster(lows: readonly number[]): boolean {
  const spread =
    lows.reduce((m, v) => Math.max(m, v), 0) -
    lows.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY);
  // (to 12 digits, as a study's rule: 0.95 − 0.90 is 0.05000000000000004, a spread of 0.05: tester C)
  return +spread.toPrecision(12) <= NEAR_CHANCE_SPREAD;
}

/** A value and where it is, for messages: `line 12`, `all.csv line 12`. */
export interface PlacedValue {
  place: string;
  value: number;
}

/**
 * The one advice for values that mix percentages (above 1) and fractions (1 or less, not 0) where
 * nothing settles which scale is meant (a label file read with an inferred scale, an import into a new
 * study, simulate's table): both kinds counted and named by place (the first three of each), and both
 * ways out, the fewer values' conversion first: "mixes percentages and fractions: 1 value above 1
 * (line 5: 93.1) and 4 of 1 or less (line 2: 0.7, …); write every value on one scale: as fractions
 * (93.1 → 0.931) or as percentages (0.7 → 70)". `declared`: the scale the user gave, the only way out
 * offered. Label files and studies gave opposite fixes for one file ("a percentage 0..100" against
 * "write 0.65"): each reads its mix through this.
 */
export function mixedScales(
  percents: readonly PlacedValue[],
  fractions: readonly PlacedValue[],
  declared?: AccuracyScale,
): string {
  const round = (x: number) => +x.toPrecision(12);
  const examples = (values: readonly PlacedValue[]) =>
    values
      .slice(0, 3)
      .map((v) => `${v.place}: ${v.value}`)
      .join(", ") + (values.length > 3 ? ", …" : "");
  // float noise over 1 is a fraction's 1: "1.0000001 → 0.010000001" was offered (tester V); "over 1",
  // not "over a perfect score": an error rate's 1 is the worst (the direction is not known here)
  const toFraction = floatNoiseOverOne(percents[0].value)
    ? `${percents[0].value} → 1, float noise over 1`
    : `${percents[0].value} → ${round(percents[0].value / 100)}`;
  // the example is a value below 1: "1 → 100" read as making a genuine 1 % value 100 %; when every
  // value of 1 or less is 1, both readings of it are said
  const below = fractions.find((v) => v.value < 1);
  const toPercent = below
    ? `${below.value} → ${round(below.value * 100)}`
    : "each 1 that means 100 % → 100; one that means 1 % stays 1";
  const ways =
    declared === "fraction"
      ? `write every value as a fraction, the scale given (${toFraction})`
      : declared === "percent"
        ? `write every value as a percentage, the scale given (${toPercent})`
        : `write every value on one scale: ${
            percents.length <= fractions.length
              ? `as fractions (${toFraction}) or as percentages (${toPercent})`
              : `as percentages (${toPercent}) or as fractions (${toFraction})`
          }`;
  return (
    `mixes percentages and fractions: ${percents.length} value${percents.length === 1 ? "" : "s"} above 1 (${examples(percents)}) ` +
    `and ${fractions.length} of 1 or less (${examples(fractions)}); ${ways}`
  );
}
