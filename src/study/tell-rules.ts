/**
 * What `tell` refuses, because it would corrupt a study: a value that is not a finite number, a value
 * on another scale than the study's so far, and a second, different value for an architecture already
 * told. The rules, as users see them:
 *
 * - Scale (accuracy-like targets only, i.e. a target name with a word "acc"/"accuracy" (or ending so:
 *   "valacc", "acc1"), "top1"/"top5", "precision", "recall", "f1…", "auc", "auroc", "…iou" or "map", or an
 *   error rate (a word "err"/"error", the other words only val/test/train, top1, rate…: "val_error",
 *   "test_err", "error_rate", not "mean_error" or "latency_error_ms"); words split at anything but letters and
 *   digits and at camelCase: "val_acc", "testAccuracy", "top-1 acc", not "maccs" or "accel_latency"; a
 *   study made with `fraction` or `percent` applies them to any name, one made with `none` to none).
 *   A study made with an explicit scale takes values in [0, 1] (`fraction`) or [0, 100] (`percent`) and
 *   nothing else; `percent` keeps values of 1 or less as chance-level accuracies (with a warning where
 *   the `auto` rule below would refuse one as a fraction among percents: 0.931 among 60–94 %, told
 *   before or after them), but, maximized, not a study's values of 1 or less spread wider than
 *   CHANCE_SPREAD, with percents beside them or not (fractions imported into a percent study). Otherwise (`auto`) values must lie in [0, 100], and a value of 1 or less told to a
 *   percent study (one holding a value above 1) is refused when, read as a fraction, it belongs with the
 *   study's percents (above 1): maximized, when ×100 it falls from 5 points below their range to 10
 *   above (0.931 told to a study of 60–94 %; 0.8 to one of 70–72 %, whose best it would be, recorded
 *   as its worst); minimized (an error rate, whose chance level is near 100 %, so any value of 1 or less
 *   becomes the best), when ×100 it lies nearer their range than it does itself, by ratio (0.36 told to
 *   a study of 25–30 %, but not 0.9 to one of 1.5–2.3 %). A value of 1 or less in a maximized percent
 *   study further from its percents is kept: networks at chance level on 100 or
 *   more classes score 1 % or less (NAS-Bench-201 has such cells), so no value-only rule can tell
 *   every fraction from every percent; `--scale` settles it. The other way round values settle more: a
 *   value above 1 told to a study whose values are all 1 or less is refused wherever it falls (45 told to
 *   a study of 0.81–0.89 or of 0.9 alone: a poor run logged in percent). Accepted, it would make the
 *   study percent for good and every later fraction refused; refused, the one case it wrongly stops (a
 *   study whose first values were all chance-level percents) is settled by making it with `--scale
 *   percent`. Within one call (a results file) the whole batch is read first (tableScale): its values
 *   above 1 count as "the study's values" for its values of 1 or less (0.71 among 50–82 is refused
 *   wherever it stands in the file, as it is when told alone), and its chance-level percents before its
 *   first value above 1 are not taken for fractions.
 *   Other targets (loss, latency, FLOPs) take any finite number.
 * - Duplicates: a study keeps one value per architecture. The same value told again is ignored (so a
 *   results file can be told twice after an interruption); a different value, or `failed` for an
 *   architecture told a value, is refused, naming both (tell the mean of repeated runs instead).
 *   A value for an architecture told `failed` replaces the failure (a retry that worked).
 *   Within one call (a results file) the same rule holds row after row: `failed`, then a value, keeps the
 *   value and says so (repeatInCall); a value, then `failed`, is refused, as told in two calls (a failure
 *   never replaces a value: it would throw away a result that exists).
 */

import {
  FLOAT_NOISE_OVER_ONE,
  floatNoiseOverOne,
  fractionAmongPercents,
  mixedScales,
  slipAmongPercents,
} from "../data/label-scale.js";
import { accuracyLike, errorRateLike } from "../data/target-name.js";
import { kindOf, UserError } from "../errors.js";
import {
  addDoneValue,
  type DoneRange,
  type Outcome,
  type RecordCheck,
  type Trial,
  type TrialResult,
} from "./store.js";

/** `x` to 12 significant digits: the float noise of ×100 and of differences (0.88 − 0.83 is 0.05000000000000004) gone. */
const round = (x: number) => +x.toPrecision(12);

export { accuracyLike };

// (this comment sat above `export { accuracyLike }`: ValueScale had none in the .d.ts)
/**
 * The scale of a study's values: declared when the study was made (`fraction` in [0, 1], `percent` in
 * [0, 100]; `none`, any finite number, for a target that is no accuracy whatever its name), or
 * inferred (`auto`: the scale rules above apply to accuracy-like names only).
 */
export type ValueScale = "fraction" | "percent" | "auto" | "none";

/**
 * A word of a training loss's name ("val_loss", "valLoss", "train_loss_epoch", "celoss", "nll"): a loss
 * is minimized, and `study create --target val_loss` without --minimize made a study whose every ask
 * exploited the worst architectures, in silence.
 */
