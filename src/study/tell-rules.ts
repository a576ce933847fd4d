/**
 * What `tell` refuses, because it would corrupt a study: a value that is not a finite number, a value
 * on another scale than the study's so far, and a second, different value for an architecture already
 * told. The rules, as users see them:
 *
 * - Scale (accuracy-like targets only, i.e. a target name containing "acc", "top1"/"top5", "precision",
 *   "recall", "f1", "auc" or "iou"): values must lie in [0, 100]; a value in [0, 1] is a fraction, one
 *   in (1, 100] a percent. The first value told fixes the study's scale; a value on the other scale is
 *   refused with the number it probably meant. (A study in percent cannot hold a value of 1 % or less:
 *   it reads as a fraction.) Other targets (loss, latency, FLOPs) take any finite number.
 * - Duplicates: a study keeps one value per architecture. The same value told again is ignored (so a
 *   results file can be told twice after an interruption); a different value, or `failed` for an
 *   architecture told a value, is refused, naming both (tell the mean of repeated runs instead).
 *   A value for an architecture told `failed` replaces the failure (a retry that worked).
 */
import { UserError } from "../errors.js";
import type { RecordCheck, Trial, TrialResult } from "./store.js";

const ACCURACY_LIKE = /acc|top-?[15](?![0-9])|precision|recall|f1|auc|iou/i;

/** Whether values of this target are accuracies (fraction or percent), so that the scale rule applies. */
export function accuracyLike(target: string): boolean {
  return ACCURACY_LIKE.test(target);
}

/** How a told result is named in messages: its row or position, and its architecture. */
export type Describe = (result: TrialResult) => string;

/**
 * The check `tell` runs inside the store's transaction (see the rules above). Throws UserError naming
 * the architecture (by `describe`), the value and what was expected.
 */
export function tellCheck(target: string, describe: Describe): RecordCheck {
  const percentOrFraction = accuracyLike(target);
  return (result, { existing, done }) => {
    const what = describe(result);
    if ("value" in result.outcome) {
      const value = result.outcome.value;
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new UserError(`${what}: the value ${value} is not a finite number`);
      if (percentOrFraction) {
        if (value < 0 || value > 100)
          throw new UserError(
            `${what}: ${target} ${value} is not an accuracy; expected a fraction in [0, 1] or a percent in [0, 100]`,
          );
        if (done.count > 0) {
          const studyPercent = done.max > 1;
          const percent = value > 1;
          if (studyPercent && !percent)
            throw new UserError(
              `${what}: ${target} ${value} looks like a fraction, but this study's values are percents ` +
                `(${done.min}–${done.max}); tell ${+(value * 100).toPrecision(12)}`,
            );
          if (!studyPercent && percent)
            throw new UserError(
              `${what}: ${target} ${value} looks like a percent, but this study's values are fractions ` +
                `(${done.min}–${done.max}); tell ${+(value / 100).toPrecision(12)}`,
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
