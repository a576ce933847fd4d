import assert from "node:assert/strict";
import { test } from "node:test";
import type { Trial } from "./store.js";
import { curveSteps, LISTED_TRIALS, studyDocument } from "./study-report.js";

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
    "heading",
    "table",
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

test("failed and pending trials are listed on the page, not only counted; an all-failed study says so", () => {
  const failed = (number: number): Trial => ({
    ...trial(number, null, null),
    state: "failed",
    toldAt: "2026-01-02T00:00:00Z",
  });
  const doc = studyDocument("s.db", [failed(1), failed(2), trial(3, null, 0.5)], "val_acc", "maximize");
  const texts = doc.blocks.map((b) => ("text" in b ? b.text : b.kind));
  assert.ok(
    texts.includes(
      "No value told yet (only failures): the curve of the best val_acc starts with the first value.",
    ),
  );
  assert.ok(texts.includes("Failed (2)") && texts.includes("Pending (1)"), texts.join(" | "));
  const failedTable = doc.blocks[texts.indexOf("Failed (2)") + 1] as { kind: "table"; rows: string[][] };
  assert.deepEqual(
    failedTable.rows.map((r) => r[0]),
    ["1", "2"],
  );
  // a long list is cut, and says how many more there are
  const many = Array.from({ length: LISTED_TRIALS + 7 }, (_, k) => failed(k + 1));
  const cut = studyDocument("s.db", many, "val_acc", "maximize").blocks.map((b) =>
    "text" in b ? b.text : b.kind,
  );
  assert.ok(cut.includes("… and 7 more failed (study show --json lists every trial)."), cut.join(" | "));
});

test("the page shows the user's names as typed: an option `**wide**` is not bold, a backtick not a code span", async () => {
  const { toHtml } = await import("../report/html.js");
  const arch = { "op|kind": "**wide**", conv: "`3x3`", path: "C:\\runs\\*" };
  const told: Trial = { ...trial(1, 0.9, null), arch };
  const doc = studyDocument("runs`a`.db", [told], "val_`acc`", "maximize");
  const html = await toHtml(doc.title, [doc]);
  // the page's text, tags dropped and entities undone, holds the architecture exactly as JSON writes it
  const text = html
    .replace(/<svg[\s\S]*?<\/svg>/g, "")
    .replace(/<[^>]+>/g, "")
    .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  assert.ok(text.includes(JSON.stringify(arch)), "the architecture as told");
  assert.ok(text.includes("Study runs`a`.db"));
  assert.ok(text.includes("target val_`acc` (higher is better)"));
  assert.ok(text.includes("Best val_`acc` found against architectures told"));
  assert.doesNotMatch(html, /<strong>|<code>acc|<code>3x3|<code>a<\/code>/);
});

test("the page's <title> (the browser's tab) shows the study's path as typed, without the page's escapes", async () => {
  const { toHtml } = await import("../report/html.js");
  for (const path of ["d\\a*b/s`t\\.db", "runs\\", "**x**.db", "<&>\"'.db"]) {
    const doc = studyDocument(path, [trial(1, 0.9, null)], "acc", "maximize");
    const html = await toHtml(doc.title, [doc]);
    const title = html
      .match(/<title>(.*)<\/title>/)?.[1]
      .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    assert.equal(title, `Study ${path}`);
  }
});

test("the best-so-far curve of a big study holds its steps only, and draws the same line", () => {
  // 100,000 told, the best improving 5 times: every told architecture was a point of the figure
  const trials = Array.from({ length: 100_000 }, (_, i) => ({
    ...trial(i + 1, [10, 500, 2_000, 40_000, 70_000].includes(i) ? 0.9 + i / 1e6 : 0.5, null),
    toldAt: `2026-01-01T00:00:00.${String(i).padStart(6, "0")}Z`,
  }));
  const figure = studyDocument("s.db", trials, "val_acc", "maximize").blocks.find((b) => b.kind === "figure");
  const values = (figure as unknown as { spec: { data: { values: { told: number; best: number }[] } } }).spec
    .data.values;
  assert.deepEqual(
    values.map((p) => p.told),
    [1, 11, 501, 2_001, 40_001, 70_001, 100_000],
  );
  assert.deepEqual(values.at(-1), { told: 100_000, best: 0.9 + 70_000 / 1e6 });
  // a short curve keeps every point (drawn with a mark each)
  const few = [
    { told: 1, best: 1 },
    { told: 2, best: 1 },
    { told: 3, best: 2 },
    { told: 4, best: 2 },
  ];
  assert.deepEqual(curveSteps(few), [few[0], few[2], few[3]]);
  assert.deepEqual(curveSteps([]), []);
});