const LOSS_WORD = /^([a-z]*loss(es)?\d*|nll)$/;

/**
 * A warning when `direction` looks like a forgotten flag: a target named as a classification error rate
 * (`val_error`, `test_err`) or a loss (`val_loss`) maximized, or an accuracy-like one (`val_acc`,
 * `top1`) minimized; undefined otherwise (any other name, e.g. `latency_ms`, may go either way). The
 * study is made as asked: some users do maximize an error to find the worst architectures.
 */
export function directionWarning(target: string, direction: "maximize" | "minimize"): string | undefined {
  if (
    direction === "maximize" &&
    !accuracyLike(target) &&
    target
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .some((w) => LOSS_WORD.test(w))
  )
    return `${target} reads as a loss, and it is maximized: if lower is better, give --minimize`;
  if (!accuracyLike(target)) return undefined;
  const error = errorRateLike(target);
  if (error && direction === "maximize")
    return `${target} reads as an error rate, and it is maximized: if lower is better, give --minimize`;
  if (!error && direction === "minimize")
    return `${target} reads as an accuracy, and it is minimized: if higher is better, leave out --minimize`;
  return undefined;
}

/** What tableScale knows besides the rows: the study they join, and which way it is optimized. */
export interface TableContext {
  /** The study told the rows holds percents already (then its percents, not the rows' majority, settle the scale). */
  studyPercent?: boolean;
  /** The study told the rows holds fractions already (then they settle the scale: tellCheck refuses the percents). */
  studyFraction?: boolean;
  direction?: "maximize" | "minimize";
  /** The rows are a table read by simulate (no study): messages say to fix the table or simulate's --scale. */
  table?: boolean;
  /** The rows are told to a study, whose scale is given when it is made (`study create --scale`), not by tell. */
  study?: boolean;
}

/**
 * What float noise over the top of the scale lies over: a perfect score for a maximized accuracy; for a
 * minimized target (an error rate) the top is the worst (tester X: "a perfect score" for an error).
 */
function noiseOver(direction: "maximize" | "minimize"): string {
  return direction === "minimize" ? "an error rate of 100 %" : "a perfect score";
}

/** The fix offered for `value` (above 1, at most 100) told to a fraction study or table: ÷100, or 1 when only float noise lies over it. */
function overOne(
  value: number,
  fix: (value: number) => string,
  table: boolean,
  direction: "maximize" | "minimize",
): string {
  if (floatNoiseOverOne(value))
    return `it is above 1 by ${Number((value - 1).toPrecision(2))} only: float noise over ${noiseOver(direction)}? ${fix(1)} if so`;
  return `${fix(value / 100)}${table ? ", or give simulate --scale percent" : ""}`;
}

/** "; it is above 100 by 1e-5 only: …" for a value over 100 by float noise only (tester V), else "". */
function overHundred(
  value: number,
  fix: (value: number) => string,
  direction: "maximize" | "minimize",
): string {
  return value > 100 && value - 100 <= 100 * FLOAT_NOISE_OVER_ONE
    ? `; it is above 100 by ${Number((value - 100).toPrecision(2))} only: float noise over ${noiseOver(direction)}? ${fix(100)} if so`
    : "";
}

/**
 * What a value on a percent-or-fraction scale is, by the target's name: an error rate (val_error,
 * top1_err) or an accuracy ("val_error 100.5 is not an accuracy" named the wrong kind: tester Y).
 */
function rateKind(target: string): string {
  return errorRateLike(target) ? "error rate" : "accuracy";
}

/** How a message tells the fix of a value: in a study, tell it again; in simulate's table, write it there. */
function fixOf(table: boolean | undefined): (value: number) => string {
  return table ? (value) => `write ${round(value)} in the table` : (value) => `tell ${round(value)}`;
}

/**
 * The scale of a table of values all known at once (simulate's table, a results file): "fraction" when
 * every value is 1 or less, "percent" when one is above; "auto" for a target that is not accuracy-like.
 * Throws UserError, naming the row by `where(line)`, for a value outside [0, 100]; for a value above 1
 * in a table whose values of 1 or less are the majority and either spread over more than CHANCE_SPREAD
 * or hold it when read as a fraction (91.5 among 0.90–0.93: a percent among fractions) — unless the
 * study told them holds percents or fractions already; and, maximized, for values of 1 or less beside
 * the percents that spread over more than CHANCE_SPREAD (chance-level accuracies do not: the largest is a
 * fraction) — unless the study holds fractions. Where no study settles the scale, both are refused with
 * label files' advice for a mix (mixedScales, label-scale.ts: both kinds by line, both ways out); in a
 * study of percents, the fraction is named, to be told as a percent.
 * Minimized (error rates) values of 1 or less are near-perfect networks and may spread.
 */
