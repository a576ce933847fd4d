import assert from "node:assert/strict";
import { test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { kendallTau } from "../eval/metrics.js";
import { Rng } from "../random.js";
import { type ChoicesArch, ChoicesSpace } from "../spaces/choices.js";
import { createSpace } from "../spaces/kinds.js";
import { parseSpec } from "../spaces/spec.js";
import { initBackend, tf } from "../tensor/backend.js";
import { TINY_SPEC, tinyAccuracy, tinySpace } from "../testing/study-fixtures.js";
import type { AskOptions } from "./ask-strategy.js";
import { SqliteStudyStore } from "./sqlite-store.js";
import type { Direction } from "./store.js";
import { Study } from "./study.js";
import { openStudyFile, predictStudyFile } from "./study-file.js";
import type { ValueScale } from "./tell-rules.js";

async function tinyStudy(
  target = "val_acc",
  direction: Direction = "maximize",
  scale: ValueScale = "auto",
  ask: Partial<AskOptions> = {},
): Promise<Study<ChoicesArch>> {
  const store = await SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target, direction, scale }));
  return Study.open(store, tinySpace(), ask);
}

test("ask never hands out an architecture twice (pending, told or failed) until the space runs out, nor keeps a tensor", async () => {
  await initBackend();
  const tensors = tf.memory().numTensors;
  const study = await tinyStudy();
  const seen = new Set<string>();
  let batches = 0;
  for (;;) {
    const asked = await study.ask(25);
    if (asked.length === 0) break;
    batches++;
    for (const a of asked) {
      assert.ok(!seen.has(a.key), `${a.key} handed out twice`);
      seen.add(a.key);
    }
    // tell most, leave some pending, fail one
    await study.tellMany(
      asked.slice(0, 18).map((a, k) => ({
        arch: a.arch,
        outcome: k === 0 ? { failed: true } : { value: tinyAccuracy(a.arch) },
      })),
    );
  }
  assert.equal(seen.size, 162, "every member once");
  assert.ok(batches >= 7);
  const counts = await study.store.counts();
  assert.equal(counts.pending + counts.done + counts.failed, 162);
  assert.deepEqual(await study.ask(3), []);
  // each ask fits a predictor; tfjs never collects tensors, so a long-lived study would grow
  assert.equal(tf.memory().numTensors, tensors, "tensors left by the predictors of the asks");
});

for (const [exploration, explored] of [
  [undefined, 0],
  [0.2, 2],
] as const)
  test(`after 10 told, ask fits the predictor: every pick but ${explored} of 10 to exploit (better than the space's mean), exploration ${exploration ?? "by default"}`, async () => {
    const study = await tinyStudy(
      "val_acc",
      "maximize",
      "auto",
      exploration === undefined ? {} : { exploration },
    );
    const first = await study.ask(12);
    assert.ok(
      first.every((a) => a.reason === "explore" && a.predicted === null),
      "random before 10 are told",
    );
    await study.tellMany(first.map((a) => ({ arch: a.arch, outcome: { value: tinyAccuracy(a.arch) } })));
    const asked = await study.ask(10);
    assert.equal(asked.length, 10);
    assert.deepEqual(
      asked.map((a) => a.reason),
      [...Array(10 - explored).fill("exploit"), ...Array(explored).fill("explore")],
    );
    assert.ok(asked.every((a) => typeof a.predicted === "number" && Number.isFinite(a.predicted)));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const space = tinySpace();
    const spaceMean = mean(space.sample(new Rng(0), 162).map(tinyAccuracy));
    const exploitMean = mean(asked.filter((a) => a.reason === "exploit").map((a) => tinyAccuracy(a.arch)));
    assert.ok(exploitMean > spaceMean + 0.01, `exploited ${exploitMean} vs the space's mean ${spaceMean}`);
  });

test("ask keeps a batch apart from itself and from the pending architectures (one mutation = one decision changed)", async () => {
  // 6 decisions of 4 options (4,096 architectures), a value adding up per decision: the predicted best cluster
  const spec = {
    name: "six",
    kind: "choices",
    decisions: Array.from({ length: 6 }, (_, i) => ({ name: `d${i}`, options: ["a", "b", "c", "d"] })),
  };
  const space = new ChoicesSpace(parseSpec(spec) as never);
  const value = (arch: readonly number[]) => 0.5 + arch.reduce((s, o, i) => s + o * (0.01 + 0.002 * i), 0);
  const differing = (a: readonly number[], b: readonly number[]) => a.filter((o, i) => o !== b[i]).length;
  const store = await SqliteStudyStore.memory(Study.settings({ spec, target: "val_acc" }));
  const study = await Study.open(store, space);
  const first = await study.ask(20);
  await study.tellMany(first.map((a) => ({ arch: a.arch, outcome: { value: value(a.arch) } })));
  const pending = await study.ask(10);
  const next = await study.ask(10);
  for (const batch of [pending, next]) {
    const exploited = batch.filter((a) => a.reason === "exploit");
    assert.equal(exploited.length, 10, "every pick exploits by default");
    for (const [i, a] of exploited.entries())
      for (const b of exploited.slice(i + 1))
        assert.ok(
          differing(a.arch, b.arch) >= 2,
          `${a.key} and ${b.key} are one decision apart in one batch`,
        );
  }
  for (const a of next.filter((x) => x.reason === "exploit"))
    for (const p of pending)
      assert.ok(differing(a.arch, p.arch) >= 2, `${a.key} is one decision away from the pending ${p.key}`);
  // they are still among the predicted best: better than the space's mean
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const spaceMean = mean(space.sample(new Rng(0), 4096).map(value));
  assert.ok(mean(next.filter((a) => a.reason === "exploit").map((a) => value(a.arch))) > spaceMean + 0.02);
});

