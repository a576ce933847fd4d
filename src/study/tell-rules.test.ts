import assert from "node:assert/strict";
import { test } from "node:test";
import { checkAccuracyScale } from "../data/label-scale.js";
import { UserError } from "../errors.js";
import {
  accuracyLike,
  checkTableValues,
  directionWarning,
  repeatInCall,
  retryText,
  sameCellNote,
  tableScale,
  tellCheck,
} from "./tell-rules.js";

const rows = (values: number[]) => values.map((value, k) => ({ line: k + 2, value }));
const where = (line: number) => `all.csv line ${line}`;

/** A study's done values when it holds none (what a store reads from an empty study). */
const NONE = {
  count: 0,
  min: Number.NaN,
  minAboveOne: Number.NaN,
  maxUpToOne: Number.NaN,
  max: Number.NaN,
};

test("a table's scale: fractions, percents, percents with chance-level cells", () => {
  assert.equal(tableScale("val_acc", rows([0.81, 0.9, 0.77]), where), "fraction");
  assert.equal(tableScale("val_acc", rows([81, 90, 77]), where), "percent");
  // NAS-Bench-201 CIFAR-100: cells at 1 % beside 40-73 %; ImageNet16-120 train accuracy 0.845-0.857 %
  assert.equal(tableScale("test_acc", rows([1, 66.2, 0.9999999996, 71.4]), where), "percent");
  assert.equal(tableScale("train_acc", rows([0.84465, 45.1, 0.856955]), where), "percent");
  assert.equal(tableScale("latency_ms", rows([0.5, 150]), where), "auto", "not an accuracy: no scale");
});