export function tableScale(
  target: string,
  rows: readonly { line: number; value: number }[],
  where: (line: number) => string,
  context: TableContext = {},
): ValueScale {
  if (!accuracyLike(target)) return "auto";
  const outside = rows.find((r) => !(r.value >= 0 && r.value <= 100));
  if (outside)
    throw new UserError(
      `${where(outside.line)}: ${target} ${outside.value} is not an ${rateKind(target)}; expected a fraction in [0, 1] or a percent in [0, 100]` +
        (context.table ? ` (if ${target} is no ${rateKind(target)}, give simulate --scale none)` : "") +
        // tell gave this hint for 100.0000001 and an import did not (tester X)
        overHundred(outside.value, fixOf(context.table), context.direction ?? "maximize"),
    );
  // float noise over 1 is a fraction's 1, no percent: three fractions and 1.0000001 were imported as
  // chance-level percents (tester V); tellCheck refuses it, offering 1
  const high = rows.find((r) => r.value > 1 && !floatNoiseOverOne(r.value));
  if (!high) return "fraction";
  // a loop, not Math.min(...values): a spread of some 120,000 arguments overflows the stack
  let low = 0;
  let zeros = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let largestLow: { line: number; value: number } | undefined;
  // a 0 is 0 on either scale: it settles nothing
  for (const row of rows)
    if (row.value === 0) zeros++;
    else if (row.value <= 1) {
      low++;
      min = Math.min(min, row.value);
      max = Math.max(max, row.value);
      if (!largestLow || row.value > largestLow.value) largestLow = row;
    }
  // fractions in the majority: a value above 1 is a percent among them when they spread wider than
  // chance-level accuracies do, or when, read as a fraction, it falls among them (91.5 among 0.90–0.93)
  const among = (r: { value: number }) =>
    round(r.value / 100) >= round(min - 0.05) && round(r.value / 100) <= round(max + 0.05);
  const odd =
    2 * low >= rows.length - zeros && !context.studyPercent && !context.studyFraction
      ? round(max - min) > CHANCE_SPREAD
        ? high
        : rows.find((r) => r.value > 1 && among(r))
      : undefined;
  // percents with values of 1 or less beside them: accuracies at chance level differ by a few hundredths
  // (0.05 and 0.3 cannot both be; 0.3 is 30 % written as a fraction)
  // (a study of fractions settles it the other way: tellCheck refuses the percents, naming its values)
  const spreadLow =
    (context.direction ?? "maximize") === "maximize" &&
    largestLow &&
    round(max - min) > CHANCE_SPREAD &&
    !context.studyFraction
      ? largestLow
      : undefined;
  // nothing settles the scale (no study values of either): the same advice as a label file mixing the
  // two gets (label-scale.ts), both ways out; it was "write 0.65" here and "a percentage 0..100" there
  // (odd is never found in a study of percents)
  if ((odd || spreadLow) && !context.studyPercent)
    throw new UserError(`${mixedMessage(target, rows, where)}${chanceHint(context, min, max)}`);
  // a study of percents settles it: its fractions are the odd ones out
  if (spreadLow)
    throw new UserError(
      `${where(spreadLow.line)}: ${target} ${spreadLow.value} looks like a fraction among percents: values of 1 or ` +
        `less beside percents are chance-level accuracies, which spread no more than ${CHANCE_SPREAD}, and these ` +
        `spread ${min}–${max}; ${fixOf(context.table)(spreadLow.value * 100)}`,
    );
  return "percent";
}

/**
 * mixedScales (label-scale.ts) of `rows`, prefixed by what they share of `where` ("all.csv: val_acc
 * mixes …, line 2: 65.09 …") or, when their places share nothing, by the target alone.
 */
function mixedMessage(
  target: string,
  rows: readonly { line: number; value: number }[],
  where: (line: number) => string,
): string {
  const places = new Map(rows.map((r) => [r.line, where(r.line)]));
  const parts = [...places.values()].map((p) => /^(.*) ((?:line|row) \d+)$/.exec(p));
  const prefix = parts[0]?.[1];
  const shared = prefix !== undefined && parts.every((m) => m?.[1] === prefix);
  const placed = (r: { line: number; value: number }) => ({
    place: shared ? ((/ ((?:line|row) \d+)$/.exec(places.get(r.line) ?? "") ?? [])[1] ?? "") : where(r.line),
    value: r.value,
  });
  return (
    `${shared ? `${prefix}: ` : ""}${target} ` +
    mixedScales(
      rows.filter((r) => r.value > 1).map(placed),
      rows.filter((r) => r.value > 0 && r.value <= 1).map(placed),
    )
  );
}

/** Said after a mix whose values of 1 or less may be percents at chance level: how to declare that. */
function chanceHint(context: TableContext, min: number, max: number): string {
  const minimize = (context.direction ?? "maximize") === "minimize";
  // accuracies at chance level differ by a few hundredths; error rates of 1 % or less may spread
  if (!minimize && round(max - min) > CHANCE_SPREAD) return "";
  return (
    ` (if those of 1 or less are percents — ${minimize ? "error rates of 1 % or less" : "accuracies at chance level"} — ` +
    `${context.study ? "the study needs --scale percent when made" : `give ${context.table ? "simulate " : ""}--scale percent`})`
  );
}

/**
 * The range of the values above 1 among `rows`, float noise over 1 (floatNoiseOverOne) apart;
 * undefined when there is none.
 */