test("tell refuses what would corrupt the study, and ignores the same value told again", async () => {
  const study = await tinyStudy();
  const [a, b, c] = tinySpace().sample(new Rng(1), 3);
  await assert.rejects(study.tell([5, 0, 0, 0, 0], 0.9), /the architecture is not an architecture of tiny/);
  await assert.rejects(study.tell(a, Number.NaN), /the value NaN is not a finite number/);
  await assert.rejects(study.tell(a, Number.POSITIVE_INFINITY), /the value Infinity is not a finite number/);
  // from JavaScript or parsed JSON, a value may come as text: named as text, not shown as if a number
  await assert.rejects(
    study.tell(a, { value: "0.9" } as unknown as number),
    /the value "0\.9" is a string; expected a finite number/,
  );
  // an object where the number goes: it said "is a object"
  await assert.rejects(
    study.tell(a, { value: { v: 0.9 } } as unknown as number),
    /the value \{"v":0\.9\} is an object; expected a finite number/,
  );
  await assert.rejects(
    study.tell(a, 150),
    /val_acc 150 is not an accuracy; expected a fraction in \[0, 1\] or a percent/,
  );
  assert.deepEqual(await study.tell(a, 0.91), { written: 1, skipped: 0 });
  await assert.rejects(
    study.tell(b, 93.2),
    /val_acc 93\.2 looks like a percent, but this study's values are fractions \(0\.91–0\.91\); tell 0\.932/,
  );
  assert.deepEqual(await study.tell(a, 0.91), { written: 0, skipped: 1 }, "the same value again is ignored");
  await assert.rejects(study.tell(a, 0.92), /was told 0\.91 .*refusing a second value 0\.92/);
  await assert.rejects(study.tell(a, { failed: true }), /was told 0\.91 .*cannot be told failed now/);
  await study.tell(b, { failed: true });
  const retry = await study.tell(b, 0.88);
  assert.deepEqual(
    { ...retry, retried: retry.retried?.map((r) => r.failed.replace(/ told failed .*/, "")) },
    { written: 1, skipped: 0, retried: ["trial 2,"] },
    "a retry that worked replaces the failure, and says so",
  );
  // a refused call writes nothing, even its valid items
  await assert.rejects(
    study.tellMany([
      { arch: c, outcome: { value: 0.9 } },
      { arch: a, outcome: { value: 0.5 }, source: "results.csv line 3" },
    ]),
    /results\.csv line 3 was told 0\.91/,
  );
  // the architecture twice in the file, both clashing with the stored value: the first row is named
  // (it named the last copy, which the user then fixed while the first still clashed; tester V)
  await assert.rejects(
    study.tellMany([
      { arch: a, outcome: { value: 0.5 }, source: "results.csv line 2" },
      { arch: c, outcome: { value: 0.9 }, source: "results.csv line 3" },
      { arch: a, outcome: { value: 0.5 }, source: "results.csv line 4" },
    ]),
    /results\.csv line 2 was told 0\.91/,
  );
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 2, failed: 0 });
  // a study in percent refuses fractions
  const percent = await tinyStudy("top1");
  await percent.tell(a, 91);
  await assert.rejects(
    percent.tell(b, 0.9),
    /top1 0\.9 looks like a fraction, but this study's values are percents \(91–91\); tell 90/,
  );
});

