/**
 * A study as a report document (`study show --html`): counts, the best architectures, the best value
 * found against architectures told, and the predictor's value at ask time against the value told.
 */
import { code, plain, type ReportDocument, table } from "../report/document.js";
import type { Direction, Trial } from "./store.js";

/** The best value so far after each told value, in order of telling (failed runs are not counted). */
export function bestSoFar(trials: readonly Trial[], direction: Direction): { told: number; best: number }[] {
  const done = trials
    .filter((t) => t.state === "done")
    .sort((a, b) => (a.toldAt ?? "").localeCompare(b.toldAt ?? "") || a.number - b.number);
  let best = Number.NaN;
  return done.map((t, k) => {
    const v = t.value as number;
    if (k === 0 || (direction === "minimize" ? v < best : v > best)) best = v;
    return { told: k + 1, best };
  });
}

/**
 * The points of a best-so-far `curve` that its step-after line needs: the first, each one whose best
 * differs from the one before, and the last. The line drawn is the same; a study of 1,000,000 told
 * architectures drew every one, a path of 19 MB in a page of 19 MB (31 s, 2.8 GB to make).
 */
export function curveSteps<P extends { best: number }>(curve: readonly P[]): P[] {
  return curve.filter((p, k) => k === 0 || k === curve.length - 1 || p.best !== curve[k - 1].best);
}

/**
 * The report of a study named `title` (a file path) for target `target`. The user's names (the path,
 * the target, the architectures' decisions and options) are shown as typed: no character of theirs is
 * taken for the page's markup (`plain`).
 */
export function studyDocument(
  title: string,
  trials: readonly Trial[],
  target: string,
  direction: Direction,
): ReportDocument {
  const count = (state: Trial["state"]) => trials.filter((t) => t.state === state).length;
  const done = trials.filter((t) => t.state === "done");
  const sign = direction === "minimize" ? -1 : 1;
  const top = done
    .slice()
    .sort((a, b) => sign * ((b.value as number) - (a.value as number)) || a.number - b.number)
    .slice(0, 10);
  const curve = bestSoFar(trials, direction);
  const scatter = done
    .filter((t) => t.predicted !== null)
    .map((t) => ({ predicted: t.predicted, observed: t.value, reason: t.reason ?? "told" }));
  const name = plain(target);
  return {
    title: `Study ${plain(title)}`,
    blocks: [
      {
        kind: "paragraph",
        text:
          `${count("done")} done, ${count("pending")} pending, ${count("failed")} failed; ` +
          `target ${code(target)} (${direction === "minimize" ? "lower" : "higher"} is better).`,
      },
      { kind: "heading", text: "Best so far" },
      table(
        ["rank", "trial", name, "predicted", "architecture"],
        top.map((t, k) => [
          String(k + 1),
          String(t.number),
          String(t.value),
          t.predicted === null ? "—" : t.predicted.toPrecision(4),
          plain(JSON.stringify(t.arch)),
        ]),
      ),
      curve.length === 0
        ? {
            kind: "paragraph",
            text:
              count("failed") > 0
                ? `No value told yet (only failures): the curve of the best ${name} starts with the first value.`
                : `No architecture told yet: the curve of the best ${name} starts with the first.`,
          }
        : {
            kind: "figure",
            title: `Best ${name} found against architectures told`,
            spec: {
              width: 420,
              height: 260,
              // a point on each architecture told when they are few; else the steps alone draw the line
              data: { values: curve.length <= 60 ? curve : curveSteps(curve) },
              mark: { type: "line", point: curve.length <= 60, interpolate: "step-after" },
              encoding: {
                x: { field: "told", type: "quantitative", title: "architectures told" },
                y: {
                  field: "best",
                  type: "quantitative",
                  title: `best ${target} so far`,
                  scale: { zero: false },
                },
              },
            },
          },
      // an empty chart would draw axes "from NaN to NaN": say why there is nothing to compare instead
      scatter.length === 0
        ? {
            kind: "paragraph",
            text:
              "No told architecture was asked after the first fit of the predictor (the first of a study " +
              "are drawn at random, and imported ones have no prediction): nothing to compare predictions with yet.",
          }
        : {
            kind: "figure",
            title: `Predicted at ask time against observed ${name} (${scatter.length} asked after the first fit)`,
            spec: {
              width: 320,
              height: 320,
              data: { values: scatter },
              mark: { type: "point", filled: true, opacity: 0.7 },
              encoding: {
                x: {
                  field: "predicted",
                  type: "quantitative",
                  title: `predicted ${target}`,
                  scale: { zero: false },
                },
                y: {
                  field: "observed",
                  type: "quantitative",
                  title: `observed ${target}`,
                  scale: { zero: false },
                },
                color: { field: "reason", type: "nominal", title: "asked to" },
              },
            },
          },
      // failed and pending ones were counts only on the page (study show's terminal names them): a
      // failure the user may want to retry, a pending one a worker may have lost
      ...listed(trials, "failed", "Failed", "told failed"),
      ...listed(trials, "pending", "Pending", "asked for"),
    ],
  };
}

/** Rows a page lists of failed or pending trials; the rest are counted (a study of thousands). */
export const LISTED_TRIALS = 50;

/** A heading and a table of the trials in `state` (the first LISTED_TRIALS by number), or nothing. */
function listed(
  trials: readonly Trial[],
  state: "failed" | "pending",
  heading: string,
  when: string,
): ReportDocument["blocks"] {
  const these = trials.filter((t) => t.state === state).sort((a, b) => a.number - b.number);
  if (these.length === 0) return [];
  const shown = these.slice(0, LISTED_TRIALS);
  return [
    { kind: "heading", text: `${heading} (${these.length})` },
    table(
      ["trial", when, "architecture"],
      shown.map((t) => [
        String(t.number),
        (state === "failed" ? t.toldAt : t.askedAt) ?? "—",
        plain(JSON.stringify(t.arch)),
      ]),
    ),
    ...(these.length > shown.length
      ? [
          {
            kind: "paragraph" as const,
            text: `… and ${these.length - shown.length} more ${state} (study show --json lists every trial).`,
          },
        ]
      : []),
  ];
}
