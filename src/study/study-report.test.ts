import assert from "node:assert/strict";
import { test } from "node:test";
import type { Trial } from "./store.js";
import { studyDocument } from "./study-report.js";

const trial = (number: number, value: number | null, predicted: number | null): Trial => ({
  number,
  key: `k${number}`,
  arch: { d: number },
  state: value === null ? "pending" : "done",
  value,
  predicted,
  reason: predicted === null ? "explore" : "exploit",
  askedAt: "2026-01-01T00:00:00Z",
  toldAt: value === null ? null : `2026-01-01T00:00:${String(number).padStart(2, "0")}Z`,
});

const kinds = (trials: Trial[]) =>
  studyDocument("s.db", trials, "val_acc", "maximize").blocks.map((b) => b.kind);

test("a study with nothing to draw says so instead of drawing empty charts (axes 'from NaN to NaN')", () => {
  // nothing told: neither the best-so-far curve nor the predicted-vs-observed chart has a point
  assert.deepEqual(kinds([trial(1, null, null)]), [
    "paragraph",
    "heading",
    "table",
    "paragraph",
    "paragraph",
  ]);
  // told, but all drawn before the first fit: the curve is drawn, the comparison is not
  const random = [trial(1, 0.9, null), trial(2, 0.8, null)];
  assert.deepEqual(kinds(random), ["paragraph", "heading", "table", "figure", "paragraph"]);
  const doc = studyDocument("s.db", random, "val_acc", "maximize");
  const last = doc.blocks.at(-1) as { kind: "paragraph"; text: string };
  assert.match(last.text, /nothing to compare predictions with yet/);
  // one told after a fit: both are figures
  assert.deepEqual(kinds([...random, trial(3, 0.95, 0.93)]), [
    "paragraph",
    "heading",
    "table",
    "figure",
    "figure",
  ]);
});