test("networks at chance level (1 % or less) fit a percent study; an explicit scale settles what values cannot", async () => {
  const archs = tinySpace().sample(new Rng(3), 6);
  // NAS-Bench-201 CIFAR-100: a cell whose output is unreachable scores 1 %, the others 40-73 %
  const first = await tinyStudy("test_acc");
  await first.tell(archs[1], 66.21);
  await first.tell(archs[0], 0.9999999996);
  await first.tell(archs[2], 71.4);
  await first.tell(archs[3], 0.8333);
  // a second chance-level cell: the percents' range, not one widened by the first, decides
  await first.tell(archs[5], 0.8334);
  assert.equal((await first.store.counts()).done, 5);
  await assert.rejects(
    first.tell(archs[4], 0.7),
    /test_acc 0\.7 looks like a fraction, .*\(66\.21–71\.4\); tell 70 \(values of 1 % or less are chance level: if it is right, the study needs --scale percent when made\)/,
  );
  // a chance-level value told alone first reads as a fraction: the percent after it is refused, naming
  // the fix (read as a percent, a fraction study's mistyped 45 would have turned it percent for good)
  const chanceFirst = await tinyStudy("test_acc");
  await chanceFirst.tell(archs[0], 0.9999999996);
  await assert.rejects(
    chanceFirst.tell(archs[1], 66.21),
    /test_acc 66\.21 looks like a percent, but this study's values are fractions \(0\.9999999996–0\.9999999996\); tell 0\.6621 \(if its values are percents at chance level, the study needs --scale percent when made\)/,
  );
  // told in one call (a results file), the batch is read whole: its chance-level cells fit its percents
  const batch = await tinyStudy("test_acc");
  assert.deepEqual(
    await batch.tellMany(
      [0.9999999996, 66.21, 0.9999999998, 71.4].map((value, k) => ({ arch: archs[k], outcome: { value } })),
    ),
    { written: 4, skipped: 0 },
  );
  const fraction = await tinyStudy("test_acc", "maximize", "fraction");
  await assert.rejects(
    fraction.tell(archs[0], 66.2),
    /test_acc 66\.2 is not a fraction; expected a fraction in \[0, 1\] \(this study's scale\); tell 0\.662/,
  );
  // float noise over a perfect score is no percent: ÷100 offered "tell 0.010000001" (tester R); 1.5 still is one
  await assert.rejects(
    fraction.tell(archs[0], 1.0000001),
    /test_acc 1\.0000001 is not a fraction; expected a fraction in \[0, 1\] \(this study's scale\); it is above 1 by 1e-7 only: float noise over a perfect score\? tell 1 if so$/,
  );
  await assert.rejects(fraction.tell(archs[0], 1.5), /tell 0\.015$/);
  // below 0 nothing is offered: "-1e-9 … is above 1 by -1 only … tell 1" (tester V)
  for (const below of [-1e-9, -0.5])
    await assert.rejects(
      fraction.tell(archs[0], below),
      new RegExp(
        `test_acc ${below} is not an accuracy; expected a fraction in \\[0, 1\\] \\(this study's scale\\)$`,
      ),
    );
  // float noise over 100 in a study of percents is offered 100 (it said only "is not an accuracy")
  const percents = await tinyStudy("test_acc", "maximize", "percent");
  await assert.rejects(
    percents.tell(archs[0], 100.0000001),
    /expected a percent in \[0, 100\] \(this study's scale\); it is above 100 by 1e-7 only: float noise over a perfect score\? tell 100 if so$/,
  );
  // and in a study whose scale its fractions settled (no --scale), where the same ÷100 was offered (tester U)
  const settled = await tinyStudy("test_acc");
  await settled.tell(archs[1], 0.9);
  await assert.rejects(
    settled.tell(archs[0], 1.0000001),
    // not "looks like a percent … float noise?" in one sentence (tester V)
    /test_acc 1\.0000001 is above 1 by 1e-7 only, and this study's values are fractions \(0\.9–0\.9\): float noise over a perfect score\? tell 1 if so$/,
  );
  // a batch of close fractions and 1.0000001 into a new study: imported as chance-level percents (tester V)
  const fresh = await tinyStudy("test_acc");
  await assert.rejects(
    fresh.tellMany([
      { arch: archs[0], outcome: { value: 0.8 }, source: "r.csv line 2" },
      { arch: archs[1], outcome: { value: 1.0000001 }, source: "r.csv line 3" },
      { arch: archs[2], outcome: { value: 0.81 }, source: "r.csv line 4" },
    ]),
    /^UserError: r\.csv line 3: test_acc 1\.0000001 is above 1 by 1e-7 only, and the values told with it are fractions \(0\.8–0\.8\): float noise over a perfect score\? tell 1 if so$/,
  );
  await assert.rejects(
    fresh.tell(archs[0], 1.0000001),
    /no value told before or with it is a percent: float noise over a perfect score\? tell 1 if so \(if it is a percent, 1 % at chance level, the study needs --scale percent when made\)$/,
  );
  assert.deepEqual(await fresh.store.counts(), { pending: 0, done: 0, failed: 0 });
  const percent = await tinyStudy("test_acc", "maximize", "percent");
  await percent.tell(archs[0], 91);
  await percent.tell(archs[1], 0.9);
  await assert.rejects(percent.tell(archs[2], 100.5), /expected a percent in \[0, 100\]/);
});

test("the scale given overrides the target's name both ways: an accuracy named score, a latency named recall_latency_ms", async () => {
  const archs = tinySpace().sample(new Rng(8), 4);
  // not accuracy-like by name ("score"): without a scale any number goes in (0.81, then 93.1 became the best)
  const named = await tinyStudy("score", "maximize", "fraction");
  await named.tell(archs[0], 0.81);
  await assert.rejects(
    named.tell(archs[1], 93.1),
    /score 93\.1 is not a fraction; expected a fraction in \[0, 1\]/,
  );
  // accuracy-like by name, but no accuracy: --scale none takes any number
  const auto = await tinyStudy("recall_latency_ms", "minimize");
  await assert.rejects(
    auto.tell(archs[0], 250),
    /recall_latency_ms 250 is not an accuracy; .*\(if recall_latency_ms is no accuracy, make the study with --scale none\)/,
  );
  const none = await tinyStudy("recall_latency_ms", "minimize", "none");
  await none.tell(archs[0], 250);
  await none.tell(archs[1], 0.5);
  assert.equal((await none.best())?.value, 0.5);
  assert.throws(
    () => Study.settings({ spec: TINY_SPEC, target: "loss", scale: "permille" as never }),
    /fraction, percent, none or auto/,
  );
});

test("a minimized error rate in percent refuses a fraction below its range (read as a percent, it became the best)", async () => {
  const archs = tinySpace().sample(new Rng(9), 5);
  const study = await tinyStudy("top1_err", "minimize");
  for (const [k, value] of [25, 30, 28].entries()) await study.tell(archs[k], value);
  await assert.rejects(
    study.tell(archs[3], 0.12),
    /top1_err 0\.12 looks like a fraction, .*\(25–30\); tell 12/,
  );
  assert.equal((await study.best())?.value, 25);
  // above 100, it is no error rate (it said "is not an accuracy", of an error: tester Y)
  await assert.rejects(
    study.tell(archs[3], 100.5),
    /top1_err 100\.5 is not an error rate; expected a fraction in \[0, 1\] or a percent in \[0, 100\] \(if top1_err is no error rate, make the study with --scale none\)$/,
  );
  // maximized, a value of 1 % or less far below the range is a network at chance level: kept
  const accuracy = await tinyStudy("top1");
  for (const [k, value] of [75, 70, 72].entries()) await accuracy.tell(archs[k], value);
  assert.deepEqual(await accuracy.tell(archs[3], 0.12), { written: 1, skipped: 0 });
});

test("a percent value far from a study of spread fractions is refused (it became the study's best)", async () => {
  const archs = tinySpace().sample(new Rng(4), 6);
  // a results file of fractions with one run logged in percent, a poor one: 45 read as 0.45 is not
  // among 0.81-0.89, so the 'among the values' rule let it in, and study show said "best val_acc 45"
  const study = await tinyStudy("val_acc");
  await study.tellMany([
    { arch: archs[0], outcome: { value: 0.81 } },
    { arch: archs[1], outcome: { value: 0.89 } },
  ]);
  await assert.rejects(
    study.tellMany([
      { arch: archs[2], outcome: { value: 0.86 } },
      { arch: archs[3], outcome: { value: 45 }, source: "runs.csv line 3" },
    ]),
    /runs\.csv line 3: val_acc 45 looks like a percent, but this study's values are fractions \(0\.81–0\.89\); tell 0\.45/,
  );
  assert.equal((await study.store.counts()).done, 2, "nothing of the refused call is written");
  assert.equal((await study.best())?.value, 0.89);
  // a study of one fraction, or of fractions within a point of each other, refuses a percent too: 45
  // told after 0.9 alone became the study's best, and then every right fraction was refused
  const one = await tinyStudy("val_acc");
  await one.tell(archs[0], 0.9);
  await assert.rejects(
    one.tell(archs[1], 45),
    /val_acc 45 looks like a percent, .*\(0\.9–0\.9\); tell 0\.45/,
  );
  await one.tell(archs[1], 0.45);
  assert.equal((await one.best())?.value, 0.9);
  // chance-level percents (NAS-Bench-201's ImageNet16-120 train accuracy) take the percents of trained
  // networks in the same call, and in later ones with --scale percent
  const chance = await tinyStudy("train_acc");
  await chance.tellMany(
    [0.84465, 0.856955, 45.1].map((value, k) => ({ arch: archs[k], outcome: { value } })),
  );
  assert.equal((await chance.best())?.value, 45.1);
  const declared = await tinyStudy("train_acc", "maximize", "percent");
  await declared.tell(archs[0], 0.84465);
  assert.deepEqual(await declared.tell(archs[1], 45.1), { written: 1, skipped: 0 });
});

test("a study declared in percent keeps a fraction-looking value but warns of it (0.931 among 60–94 % was kept in silence)", async () => {
  const archs = tinySpace().sample(new Rng(11), 6);
  const study = await tinyStudy("val_acc", "maximize", "percent");
  assert.deepEqual(
    await study.tellMany([60, 94, 80].map((value, k) => ({ arch: archs[k], outcome: { value } }))),
    { written: 3, skipped: 0 },
    "percents alone: no warning",
  );
  const told = await study.tellMany([{ arch: archs[3], outcome: { value: 0.931 }, source: "--value" }]);
  assert.equal(told.written, 1, "kept: the scale was declared");
  assert.deepEqual(told.warnings, [
    "--value: val_acc 0.931 is kept as 0.931 % (this study's scale is percent), far below this study's values (60–94 %); if it is 93.1 %, tell 93.1 for that architecture with --replace (or { replace: true })",
  ]);
  // a chance-level value that read as a fraction is far from the percents too (0.3: 30 %, more than 5
  // points below 60–94 %) is kept without a word (in a study of its own: beside 0.931 the two spread
  // wider than chance-level accuracies do, and it is refused)
  const chance = await tinyStudy("val_acc", "maximize", "percent");
  await chance.tellMany([60, 94].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  assert.equal((await chance.tellMany([{ arch: archs[4], outcome: { value: 0.3 } }])).warnings, undefined);
  await assert.rejects(
    study.tellMany([{ arch: archs[4], outcome: { value: 0.3 } }]),
    // (the refusal names the slip kept before, not the chance-level value told now: tester B)
    /val_acc 0\.3 would spread this study's values of 1 or less 0\.3–0\.931, beside its percents \(60–94\), wider than chance-level accuracies: its 0\.931, kept as 0\.931 %, reads as a fraction among them; if it is 93\.1 %, tell 93\.1 for it with --replace \(study show --json lists every trial\), then tell 0\.3 again/,
  );
  // the other order: 0.931 told first, then its percents: the percent that puts it among them says so,
  // once (tester A: it was kept as 0.931 % without a word)
  const first = await tinyStudy("val_acc", "maximize", "percent");
  assert.equal((await first.tellMany([{ arch: archs[0], outcome: { value: 0.931 } }])).warnings, undefined);
  assert.equal((await first.tellMany([{ arch: archs[1], outcome: { value: 60 } }])).warnings, undefined);
  assert.deepEqual(
    (await first.tellMany([{ arch: archs[2], outcome: { value: 94 }, source: "r.csv line 4" }])).warnings,
    [
      `trial 1, ${JSON.stringify(tinySpace().jsonOf(archs[0]))}: val_acc 0.931, told before and kept as 0.931 % (this study's scale is percent), is far below its values now (60–94 %); if it was 93.1 %, tell 93.1 for it with --replace (or { replace: true })`,
    ],
  );
  assert.equal((await first.tellMany([{ arch: archs[3], outcome: { value: 80 } }])).warnings, undefined);
  // every such value, not only the largest (tester B: 0.92 and 0.931, then 60–94 %, named 0.931 alone)
  const two = await tinyStudy("val_acc", "maximize", "percent");
  await two.tellMany([0.92, 0.931].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  const named = (await two.tellMany([60, 94].map((value, k) => ({ arch: archs[k + 2], outcome: { value } }))))
    .warnings;
  assert.deepEqual(
    named?.map((w) => w.split(":")[0]),
    ['trial 1, {"layer1"', 'trial 2, {"layer1"'],
  );
  // a row repeating an earlier one of the file keeps that row's warning (tester B: it was deleted)
  const repeated = await tinyStudy("val_acc", "maximize", "percent");
  const rows = [60, 94, 0.92, 0.92].map((value, k) => ({
    arch: archs[k === 3 ? 2 : k],
    outcome: { value },
    source: `r.csv line ${k + 2}`,
  }));
  assert.deepEqual(
    (await repeated.tellMany(rows)).warnings?.map((w) => w.split(":")[0]),
    ["r.csv line 4"],
  );
  // a slip told first, then a real chance-level 1 %: nothing says which is the slip, so both fixes are
  // said (it was refused with "tell 100", which recorded the chance-level network as the best: tester C)
  const slipFirst = await tinyStudy("val_acc", "maximize", "percent");
  await slipFirst.tell(archs[0], 0.931);
  await assert.rejects(
    slipFirst.tellMany([{ arch: archs[1], outcome: { value: 1 }, source: "--value" }]),
    /^UserError: --value: val_acc 1 and its 0\.931, kept as 0\.931 %, spread this study's values of 1 or less 0\.931–1, wider than chance-level accuracies \(this study's scale is percent\): one of them is a fraction; if it is this one, tell 100; if it is 0\.931, tell 93\.1 for it with --replace \(study show --json lists every trial\), then tell 1 again/,
  );
  // an import's fractions beside its own percents are named against the values told with them
  const fresh = await tinyStudy("val_acc", "maximize", "percent");
  const imported = await fresh.tellMany(
    [0.91, 93.1].map((value, k) => ({ arch: archs[k], outcome: { value }, source: `r.csv line ${k + 2}` })),
  );
  assert.deepEqual(imported.warnings, [
    "r.csv line 2: val_acc 0.91 is kept as 0.91 % (this study's scale is percent), far below the values told with it (93.1 %); if it is 91 %, tell 91 for that architecture with --replace (or { replace: true })",
  ]);
  // minimized (an error rate), none: its values of 1 or less are near-perfect networks, as many as a
  // train error has (NAS-Bench-201 CIFAR-10 train error: 9,681 warnings, each advising a corruption: tester B)
  const errors = await tinyStudy("val_error", "minimize", "percent");
  await errors.tellMany([25, 30].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  assert.equal((await errors.tellMany([{ arch: archs[2], outcome: { value: 0.36 } }])).warnings, undefined);
  assert.equal((await errors.tellMany([{ arch: archs[3], outcome: { value: 31 } }])).warnings, undefined);
  // nor 1 itself: a perfect score as a fraction, chance level on 100 classes (CIFAR-100's cells at 1 %)
  const hundred = await tinyStudy("train_acc", "maximize", "percent");
  await hundred.tellMany([12, 99.9].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  assert.equal((await hundred.tellMany([{ arch: archs[2], outcome: { value: 1 } }])).warnings, undefined);
  assert.equal(
    (await hundred.tellMany([{ arch: archs[3], outcome: { value: 0.9999999987 } }])).warnings,
    undefined,
  );
  // 0.9 beside errors of 1.5–2.3 % is nearer them read as a percent: a near-perfect network, no warning
  const small = await tinyStudy("val_error", "minimize", "percent");
  await small.tellMany([1.5, 2.3].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  assert.equal((await small.tellMany([{ arch: archs[2], outcome: { value: 0.9 } }])).warnings, undefined);
});

test("a fraction among a file's percents is refused wherever it stands, as when told alone", async () => {
  const archs = tinySpace().sample(new Rng(6), 5);
  const study = await tinyStudy("top1");
  await assert.rejects(
    study.tellMany(
      [50, 61, 0.71, 82].map((value, k) => ({
        arch: archs[k],
        outcome: { value },
        source: `runs.csv line ${k + 2}`,
      })),
    ),
    // the study is empty: the percents are the file's
    /runs\.csv line 4: top1 0\.71 looks like a fraction, but the values told with it are percents \(50–82\); tell 71/,
  );
  assert.equal((await study.store.counts()).done, 0, "nothing of the refused file is written");
});

test("tell takes a number or exactly { failed: true }: { failed: false } is no failure", async () => {
  const study = await tinyStudy("val_acc");
  const [arch] = tinySpace().sample(new Rng(7), 1);
  for (const outcome of [{ failed: false }, { failed: "no" }, { failed: false, value: 0.91 }, "0.9"])
    await assert.rejects(
      study.tellMany([{ arch, outcome: outcome as never }]),
      (e: Error) =>
        e instanceof UserError &&
        /expected an outcome \{ value: <number> \} or \{ failed: true \}/.test(e.message),
      JSON.stringify(outcome),
    );
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 0, failed: 0 });
  await study.tell(arch, { failed: true });
  assert.equal((await study.store.counts()).failed, 1);
  // tellMany's outcome form is tell's too (documented, and typed: it was accepted unsaid)
  assert.equal((await study.tell(arch, { value: 0.91 })).written, 1);
  assert.equal((await study.best())?.value, 0.91);
});

test("ask refuses more architectures at once than one ask's candidates can give, before any work", async () => {
  // ask -n 99999999999 on macro8 (1,953,125 members) reserved 199,997 pending architectures, said
  // "only 199997 architectures of macro8 were never suggested before", and left every later ask slow;
  // on a larger space it ran out of memory drawing n × 3 fresh members
  const study = await tinyStudy("val_acc", "maximize", "auto", { candidates: 60, spare: 3 });
  assert.equal(study.maxAsk, 20);
  await assert.rejects(
    study.ask(21),
    (e: Error) =>
      e instanceof UserError &&
      /ask hands out at most 20 architectures at once \(its 60 candidates, 3 per architecture asked\), got 21; ask again for more/.test(
        e.message,
      ),
  );
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 0, failed: 0 }, "nothing reserved");
  assert.equal((await study.ask(20)).length, 20);
  assert.equal((await tinyStudy()).maxAsk, 6666, "the defaults: 20,000 candidates, 3 per architecture");
});

test("a minimized target of any scale: best is the lowest, no accuracy rule", async () => {
  const study = await tinyStudy("latency_ms", "minimize");
  const archs = tinySpace().sample(new Rng(2), 3);
  await study.tellMany(archs.map((arch, k) => ({ arch, outcome: { value: [150, 12.5, 40][k] } })));
  const best = await study.best();
  assert.equal(best?.value, 12.5);
  assert.deepEqual(best?.arch, archs[1]);
  const summary = await study.summary();
  assert.deepEqual(Object.keys(summary), ["done", "pending", "failed", "best", "trials"]);
  assert.deepEqual(summary.best, { arch: tinySpace().jsonOf(archs[1]), value: 12.5 });
  assert.deepEqual(summary.trials[0], { arch: tinySpace().jsonOf(archs[0]), state: "done", value: 150 });
  await assert.rejects(
    study.ask(0),
    (e: Error) => e instanceof UserError && /positive integer count, got 0/.test(e.message),
  );
});

test("parseArch names where a bad architecture came from, the space and its kind, on one line", async () => {
  const study = await tinyStudy();
  const json = { layer1: "mb3", layer2: "mb6", layer3: "identity", layer4: "mb3", width: 32 };
  assert.deepEqual(study.parseArch(JSON.stringify(json), "--arch"), [1, 2, 0, 1, 1]);
  assert.deepEqual(study.parseArch(json, "--arch"), [1, 2, 0, 1, 1]);
  for (const [given, why] of [
    ["|nor_conv_3x3~0|", /text is not JSON/],
    [JSON.stringify({ ...json, width: 48 }), /48 is not an option of decision "width"/],
    ["", /text is not JSON/],
  ] as const)
    assert.throws(
      () => study.parseArch(given, "--arch"),
      (e: Error) => {
        assert.ok(e instanceof UserError);
        assert.ok(
          e.message.startsWith(
            `--arch ${given === "" ? '""' : given}: not an architecture of tiny (choices): `,
          ),
          e.message,
        );
        assert.match(e.message, why);
        assert.doesNotMatch(e.message, /\n/);
        return true;
      },
    );
});

test("tell says what is wrong when a program passes the JSON form, or a value that is not a number", async () => {
  const study = await tinyStudy();
  const [asked] = await study.ask(1);
  await assert.rejects(
    study.tell(asked.json as never, 0.9),
    /^UserError: the architecture \{"layer1":.*\} is the JSON form of an architecture of tiny; tell takes the architecture itself \(`arch` of ask/,
  );
  await assert.rejects(study.tell([9, 9, 9, 9, 9], 0.9), (e: Error) =>
    /^the architecture is not an architecture of tiny: \[9,9,9,9,9\] \(entry 0, 9, is no option index of decision "layer1"; expected an integer in 0\.\.2\)$/.test(
      e.message,
    ),
  );
  // a JSON form with a misspelt option: what is wrong with it is said
  await assert.rejects(
    study.tell({ ...(asked.json as object), layer1: "mb9" } as never, 0.9),
    /is not an architecture of tiny: .*; read as the JSON form of one \(study\.parseArch turns that into the architecture\): .*"mb9" is not an option of decision "layer1"/,
  );
  await assert.rejects(
    study.tell(asked.arch, "0.9" as never),
    /: got "0\.9"; expected a number \(the value\) or \{ failed: true \}$/,
  );
  assert.deepEqual(await study.tell(asked.arch, 0.9), { written: 1, skipped: 0 });
});

test("one call telling an architecture twice with different results names both items, and writes nothing", async () => {
  const study = await tinyStudy();
  const [a, b] = tinySpace().sample(new Rng(5), 2);
  await assert.rejects(
    study.tellMany([
      { arch: a, outcome: { value: 0.9 }, source: "r.csv line 2" },
      { arch: b, outcome: { value: 0.8 }, source: "r.csv line 3" },
      { arch: a, outcome: { failed: true }, source: "r.csv line 4" },
    ]),
    (e: Error) =>
      e.message ===
      "r.csv line 4 tells failed for the architecture told 0.9 on r.csv line 2; a value replaces a failure " +
        "(a retry that worked), never the other way round, in one file as in separate tells: remove the row that is wrong",
  );
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 0, failed: 0 });
  assert.deepEqual(
    await study.tellMany([
      { arch: a, outcome: { value: 0.9 }, source: "s.csv line 2" },
      { arch: a, outcome: { value: 0.9 }, source: "s.csv line 3" },
    ]),
    { written: 1, skipped: 1, repeated: 1, repeats: [{ source: "s.csv line 3", of: "s.csv line 2" }] },
    "the same result twice is told once (the skipped one counted as repeated in the call)",
  );
});

test("one call telling failed, then a value, for one architecture keeps the value (a retry), as two calls do", async () => {
  const study = await tinyStudy();
  const [a, b] = tinySpace().sample(new Rng(6), 2);
  await study.tellMany([
    { arch: a, outcome: { failed: true }, source: "log.csv line 2" },
    { arch: b, outcome: { value: 0.7 }, source: "log.csv line 3" },
    { arch: a, outcome: { value: 0.8 }, source: "log.csv line 4" },
  ]);
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 2, failed: 0 });
  const told = (await study.trials()).find((t) => t.key === tinySpace().key(a));
  assert.equal(told?.value, 0.8);
  // a failure after the value is still refused, naming both rows, as it is told in a later call
  await assert.rejects(
    study.tellMany([
      { arch: b, outcome: { failed: true }, source: "more.csv line 2" },
      { arch: b, outcome: { value: 0.7 }, source: "more.csv line 3" },
      { arch: b, outcome: { failed: true }, source: "more.csv line 4" },
    ]),
    /more\.csv line 4 tells failed for the architecture told 0\.7 on more\.csv line 3; a value replaces a failure/,
  );
  await assert.rejects(study.tell(b, { failed: true }), /was told 0\.7 .*; it cannot be told failed now/);
});