export function highRange(rows: readonly { value: number }[]): BatchScale["high"] {
  let high: BatchScale["high"];
  // a loop, not Math.min(...values): a spread of some 120,000 arguments overflows the stack
  // (1.0000001 is a fraction's 1, no percent: counted here, it let 0.5, 0.7, 0.9 into a percent study
  // as chance-level percents: tester X)
  for (const { value } of rows)
    if (value > 1 && !floatNoiseOverOne(value))
      high = { min: Math.min(high?.min ?? value, value), max: Math.max(high?.max ?? value, value) };
  return high;
}

/**
 * tableScale of a batch told at once, with the range of its values above 1 (what tellCheck compares
 * its values of 1 or less with). Same arguments and errors as tableScale.
 */
export function batchScale(
  target: string,
  rows: readonly { line: number; value: number }[],
  where: (line: number) => string,
  context: TableContext = {},
): BatchScale {
  const batch: BatchScale = { scale: tableScale(target, rows, where, context) };
  const high = highRange(rows);
  if (high) batch.high = high;
  return batch;
}

/**
 * The checks an import into a new study runs on its values (batchScale, then tellCheck row by row in
 * order), for a table that is never stored: simulate's table takes the values `study create --import`
 * takes, with the same `scale` (`auto` unless given). Repeated architectures are not checked here
 * (simulate averages them). Returns the table's scale; throws UserError naming the row by `where(line)`;
 * `warn` is told of each value kept that looks like a slip (as `tell`'s warnings: 0.931 among 60–94 %
 * under `--scale percent`).
 */
export function checkTableValues(
  target: string,
  rows: readonly { line: number; value: number }[],
  where: (line: number) => string,
  direction: "maximize" | "minimize" = "maximize",
  scale: ValueScale = "auto",
  warn?: (warning: string) => void,
): ValueScale {
  const batch: BatchScale =
    scale === "auto"
      ? batchScale(target, rows, where, { direction, table: true })
      : { scale: "auto", high: highRange(rows) };
  const check = tellCheck(
    target,
    (r) => where(Number(r.key)),
    scale,
    batch,
    direction,
    undefined,
    true,
    undefined,
    warn && ((_, warning) => warn(warning)),
  );
  const none: DoneRange = {
    count: 0,
    min: Number.NaN,
    minAboveOne: Number.NaN,
    maxUpToOne: Number.NaN,
    max: Number.NaN,
  };
  const done = { ...none };
  for (const { line, value } of rows) {
    check(
      { key: String(line), arch: null, outcome: { value } },
      { existing: undefined, done: { ...done }, before: none },
    );
    addDoneValue(done, value);
  }
  return scale === "auto" ? batch.scale : scale;
}

/** The scale tableScale read from a whole batch, and the range of its values above 1. */
export interface BatchScale {
  scale: ValueScale;
  high?: { min: number; max: number };
}

/** How a told result is named in messages: its row or position, and its architecture. */
export type Describe = (result: TrialResult) => string;

/**
 * The widest spread (max − min) of values of 1 or less that may still be percents of networks at chance
 * level; a study of values all ≤ 1 spread wider holds fractions. NAS-Bench-201's chance-level cells
 * span 0.012 (ImageNet16-120 train accuracy) or nothing (test accuracy: 0.8333 or 1 exactly).
 */
export const CHANCE_SPREAD = 0.05;

/**
 * Warnings for values of 1 or less a study declared in percent kept before this call that the percents
 * told in it put among them (fractionAmongPercents, maximized), one line each naming the trial: 0.931
 * told first, kept as a chance-level 0.931 %, then 60–94 % (tester A; each such value, not only the
 * largest: tester B). `trials`: the study's trials after the call; `told`: the keys written in it;
 * `before`: the done values' range its write transaction read (not worked out from `trials`: a call
 * committed beside this one counted as "before" for both, and neither warned: tester C).
 */
export function earlierSlips(
  trials: readonly Trial[],
  told: ReadonlySet<string>,
  target: string,
  before: DoneRange,
): string[] {
  const done = trials.filter((t) => t.state === "done" && typeof t.value === "number");
  const range = (values: number[]) =>
    values.length === 0
      ? undefined
      : {
          low: values.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY),
          high: values.reduce((m, v) => Math.max(m, v), Number.NEGATIVE_INFINITY),
        };
  const percents = (ts: readonly Trial[]) =>
    ts.map((t) => t.value as number).filter((v) => v > 1 && !floatNoiseOverOne(v));
  const earlier = done.filter((t) => !told.has(t.key));
  const now = range(percents(done));
  const then =
    before.count > 0 && before.max > 1 && !floatNoiseOverOne(before.max)
      ? { low: before.minAboveOne, high: before.max }
      : undefined;
  if (now === undefined) return [];
  return earlier
    .filter((t) => {
      const v = t.value as number;
      return (
        slipAmongPercents(v, now.low, now.high) && !(then && fractionAmongPercents(v, then.low, then.high))
      );
    })
    .map((t) => {
      const v = t.value as number;
      return (
        `trial ${t.number}, ${JSON.stringify(t.arch)}: ${target} ${v}, told before and kept as ${v} % (this study's scale is percent), ` +
        `is far below its values now (${span(now.low, now.high)} %); ` +
        `if it was ${round(v * 100)} %, tell ${round(v * 100)} for it with --replace (or { replace: true })`
      );
    });
}

