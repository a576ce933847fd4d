/**
 * What `tell` refuses, because it would corrupt a study: a value that is not a finite number, a value
 * on another scale than the study's so far, and a second, different value for an architecture already
 * told. The rules, as users see them:
 *
 * - Scale (accuracy-like targets only, i.e. a target name containing "acc", "top1"/"top5", "precision",
 *   "recall", "f1", "auc" or "iou"). A study made with an explicit scale takes values in [0, 1]
 *   (`fraction`) or [0, 100] (`percent`) and nothing else. Otherwise (`auto`) values must lie in
 *   [0, 100], and a value is refused when, read on the other scale, it falls among the study's values
 *   (within 0.05, or 5 points, of their range): 93.1 told to a study of 0.84–0.94, or 0.931 told to a
 *   study of 60–94 %. The study is in percent once it holds a value above 1. A value of 1 or less in a
 *   percent study that does not fall among its values is kept: networks at chance level on 100 or
 *   more classes score 1 % or less (NAS-Bench-201 has such cells), so no value-only rule can tell
 *   every fraction from every percent; `--scale` settles it. One case values do settle: a value above 1
 *   told to a study whose values are all 1 or less and spread over more than CHANCE_SPREAD is refused
 *   wherever it falls (45 told to a study of 0.81–0.89: a poor run logged in percent): networks at
 *   chance level score one dataset's 100/classes, give or take noise (NAS-Bench-201's ImageNet16-120
 *   train accuracy: 0.845–0.857 %), so values spread wider are fractions.
 *   Other targets (loss, latency, FLOPs) take any finite number.
 * - Duplicates: a study keeps one value per architecture. The same value told again is ignored (so a
 *   results file can be told twice after an interruption); a different value, or `failed` for an
 *   architecture told a value, is refused, naming both (tell the mean of repeated runs instead).
 *   A value for an architecture told `failed` replaces the failure (a retry that worked).
 */
import { UserError } from "../errors.js";
import type { RecordCheck, Trial, TrialResult } from "./store.js";

const ACCURACY_LIKE = /acc|top-?[15](?![0-9])|precision|recall|f1|auc|iou/i;

/** The scale of an accuracy-like target: declared when the study was made, or inferred (`auto`). */
export type ValueScale = "fraction" | "percent" | "auto";

/** Whether values of this target are accuracies (fraction or percent), so that the scale rule applies. */
export function accuracyLike(target: string): boolean {
  return ACCURACY_LIKE.test(target);
}

/**
 * The scale of a table of values all known at once (simulate's table): "fraction" when every value is
 * 1 or less, "percent" when one is above; "auto" for a target that is not accuracy-like. Throws
 * UserError, naming the row by `where(line)`, for a value outside [0, 100], and for a value above 1
 * in a table whose values of 1 or less are the majority and spread over more than CHANCE_SPREAD
 * (fractions: the row is a percent among them, as tell refuses). Fewer values of 1 or less than above
 * read as percents at chance level, as a percent study keeps them.
 */
export function tableScale(
  target: string,
  rows: readonly { line: number; value: number }[],
  where: (line: number) => string,
  others = "the file's other values",
): ValueScale {
  if (!accuracyLike(target)) return "auto";
  const outside = rows.find((r) => !(r.value >= 0 && r.value <= 100));
  if (outside)
    throw new UserError(
      `${where(outside.line)}: ${target} ${outside.value} is not an accuracy; expected a fraction in [0, 1] or a percent in [0, 100]`,
    );
  const high = rows.find((r) => r.value > 1);
  if (!high) return "fraction";
  // a loop, not Math.min(...values): a spread of some 120,000 arguments overflows the stack
  let low = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { value } of rows)
    if (value <= 1) {
      low++;
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
  if (2 * low >= rows.length && max - min > CHANCE_SPREAD)
    throw new UserError(
      `${where(high.line)}: ${target} ${high.value} looks like a percent, but ${others} are ` +
        `fractions (${min}–${max}); write ${round(high.value / 100)}`,
    );
  return "percent";
}

/** How a told result is named in messages: its row or position, and its architecture. */
export type Describe = (result: TrialResult) => string;

const round = (x: number) => +x.toPrecision(12);

/**
 * The widest spread (max − min) of values of 1 or less that may still be percents of networks at chance
 * level; a study of values all ≤ 1 spread wider holds fractions. NAS-Bench-201's chance-level cells
 * span 0.012 (ImageNet16-120 train accuracy) or nothing (test accuracy: 0.8333 or 1 exactly).
 */
export const CHANCE_SPREAD = 0.05;

/**
 * The check `tell` runs inside the store's transaction (see the rules above). Throws UserError naming
 * the architecture (by `describe`), the value and what was expected.
 */
export function tellCheck(target: string, describe: Describe, scale: ValueScale = "auto"): RecordCheck {
  const percentOrFraction = accuracyLike(target);
  return (result, { existing, done }) => {
    const what = describe(result);
    if ("value" in result.outcome) {
      const value = result.outcome.value;
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new UserError(`${what}: the value ${value} is not a finite number`);
      if (percentOrFraction) {
        const top = scale === "fraction" ? 1 : 100;
        if (value < 0 || value > top)
          throw new UserError(
            `${what}: ${target} ${value} is not an accuracy; expected ` +
              (scale === "fraction"
                ? `a fraction in [0, 1] (this study's scale)${value <= 100 ? `; tell ${round(value / 100)}` : ""}`
                : scale === "percent"
                  ? "a percent in [0, 100] (this study's scale)"
                  : "a fraction in [0, 1] or a percent in [0, 100]"),
          );
        if (scale === "auto" && done.count > 0) {
          const range = `(${done.min}–${done.max})`;
          const hint = ` (if it is right, make the study with --scale)`;
          if (done.max > 1 && value <= 1 && value * 100 >= done.min - 5 && value * 100 <= done.max + 5)
            throw new UserError(
              `${what}: ${target} ${value} looks like a fraction, but this study's values are percents ` +
                `${range}; tell ${round(value * 100)}${hint}`,
            );
          const amongFractions = value / 100 >= done.min - 0.05 && value / 100 <= done.max + 0.05;
          if (done.max <= 1 && value > 1 && (amongFractions || done.max - done.min > CHANCE_SPREAD))
            throw new UserError(
              `${what}: ${target} ${value} looks like a percent, but this study's values are fractions ` +
                `${range}; tell ${round(value / 100)}${hint}`,
            );
        }
      }
    }
    return duplicateVerdict(result, existing, what);
  };
}

function duplicateVerdict(result: TrialResult, existing: Trial | undefined, what: string): "write" | "skip" {
  if (!existing || existing.state === "pending") return "write";
  const failed = "failed" in result.outcome;
  if (existing.state === "failed") return failed ? "skip" : "write";
  // told a value before
  if (failed)
    throw new UserError(
      `${what} was told ${existing.value} (${existing.toldAt}); it cannot be told failed now ` +
        "(a study keeps one result per architecture)",
    );
  const value = (result.outcome as { value: number }).value;
  if (value === existing.value) return "skip";
  throw new UserError(
    `${what} was told ${existing.value} (${existing.toldAt}); refusing a second value ${value} ` +
      "(a study keeps one value per architecture: tell the mean of repeated runs once)",
  );
}