test("one call telling failed, then a value, counts one result written and says the value replaced the failure", async () => {
  const study = await tinyStudy();
  const [a] = tinySpace().sample(new Rng(9), 1);
  assert.deepEqual(
    await study.tellMany([
      { arch: a, outcome: { failed: true }, source: "r.csv line 2" },
      { arch: a, outcome: { value: 0.57 }, source: "r.csv line 3" },
    ]),
    // the failed row is reported, not dropped unsaid
    { written: 1, skipped: 0, retried: [{ source: "r.csv line 3", failed: "r.csv line 2" }] },
  );
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 1, failed: 0 });
});

test("a value told over a failure from an earlier call is reported as a retry, naming the failed trial", async () => {
  const study = await tinyStudy();
  const [a, b] = tinySpace().sample(new Rng(4), 2);
  await study.tell(a, { failed: true });
  await study.tell(b, 0.5);
  const told = await study.tellMany([
    { arch: a, outcome: { value: 0.62 }, source: "r.csv line 2" },
    { arch: b, outcome: { value: 0.5 }, source: "r.csv line 3" },
  ]);
  assert.equal(told.written, 1);
  assert.equal(told.retried?.length, 1);
  assert.match(
    `${told.retried?.[0].source} | ${told.retried?.[0].failed}`,
    /^r\.csv line 2 \| trial 1, told failed \d{4}-\d\d-\d\dT/,
  );
  // told again: nothing replaced, nothing reported
  assert.equal(
    (await study.tellMany([{ arch: a, outcome: { value: 0.62 }, source: "r.csv line 2" }])).retried,
    undefined,
  );
  // within one call over an earlier failure: said once, naming the call's own failed row
  const [c] = tinySpace().sample(new Rng(5), 1);
  await study.tell(c, { failed: true });
  const again = await study.tellMany([
    { arch: c, outcome: { failed: true }, source: "s.csv line 2" },
    { arch: c, outcome: { value: 0.4 }, source: "s.csv line 3" },
  ]);
  assert.deepEqual(again.retried, [{ source: "s.csv line 3", failed: "s.csv line 2" }]);
});