/** A range of values as messages show it: "60–94", or "93.1" when it is one value. */
function span(low: number, high: number): string {
  // (six digits: NAS-Bench-201's means print as 91.52333333333333)
  const shown = (x: number) => String(+x.toPrecision(6));
  return low === high ? shown(low) : `${shown(low)}–${shown(high)}`;
}

/** What a warning compares a value with: the study's values, or (a study empty before the call) the values told with it. */
function percentsWord(before: DoneRange): string {
  return before.count > 0 && before.max > 1 ? "this study's values" : "the values told with it";
}

/**
 * The check `tell` runs inside the store's transaction (see the rules above). Throws UserError naming
 * the architecture (by `describe`), the value and what was expected. `warn` is told of a result kept
 * that looks like a slip (one line, naming it; it may be told again for the same result, as a store
 * may run its transaction again).
 */
export function tellCheck(
  target: string,
  describe: Describe,
  scale: ValueScale = "auto",
  batch: BatchScale = { scale: "auto" },
  direction: "maximize" | "minimize" = "maximize",
  replace?: (result: TrialResult, existing: Trial) => void,
  table = false,
  reduction?: (result: TrialResult) => string | undefined,
  warn?: (result: TrialResult, warning: string) => void,
): RecordCheck {
  // a study's values, or simulate's table (then the fix is in the table, or simulate's --scale)
  const whose = table ? "the table's" : "this study's";
  const fix = fixOf(table);
  const remake = (flag: string) => (table ? `give simulate ${flag}` : `make the study with ${flag}`);
  const needsPercent = table ? "give simulate --scale percent" : "the study needs --scale percent when made";
  // this call's rows of 1 or less that passed the spread rule, by value (see it below)
  const lowRows = new Map<number, string>();
  const percentOrFraction =
    scale === "none" ? false : scale === "fraction" || scale === "percent" ? true : accuracyLike(target);
  return (result, { existing, done, before }) => {
    const what = describe(result);
    if ("value" in result.outcome) {
      const value = result.outcome.value;
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new UserError(
          typeof value === "number"
            ? `${what}: the value ${value} is not a finite number`
            : `${what}: the value ${JSON.stringify(value) ?? String(value)} is ${kindOf(value)}; expected a finite number`,
        );
    }
    // a second result for a told architecture is refused (or skipped) before its scale is judged: told
    // 93.1 by mistake, 0.931 would otherwise be refused as a fraction among percents, not as a second value
    const verdict = duplicateVerdict(result, existing, what, replace, reduction?.(result));
    if (verdict === "skip") return verdict;
    if ("value" in result.outcome) {
      const value = result.outcome.value;
      if (percentOrFraction) {
        const top = scale === "fraction" ? 1 : 100;
        if (value < 0 || value > top)
          throw new UserError(
            `${what}: ${target} ${value} is not ${scale === "fraction" && value > 1 && value <= 100 ? "a fraction" : `an ${rateKind(target)}`}; expected ` +
              (scale === "fraction"
                ? `a fraction in [0, 1] (${whose} scale${table ? ": --scale fraction" : ""})${value > 1 && value <= 100 ? `; ${overOne(value, fix, table, direction)}` : ""}`
                : scale === "percent"
                  ? `a percent in [0, 100] (${whose} scale${table ? ": --scale percent" : ""})${overHundred(value, fix, direction)}`
                  : `a fraction in [0, 1] or a percent in [0, 100] (if ${target} is no ${rateKind(target)}, ${remake("--scale none")})${done.count === 0 || done.max > 1 ? overHundred(value, fix, direction) : ""}`),
          );
        // a study declared in percent keeps values of 1 or less as chance-level accuracies, which spread
        // little; values of 1 or less spread wider than that are fractions (an import of 0.83–0.91),
        // beside percents too: one 93.1 among 0.83–0.91 let them all in as 0.8x % (tester A)
        if (
          scale === "percent" &&
          direction === "maximize" &&
          value > 0 &&
          // float noise over 1 is a fraction's 1 here too: 0.9, 0.92, then 1.0000001 got in (tester Y)
          (value <= 1 || floatNoiseOverOne(value))
        ) {
          // the study's values of 1 or less up to this one (zeros apart: a 0 is 0 on either scale); a
          // batch is refused whole, so the row that widens the spread past chance level refuses it all
          const lows = [
            value,
            ...(done.min <= 1 ? [done.min] : []),
            ...(Number.isNaN(done.maxUpToOne) ? [] : [done.maxUpToOne]),
            ...(floatNoiseOverOne(done.max) ? [done.max] : []),
          ];
          const min = Math.min(...lows);
          const max = Math.max(...lows);
          const percents = [
            ...(done.max > 1 && !floatNoiseOverOne(done.max) ? [done.minAboveOne, done.max] : []),
            ...(batch.high ? [batch.high.min, batch.high.max] : []),
          ];
          if (round(max - min) > CHANCE_SPREAD) {
            // the value of 1 or less at the other end of the spread, and where it is: a row of this call
            // (refused with it: tester C) or a value the study kept before
            const other = Math.abs(max - value) > Math.abs(value - min) ? max : min;
            const otherRow = lowRows.get(other);
            const otherIs = otherRow ? `${otherRow}'s ${other}` : `its ${other}, kept as ${other} %,`;
            const fixOther = otherRow
              ? table
                ? `write ${round(other * 100)} on that line`
                : `write ${round(other * 100)} for it and tell again`
              : `tell ${round(other * 100)} for it with --replace (study show --json lists every trial), then tell ${value} again`;
            // without percents nothing says which end is the slip: both ways are said (a real 1 %
            // refused with "tell 100" after a slipped 0.931 told first: tester C)
            if (percents.length === 0)
              throw new UserError(
                `${what}: ${target} ${value} and ${otherIs} spread ${whose} values of 1 or less ${min}–${max}, ` +
                  `wider than chance-level accuracies (${whose} scale is percent): one of them is a fraction; ` +
                  `if it is this one, ${fix(floatNoiseOverOne(value) ? 100 : value * 100)}; if it is ${other}, ${fixOther}` +
                  ` (if the values are fractions, ${remake("--scale fraction")})`,
              );
            // beside percents: the value that reads as a fraction among them is the slip, this one or the
            // other (a real 0.8333 % chance-level cell refused with "tell 83.33" after a slipped 0.4449
            // for 44.49: tester B)
            const low = Math.min(...percents);
            const high = Math.max(...percents);
            const slipped = slipAmongPercents(value, low, high);
            const otherSlipped = !slipped && slipAmongPercents(other, low, high);
            const tail = ` (if they are percents, of networks near chance level, ${remake("--scale none")}, which checks no value)`;
            throw new UserError(
              otherSlipped
                ? `${what}: ${target} ${value} would spread ${whose} values of 1 or less ${min}–${max}, beside its percents (${span(low, high)}), ` +
                    `wider than chance-level accuracies: ${otherIs} reads as a fraction among them; ` +
                    `if it is ${round(other * 100)} %, ${fixOther}${tail}`
                : `${what}: ${target} ${value} looks like a fraction: ${whose} scale is percent, and its values of 1 or less, ` +
                    `beside its percents (${span(low, high)}), spread ${min}–${max} up to this one, wider than chance-level accuracies; ` +
                    `${slipped ? fix(value * 100) : "write them all as percents (×100)"}${tail}`,
            );
          }
          // a value of 1 or less that passed, by its row (first of each value), for a refusal above
          if (!lowRows.has(value)) lowRows.set(value, what);
        }
        // A study declared in percent keeps a value of 1 or less as a chance-level percent, even where the
        // auto rule below refuses it as a fraction; but the auto rule's own refusal sends users to
        // --scale percent, after which 0.931 slipped in for 93.1 among 60–94 % was kept as 0.931 %, its
        // best run recorded as its worst, without a word (tester Z). Kept as declared, with a warning.
        // Maximized only: a minimized error rate's values of 1 or less are near-perfect networks, as many
        // as a train error has (NAS-Bench-201 CIFAR-10: 9,681 warnings, each advising a corruption:
        // tester B); and not 1 itself (or 1 less float noise), a perfect score as a fraction, chance level
        // on 100 classes as a percent (NAS-Bench-201 CIFAR-100 has 341 cells at 1 %).
        if (scale === "percent" && warn && direction === "maximize" && value > 0 && value < 1) {
          const percents = [
            ...(done.count > 0 && done.max > 1 ? [done.minAboveOne, done.max] : []),
            ...(batch.high ? [batch.high.min, batch.high.max] : []),
          ];
          if (percents.length > 0) {
            const low = Math.min(...percents);
            const high = Math.max(...percents);
            if (slipAmongPercents(value, low, high))
              warn(
                result,
                `${what}: ${target} ${value} is ${table ? "read" : "kept"} as ${value} % (${whose} scale is percent${table ? ": --scale percent" : ""}), ` +
                  `far below ${table ? "the table's values" : percentsWord(before)} (${span(low, high)} %); ` +
                  `if it is ${round(value * 100)} %, ${fix(value * 100)}${table ? "" : " for that architecture with --replace (or { replace: true })"}`,
              );
          }
        }
        if (scale === "auto") {
          // the percents this value is compared with: the study's, and its own batch's (read whole) unless
          // the study held fractions before this call (then the batch's percents are the odd ones out,
          // refused below, and its fractions belong)
          // (values all 0 are 0 on either scale: they settle nothing)
          const studyOfFractions = before.count > 0 && before.max <= 1 && before.max > 0;
          // (the bottom of the study's percents: its chance-level values of 1 % or less apart)
          const percents = [
            ...(done.count > 0 && done.max > 1 ? [done.minAboveOne, done.max] : []),
            ...(batch.scale === "percent" && batch.high && !studyOfFractions
              ? [batch.high.min, batch.high.max]
              : []),
          ];
          const low = Math.min(...percents);
          const high = Math.max(...percents);
          // Maximized, a value of 1 or less is refused when, read as a fraction, it falls from 5 points
          // below the percents to 10 points above them (0.8 told to a study of 70–72 % would be its best
          // run, recorded as its worst); further off it is taken for a chance-level accuracy (≤ 1 %), the
          // worst either way: NAS-Bench-201's ImageNet16-120 cells at 0.8333 % beside 2–47 %, CIFAR-100's
          // at 1 % beside 10–73.5 %. Minimized (an error rate, whose chance level is near 100 %), any value
          // of 1 or less becomes the best: refused when read as a fraction it lies nearer the study's
          // percents than read as a percent, by ratio (0.36 told to a study of 25–30 %; 0.9 beside
          // 1.5–2.3 % errors is a percent).
          const fractionLike = fractionAmongPercents(value, low, high, direction);
          // 0 is 0 on either scale (a perfect train error)
          // the percents it is judged by: the study's before this call, or only those told with it (an import)
          const percentsAre =
            table || (before.count > 0 && before.max > 1)
              ? `${whose} values are`
              : "the values told with it are";
          if (percents.length > 0 && value > 0 && value <= 1 && fractionLike)
            throw new UserError(
              `${what}: ${target} ${value} looks like a fraction, but ${percentsAre} percents ` +
                `(${low}–${high}); ${fix(value * 100)}` +
                (direction === "minimize"
                  ? ` (if it is right, an error of 1 % or less, ${needsPercent})`
                  : ` (values of 1 % or less are chance level: if it is right, ${needsPercent})`),
            );
          // a study of fractions before this call, or earlier values of a batch that is not percent
          const fractions = studyOfFractions
            ? before
            : before.count === 0 &&
                done.count > 0 &&
                done.max <= 1 &&
                done.max > 0 &&
                batch.scale !== "percent"
              ? done
              : undefined;
          // float noise over 1 is no percent here either (tester U: 1.0000001 got "tell 0.010000001"), and
          // is not called one ("looks like a percent … float noise?" in one sentence: tester V)
          // (a batch of fractions read whole, or of nothing else: tableScale reads it as fractions)
          if (floatNoiseOverOne(value) && percents.length === 0 && (fractions || batch.scale === "fraction"))
            throw new UserError(
              `${what}: ${target} ${value} is above 1 by ${Number((value - 1).toPrecision(2))} only, and ` +
                (fractions
                  ? // an import's own rows are not yet "this study's values"
                    `${fractions === before || table ? `${whose} values` : "the values told with it"} are fractions (${fractions.min}–${fractions.max})`
                  : `no value ${table ? "of the table" : "told before or with it"} is a percent`) +
                `: float noise over ${noiseOver(direction)}? ${fix(1)} if so` +
                (fractions
                  ? ""
                  : ` (if it is a percent, ${direction === "minimize" ? "an error of 1 %" : "1 % at chance level"}, ${needsPercent})`),
            );
          if (fractions && value > 1)
            throw new UserError(
              `${what}: ${target} ${value} looks like a percent, but ${whose} values are fractions ` +
                `(${fractions.min}–${fractions.max}); ${fix(value / 100)}` +
                (direction === "minimize"
                  ? ` (if its values are percents, error rates of 1 % or less, ${needsPercent})`
                  : ` (if its values are percents at chance level, ${needsPercent})`),
            );
        }
      }
    }
    return verdict;
  };
}

