/**
 * A seed's result read back from JSON (a worker's return value off the job queue, a run of a results
 * file) checked to be one that `evaluateSeed` could have written: JSON writes NaN as null (a correlation
 * of constant predictions, precision@100 on few test cells), so null stands for NaN.
 */
import { isPlainObject } from "../data/json-keys.js";
import { shownValue } from "../errors.js";
import type { SeedResult } from "./evaluate.js";

/** Each score with the range `evaluateSeed` gives (inclusive), null (NaN) always allowed. */
const SCORE_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  ktau: [-1, 1],
  spearman: [-1, 1],
  pearson: [-1, 1],
  mse: [0, Number.POSITIVE_INFINITY],
  precisionAt100: [0, 1],
  predictedBestTruth: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
  fitSeconds: [0, Number.POSITIVE_INFINITY],
  predictSeconds: [0, Number.POSITIVE_INFINITY],
};
const SCORES = Object.keys(SCORE_RANGES);
const ALLOWED = ["seed", ...SCORES, "undefinedCorrelation", "sample"];

const shown = (value: unknown) => shownValue(value, 60);

/**
 * What is wrong with `value` as the result of the run of `seed` (at most `sampleMax` sampled test
 * cells), in words (`ktau must be a number in -1..1 (null for NaN), got "0.9"`), or undefined when it
 * is a result.
 */
export function seedResultProblem(value: unknown, seed: number, sampleMax: number): string | undefined {
  if (!isPlainObject(value)) return `it must be an object, got ${shown(value)}`;
  const unknown = Object.keys(value).filter((k) => !ALLOWED.includes(k));
  if (unknown.length > 0)
    return `it has unknown field(s) ${unknown.join(", ")}; expected only ${ALLOWED.join(", ")}`;
  const absent = ["seed", ...SCORES].filter((k) => value[k] === undefined);
  if (absent.length > 0) return `it lacks ${absent.join(", ")}`;
  if (value.seed !== seed) return `it is for seed ${shown(value.seed)}, not ${seed}`;
  for (const name of SCORES) {
    const v = value[name];
    const [min, max] = SCORE_RANGES[name];
    if (v !== null && !(typeof v === "number" && v >= min && v <= max)) {
      const range =
        Number.isFinite(min) && Number.isFinite(max)
          ? ` in ${min}..${max}`
          : Number.isFinite(min)
            ? ` ≥ ${min}`
            : "";
      return `${name} must be a number${range} (null for NaN), got ${shown(v)}`;
    }
  }
  if (value.undefinedCorrelation !== undefined && typeof value.undefinedCorrelation !== "string")
    return `undefinedCorrelation must be a text, got ${shown(value.undefinedCorrelation)}`;
  if (value.sample !== undefined) {
    const sample = value.sample;
    if (!isPlainObject(sample) || Object.keys(sample).sort().join() !== "actual,predicted")
      return `sample must be { predicted, actual }, got ${shown(sample)}`;
    for (const k of ["predicted", "actual"] as const) {
      const list = sample[k];
      if (
        !Array.isArray(list) ||
        list.length > sampleMax ||
        list.some((x) => x !== null && typeof x !== "number")
      )
        return `sample.${k} must be at most ${sampleMax} numbers`;
    }
  }
  return undefined;
}

/**
 * `value` as a SeedResult (a copy, its null scores and sampled predictions NaN again, as `evaluateSeed` gave them), or the
 * problem (see seedResultProblem) thrown by `fail`. Left null, a score read back failed the tables of one
 * run ("Cannot read properties of null (reading 'toFixed')") and counted as 0 in a mean over seeds.
 */
export function checkedSeedResult(
  value: unknown,
  seed: number,
  sampleMax: number,
  fail: (problem: string) => Error,
): SeedResult {
  const problem = seedResultProblem(value, seed, sampleMax);
  if (problem !== undefined) throw fail(problem);
  const result = { ...(value as Record<string, unknown>) };
  for (const name of SCORES) if (result[name] === null) result[name] = Number.NaN;
  // a sample's NaN predictions too: left null, fig2's Spearman ranked them as 0 (a number where the run
  // had NaN), as a null score counted as 0 in a mean
  const sample = result.sample as { predicted: (number | null)[]; actual: (number | null)[] } | undefined;
  if (sample !== undefined) {
    const nan = (list: (number | null)[]) => list.map((x) => (x === null ? Number.NaN : x));
    result.sample = { predicted: nan(sample.predicted), actual: nan(sample.actual) };
  }
  return result as unknown as SeedResult;
}