test("Study.open given the store's Promise (memory() not awaited) says to await it", async () => {
  const pending = SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target: "val_acc" }));
  await assert.rejects(
    Study.open(pending as never, tinySpace()),
    /^UserError: Study\.open got a Promise, not a study store: await openStore, createStore or SqliteStudyStore\.memory first$/,
  );
  await (await pending).close();
});

test("the same failed-then-value rows told again report no retry: nothing was replaced the second time", async () => {
  const study = await tinyStudy();
  const [a] = tinySpace().sample(new Rng(9), 1);
  const rows = [
    { arch: a, outcome: { failed: true as const }, source: "r.csv line 2" },
    { arch: a, outcome: { value: 0.57 }, source: "r.csv line 3" },
  ];
  assert.equal((await study.tellMany(rows)).retried?.length, 1);
  // a file told again after an interruption: "told 0 … replaces the failure" claimed a retry that did not happen
  assert.deepEqual(await study.tellMany(rows), { written: 0, skipped: 1 });
  assert.deepEqual(await study.store.counts(), { pending: 0, done: 1, failed: 0 });
});

test("a file of fractions and one percent told to a study of fractions names the percent, not the fractions", async () => {
  const study = await tinyStudy();
  const archs = tinySpace().sample(new Rng(10), 5);
  await study.tellMany([0.84, 0.88, 0.91].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  // the batch alone reads as percent (45 and 0.85 at chance level): it blamed 0.85 against "percents 45–45"
  const file = (percent: number) =>
    study.tellMany([
      { arch: archs[3], outcome: { value: 0.85 }, source: "more.csv line 2" },
      { arch: archs[4], outcome: { value: percent }, source: "more.csv line 3" },
    ]);
  await assert.rejects(
    file(45),
    /^UserError: more\.csv line 3: val_acc 45 looks like a percent, but this study's values are fractions \(0\.84–0\.91\)/,
  );
  // read as a fraction, 86.1 falls among the batch's own: the study's fractions settle it, as told alone
  await assert.rejects(
    file(86.1),
    /^UserError: more\.csv line 3: val_acc 86\.1 looks like a percent, but this study's values are fractions \(0\.84–0\.91\); tell 0\.861/,
  );
  assert.equal((await study.store.counts()).done, 3, "nothing of the refused files written");
});

test("a file's fractions told to a percent study are the rows named (the file alone reads as fractions)", async () => {
  const study = await tinyStudy("top1");
  const archs = tinySpace().sample(new Rng(11), 6);
  await study.tellMany([50, 79.5, 66].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  await assert.rejects(
    study.tellMany(
      [0.3, 0.42, 71.5].map((value, k) => ({
        arch: archs[3 + k],
        outcome: { value },
        source: `add.csv line ${k + 2}`,
      })),
    ),
    /^UserError: add\.csv line \d: top1 0\.(3|42) looks like a fraction/,
  );
});

test("a minimized error rate in percent: 0 (a perfect train error) is 0 on either scale, and errors of 1 % or less may spread", async () => {
  const study = await tinyStudy("train_error", "minimize", "percent");
  const archs = tinySpace().sample(new Rng(12), 5);
  // sorted best first, as a results file may be
  await study.tellMany(
    [0, 0.05, 0.6, 0.98, 12.5].map((value, k) => ({ arch: archs[k], outcome: { value } })),
  );
  assert.equal((await study.store.counts()).done, 5);
  const auto = await tinyStudy("train_error", "minimize");
  await auto.tellMany([40, 25].map((value, k) => ({ arch: archs[k], outcome: { value } })));
  await auto.tell(archs[2], 0);
  await assert.rejects(
    auto.tell(archs[3], 0.3),
    /if it is right, an error of 1 % or less, the study needs --scale percent/,
  );
});

test("a closed study says so; unknown or ill-typed ask options are refused, not dropped", async () => {
  // close() waits for the calls under way (it closed the database under them: a TypeError)
  const busy = await tinyStudy();
  const asked = busy.ask(3);
  const told = busy.tell([0, 0, 0, 0, 0], 0.5);
  await busy.close();
  assert.equal((await asked).length, 3);
  assert.equal((await told).written, 1);
  const study = await tinyStudy();
  await study.close();
  await study.close();
  for (const call of [
    () => study.ask(1),
    () => study.best(),
    () => study.trials(),
    () => study.tell([0, 0, 0, 0, 0], 0.5),
  ])
    await assert.rejects(
      call(),
      (e: Error) => e instanceof UserError && /the study :memory: is closed/.test(e.message),
    );
  const refused = async (ask: Record<string, unknown>, pattern: RegExp) =>
    assert.rejects(
      tinyStudy("val_acc", "maximize", "auto", ask as Partial<AskOptions>),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
  await refused(
    { explorationn: 0.2 },
    /ask options: unknown option "explorationn"; expected method, initial, exploration/,
  );
  await refused({ spread: "no" }, /spread must be true or false, got "no"/);
  await refused({ method: "foo" }, /unknown method "foo"/);
  await refused({ neighbourhood: { wieght: 1 } }, /neighbourhood: unknown option "wieght"/);
  await refused({ exploration: "0.2" }, /exploration must be a number in \[0, 1\], got "0\.2"/);
  await refused({ neighbourhood: { draws: 2.5 } }, /neighbourhood: draws must be an integer ≥ 1, got 2\.5/);
  // accepted here, 0 was refused by the rule (a RangeError) at the first ask with 10 told
  await refused({ neighbourhood: { draws: 0 } }, /neighbourhood: draws must be an integer ≥ 1, got 0$/);
  await refused(
    { neighbourhood: { candidates: 0 } },
    /neighbourhood: candidates must be an integer ≥ 1, got 0$/,
  );
  // NaN was shown as null
  await refused(
    { neighbourhood: { weight: Number.NaN } },
    /neighbourhood: weight must be a number ≥ 0, got NaN$/,
  );
  assert.ok(
    await tinyStudy("val_acc", "maximize", "auto", { neighbourhood: { weight: 0, draws: 1, candidates: 1 } }),
  );
  // fewer candidates than spare made every later ask hand out "at most 0"
  await refused({ candidates: 2 }, /candidates \(2\) must be at least spare \(3\)/);
  for (const initial of [0, 1])
    await refused({ initial }, /initial must be an integer ≥ 2 \(a predictor needs two values\)/);
  // a key given as undefined is a key not given
  assert.ok(await tinyStudy("val_acc", "maximize", "auto", { method: undefined, exploration: undefined }));
  const open = await tinyStudy();
  await assert.rejects(
    open.ask(1, { pendingTimeout: 1 } as never),
    /ask: unknown option "pendingTimeout"; expected pendingTimeoutMs/,
  );
  await assert.rejects(
    open.ask(1, null as never),
    /ask: the options must be an object of pendingTimeoutMs, got null/,
  );
  await open.close();
  await assert.rejects(open.summary(), /is closed/);
  assert.throws(
    () => Study.settings({ spec: TINY_SPEC, target: "top1", minimize: true } as never),
    /study settings: unknown option "minimize"/,
  );
  assert.throws(
    () => Study.settings({ spec: TINY_SPEC, target: 5 } as never),
    /target must be a name \(text\), got 5/,
  );
  assert.throws(
    () => Study.settings({ spec: TINY_SPEC, target: "val\nacc" }),
    /target must be a column name on one line, without control characters \(line ends, tabs\), got "val\\nacc"/,
  );
});

test("Study.settings refuses a missing or wrong spec, which made a store fail in SQLite's words or a study file that reads as damaged", () => {
  // createStore(path, Study.settings({ target })) threw SqliteError "NOT NULL constraint failed: settings.value"
  for (const given of [{ target: "val_acc" }, { spec: undefined, target: "val_acc" }])
    assert.throws(
      () => Study.settings(given as never),
      (e: unknown) => e instanceof UserError && /a study needs its space's spec/.test(e.message),
    );
  // a spec parseSpec refuses was written into the study, which openStudyFile then called damaged
  assert.throws(
    () => Study.settings({ spec: { name: "m", kind: "choices", decisions: 3 }, target: "val_acc" }),
    (e: unknown) =>
      e instanceof UserError &&
      /^the study's spec: field "decisions" is 3; expected a non-empty list/.test(e.message),
  );
  assert.throws(
    () => Study.settings({ spec: "macro8.json", target: "val_acc" }),
    /the study's spec: the spec is "macro8.json"/,
  );
  assert.equal(Study.settings({ spec: TINY_SPEC, target: "val_acc" }).space, TINY_SPEC);
});

test("tell of many into a study of nothing yet: a percent row first among spread fractions is refused, as after them", async () => {
  // tell --file into an empty study: 45 first made the study percent and the fractions after it cells at chance level
  const study = await tinyStudy("val_acc");
  const archs = tinySpace().sample(new Rng(6), 4);
  await assert.rejects(
    study.tellMany(
      [45, 0.81, 0.93, 0.86].map((value, k) => ({
        arch: archs[k],
        outcome: { value },
        source: `r.csv line ${k + 2}`,
      })),
    ),
    /^UserError: r\.csv: val_acc mixes percentages and fractions: 1 value above 1 \(line 2: 45\) and 3 of 1 or less \(line 3: 0\.81, line 4: 0\.93, line 5: 0\.86\); write every value on one scale: as fractions \(45 → 0\.45\)/,
  );
  assert.equal((await study.store.counts()).done, 0);
});

test("a stored trial that is no architecture of the space (a hand-edited file) is named with the study and trial", async () => {
  // it said only 'invalid cell: "mb9" is not an option of decision "layer1"', naming no file
  const study = await tinyStudy();
  const [a] = tinySpace().sample(new Rng(7), 1);
  await study.tell(a, 0.9);
  const edited = { ...(tinySpace().jsonOf(a) as Record<string, unknown>), layer1: "mb9" };
  const db = (study.store as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): void } } })
    .db;
  db.prepare("UPDATE trials SET arch = ? WHERE number = 1").run(JSON.stringify(edited));
  const named = (e: Error) =>
    e instanceof BadFileError &&
    /^:memory:: trial 1 holds \{"layer1":"mb9",.*\}, not an architecture of tiny \(invalid cell: "mb9" is not an option of decision "layer1".*\); the study file was edited or is damaged$/.test(
      e.message,
    );
  await assert.rejects(study.best(), named);
  await assert.rejects(study.ask(2), named);
});