/**
 * Whether a result is written over what the study holds for its architecture: over nothing or a pending
 * trial, yes; the same result again, skipped; a value over `failed` (a retry that worked), yes; another
 * value, or `failed`, over a value is refused — unless `replace` is given (a correction the user asked
 * for), which is told of it, and the result is written. `reduced`: what reading the result's text
 * dropped (ArchitectureSpace.reduction), for the message.
 */
function duplicateVerdict(
  result: TrialResult,
  existing: Trial | undefined,
  what: string,
  replace: ((result: TrialResult, existing: Trial) => void) | undefined,
  reduced: string | undefined,
): "write" | "skip" {
  if (!existing || existing.state === "pending") return "write";
  const failed = "failed" in result.outcome;
  if (existing.state === "failed") {
    if (failed) return "skip";
    // a retry that worked: allowed without replace; with it, listed like any other change (the docs
    // promise every change under --replace; failed → 0.6 was left out)
    replace?.(result, existing);
    return "write";
  }
  if (!failed && existing.value === (result.outcome as { value: number }).value) return "skip";
  if (replace) {
    replace(result, existing);
    return "write";
  }
  // told a value before, maybe under another text: "--arch X was told 0.5" named a text never told when
  // X is a cell pruned (or its vertices reordered) to the one stored
  const same = sameCellNote([{ reduced }], JSON.stringify(result.arch) !== JSON.stringify(existing.arch));
  const told =
    same === undefined
      ? `${what} was told ${existing.value}`
      : `${what} is the same cell (${same}) as one told before, stored as ${JSON.stringify(existing.arch)}, which was told ${existing.value}`;
  if (failed)
    throw new UserError(
      `${told} (${existing.toldAt}); it cannot be told failed now ` +
        "(a study keeps one result per architecture; --replace, or { replace: true }, corrects a result told by mistake)",
    );
  const value = (result.outcome as { value: number }).value;
  throw new UserError(
    `${told} (${existing.toldAt}); refusing a second value ${value} ` +
      "(a study keeps one value per architecture: tell the mean of repeated runs once, or tell again " +
      "with --replace (library: { replace: true }) to correct a value told by mistake)",
  );
}