test("a table mixing fractions and percents, or past 100, is refused naming the odd row", () => {
  // simulate took a table of 0.70-0.94 with one row at 93.1 as a percent table: that row ranked first
  const refused = (values: number[], pattern: RegExp) =>
    assert.throws(
      () => tableScale("val_acc", rows(values), where),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
  refused(
    [0.7, 0.94, 0.85, 93.1, 0.8],
    /^all\.csv: val_acc mixes percentages and fractions: 1 value above 1 \(line 5: 93\.1\) and 4 of 1 or less \(line 2: 0\.7, line 3: 0\.94, line 4: 0\.85, …\); write every value on one scale: as fractions \(93\.1 → 0\.931\) or as percentages \(0\.7 → 70\)$/,
  );
  // fewer values of 1 or less than above: percents with cells at chance level, which no rule on values
  // can tell from fractions (as tell's rules: a percent study keeps them) — when they spread as chance
  // levels do; 0.85 and 0.7 cannot both be (one is 85 % written as a fraction), whatever their order
  assert.equal(tableScale("val_acc", rows([70, 94, 0.85, 81, 0.84]), where), "percent");
  refused(
    [70, 94, 0.85, 81, 0.7],
    /^all\.csv: val_acc mixes percentages and fractions: 3 values above 1 \(line 2: 70, line 3: 94, line 5: 81\) and 2 of 1 or less \(line 4: 0\.85, line 6: 0\.7\); write every value on one scale: as percentages \(0\.85 → 85\) or as fractions \(70 → 0\.7\)$/,
  );
  refused([0.7, 0.85, 70, 94, 81], /^all\.csv: val_acc mixes percentages and fractions: /);
  // a study of percents settles it: its fractions are named, to be told as percents
  assert.throws(
    () => tableScale("val_acc", rows([70, 94, 0.85, 81, 0.7]), where, { studyPercent: true }),
    /all\.csv line 4: val_acc 0\.85 looks like a fraction among percents.*spread 0\.7–0\.85; tell 85$/,
  );
  // minimized, values of 1 or less are near-perfect error rates, which do spread (train error 0-1 %)
  assert.equal(
    tableScale("train_error", rows([0.2, 0.9, 11.1, 40, 25]), where, { direction: "minimize" }),
    "percent",
  );
  refused(
    [70, 110.07, 81],
    /^all\.csv line 3: val_acc 110\.07 is not an accuracy; expected a fraction in \[0, 1\] or a percent in \[0, 100\]$/,
  );
  // an error rate's name: the value is no error rate, not "no accuracy" (tester Y: "val_error 100.5 is not an accuracy")
  assert.throws(
    () => tableScale("val_error", rows([7, 100.5, 9]), where, { direction: "minimize", table: true }),
    /^UserError: all\.csv line 3: val_error 100\.5 is not an error rate; expected a fraction in \[0, 1\] or a percent in \[0, 100\] \(if val_error is no error rate, give simulate --scale none\)$/,
  );
});

test("a table of 300,000 values is read (no spread of its values as arguments)", () => {
  const many = Array.from({ length: 300_000 }, (_, k) => 0.5 + (k % 1000) / 2000);
  assert.equal(tableScale("val_acc", rows(many), where), "fraction");
  assert.throws(
    () => tableScale("val_acc", rows([...many, 93]), where),
    /1 value above 1 \(line 300002: 93\) and 300000 of 1 or less/,
  );
});

test("accuracy-like targets are told by their words, not by substrings", () => {
  for (const name of [
    "val_acc",
    "acc",
    "testAccuracy",
    "test accuracy",
    "top1",
    "top-1 acc",
    "acc@1",
    "val_acc5",
    "mIoU",
    "F1",
    "roc_auc",
    "top_1",
    "top1acc",
    "valacc",
    "meanIoU",
    "f1score",
    "AUROC",
    "mAP",
    // classification error rates are 1 − accuracy, on the same scales (a minimized study of them took
    // 0.25 and then 30 with no word)
    "val_error",
    "test_err",
    "error_rate",
    "valerr",
  ])
    assert.equal(accuracyLike(name), true, name);
  // a MACs count and an accelerator's latency were refused as "not an accuracy" (the name held "acc")
  for (const name of [
    "maccs",
    "accel_latency_ms",
    "latency_ms",
    "flops",
    "top10",
    "params",
    "loss",
    "mean_squared_error",
    "mse_error",
    "errand",
  ])
    assert.equal(accuracyLike(name), false, name);
});

test("simulate's table takes what an import takes: no fraction among percents, no percent among fractions", () => {
  const refused = (values: number[], pattern: RegExp) =>
    assert.throws(
      () => checkTableValues("val_acc", rows(values), where),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
  // float noise over a perfect score is no percent: three close fractions and 1.0000001 were read as
  // chance-level percents, the best at 1 % (tester V)
  refused(
    [0.8, 0.81, 1.0000001, 0.805],
    /^all\.csv line 4: val_acc 1\.0000001 is above 1 by 1e-7 only, and the table's values are fractions \(0\.8–0\.81\): float noise over a perfect score\? write 1 in the table if so$/,
  );
  refused(
    [1.0000001],
    /^all\.csv line 2: val_acc 1\.0000001 is above 1 by 1e-7 only, and no value of the table is a percent: .* write 1 in the table if so \(if it is a percent, 1 % at chance level, give simulate --scale percent\)$/,
  );
  // minimized (an error rate), 1 is the worst, no perfect score, and 1 % a near-perfect error (tester X)
  assert.throws(
    () => checkTableValues("val_error", rows([0.07, 0.09, 1.0000001]), where, "minimize"),
    /val_error 1\.0000001 is above 1 by 1e-7 only, and the table's values are fractions \(0\.07–0\.09\): float noise over an error rate of 100 %\? write 1 in the table if so$/,
  );
  assert.throws(
    () => checkTableValues("val_error", rows([1.0000001]), where, "minimize"),
    /float noise over an error rate of 100 %\? write 1 in the table if so \(if it is a percent, an error of 1 %, give simulate --scale percent\)$/,
  );
  // float noise over 100 gets tell's hint in a table or an import too (tester X): an import's first row
  // meets an empty study
  assert.throws(
    () =>
      tellCheck(
        "val_acc",
        () => "f.csv line 2",
        "auto",
      )(
        { key: "k", arch: null, outcome: { value: 100.0000001 } },
        { existing: undefined, done: NONE, before: NONE },
      ),
    /^UserError: f\.csv line 2: val_acc 100\.0000001 is not an accuracy; .*; it is above 100 by 1e-7 only: float noise over a perfect score\? tell 100 if so$/,
  );
  refused(
    [100.0000001, 93.2, 91],
    /^all\.csv line 2: val_acc 100\.0000001 is not an accuracy; expected .*; it is above 100 by 1e-7 only: float noise over a perfect score\? write 100 in the table if so$/,
  );
  // beside percents it is one, at chance level
  assert.equal(checkTableValues("val_acc", rows([1.0000001, 45.1, 30.2]), where), "percent");
  // one fraction among percents was read as a cell at 0.88 %
  refused([86.1, 90.2, 0.8756, 88.4], /^all\.csv line 4: val_acc 0\.8756 looks like a fraction/);
  // a percent among fractions that spread as little as chance-level cells do: 91.5 became the best
  refused(
    [0.9, 0.93, 0.91, 91.5, 0.92],
    /^all\.csv: val_acc mixes percentages and fractions: 1 value above 1 \(line 5: 91\.5\) .*as fractions \(91\.5 → 0\.915\) .*\(if those of 1 or less are percents — accuracies at chance level — give simulate --scale percent\)$/,
  );
  // NAS-Bench-201 ImageNet16-120 and CIFAR-100 test accuracy: chance-level cells beside the percents
  assert.equal(checkTableValues("test_acc", rows([0.8333, 45.1, 30.2, 0.8333]), where), "percent");
  assert.equal(checkTableValues("test_acc", rows([1, 66.2, 71.4]), where), "percent");
  assert.equal(checkTableValues("val_acc", rows([0.9, 0.93, 0.91]), where), "fraction");
  // a table has no study and no tell: the fix is in the table or simulate's --scale
  assert.throws(
    () => checkTableValues("val_acc", rows([0.84, 0.9]), where, "maximize", "percent"),
    // (no percent says which end is the slip: both fixes, the other by its line: tester C)
    /all\.csv line 3: val_acc 0\.9 and all\.csv line 2's 0\.84 spread the table's values of 1 or less 0\.84–0\.9, wider than chance-level accuracies \(the table's scale is percent\): one of them is a fraction; if it is this one, write 90 in the table; if it is 0\.84, write 84 on that line \(if the values are fractions, give simulate --scale fraction\)$/,
  );
  assert.throws(
    () => checkTableValues("val_acc", rows([88.09]), where, "maximize", "fraction"),
    /Error: all\.csv line 2: val_acc 88\.09 is not a fraction; expected a fraction in \[0, 1\] \(the table's scale: --scale fraction\); write 0\.8809 in the table, or give simulate --scale percent$/,
  );
});

test("values of 0 widen no range: a chance-level percent beside them, a percent study's 0.83", () => {
  const zeroThen = { count: 2, min: 45, minAboveOne: 45, maxUpToOne: Number.NaN, max: 45 }; // 0 and 45 told: min is the smallest above 0
  const auto = tellCheck("val_acc", () => "row", "auto");
  assert.equal(
    auto(
      { key: "k", arch: null, outcome: { value: 0.01 } },
      { existing: undefined, done: zeroThen, before: zeroThen },
    ),
    "write",
  );
  const percent = tellCheck("val_acc", () => "row", "percent");
  const zero = { count: 1, min: Number.NaN, minAboveOne: Number.NaN, maxUpToOne: Number.NaN, max: 0 };
  assert.equal(
    percent(
      { key: "k", arch: null, outcome: { value: 0.83 } },
      { existing: undefined, done: zero, before: zero },
    ),
    "write",
  );
  // the table's rows as the stores count them (zeros apart): 0, 45, 0.01 and 0, 0.83 are taken
  assert.equal(checkTableValues("val_acc", rows([0, 45, 0.01]), where), "percent");
  assert.equal(checkTableValues("val_acc", rows([0, 0.83]), where, "maximize", "percent"), "percent");
  assert.equal(checkTableValues("val_acc", rows([0, 0.9, 45]), where), "percent");
});

test("values of 0 settle no scale: a percent told after them is taken", () => {
  for (const direction of ["maximize", "minimize"] as const) {
    const check = tellCheck("val_acc", () => "row", "auto", { scale: "auto" }, direction);
    const zeros = { count: 2, min: 0, minAboveOne: Number.NaN, maxUpToOne: Number.NaN, max: 0 };
    const told = { existing: undefined, done: zeros, before: zeros };
    assert.equal(check({ key: "k", arch: null, outcome: { value: 45.2 } }, told), "write", direction);
    // a fraction beside them still settles fractions
    const fractions = { count: 2, min: 0, minAboveOne: Number.NaN, maxUpToOne: 0.5, max: 0.5 };
    assert.throws(
      () =>
        check(
          { key: "k", arch: null, outcome: { value: 45.2 } },
          { ...told, done: fractions, before: fractions },
        ),
      /looks like a percent, but this study's values are fractions \(0–0\.5\)/,
    );
  }
});

test("a study declared in percent refuses values of 1 or less spread wider than chance level", () => {
  const check = tellCheck("val_acc", () => "row", "percent");
  const result = (value: number) => ({ key: "k", arch: null, outcome: { value } });
  const stats = (values: number[]) => ({
    count: values.length,
    min: values.length ? Math.min(...values) : Number.NaN,
    minAboveOne: values.some((v) => v > 1) ? Math.min(...values.filter((v) => v > 1)) : Number.NaN,
    maxUpToOne: values.some((v) => v > 0 && v <= 1)
      ? Math.max(...values.filter((v) => v > 0 && v <= 1))
      : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
  });
  const context = (values: number[]) => ({ existing: undefined, done: stats(values), before: stats(values) });
  // fractions imported into a percent study: 88.5 told later became the best of them
  assert.throws(
    () => check(result(0.91), context([0.83, 0.86])),
    /val_acc 0\.91 and its 0\.83, kept as 0\.83 %, spread this study's values of 1 or less 0\.83–0\.91, wider than chance-level accuracies \(this study's scale is percent\): one of them is a fraction; if it is this one, tell 91; if it is 0\.83, tell 83 for it with --replace/,
  );
  // chance-level percents (what --scale percent is for) and values among real percents stay accepted
  assert.equal(check(result(0.84), context([0.8333, 0.8333])), "write");
  assert.equal(check(result(0.9), context([45, 88])), "write");
  // float noise over 1 is a fraction's 1, no percent: beside it, fractions were accepted (tester X)
  assert.throws(
    () => check(result(0.7), context([1.0000001, 0.5])),
    /val_acc 0\.7 and its (0\.5|1\.0000001), kept as \S+ %, spread this study's values of 1 or less/,
  );
  // … and when it comes last (tester Y)
  assert.throws(
    () => check(result(1.0000001), context([0.9, 0.92])),
    // (this check's earlier calls passed a row of 0.9 too: named by its row, as within one call)
    /val_acc 1\.0000001 and (its 0\.9, kept as 0\.9 %,|row's 0\.9) spread this study's values of 1 or less 0\.9–1\.0000001, wider than chance-level accuracies \(this study's scale is percent\): one of them is a fraction; if it is this one, tell 100; if it is 0\.9, (tell|write) 90 /,
  );
  for (const values of [
    [0.5, 0.7, 0.9, 1.0000001],
    [1.0000001, 0.5, 0.7, 0.9],
    [0.9, 0.92, 1.0000001],
    [0.5, 1.0000001],
  ])
    assert.throws(
      () => checkTableValues("val_acc", rows(values), where, "maximize", "percent"),
      /val_acc (0\.[579]|1\.0000001) and all\.csv line \d's \S+ spread the table's values of 1 or less/,
      values.join(", "),
    );
});

test("a fraction told to a percent study is refused wherever it would rank: above the range, or the best error", () => {
  const refused = (values: number[], direction: "maximize" | "minimize", pattern: RegExp) =>
    assert.throws(() => checkTableValues("val_acc", rows(values), where, direction), pattern);
  // maximized, 0.8 among 70–72 % is the best run: recorded as 0.8 % it was the worst
  refused(
    [70, 72, 0.8],
    "maximize",
    /line 4: val_acc 0\.8 looks like a fraction, but the table's values are percents \(70–72\); write 80/,
  );
  refused([70, 72, 0.75], "maximize", /line 4: val_acc 0\.75 looks like a fraction/);
  // chance-level accuracies stay accepted, also after one was (the range is the percents', above 1)
  assert.equal(checkTableValues("val_acc", rows([60, 94, 0.01, 0.012]), where), "percent");
  // minimized (an error rate), 0.36 among 25–30 % would become the best; 0.9 beside 1.5–2.3 % is a percent
  refused(
    [25, 30, 0.36],
    "minimize",
    /line 4: val_acc 0\.36 looks like a fraction, but the table's values are percents \(25–30\)/,
  );
  refused([25, 30, 0.5], "minimize", /line 4: val_acc 0\.5 looks like a fraction/);
  assert.equal(checkTableValues("val_err", rows([1.5, 2.3, 0.9]), where, "minimize"), "percent");
});

test("a batch is judged whole under --scale percent too, and the edges of the rules are free of float noise", () => {
  // 0.91, 0.83 then 50 was refused as "values all of 1 or less"; 50, 0.91, 0.83 was taken; both are
  // refused now, as values of 1 or less spread wider than chance level beside percents too (one 93.1
  // among fractions of 0.83–0.91 let them all in as 0.8x %: tester A)
  for (const values of [
    [0.91, 0.83, 50],
    [50, 0.91, 0.83],
    [0.83, 0.85, 0.87, 0.89, 0.91, 93.1],
  ])
    assert.throws(
      () => checkTableValues("val_acc", rows(values), where, "maximize", "percent"),
      /looks like a fraction: the table's scale is percent, and its values of 1 or less, beside its percents \((50|93\.1)\), spread 0\.83–0\.\d+ up to this one, wider than chance-level accuracies; (write 89 in the table|write them all as percents \(×100\)) \(if they are percents, of networks near chance level, give simulate --scale none, which checks no value\)$/,
      `${values}`,
    );
  // chance-level cells beside percents still are (NAS-Bench-201 ImageNet16-120 train accuracy)
  assert.equal(
    checkTableValues("val_acc", rows([0.844, 45.1, 0.856, 30.2]), where, "maximize", "percent"),
    "percent",
  );
  // 0.57 × 100 is 56.99999999999999: judged as 57, five points below 62, like 0.571 (refused)
  assert.throws(
    () => checkTableValues("val_acc", rows([62, 94, 0.57]), where),
    /val_acc 0\.57 looks like a fraction/,
  );
  // 0.56 × 100 is 56.00000000000001: judged as 56, ten points above 46 (refused, like 0.559)
  assert.throws(
    () => checkTableValues("val_acc", rows([2, 46, 0.56]), where),
    /val_acc 0\.56 looks like a fraction/,
  );
  // 0.88 − 0.83 is 0.05000000000000004: a spread of 0.05, allowed like 0.85 − 0.80
  assert.equal(checkTableValues("val_acc", rows([0.83, 0.88]), where, "maximize", "percent"), "percent");
});

test("a direction that looks like a forgotten flag is warned of: an error rate maximized, an accuracy minimized", () => {
  assert.match(
    directionWarning("val_error", "maximize") ?? "",
    /val_error reads as an error rate, and it is maximized: if lower is better, give --minimize/,
  );
  assert.match(directionWarning("top1_err", "maximize") ?? "", /reads as an error rate/);
  assert.match(
    directionWarning("valAccuracy", "minimize") ?? "",
    /valAccuracy reads as an accuracy, and it is minimized: if higher is better, leave out --minimize/,
  );
  for (const [target, direction] of [
    ["val_error", "minimize"],
    ["top1_err", "minimize"],
    ["val_acc", "maximize"],
    ["latency_ms", "maximize"],
    ["latency_ms", "minimize"],
    ["mean_squared_error", "maximize"],
  ] as const)
    assert.equal(directionWarning(target, direction), undefined, `${target} ${direction}`);
});

test("a loss maximized is warned of (a forgotten --minimize made every ask exploit the worst architectures)", () => {
  for (const target of ["val_loss", "loss", "valLoss", "train_loss_epoch", "best val loss", "nll", "celoss"])
    assert.match(
      directionWarning(target, "maximize") ?? "",
      new RegExp(`^${target} reads as a loss, and it is maximized: if lower is better, give --minimize$`),
      target,
    );
  for (const [target, direction] of [
    ["val_loss", "minimize"],
    ["lossless_ratio", "maximize"],
    ["val_acc_loss", "maximize"],
  ] as const)
    assert.equal(directionWarning(target, direction), undefined, `${target} ${direction}`);
});

test("repeatInCall: within one call, as across calls, a value replaces a failure and a failure never replaces a value", () => {
  const failed = { source: "r.csv line 2", outcome: { failed: true } as const };
  const value = { source: "r.csv line 2", outcome: { value: 0.5 } };
  assert.equal(repeatInCall(failed, "r.csv line 3", { value: 0.5 }), "retry");
  assert.equal(
    retryText({ source: "r.csv line 3", failed: "r.csv line 2" }),
    "r.csv line 3 replaces the failure on r.csv line 2 (a retry that worked)",
  );
  assert.equal(repeatInCall(failed, "r.csv line 3", { failed: true }), "repeat");
  assert.equal(repeatInCall(value, "r.csv line 3", { value: 0.5 }), "repeat");
  // it said "tell the mean of repeated runs once", which no failure is
  assert.throws(
    () => repeatInCall(value, "r.csv line 3", { failed: true }),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        "r.csv line 3 tells failed for the architecture told 0.5 on r.csv line 2; a value replaces a failure " +
          "(a retry that worked), never the other way round, in one file as in separate tells: remove the row that is wrong",
  );
  assert.throws(
    () => repeatInCall(value, "r.csv line 3", { value: 0.6 }),
    /r\.csv line 3 repeats the architecture of r\.csv line 2 with another result \(0\.6, there 0\.5\); .*tell the mean of repeated runs once/,
  );
});

test("sameCellNote: why two texts are one cell (pruned, reordered), named by row when two are in the message", () => {
  assert.equal(sameCellNote([{ reduced: undefined }], false), undefined);
  assert.equal(
    sameCellNote([{ reduced: "pruning 1 vertex off every input→output path" }], false),
    "after pruning 1 vertex off every input→output path",
  );
  assert.equal(sameCellNote([{ reduced: undefined }], true), "its vertices in another order");
  assert.equal(
    sameCellNote(
      [
        { who: "r.csv line 2", reduced: "pruning 2 vertices off every input→output path" },
        { who: "r.csv line 3", reduced: undefined },
      ],
      true,
    ),
    "r.csv line 2 after pruning 2 vertices off every input→output path; its vertices in another order",
  );
  // the refusal of a second value names the stored form, not the text told now as if it had been told
  const check = tellCheck(
    "val_acc",
    () => "--arch B",
    "auto",
    { scale: "auto" },
    "maximize",
    undefined,
    false,
    () => "pruning 1 vertex off every input→output path",
  );
  const stored = {
    matrix: [
      [0, 1],
      [0, 0],
    ],
    ops: ["input", "output"],
  };
  assert.throws(
    () =>
      check(
        { key: "k", arch: stored, outcome: { value: 0.4 } },
        {
          existing: {
            number: 1,
            key: "k",
            arch: stored,
            state: "done",
            value: 0.5,
            predicted: null,
            reason: null,
            askedAt: null,
            toldAt: "2024-01-01T00:00:00.000Z",
          },
          done: { count: 1, min: 0.5, minAboveOne: Number.NaN, maxUpToOne: 0.5, max: 0.5 },
          before: NONE,
        },
      ),
    (e: Error) =>
      e.message.startsWith(
        "--arch B is the same cell (after pruning 1 vertex off every input→output path) as one told before, " +
          'stored as {"matrix":[[0,1],[0,0]],"ops":["input","output"]}, which was told 0.5 (2024-01-01T00:00:00.000Z); ' +
          "refusing a second value 0.4",
      ),
  );
});

test("a file mixing percents and fractions gets one advice from a study import and from a label file (they gave opposite fixes)", () => {
  // 40 of each, as a label file exported twice: a study said "write 0.6509", label files "a percentage 0..100"
  const values = Array.from({ length: 80 }, (_, k) =>
    k % 2 === 0 ? +(65.09 + k / 10).toFixed(2) : +(0.6509 + k / 1000).toFixed(4),
  );
  const message = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    return "accepted";
  };
  const advice =
    "mixes percentages and fractions: 40 values above 1 (line 2: 65.09, line 4: 65.29, line 6: 65.49, …) and " +
    "40 of 1 or less (line 3: 0.6519, line 5: 0.6539, line 7: 0.6559, …); write every value on one scale: " +
    "as fractions (65.09 → 0.6509) or as percentages (0.6519 → 65.19)";
  assert.equal(
    message(() => tableScale("val_acc", rows(values), where, { study: true })),
    `all.csv: val_acc ${advice}`,
  );
  assert.equal(
    message(() =>
      checkAccuracyScale(values, "percent", {
        file: "all.csv",
        position: (i) => `line ${i + 2}`,
        what: 'column "val_acc"',
        fix: "",
      }),
    ),
    `all.csv: column "val_acc" ${advice}`,
  );
});