test("a study of a space named módulo opens with the spec saved in either Unicode form, not with another name", async () => {
  const nfc = { ...TINY_SPEC, name: "m\u00f3dulo" };
  const nfd = { ...TINY_SPEC, name: "mo\u0301dulo" };
  const store = await SqliteStudyStore.memory(Study.settings({ spec: nfc, target: "val_acc" }));
  const study = await Study.open(store, new ChoicesSpace(parseSpec(nfd) as never));
  assert.equal(study.space.name, nfd.name);
  await assert.rejects(
    Study.open(store, new ChoicesSpace(parseSpec({ ...TINY_SPEC, name: "modulo" }) as never)),
    (e: Error) =>
      e instanceof UserError && /is a study of the space "m\u00f3dulo", not "modulo"/.test(e.message),
  );
});

test("a study refuses a space of the same name whose spec differs (reordered or added options would misread its trials)", async () => {
  // Study.open compared names only: with the ops of a vertex-cell swapped, a tell overwrote the value
  // of another architecture (keys label ops by their index)
  const store = await SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target: "val_acc" }));
  const refused = (field: string) => (e: Error) =>
    e instanceof UserError &&
    e.message.startsWith(`:memory: is a study of another spec of the space "tiny": its ${field} is `);
  const swapped = structuredClone(TINY_SPEC);
  swapped.decisions[0].options = ["mb3", "identity", "mb6"];
  await assert.rejects(
    Study.open(store, new ChoicesSpace(parseSpec(swapped) as never)),
    refused("decisions[0].options[0]"),
  );
  const added = structuredClone(TINY_SPEC);
  added.decisions.push({ name: "layer5", options: ["identity", "mb3"] });
  await assert.rejects(
    Study.open(store, new ChoicesSpace(parseSpec(added) as never)),
    refused("decisions[5]"),
  );
  // the same spec with its keys in another order (PostgreSQL's jsonb reorders them) opens
  const { decisions, kind, name } = TINY_SPEC;
  await Study.open(store, new ChoicesSpace(parseSpec({ decisions, kind, name }) as never));
});