/** A result as text for messages: "0.91" or "failed". */
export function outcomeText(outcome: Outcome): string {
  return "failed" in outcome ? "failed" : String(outcome.value);
}

/**
 * A failure replaced by a value: where each was told ("r.csv line 3", "r.csv line 2"); a failure told
 * by an earlier call is named by its trial ("trial 4, told failed 2026-12-02T08:00:00.000Z").
 */
export interface Retry {
  source: string;
  failed: string;
}

/**
 * What one call (a results file) does with a second item for an architecture it told already as
 * `earlier`: "repeat" for the same result (ignored, as the same value told again in a later call is),
 * "retry" for a value after `failed` (it replaces the failure, as it would told in a later call: a retry
 * that worked). Throws UserError naming both items for a failure after a value (refused in a later call
 * too) and for two different values (a study keeps one per architecture).
 */
export function repeatInCall(
  earlier: { source: string; outcome: Outcome },
  source: string,
  outcome: Outcome,
  same?: string,
): "repeat" | "retry" {
  if (outcomeText(earlier.outcome) === outcomeText(outcome)) return "repeat";
  if ("failed" in earlier.outcome) return "retry";
  // two texts of one cell (sameCellNote): say so, or the rows look like two architectures
  const cell = same === undefined ? "" : ` (the same cell: ${same})`;
  if ("failed" in outcome)
    throw new UserError(
      `${source} tells failed for the architecture told ${outcomeText(earlier.outcome)} on ${earlier.source}${cell}; ` +
        "a value replaces a failure (a retry that worked), never the other way round, in one file as in " +
        "separate tells: remove the row that is wrong",
    );
  throw new UserError(
    `${source} repeats the architecture of ${earlier.source}${cell} with another result ` +
      `(${outcomeText(outcome)}, there ${outcomeText(earlier.outcome)}); a study keeps one value ` +
      "per architecture: tell the mean of repeated runs once",
  );
}

