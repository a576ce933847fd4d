/**
 * What a target column's name says about its values: an accuracy or a classification error rate (on a
 * fraction or percent scale, so scale rules apply), or anything else (latency, FLOPs: any number).
 * Shared by label files (data/user-labels.ts), studies and simulation tables (study/tell-rules.ts).
 */
import { shownValue, UserError } from "../errors.js";

/** A word of an accuracy-like target's name; "top-1" is split by the dash, hence its own pattern. */
const ACCURACY_WORD =
  /^([a-z]*acc(uracy)?\d*|top[15][a-z]*|precision|recall|f1[a-z]*|auc|auroc|[a-z]*iou|map)$/;
const TOP_K = /(^|[^a-z0-9])top[-_ ][15]($|[^0-9])/i;
/**
 * A word of a classification error rate's name (1 − accuracy, on the same scales): "val_error",
 * "test_err", "error_rate", "valerr"; not in a name with a regression word (ERROR_NOT_RATE).
 */
const ERROR_WORD = /^(val|valid|validation|test|train|training|top[15])?err(or)?s?\d*$/;
/**
 * The other words an error rate's name may hold: a name with any other word ("mean_error",
 * "latency_error_ms", "mean_squared_error") is some other error, with no scale of its own.
 */
const ERROR_CONTEXT =
  /^(val|valid|validation|test|train|training|eval|dev|top|top1|top5|1|5|rate|classification|cls|)$/;

/**
 * Whether values of this target are accuracies or classification error rates (fraction or percent), so
 * that the scale rule applies.
 */
export function accuracyLike(target: string): boolean {
  if (typeof target !== "string")
    throw new UserError(`accuracyLike needs a target's name (a string), got ${shownValue(target)}`);
  const words = nameWords(target);
  const errorRate =
    words.some((w) => ERROR_WORD.test(w)) && words.every((w) => ERROR_WORD.test(w) || ERROR_CONTEXT.test(w));
  return words.some((w) => ACCURACY_WORD.test(w)) || TOP_K.test(target) || errorRate;
}

/** Whether the target's name is a classification error rate's (see ERROR_WORD), not an accuracy's. */
export function errorRateLike(target: string): boolean {
  const words = nameWords(target);
  // "top1_err" holds an accuracy word too (top1): the error word decides
  return words.some((w) => ERROR_WORD.test(w));
}

/**
 * The words of a target's name, lower case: words, not substrings ("maccs" and "accel_latency_ms" are
 * no accuracies: their values were refused), split both at camelCase ("testAccuracy") and not ("mIoU"
 * is one word).
 */
function nameWords(target: string): string[] {
  return [target.replace(/([a-z0-9])([A-Z])/g, "$1 $2"), target].flatMap((t) =>
    t.toLowerCase().split(/[^a-z0-9]+/),
  );
}
