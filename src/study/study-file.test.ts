import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { BadFileError, UserError } from "../errors.js";
import { Rng } from "../random.js";
import { tinyDir } from "../testing/study-fixtures.js";
import { SqliteStudyStore } from "./sqlite-store.js";
import { openStore } from "./store-location.js";
import { createStudyFile, openStudyFile } from "./study-file.js";

test("study create keeps the scale it is given: a fraction study refuses a percent as its first value", async () => {
  const { dir, spec } = tinyDir();
  try {
    const path = join(dir, "fraction.db");
    const { study } = await createStudyFile({
      study: path,
      specFile: spec,
      target: "val_acc",
      scale: "fraction",
    });
    assert.equal(study.settings.scale, "fraction");
    const [arch] = study.space.sample(new Rng(0), 1);
    await assert.rejects(
      study.tell(arch, 93.1),
      /val_acc 93\.1 is not a fraction; expected a fraction in \[0, 1\]/,
    );
    await study.close();
    const again = await openStudyFile(path);
    assert.equal(again.settings.scale, "fraction", "the scale is stored in the file");
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Asserts that `createStudyFile` with `options(dir)` (in a fresh tiny-space folder, where `options` may
 * write files first) rejects as `expected` says and leaves no study file behind.
 */
async function refusedWithoutFile(
  name: string,
  options: (dir: string) => { target: string; scale?: "fraction" | "percent"; importFile?: string },
  expected: RegExp | ((e: Error) => boolean),
): Promise<void> {
  const { dir, spec } = tinyDir();
  try {
    const path = join(dir, name);
    await assert.rejects(createStudyFile({ study: path, specFile: spec, ...options(dir) }), expected);
    await assert.rejects(openStudyFile(path), /no such study/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("createStudyFile refuses bad ask options before making the study: no empty file left to block the retry", async () => {
  for (const [name, options, expected] of [
    ["spread.db", { spread: "yes" }, /ask options: spread must be true or false, got "yes"/],
    ["explore.db", { exploration: 5 }, /ask options: exploration must be a number in \[0, 1\], got 5/],
    ["gin.db", { method: "gin" }, /the method gin reads a cell's graph, but tiny is a space of choices/],
  ] as const) {
    const { dir, spec } = tinyDir();
    try {
      const path = join(dir, name);
      await assert.rejects(
        createStudyFile({ study: path, specFile: spec, target: "val_acc" }, options as never),
        expected,
      );
      await assert.rejects(openStudyFile(path), /no such study/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test("study create refuses an unknown scale, and leaves no file", async () => {
  await refusedWithoutFile(
    "loss.db",
    () => ({ target: "loss", scale: "permille" as never }),
    /the scale must be fraction, percent, none or auto, got "permille"/,
  );
});

test("study create refuses a target named like a decision: no results file could hold both", async () => {
  await refusedWithoutFile(
    "width.db",
    () => ({ target: "width" }),
    /the target "width" is also a column of tiny's architectures \(layer1, layer2, layer3, layer4, width\)/,
  );
});

test("study create refuses an option it does not know (minimize: true made a maximized study)", async () => {
  await refusedWithoutFile(
    "min.db",
    () => ({ target: "latency_ms", minimize: true }) as never,
    /createStudyFile: unknown option "minimize"; expected study, specFile, target, direction/,
  );
});

test("study create --import '' (an unset shell variable) is refused, not a study made with nothing imported", async () => {
  await refusedWithoutFile(
    "empty-import.db",
    () => ({ target: "val_acc", importFile: "" }),
    (e: Error) =>
      e instanceof UserError &&
      /^an empty file name; expected a results file, CSV or JSON Lines/.test(e.message),
  );
});

test("study create --import of fractions with a row in percent first is refused as when it comes later", async () => {
  await refusedWithoutFile(
    "first.db",
    (dir) => {
      // the percent row first made the study percent, and every fraction after it read as a cell at chance level
      const file = join(dir, "first-percent.csv");
      writeFileSync(
        file,
        "layer1,layer2,layer3,layer4,width,val_acc\nmb3,mb6,identity,mb3,32,45\n" +
          "identity,identity,mb6,mb6,16,0.81\nmb6,identity,mb6,mb6,16,0.88\nmb6,mb6,mb6,mb6,16,0.9\n",
      );
      return { target: "val_acc", importFile: file };
    },
    /first-percent\.csv: val_acc mixes percentages and fractions: 1 value above 1 \(line 2: 45\) and 3 of 1 or less \(line 3: 0\.81, line 4: 0\.88, line 5: 0\.9\); write every value on one scale: as fractions \(45 → 0\.45\) or as percentages \(0\.81 → 81\)$/,
  );
});

test("study create over a study that holds no trial (made without --import) says how to carry on", async () => {
  const { dir, spec } = tinyDir();
  const study = join(dir, "runs.db");
  const made = await createStudyFile({ study, specFile: spec, target: "val_acc" });
  await made.study.close();
  await assert.rejects(
    createStudyFile({ study, specFile: spec, target: "val_acc" }),
    (e: Error) =>
      e instanceof UserError &&
      /runs\.db already exists and holds no trial yet: tell --study it --file your results imports them/.test(
        e.message,
      ),
  );
  // made with other settings: the import could not simply be told into it
  await assert.rejects(
    createStudyFile({ study, specFile: spec, target: "val_acc", direction: "minimize", scale: "percent" }),
    /runs\.db already exists, holds no trial, and was made with maximize, scale auto: choose another --study/,
  );
  const reopened = await openStudyFile(study);
  await reopened.tell(reopened.space.sample(new Rng(0), 1)[0], 0.9);
  await reopened.close();
  await assert.rejects(
    createStudyFile({ study, specFile: spec, target: "val_acc" }),
    /runs\.db already exists; choose another --study file$/,
  );
  // a folder is said to be one, as ask, tell and show say it (it read "already exists")
  await assert.rejects(
    createStudyFile({ study: dir, specFile: spec, target: "val_acc" }),
    /: is a folder; expected the name of a new study file \(e\.g\. \S+runs\.db\)$/,
  );
  rmSync(dir, { recursive: true, force: true });
});

test("openStudyFile refuses an access other than read or write, which opened a study as a writer without a writer's checks", async () => {
  const { dir, spec } = tinyDir();
  const path = join(dir, "runs.db");
  const { study } = await createStudyFile({ study: path, specFile: spec, target: "val_acc" });
  await study.close();
  for (const access of ["rw", "readonly", true])
    await assert.rejects(
      openStudyFile(path, {}, access as never),
      (e: unknown) =>
        e instanceof UserError &&
        e.message === `a study is opened with access "read" or "write", got ${JSON.stringify(access)}`,
    );
  await assert.rejects(openStore(path, "rw" as never), /access "read" or "write", got "rw"/);
  await assert.rejects(SqliteStudyStore.open(path, "rw" as never), /access "read" or "write", got "rw"/);
  const reader = await openStudyFile(path, {}, "read");
  assert.equal((await reader.summary()).done, 0);
  await reader.close();
  // the access given second, where the ask options go, is named as such
  await assert.rejects(
    openStudyFile(path, "read" as never),
    /^UserError: openStudyFile takes the access third: openStudyFile\(path, \{\}, "read"\); the second argument is the ask options$/,
  );
});

test("a study opened for reading refuses ask and tell, and is left as it was (it handed out and recorded)", async () => {
  const { dir, spec } = tinyDir();
  const path = join(dir, "runs.db");
  const { study } = await createStudyFile({ study: path, specFile: spec, target: "val_acc" });
  const [told] = study.space.sample(new Rng(1), 1);
  await study.tell(told, 0.5);
  await study.close();
  const reader = await openStudyFile(path, {}, "read");
  const refusal = (what: string) =>
    new RegExp(
      `^UserError: ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: opened for reading \\(access "read"\\), so it cannot ${what}`,
    );
  await assert.rejects(reader.ask(2), refusal("hand out architectures \\(ask\\)"));
  await assert.rejects(reader.tell(told, 0.9), refusal("record results \\(tell\\)"));
  assert.equal((await reader.summary()).done, 1);
  await reader.close();
  const writer = await openStudyFile(path);
  assert.deepEqual(
    (await writer.trials()).map((t) => [t.state, t.value]),
    [["done", 0.5]],
  );
  await writer.close();
});

test("a study made before options and names were compared as read (2026-11-30) is said to be one, not damaged", async () => {
  // nas-assay of 2026-11-29 made studies of width 1 beside "1.0", and of "café" in two Unicode
  // writings; opened since, they were refused as 'damaged study', which they are not
  const { dir, spec } = tinyDir();
  const cases: [string, (stored: { decisions: { name: string; options: unknown[] }[] }) => void, RegExp][] = [
    [
      "notation.db",
      (stored) => {
        stored.decisions[4].options = [16, "16.0"];
      },
      /notation\.db: a study made by a nas-assay before 2026-11-30, whose space spec this one cannot read: its space spec: field "decisions\[4\]\.options\[1\]" is "16\.0"; expected an option that is not options\[0\] \(16\)/,
    ],
    [
      "unicode.db",
      (stored) => {
        stored.decisions[0].options = ["caf\u00e9", "cafe\u0301", "mb6"];
      },
      /unicode\.db: a study made by a nas-assay before 2026-11-30, whose space spec this one cannot read: .*written with other Unicode code points.*; use the nas-assay that made it \(study show --json lists its results\), or make a study of a corrected spec and tell them to it$/,
    ],
  ];
  for (const [name, edit, expected] of cases) {
    const path = join(dir, name);
    await (await createStudyFile({ study: path, specFile: spec, target: "val_acc" })).study.close();
    const db = new Database(path);
    const stored = JSON.parse(
      (db.prepare("SELECT value FROM settings WHERE name = 'space'").get() as { value: string }).value,
    );
    edit(stored);
    db.prepare("UPDATE settings SET value = ? WHERE name = 'space'").run(JSON.stringify(stored));
    db.close();
    const before = readFileSync(path);
    for (const access of ["read", "write"] as const)
      await assert.rejects(openStudyFile(path, {}, access), (e: Error) => {
        assert.ok(e instanceof BadFileError, e.message);
        assert.match(e.message, expected);
        return true;
      });
    assert.deepEqual(readFileSync(path), before, "left as it was");
  }
});

test("createStudyFile returns the warnings the command line prints: a loss maximized was made without a word from the library", async () => {
  const { dir, spec } = tinyDir();
  const made = await createStudyFile({ study: join(dir, "loss.db"), specFile: spec, target: "val_loss" });
  assert.deepEqual(made.warnings, [
    "val_loss reads as a loss, and it is maximized: if lower is better, give --minimize",
  ]);
  await made.study.close();
  const minimized = await createStudyFile({
    study: join(dir, "min.db"),
    specFile: spec,
    target: "val_loss",
    direction: "minimize",
  });
  assert.deepEqual(minimized.warnings, []);
  await minimized.study.close();
});

test("two tells at once into one percent study: the one whose percent puts an earlier slip among them warns of it", async () => {
  // each call worked out "before" from the trials read after both had committed: the other's percent
  // counted as before for both, and neither warned (tester C: 30 of 30 runs on SQLite)
  const { dir, spec } = tinyDir();
  try {
    for (let run = 0; run < 5; run++) {
      const path = join(dir, `race${run}.db`);
      const { study } = await createStudyFile({
        study: path,
        specFile: spec,
        target: "val_acc",
        scale: "percent",
      });
      const archs = study.space.sample(new Rng(run), 4);
      await study.tell(archs[0], 0.931);
      await study.tell(archs[1], 60);
      await study.close();
      const a = await openStudyFile(path);
      const b = await openStudyFile(path);
      const [ra, rb] = await Promise.all([
        a.tellMany([{ arch: archs[2], outcome: { value: 94 } }]),
        b.tellMany([{ arch: archs[3], outcome: { value: 95 } }]),
      ]);
      const said = [...(ra.warnings ?? []), ...(rb.warnings ?? [])];
      assert.ok(said.length >= 1, `run ${run}: no warning`);
      assert.ok(
        said.every((w) => /^trial 1, .*val_acc 0\.931, told before and kept as 0\.931 %/.test(w)),
        said.join("\n"),
      );
      await a.close();
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