test("the library's study calls refuse what is not their arguments in one line (they threw TypeErrors)", async () => {
  const userError = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  await assert.rejects(
    openStudyFile(undefined as never),
    userError(/^openStudyFile needs the study's file or postgresql:\/\/ URL, got undefined/),
  );
  // named as predictStudyFile's own, not openStudyFile's (tester Z)
  await assert.rejects(
    predictStudyFile(undefined as never, undefined as never),
    userError(/^predictStudyFile\(study, file\) needs the study's file .* got undefined and undefined$/),
  );
  await assert.rejects(
    SqliteStudyStore.memory(undefined as never),
    userError(/^SqliteStudyStore\.memory needs the study's settings/),
  );
  const store = await SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target: "val_acc" }));
  await assert.rejects(
    Study.open(store, null as never),
    userError(/^Study\.open needs the study's space .*got null/),
  );
  await assert.rejects(Study.open(null as never, tinySpace()), userError(/^Study\.open needs a study store/));
  const study = await Study.open(store, tinySpace());
  await assert.rejects(
    study.tellMany({ arch: [0], outcome: { value: 1 } } as never),
    userError(/^tellMany takes an array of \{ arch, outcome \} items, got an object/),
  );
  await assert.rejects(
    study.tellMany([null] as never),
    userError(/^tellMany's item 0 must be \{ arch, outcome \}/),
  );
  // a bigint value threw JSON.stringify's TypeError; "3" was shown as 3, as if the number were refused
  const [asked] = await study.ask(1);
  await assert.rejects(study.tell(asked.arch, 1n as never), userError(/: got 1n; expected a number/));
  await assert.rejects(study.ask("3" as never), userError(/^ask needs a positive integer count, got "3"$/));
  // seeds 0, 2^32 and 2^40 gave the same study (the generator keeps 32 bits); the CLI's bound applies
  for (const seed of [2 ** 32, -1, 2 ** 31])
    assert.throws(
      () => Study.settings({ spec: TINY_SPEC, target: "val_acc", seed }),
      userError(/^the study's seed must be an integer in 0\.\.2147483647 \(2\^31 - 1\), got -?\d+$/),
    );
  await study.close();
});

test("a batch's scale messages name where the percents are and how the scale is set for a study", async () => {
  const archs = tinySpace().sample(new Rng(11), 4);
  // an import into an empty study: the percents are the batch's own, not "this study's"
  const empty = await tinyStudy("val_err", "minimize");
  await assert.rejects(
    empty.tellMany([25, 30, 0.36].map((value, k) => ({ arch: archs[k], outcome: { value } }))),
    /val_err 0\.36 looks like a fraction, but the values told with it are percents \(25–30\)/,
  );
  // a percent among a batch's fractions: tell has no --scale, the study is made with one (said when the
  // fractions may be percents at chance level; 0.7–0.94 cannot be)
  const study = await tinyStudy();
  const told = (values: number[]) =>
    study.tellMany(values.map((value, k) => ({ arch: archs[k], outcome: { value } })));
  await assert.rejects(
    told([0.7, 0.94, 93.1, 0.8]),
    (e: Error) =>
      /val_acc mixes percentages and fractions: .*write every value on one scale: as fractions \(93\.1 → 0\.931\) or as percentages \(0\.7 → 70\)$/.test(
        e.message,
      ) && !/--scale/.test(e.message),
  );
  await assert.rejects(
    told([0.9, 0.93, 93.1, 0.91]),
    /val_acc mixes percentages and fractions: .*\(if those of 1 or less are percents — accuracies at chance level — the study needs --scale percent when made\)$/,
  );
});

test("from JavaScript, release, parseArch and Study.open refuse what is not theirs in one line, not a TypeError", async () => {
  const study = await tinyStudy();
  const asked = await study.ask(2);
  const refused = async (given: unknown, pattern: RegExp) =>
    assert.rejects(
      study.release(given as never),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
      String(given),
    );
  // each was "Cannot read properties of null (reading 'map')" or "asked.map is not a function"
  await refused(null, /^release takes the list ask returned, got null$/);
  await refused(undefined, /^release takes the list ask returned, got undefined$/);
  await refused(asked[0], /^release takes the list ask returned, got \{"arch":/);
  await refused([null], /^release's item 0 must be one of ask's items \(with its key\), got null$/);
  // an item without its key (the architecture itself, its JSON form) released nothing, unsaid
  await refused(
    [asked[0], asked[1].json],
    /^release's item 1 must be one of ask's items \(with its key\), got \{"/,
  );
  await refused([asked[0].arch], /^release's item 0 must be one of ask's items/);
  assert.equal((await study.summary()).pending, 2, "a refused release removes none");
  assert.equal(await study.release(asked), 2);
  // parseArch(undefined) read .length of JSON.stringify(undefined)
  assert.throws(
    () => study.parseArch(undefined),
    (e: Error) =>
      e instanceof UserError &&
      /^the architecture undefined: not an architecture of tiny \(choices\): /.test(e.message),
  );
  // createSpace is async: its Promise given as the space was "got object"
  const store = await SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target: "val_acc" }));
  await assert.rejects(
    Study.open(store, createSpace(parseSpec(TINY_SPEC)) as never),
    (e: Error) =>
      e instanceof UserError &&
      e.message === "Study.open got a Promise, not a space: await createSpace(spec) first",
  );
  await store.close();
  await study.close();
});

test('tellMany names its own outcome forms when one is wrong: a bare number was refused as "got 0.5; expected a number"', async () => {
  const study = await tinyStudy();
  const [a] = await study.ask(1);
  await assert.rejects(
    study.tellMany([{ arch: a.arch, outcome: 0.5 as never }]),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        `${JSON.stringify(a.json)}: got 0.5; expected an outcome { value: <number> } or { failed: true } (tell takes the number alone)`,
  );
  // tell's own forms are a number or { failed: true }
  await assert.rejects(
    study.tell(a.arch, "0.5" as never),
    (e: Error) =>
      e instanceof UserError &&
      e.message === `${JSON.stringify(a.json)}: got "0.5"; expected a number (the value) or { failed: true }`,
  );
  assert.deepEqual(await study.tellMany([{ arch: a.arch, outcome: { value: 0.5 } }]), {
    written: 1,
    skipped: 0,
  });
  await study.close();
});

test("predict: the study's ask predictor on architectures one chose, on the study's scale, reserving nothing", async () => {
  await initBackend();
  const space = tinySpace();
  const archs = space.sample(new Rng(21), 162);
  const told = archs.slice(0, 60);
  const chosen = archs.slice(60);
  for (const direction of ["maximize", "minimize"] as const) {
    const study = await tinyStudy(direction === "maximize" ? "val_acc" : "val_err", direction);
    // the error rate of a minimized study is told as it is (1 − accuracy), and predicted as it is
    const truth = (a: ChoicesArch) => (direction === "maximize" ? tinyAccuracy(a) : 1 - tinyAccuracy(a));
    await study.tellMany(told.map((arch) => ({ arch, outcome: { value: truth(arch) } })));
    const before = await study.store.counts();
    const predicted = await study.predict(chosen);
    assert.equal(predicted.length, chosen.length);
    assert.deepEqual(await study.store.counts(), before, "nothing reserved or told");
    assert.deepEqual(await study.predict(chosen), predicted, "the same study gives the same numbers");
    // it ranks the untold ones as the made-up accuracy does, well above chance
    const tau = kendallTau(predicted, chosen.map(truth));
    assert.ok(tau > 0.5, `${direction}: Kendall tau ${tau}`);
    const values = told.map(truth);
    for (const p of predicted)
      assert.ok(p >= Math.min(...values) && p <= Math.max(...values), `${p} within the told range`);
    // an architecture of another space, and a study with fewer than 2 values, are refused in one line
    await assert.rejects(
      study.predict([[9, 9, 9, 9, 9] as never]),
      /predict's architecture 0 is not an architecture of tiny: \[9,9,9,9,9\] \(entry 0/,
    );
    // the JSON form (ask's `json`), as tell says for the same slip
    await assert.rejects(
      study.predict([study.space.jsonOf(chosen[0]) as never]),
      /^UserError: predict's architecture 0, \{"layer1":.*\}, is the JSON form of an architecture of tiny; predict takes the architecture itself \(`arch` of ask, or study\.parseArch\(json, source\)\)$/,
    );
    // one architecture, not wrapped in an array: its first option was read as architecture 0 (tester Y)
    await assert.rejects(
      study.predict(chosen[0] as never),
      /^UserError: predict takes an array of architectures, and was given one architecture: wrap it, predict\(\[arch\]\)$/,
    );
  }
  const early = await tinyStudy();
  await early.tell(told[0], 0.8);
  await assert.rejects(
    early.predict(chosen),
    /predictions need at least 2 told values to fit on, and the study has 1; tell more first/,
  );
});