/**
 * Why two texts name one cell, for messages: "after pruning 1 vertex off every input→output path" (each
 * of `reductions`, what reading a text dropped (ArchitectureSpace.reduction), named by `who` when two
 * texts are in the message: "r.csv line 2 after pruning …"), "its vertices in another order" when
 * `reordered` (their JSON forms differ under one key); undefined when neither.
 */
export function sameCellNote(
  reductions: readonly { who?: string; reduced: string | undefined }[],
  reordered: boolean,
): string | undefined {
  const notes = [
    ...reductions.flatMap(({ who, reduced }) =>
      reduced === undefined ? [] : [`${who === undefined ? "" : `${who} `}after ${reduced}`],
    ),
    ...(reordered ? ["its vertices in another order"] : []),
  ];
  return notes.length > 0 ? notes.join("; ") : undefined;
}

/**
 * An item of one call that repeats an earlier item of it with the same result, and was ignored: where
 * each was told ("r.csv line 3", "r.csv line 2"), and, when they were written differently, how they
 * are one architecture ("its vertices in another order").
 */
export interface Repeat {
  source: string;
  of: string;
  sameCell?: string;
}

/** How many repeats a command lists, one line each, before "… and N more". */
const REPEATS_LISTED = 5;

/**
 * Lines naming the ignored repeats of one call: "r.csv line 3 repeats r.csv line 2 (the same cell: its
 * vertices in another order), ignored", at most REPEATS_LISTED of them, then how many more. The count
 * alone ("2 repeated in the file") named neither row nor why two forms were one (found by tester T).
 */
export function repeatLines(repeats: readonly Repeat[]): string[] {
  const lines = repeats
    .slice(0, REPEATS_LISTED)
    .map((r) => `${r.source} repeats ${r.of}${r.sameCell ? ` (the same cell: ${r.sameCell})` : ""}, ignored`);
  const more = repeats.length - REPEATS_LISTED;
  return more > 0 ? [...lines, `… and ${more} more repeat${more === 1 ? "" : "s"}, ignored`] : lines;
}

/** A line saying a failure was replaced within one call: "r.csv line 3 replaces the failure on r.csv line 2 (a retry that worked)". */
export function retryText(retry: Retry): string {
  return `${retry.source} replaces the failure on ${retry.failed} (a retry that worked)`;
}
