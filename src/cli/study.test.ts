/** The study commands end to end (study create/show, ask, tell, simulate), and their one-line errors. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { Rng } from "../random.js";
import { REPO_ROOT } from "../testing/fixtures.js";
import { tinyDir, tinyResults, tinySpace } from "../testing/study-fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");

function run(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Exit 1 and exactly one line on stderr matching `pattern`, no stack trace. */
function fails(args: string[], pattern: RegExp): void {
  const r = run(args);
  assert.equal(r.code, 1, `${args.join(" ")}: exit ${r.code}, ${r.err}`);
  const lines = r.err.trim().split("\n");
  assert.match(lines[0], pattern);
  assert.ok(lines.length === 1 || /--help lists/.test(lines[1]), `more than one line: ${r.err}`);
  assert.doesNotMatch(r.err, /at .*\.js:\d+/);
}

/** `study create` of `spec` into `study` for val_acc, importing `file`. */
function importArgs(spec: string, study: string, file: string): string[] {
  return ["study", "create", "--space", spec, "--study", study, "--target", "val_acc", "--import", file];
}

test("study create --import, ask, tell (one and a file), study show --json/--html", async () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  const archs = tinySpace().sample(new Rng(3), 30);
  writeFileSync(join(dir, "trained.csv"), tinyResults(archs.slice(0, 12)));
  const made = run([
    "study",
    "create",
    "--space",
    spec,
    "--study",
    db,
    "--target",
    "val_acc",
    "--import",
    join(dir, "trained.csv"),
    "--json",
  ]);
  assert.equal(made.code, 0, made.err);
  assert.deepEqual(JSON.parse(made.out), {
    study: db,
    space: "tiny",
    kind: "choices",
    size: "162",
    target: "val_acc",
    direction: "maximize",
    imported: 12,
    repeated: 0,
  });
  const asked = run(["ask", "--study", db, "-n", "5", "--json"]);
  assert.equal(asked.code, 0, asked.err);
  const list = JSON.parse(asked.out) as {
    arch: Record<string, unknown>;
    predicted: number;
    reason: string;
    again: boolean;
  }[];
  assert.equal(list.length, 5);
  for (const a of list) {
    assert.deepEqual(Object.keys(a), ["arch", "predicted", "reason", "again"]);
    assert.equal(a.again, false);
    assert.deepEqual(Object.keys(a.arch), ["layer1", "layer2", "layer3", "layer4", "width"]);
    assert.equal(typeof a.predicted, "number");
    assert.ok(["exploit", "explore"].includes(a.reason));
  }
  const one = run(["tell", "--study", db, "--arch", JSON.stringify(list[0].arch), "--value", "0.9"]);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /told 1 result to/);
  const failed = run(["tell", "--study", db, "--arch", JSON.stringify(list[1].arch), "--failed"]);
  assert.equal(failed.code, 0, failed.err);
  // the three never told are handed out again once pending past the timeout, and --json says so
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const again = run(["ask", "--study", db, "-n", "3", "--pending-timeout", "1s", "--json"]);
  assert.equal(again.code, 0, again.err);
  const reissued = JSON.parse(again.out) as { arch: unknown; again: boolean }[];
  assert.deepEqual(
    reissued.map((a) => [JSON.stringify(a.arch), a.again]).sort(),
    list
      .slice(2)
      .map((a) => [JSON.stringify(a.arch), true])
      .sort(),
  );
  writeFileSync(join(dir, "more.csv"), tinyResults(archs.slice(10, 20)));
  const file = run(["tell", "--study", db, "--file", join(dir, "more.csv"), "--json"]);
  assert.equal(file.code, 0, file.err);
  assert.deepEqual(
    JSON.parse(file.out),
    { written: 8, skipped: 2 },
    "2 rows were imported already, same values",
  );
  const html = join(dir, "page.html");
  const shown = run(["study", "show", "--study", db, "--json", "--html", html]);
  assert.equal(shown.code, 0, shown.err);
  const summary = JSON.parse(shown.out);
  assert.deepEqual(Object.keys(summary), ["done", "pending", "failed", "best", "trials"]);
  assert.deepEqual([summary.done, summary.pending, summary.failed], [21, 3, 1]);
  assert.deepEqual(Object.keys(summary.best), ["arch", "value"]);
  assert.equal(summary.trials.length, 25);
  assert.deepEqual(Object.keys(summary.trials[0]), ["arch", "state", "value"]);
  const page = readFileSync(html, "utf8");
  assert.match(page, /Best val_acc found against architectures told/);
  assert.ok((page.match(/<svg/g) ?? []).length >= 2, "two plots");
  const text = run(["study", "show", "--study", db]);
  assert.match(text.out, /21 done, 3 pending, 1 failed\nbest val_acc .*\npending \(asked, not told yet\):\n/);
  // the pending ones are listed (only their count was shown: ask's lost output could not be found again)
  for (const a of list.slice(2)) assert.ok(text.out.includes(`\n  ${JSON.stringify(a.arch)}\n`), text.out);
  // a row twice in one file is named so, not "already told" (the study had never seen it)
  const [, header, row] = tinyResults(archs.slice(20, 21)).match(/^(.*\n)(.*\n)$/) ?? [];
  writeFileSync(join(dir, "twice.csv"), header + row + row);
  const twice = run(["tell", "--study", db, "--file", join(dir, "twice.csv")]);
  assert.equal(twice.code, 0, twice.err);
  // and the rows are named (the count alone named neither; tester T)
  assert.match(
    twice.out,
    /^told 1 result to .* \(1 repeated in the file, ignored\)\n\S+twice\.csv line 3 repeats \S+twice\.csv line 2, ignored\n$/,
  );
});

test("study show --csv writes the told trials as a results file: a second study imported from it holds the same results; a user's CSV is never written over", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  const archs = tinySpace().sample(new Rng(5), 20);
  writeFileSync(join(dir, "trained.csv"), tinyResults(archs.slice(0, 12)));
  assert.equal(run(importArgs(spec, db, join(dir, "trained.csv"))).code, 0);
  const asked = JSON.parse(run(["ask", "--study", db, "-n", "3", "--json"]).out) as { arch: unknown }[];
  assert.equal(
    run(["tell", "--study", db, "--arch", JSON.stringify(asked[0].arch), "--value", "0.9123"]).code,
    0,
  );
  assert.equal(run(["tell", "--study", db, "--arch", JSON.stringify(asked[1].arch), "--failed"]).code, 0);
  const csv = join(dir, "export.csv");
  const shown = run(["study", "show", "--study", db, "--csv", csv]);
  assert.equal(shown.code, 0, shown.err);
  assert.match(shown.out, /wrote .*export\.csv \(14 results: done and failed\)\n$/);
  const rows = readFileSync(csv, "utf8").trim().split("\n");
  assert.equal(rows.length, 15, "a header and the 14 told; the pending one is no result");
  assert.match(rows[13], /^13,[^,]+,[^,]+,(exploit|explore),[0-9.]+,.*,0\.9123$/);
  assert.match(rows[14], /,failed$/);
  // the copy: what tell --file and study create --import read
  const copy = join(dir, "copy.db");
  const made = run(importArgs(spec, copy, csv));
  assert.equal(made.code, 0, made.err);
  const summary = (study: string) => JSON.parse(run(["study", "show", "--study", study, "--json"]).out);
  const [from, to] = [summary(db), summary(copy)];
  assert.deepEqual([to.done, to.pending, to.failed, to.best], [from.done, 0, from.failed, from.best]);
  assert.deepEqual(
    to.trials,
    from.trials.filter((t: { state: string }) => t.state !== "pending"),
  );
  // written again over its own export; a user's results file, a page or a study are refused, untouched
  assert.equal(run(["study", "show", "--study", db, "--csv", csv]).code, 0);
  const trained = readFileSync(join(dir, "trained.csv"), "utf8");
  fails(
    ["study", "show", "--study", db, "--csv", join(dir, "trained.csv")],
    /^nas-assay: --csv .*trained\.csv: a file that is not a results file nas-assay wrote \(study show --csv\) is there; writing would destroy it/,
  );
  assert.equal(readFileSync(join(dir, "trained.csv"), "utf8"), trained);
  // a user's own log with an asked_at column (or those letters in a cell): it was taken for an export
  // and replaced by one
  const log = join(dir, "log.csv");
  const own = `${trained.split("\n")[0]},asked_at,notes\n${trained.split("\n")[1]},2026-12-01,asked_at, then trained\n`;
  writeFileSync(log, own);
  fails(
    ["study", "show", "--study", db, "--csv", log],
    /^nas-assay: --csv .*log\.csv: a file that is not a results file nas-assay wrote \(study show --csv\) is there/,
  );
  assert.equal(readFileSync(log, "utf8"), own);
  fails(
    ["study", "show", "--study", db, "--csv", join(dir, "out.txt")],
    /^nas-assay: --csv .*out\.txt: writes a results file as CSV; give a file name ending in \.csv/,
  );
  fails(
    ["study", "show", "--study", db, "--csv", ""],
    /^nas-assay: option '--csv <results\.csv>' argument '' is invalid/,
  );
  fails(
    ["study", "show", "--study", db, "--csv", join(dir, "missing", "x.csv")],
    /^nas-assay: --csv .*x\.csv: /,
  );
});

test("study delete removes a study file with its -wal and -shm, says what it held; anything that is no study is refused and kept", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  writeFileSync(join(dir, "trained.csv"), tinyResults(tinySpace().sample(new Rng(6), 5)));
  assert.equal(run(importArgs(spec, db, join(dir, "trained.csv"))).code, 0);
  assert.equal(run(["ask", "--study", db, "-n", "2"]).code, 0);
  // a -wal and -shm as a process killed while it had the study open leaves them
  writeFileSync(`${db}-shm`, "");
  const removed = run(["study", "delete", "--study", db, "--json"]);
  assert.equal(removed.code, 0, removed.err);
  assert.deepEqual(JSON.parse(removed.out), { study: db, done: 5, pending: 2, failed: 0 });
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("runs.db")),
    [],
    "the study and what SQLite keeps beside it",
  );
  fails(["study", "delete", "--study", db], /^nas-assay: .*runs\.db: no such study/);
  // a study made again under the name starts empty (no -wal replayed into it)
  assert.equal(run(importArgs(spec, db, join(dir, "trained.csv"))).code, 0);
  const text = run(["study", "delete", "--study", db]);
  assert.equal(text.out, `removed ${db}: 5 done, 0 pending, 0 failed\n`);
  // not a study: refused, untouched
  const csv = readFileSync(join(dir, "trained.csv"), "utf8");
  fails(["study", "delete", "--study", join(dir, "trained.csv")], /trained\.csv: is not a nas-assay study/);
  assert.equal(readFileSync(join(dir, "trained.csv"), "utf8"), csv);
  fails(["study", "delete", "--study", dir], /is a folder; expected a study file/);
  const other = new Database(join(dir, "other.db"));
  other.exec("CREATE TABLE t (x)");
  other.close();
  fails(
    ["study", "delete", "--study", join(dir, "other.db")],
    /other\.db: is an SQLite file but not a nas-assay study/,
  );
  assert.ok(existsSync(join(dir, "other.db")));
});

test("study delete through a link it may not remove: refused with the study kept (it removed the study, then failed on the link)", () => {
  const { dir, spec } = tinyDir();
  // the study in a folder the user may change, the link in one it may not; root ignores permission
  // bits, so as root the command runs as `nobody` (runuser, as servers.ts does)
  const asRoot = process.getuid?.() === 0;
  const studies = join(dir, "studies");
  const links = join(dir, "links");
  mkdirSync(studies);
  mkdirSync(links);
  const db = join(studies, "runs.db");
  writeFileSync(join(dir, "trained.csv"), tinyResults(tinySpace().sample(new Rng(6), 5)));
  assert.equal(run(importArgs(spec, db, join(dir, "trained.csv"))).code, 0);
  const link = join(links, "runs.db");
  symlinkSync(db, link);
  if (asRoot) {
    const nobody = (flag: string) => Number(spawnSync("id", [flag, "nobody"]).stdout);
    for (const path of [studies, db]) chownSync(path, nobody("-u"), nobody("-g"));
  }
  chmodSync(dir, 0o755);
  chmodSync(links, 0o555);
  try {
    const argv = [MAIN, "study", "delete", "--study", link];
    const r = asRoot
      ? spawnSync("runuser", ["-u", "nobody", "--", process.execPath, ...argv], { encoding: "utf8" })
      : spawnSync(process.execPath, argv, { encoding: "utf8" });
    assert.equal(r.status, 1, r.stdout);
    assert.match(
      r.stderr,
      /^nas-assay: cannot remove \S+links\/runs\.db: EACCES \(the study is as it was\)\n$/,
    );
  } finally {
    chmodSync(links, 0o755);
  }
  const shown = run(["study", "show", "--study", link, "--json"]);
  assert.equal(shown.code, 0, shown.err);
  assert.equal(JSON.parse(shown.out).done, 5, "the study and its results are still there");
  if (!asRoot) return;
  // the link removable, the study not (root's file, writable by all, in a sticky folder as /tmp is):
  // the message says where the study still is
  const sticky = join(dir, "sticky");
  mkdirSync(sticky);
  const kept = join(sticky, "kept.db");
  assert.equal(run(importArgs(spec, kept, join(dir, "trained.csv"))).code, 0);
  chmodSync(kept, 0o666);
  chmodSync(sticky, 0o1777);
  const toKept = join(studies, "kept.db");
  symlinkSync(kept, toKept);
  const r = spawnSync(
    "runuser",
    ["-u", "nobody", "--", process.execPath, MAIN, "study", "delete", "--study", toKept],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 1, r.stdout);
  assert.equal(
    r.stderr,
    `nas-assay: cannot remove ${kept}: EPERM, the folder refusing it: a sticky folder and another user's file, or the folder or file marked append-only or immutable (chattr +a or +i; lsattr -d shows it: chattr -a -i, as root, clears it) (the study is as it was, at ${kept}; the link ${toKept} to it is removed)\n`,
  );
  assert.equal(JSON.parse(run(["study", "show", "--study", kept, "--json"]).out).done, 5);
});

test("study commands: bad input gives one line naming what was wrong", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  fails(
    ["study", "create", "--space", join(dir, "none.json"), "--study", db, "--target", "val_acc"],
    /^nas-assay: cannot read the space spec .*none\.json/,
  );
  assert.ok(!existsSync(db), "no study made");
  writeFileSync(
    join(dir, "bad.csv"),
    `${tinyResults(tinySpace().sample(new Rng(1), 3))}mb9,identity,identity,identity,16,0.8\n`,
  );
  fails(
    importArgs(spec, db, join(dir, "bad.csv")),
    /bad\.csv: line 5: invalid cell: "mb9" is not an option of decision "layer1"/,
  );
  assert.ok(!existsSync(db), "a bad import leaves no study behind");
  fails(
    ["study", "create", "--space", spec, "--study", db, "--target", "val_acc", "--scale", "permille"],
    /option '--scale <scale>' argument 'permille' is invalid\. Allowed choices are fraction, percent/,
  );
  const made = run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]);
  assert.equal(made.code, 0);
  assert.equal(made.err, "", "no warning for an accuracy maximized");
  // an error rate maximized is made as asked, with one warning line naming the flag
  const maximizedError = run([
    "study",
    "create",
    "--space",
    spec,
    "--study",
    join(dir, "err.db"),
    "--target",
    "val_error",
    "--json",
  ]);
  assert.equal(maximizedError.code, 0, maximizedError.err);
  assert.equal(JSON.parse(maximizedError.out).direction, "maximize");
  assert.deepEqual(JSON.parse(maximizedError.out).warnings, [
    "val_error reads as an error rate, and it is maximized: if lower is better, give --minimize",
  ]);
  assert.equal(
    maximizedError.err,
    "nas-assay: warning: val_error reads as an error rate, and it is maximized: if lower is better, give --minimize\n",
  );
  // a graph predictor on a space of choices is refused when asked, not after the random first asks
  fails(
    ["ask", "--study", db, "-n", "2", "--method", "gin"],
    /the method gin reads a cell's graph, but \S+ is a space of choices \(a flat encoding\); use mlp, mlp-ensemble or e2epp/,
  );
  // named as asked: self-training builds transformers, but the user asked for self-training
  fails(
    ["ask", "--study", db, "-n", "2", "--method", "transformer-self-training"],
    /the method transformer-self-training reads a cell's graph/,
  );
  fails(["ask", "--study", db, "--method", "foo"], /unknown method "foo"; expected one of/);
  // a study holds its space: --data would be silently ignored, so it is refused
  for (const command of [
    ["ask", "--study", db],
    ["tell", "--study", db, "--file", spec],
    ["study", "show", "--study", db],
  ])
    fails(["--data", dir, ...command], /--data is not read by `nas-assay (ask|tell|study show)`.*drop it/);
  fails(["--data", dir, "space", spec], /--data is not read by `nas-assay space`/);
  assert.match(
    run(["study", "show", "--study", db]).out,
    /0 done, 0 pending/,
    "a refused ask reserves nothing",
  );
  fails(
    ["study", "create", "--space", spec, "--study", db, "--target", "val_acc"],
    /runs\.db already exists/,
  );
  fails(["ask", "--study", join(dir, "nope.db")], /nope\.db: no such study/);
  fails(["ask", "--study", db, "-n", "0"], /-n <count>.*expected an integer in 1\.\.6,666/);
  const arch = JSON.stringify(tinySpace().jsonOf([0, 1, 2, 0, 1]));
  fails(
    ["tell", "--study", db, "--arch", arch, "--value", "abc"],
    /--value <x>.*argument .abc. is invalid. expected a decimal number/,
  );
  // the text a results file refuses as a value cut short ("5." in a CSV cell), --value refuses too
  fails(
    ["tell", "--study", db, "--arch", arch, "--value", "0."],
    /--value <x>.*argument .0\.. is invalid. expected a decimal number with digits after its point \(a value cut short\?\)/,
  );
  fails(["tell", "--study", db, "--arch", arch], /--arch needs --value <x> or --failed/);
  fails(
    ["tell", "--study", db, "--arch", '{"layer1":"mb9"}', "--value", "0.9"],
    /"mb9" is not an option of decision "layer1"/,
  );
  assert.equal(run(["tell", "--study", db, "--arch", arch, "--value", "0.9"]).code, 0);
  fails(
    ["tell", "--study", db, "--arch", arch, "--value", "0.95"],
    /was told 0\.9 .*refusing a second value 0\.95.*tell again with --replace/,
  );
  // a value told by mistake is corrected with --replace, which says what it changed
  const fixed = run(["tell", "--study", db, "--arch", arch, "--value", "0.95", "--replace"]);
  assert.equal(fixed.code, 0, fixed.err);
  assert.match(fixed.out, /^told 1 result to .*\nreplaced --arch \S+: was 0\.9, now 0\.95\n$/);
  assert.deepEqual(
    JSON.parse(run(["tell", "--study", db, "--arch", arch, "--value", "0.9", "--replace", "--json"]).out),
    {
      written: 1,
      skipped: 0,
      replaced: [{ source: `--arch ${arch}`, was: 0.95, now: 0.9 }],
    },
  );
  assert.match(run(["study", "show", "--study", db]).out, /1 done/);
  // failed, then a value under --replace: listed too (it was left out of `replaced`)
  const retried = JSON.stringify(tinySpace().jsonOf([2, 1, 0, 0, 1]));
  assert.equal(run(["tell", "--study", db, "--arch", retried, "--failed"]).code, 0);
  assert.deepEqual(
    JSON.parse(run(["tell", "--study", db, "--arch", retried, "--value", "0.6", "--replace", "--json"]).out)
      .replaced,
    [{ source: `--arch ${retried}`, was: "failed", now: 0.6 }],
  );
  const other = JSON.stringify(tinySpace().jsonOf([1, 1, 2, 0, 1]));
  fails(
    ["tell", "--study", db, "--arch", other, "--value", "93.1"],
    /93\.1 looks like a percent.*tell 0\.931/,
  );
  writeFileSync(join(dir, "nocol.csv"), "layer1,acc\nmb3,0.9\n");
  fails(
    ["tell", "--study", db, "--file", join(dir, "nocol.csv")],
    /nocol\.csv: no column "layer2", .*"val_acc"; a results file for tiny has the columns/,
  );
  fails(
    ["tell", "--study", db, "--arch", "|nor_conv_3x3~0|", "--value", "0.9"],
    /^nas-assay: --arch \|nor_conv_3x3~0\|: not an architecture of tiny \(choices\): .*text is not JSON/,
  );
  fails(
    ["study", "create", "--space", spec, "--study", join(dir, "no-folder", "s.db"), "--target", "val_acc"],
    /--study .*s\.db: the folder .*no-folder does not exist/,
  );
  fails(
    ["study", "create", "--space", spec, "--study", join(dir, "w.db"), "--target", "width"],
    /the target "width" is also a column of tiny's architectures/,
  );
  const fraction = join(dir, "fraction.db");
  assert.equal(
    run([
      "study",
      "create",
      "--space",
      spec,
      "--study",
      fraction,
      "--target",
      "val_acc",
      "--scale",
      "fraction",
    ]).code,
    0,
  );
  fails(
    ["tell", "--study", fraction, "--arch", arch, "--value", "93.1"],
    /val_acc 93\.1 is not a fraction; expected a fraction in \[0, 1\] \(this study's scale\); tell 0\.931/,
  );
  const damaged = readFileSync(fraction);
  damaged.fill("garbage", 4096);
  writeFileSync(fraction, damaged);
  fails(["ask", "--study", fraction], /fraction\.db: is damaged \(SQLite: .*\); restore it from a copy/);
  fails(["study", "show", "--study", db, "--html", db], /--html .*runs\.db: is the file --study reads/);
  assert.equal(run(["study", "show", "--study", db]).code, 0, "the study is still there");
  const sqlite = new Database(db);
  sqlite.pragma("user_version = 7");
  sqlite.close();
  fails(
    ["study", "show", "--study", db],
    /runs\.db: is a study of schema version 7; this nas-assay reads version 1/,
  );
});

test("study commands: an empty file flag (an unset shell variable) is named, never read as no flag; an --arch over lines and -n past one ask are one line", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  // --import "" made the study with nothing imported, exit 0
  fails(
    ["study", "create", "--space", spec, "--study", db, "--target", "val_acc", "--import", ""],
    /^nas-assay: option '--import <results\.csv>' argument '' is invalid\. expected a results file \(CSV or JSON Lines\), got an empty value/,
  );
  assert.ok(!existsSync(db), "no study made");
  fails(
    ["study", "create", "--space", "", "--study", db, "--target", "val_acc"],
    /^nas-assay: an empty --space; expected a spec file, or a built-in space: nb101, nb201$/,
  );
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  // --file "" said "tell needs --arch with --value (or --failed), or --file results.csv"
  fails(
    ["tell", "--study", db, "--file", ""],
    /^nas-assay: option '--file <results\.csv>' argument '' is invalid\./,
  );
  fails(["tell", "--study", db, "--file", dir], /is a folder; expected a results file, CSV or JSON Lines/);
  // --table "" said "nas-assay: : cannot read: ENOENT: no such file or directory, open ''"
  fails(
    ["simulate", "--space", spec, "--table", "", "--target", "val_acc"],
    /^nas-assay: option '--table <all\.csv>' argument '' is invalid\./,
  );
  // an --arch with a line break printed the message over two lines
  fails(
    ["tell", "--study", db, "--arch", '{"layer1":\n"mb9"}', "--value", "0.9"],
    /^nas-assay: --arch \{"layer1":\\n"mb9"\}: not an architecture/,
  );
  // -n 99999999999 reserved 199,997 pending architectures on a 1.95 M space
  fails(["ask", "--study", db, "-n", "6667"], /-n <count>.*expected an integer in 1\.\.6,666/);
  assert.equal(run(["study", "show", "--study", db, "--json"]).out.includes('"pending":0'), true);
});

test("simulate: a drawing the system refuses at the end loses no results: they are printed, then the one line", () => {
  const { dir, spec } = tinyDir();
  writeFileSync(join(dir, "table.csv"), tinyResults(tinySpace().sample(new Rng(5), 40), "acc"));
  const plot = join(dir, "sim.svg");
  const args = ["simulate", "--space", spec, "--table", join(dir, "table.csv"), "--target", "acc"];
  const flags = ["--budget", "12", "--step", "4", "--seeds", "0-1", "--plot", plot];
  // a file-size limit of 2 KiB (the drawing is larger) stands for a disk that fills up during the runs
  const quoted = [process.execPath, MAIN, ...args, ...flags].map((a) => `'${a}'`).join(" ");
  for (const json of [false, true]) {
    const r = spawnSync("sh", ["-c", `ulimit -f 4 && exec ${quoted}${json ? " --json" : ""}`], {
      encoding: "utf8",
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /^nas-assay: cannot write \S+sim\.svg: EFBIG .*; the results are printed all the same\n$/,
    );
    if (json) assert.deepEqual(JSON.parse(r.stdout).seeds, [0, 1]);
    else {
      assert.match(r.stdout, /best found, mean ± std over seeds/);
      assert.doesNotMatch(r.stdout, /curves drawn in/);
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith("sim")),
      [],
      "no drawing, no temporary file",
    );
  }
});

test("simulate: JSON shape, a table smaller than the space restricts every strategy to it", () => {
  const { dir, spec } = tinyDir();
  const half = tinySpace().sample(new Rng(4), 81);
  writeFileSync(join(dir, "table.csv"), tinyResults(half, "acc"));
  const args = [
    "simulate",
    "--space",
    spec,
    "--table",
    join(dir, "table.csv"),
    "--target",
    "acc",
    "--budget",
    "30",
  ];
  const r = run([...args, "--seeds", "0-1", "--step", "10", "--json"]);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out);
  assert.deepEqual(Object.keys(result), ["space", "target", "budget", "seeds", "tableSize", "strategies"]);
  assert.deepEqual([result.space, result.target, result.budget, result.tableSize], ["tiny", "acc", 30, 81]);
  assert.deepEqual(result.seeds, [0, 1]);
  for (const name of ["ask", "random", "evolution"]) {
    const s = result.strategies[name];
    assert.equal(s.curve.length, 30);
    assert.deepEqual(Object.keys(s.at), ["10", "25", "30"], "10, 25 and the budget");
    for (let k = 1; k < 30; k++) assert.ok(s.curve[k] >= s.curve[k - 1], "best so far never drops");
    assert.ok(s.at["25"].medianRank >= 1);
  }
  const text = run([...args, "--seed-count", "1"]);
  assert.equal(text.code, 0, text.err);
  assert.equal(text.err, "", "no note for a table without repeats");
  // rows of one architecture are averaged, and said so (an import refuses them): under --json too
  writeFileSync(join(dir, "repeats.csv"), tinyResults([...half, half[0], half[1], half[0]], "acc"));
  const repeats = run([
    ...args.slice(0, 4),
    join(dir, "repeats.csv"),
    ...args.slice(5),
    "--seed-count",
    "1",
    "--json",
  ]);
  assert.equal(repeats.code, 0, repeats.err);
  assert.equal(JSON.parse(repeats.out).tableSize, 81);
  assert.match(
    repeats.err,
    /^nas-assay: note: 2 architectures of \S+repeats\.csv have several rows; each was simulated with the mean of its values/,
  );
  assert.match(
    text.out,
    /81 architectures in the table \(it does not cover the space: every strategy searched the table only\)/,
  );
  // the seeds run, as in search's text and the JSON ("seeds 1" was their count, for --seeds 3)
  assert.match(text.out, /, budget 30, seeds 0\n/);
  const seed3 = run([...args, "--seeds", "3"]);
  assert.equal(seed3.code, 0, seed3.err);
  assert.match(seed3.out, /, budget 30, seeds 3\n/);
  // the budget (30) is read as a checkpoint of its own (a budget under 10 once printed no row)
  // (over one seed no "± 0.0": a mean has no spread, as evaluate prints it)
  assert.match(text.out, /^ +30 +[0-9.]+ \(rank [0-9.]+\)(?: +[0-9.]+ \(rank [0-9.]+\)){2}$/m);
  assert.doesNotMatch(text.out, /±/);
  fails([...args, "--seeds", "0-x"], /"0-x" is not a seed or a range; expected seeds such as "0-19"/);
  fails([...args, "--seeds", "1,1"], /seed 1 is given twice/);
  fails([...args.slice(0, 5), "--target", "nope"], /table\.csv: no column "nope"/);
});

test("a file-size limit (ulimit -f) that stops the study's writes is named, not called a full disk, and the study is kept", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  const before = readFileSync(db);
  // 8 blocks of 1 KiB: below the 32 KiB -shm file SQLite makes beside the study even to read it
  const limited = (args: string[]) =>
    spawnSync("bash", ["-c", 'ulimit -f 8 && exec "$0" "$@"', process.execPath, MAIN, ...args], {
      encoding: "utf8",
    });
  const arch = JSON.stringify(tinySpace().jsonOf([0, 1, 2, 0, 1]));
  for (const args of [
    ["tell", "--study", db, "--arch", arch, "--value", "0.5"],
    ["ask", "--study", db, "-n", "1"],
  ]) {
    const r = limited(args);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /^nas-assay: \S+runs\.db: this process may write files of at most 8192 bytes \(a file-size limit, ulimit -f\).*raise the limit \(ulimit -f unlimited\) and run the command again\n$/,
    );
  }
  assert.deepEqual(readFileSync(db), before, "the study is as it was");
  // study create under the limit: one line, no file (it was an internal error with a stack; tester V)
  const made = limited([
    "study",
    "create",
    "--space",
    spec,
    "--study",
    join(dir, "new.db"),
    "--target",
    "val_acc",
  ]);
  assert.equal(made.status, 1, made.stderr);
  assert.match(
    made.stderr,
    /^nas-assay: \S+new\.db: this process may write files of at most 8192 bytes \(a file-size limit, ulimit -f\)[^\n]*\n$/,
  );
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("new.db")),
    [],
  );
  assert.equal(
    run(["tell", "--study", db, "--arch", arch, "--value", "0.5"]).code,
    0,
    "and takes the tell without the limit",
  );
});

test("a read-only study: show reads it (from a copy, leaving nothing beside it), ask names the read-only file", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  // root ignores permission bits, so as root the commands run as `nobody` (runuser, as servers.ts does)
  const asRoot = process.getuid?.() === 0;
  const runAs = (args: string[]) => {
    const [command, argv] = asRoot
      ? ["runuser", ["-u", "nobody", "--", process.execPath, MAIN, ...args]]
      : [process.execPath, [MAIN, ...args]];
    const r = spawnSync(command, argv, { encoding: "utf8", cwd: dir });
    assert.notEqual(r.error?.message.includes("ENOENT"), true, "runuser is missing: install util-linux");
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const beside = () =>
    readdirSync(dir)
      .filter((f) => f.startsWith("runs.db"))
      .sort();
  chmodSync(dir, 0o777);
  chmodSync(db, 0o444);
  const shown = runAs(["study", "show", "--study", db, "--json"]);
  assert.equal(shown.code, 0, shown.err);
  assert.equal(JSON.parse(shown.out).done, 0);
  // SQLite made -wal/-shm files with the study's mode (0444) beside it, which then stopped every write
  assert.deepEqual(beside(), ["runs.db"]);
  const asked = runAs(["ask", "--study", db, "-n", "1"]);
  assert.equal(asked.code, 1);
  assert.match(
    asked.err,
    // chmod is offered to the file's owner only (`nobody` cannot chmod root's file)
    asRoot
      ? /^nas-assay: \S+runs\.db: the study file is read-only; this command writes to the study: it belongs to another user: work on a copy, or ask its owner to make it writable\n$/
      : /^nas-assay: \S+runs\.db: the study file is read-only; this command writes to the study: make it writable \(chmod u\+w \S+runs\.db\), or work on a copy\n$/,
  );
  assert.deepEqual(beside(), ["runs.db"], "refused before SQLite made read-only -wal/-shm files");
  chmodSync(db, 0o644);
  // the study writable by whoever runs the commands, in a folder that is not
  if (asRoot)
    chownSync(
      db,
      Number(spawnSync("id", ["-u", "nobody"]).stdout),
      Number(spawnSync("id", ["-g", "nobody"]).stdout),
    );
  chmodSync(dir, 0o555);
  try {
    const folder = runAs(["study", "show", "--study", db]);
    assert.equal(folder.code, 0, folder.err);
    assert.match(folder.out, /0 done, 0 pending, 0 failed/);
    const write = runAs(["ask", "--study", db, "-n", "1"]);
    assert.equal(write.code, 1);
    assert.match(
      write.err,
      /^nas-assay: \S+runs\.db: the folder holding the study is read-only.*copy the study into a writable folder and use the copy\n$/,
    );
    // a delete there is told what lets it remove the file, not to work on a copy (tester V)
    const deleted = runAs(["study", "delete", "--study", db]);
    assert.equal(deleted.code, 1);
    assert.match(
      deleted.err,
      /^nas-assay: cannot delete \S+runs\.db: the folder holding it \(\S+\) is read-only for this user, and removing a file changes its folder: make the folder writable \(chmod u\+w \S+\), or ask its owner; the study is as it was\n$/,
    );
    // through a symbolic link in a writable folder: SQLite works beside the file the link leads to
    const linked = join(tmpdir(), `nas-assay-link-${process.pid}.db`);
    symlinkSync(db, linked);
    try {
      const viaLink = runAs(["study", "show", "--study", linked]);
      assert.equal(viaLink.code, 0, viaLink.err);
      const askViaLink = runAs(["ask", "--study", linked, "-n", "1"]);
      assert.match(askViaLink.err, /: the folder holding the study \(\S+\) is read-only/);
    } finally {
      rmSync(linked, { force: true });
    }
  } finally {
    chmodSync(dir, 0o755);
  }
  assert.deepEqual(beside(), ["runs.db"]);
});

test("a study file edited by hand or damaged: one line naming what is wrong, exit 1 (it was an internal error with a stack)", () => {
  const { dir, spec } = tinyDir();
  const make = (name: string, edit: (db: Database.Database) => void) => {
    const path = join(dir, name);
    assert.equal(run(["study", "create", "--space", spec, "--study", path, "--target", "val_acc"]).code, 0);
    const db = new Database(path);
    edit(db);
    db.close();
    return path;
  };
  const setting = (name: string, value: string) => (db: Database.Database) =>
    db.prepare("UPDATE settings SET value = ? WHERE name = ?").run(value, name);
  for (const [path, expected] of [
    [make("a.db", setting("space", "{bad")), /a\.db: damaged study: the setting "space" is not JSON/],
    [
      make("b.db", setting("direction", '"sideways"')),
      /b\.db: damaged study: the direction is "sideways"; expected "maximize" or "minimize"/,
    ],
    [make("c.db", setting("seed", '"x"')), /c\.db: damaged study: the seed is "x"; expected an integer/],
    // a spec file lists each problem on a line; a damaged study says one, and how many more
    [
      make("g.db", setting("space", "{}")),
      /g\.db: damaged study: its space spec: field "kind" is missing; .* \(and 1 more\)$/,
    ],
    [
      make("d.db", (db) => db.exec("DROP TABLE trials")),
      /d\.db: damaged study \(SQLite: no such table: trials\)/,
    ],
    // a trial's row: SQLite keeps any value in any column (it was an internal error, or "best val_acc abc")
    [
      make("e.db", (db) => {
        db.prepare("INSERT INTO trials (key, arch, state, value) VALUES ('k', 'nope', 'done', 0.5)").run();
      }),
      /e\.db: damaged study: trial 1: its architecture is not JSON \("nope"\)/,
    ],
    [
      make("f.db", (db) => {
        db.prepare("INSERT INTO trials (key, arch, state, value) VALUES ('k', '{}', 'done', 'abc')").run();
      }),
      /f\.db: damaged study: trial 1: its value is "abc"; expected a number/,
    ],
    [
      make("h.db", (db) => {
        db.prepare("INSERT INTO trials (key, arch, state, value) VALUES ('k', '{}', 'done', 9e999)").run();
      }),
      /h\.db: damaged study: trial 1: its value is Infinity; expected a number/,
    ],
    [
      make("i.db", setting("createdAt", '"yesterday"')),
      /i\.db: damaged study: createdAt is "yesterday"; expected a date/,
    ],
  ] as [string, RegExp][]) {
    fails(["study", "show", "--study", path], expected);
    fails(["ask", "--study", path, "-n", "1"], expected);
  }
});

test("a library's warning is one line (node-postgres printed seven on sslmode=require)", () => {
  // port 1 on loopback: refused at once, after pg has warned about the URL's sslmode
  const r = run(["study", "show", "--study", "postgresql://u@127.0.0.1:1/db?study=x&sslmode=require"]);
  assert.equal(r.code, 1);
  const lines = r.err.trim().split("\n");
  assert.equal(lines.length, 2, r.err);
  assert.match(lines[0], /^nas-assay: warning: SECURITY WARNING: The SSL modes 'prefer', 'require'/);
  assert.match(lines[1], /^nas-assay: cannot reach the PostgreSQL server of /);
});

test("a space used up by imports says the architectures are in the study, not that they were suggested", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "all.db");
  const space = tinySpace();
  writeFileSync(join(dir, "all.csv"), tinyResults(space.sample(new Rng(1), Number(space.count))));
  const made = run([
    "study",
    "create",
    "--space",
    spec,
    "--study",
    db,
    "--target",
    "val_acc",
    "--import",
    join(dir, "all.csv"),
  ]);
  assert.equal(made.code, 0, made.err);
  const asked = run(["ask", "--study", db, "-n", "2"]);
  assert.equal(asked.code, 0, asked.err);
  assert.match(
    asked.out,
    /every architecture of tiny is in the study already \(told, imported or pending\): none left/,
  );
  // under --json the list is [] and stderr says why (a shorter list was unexplained: tester Z)
  const json = run(["--json", "ask", "--study", db, "-n", "2"]);
  assert.equal(json.code, 0, json.err);
  assert.deepEqual(JSON.parse(json.out), []);
  assert.equal(
    json.err,
    "every architecture of tiny is in the study already (told, imported or pending): none left to ask for, of the 2 asked for (-n)\n",
  );
});

test("tell --file / --import: failed, then a value, for one architecture says the value replaced the failure; the other order is refused, as across calls", () => {
  const { dir, spec } = tinyDir();
  const [head, row] = tinyResults([[0, 1, 2, 0, 1]]).split("\n");
  const cut = row.slice(0, row.lastIndexOf(","));
  const retry = join(dir, "retry.csv");
  writeFileSync(retry, `${head}\n${cut},failed\n${row}\n`);
  const db = join(dir, "s.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  const told = run(["tell", "--study", db, "--file", retry]);
  assert.equal(told.code, 0, told.err);
  // it said only "told 1 result": the failed line vanished unsaid
  assert.equal(
    told.out,
    `told 1 result to ${db}\n${retry} line 3 replaces the failure on ${retry} line 2 (a retry that worked)\n`,
  );
  assert.match(run(["study", "show", "--study", db]).out, /1 done, 0 pending, 0 failed/);
  const imported = run([
    "study",
    "create",
    "--space",
    spec,
    "--study",
    join(dir, "i.db"),
    "--target",
    "val_acc",
    "--import",
    retry,
  ]);
  assert.match(
    imported.out,
    /imported 1 result from .*\n.*retry\.csv line 3 replaces the failure on .*retry\.csv line 2/,
  );
  // a value, then failed: refused in one line, naming both rows and the rule (it said "tell the mean of repeated runs")
  const backwards = join(dir, "backwards.csv");
  writeFileSync(backwards, `${head}\n${row}\n${cut},failed\n`);
  const db2 = join(dir, "s2.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db2, "--target", "val_acc"]).code, 0);
  fails(
    ["tell", "--study", db2, "--file", backwards],
    new RegExp(
      `^nas-assay: ${backwards.replace(/[.]/g, "\\.")} line 3 tells failed for the architecture told \\S+ on ` +
        `\\S+ line 2; a value replaces a failure \\(a retry that worked\\), never the other way round`,
    ),
  );
  assert.match(run(["study", "show", "--study", db2]).out, /0 done, 0 pending, 0 failed/);
});

test("vertex-cell: a second value for a cell told under another text (pruned to it) says it is the same cell and names the stored form", () => {
  const { dir } = tinyDir();
  const spec = join(dir, "v3.json");
  writeFileSync(
    spec,
    JSON.stringify({ name: "v3", kind: "vertex-cell", maxVertices: 4, maxEdges: 5, ops: ["conv", "pool"] }),
  );
  const db = join(dir, "v.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  const first = JSON.stringify({ matrix: "0111001000000000", ops: "input,conv,pool,output" });
  assert.equal(run(["tell", "--study", db, "--arch", first, "--value", "0.5"]).code, 0);
  const second = JSON.stringify({ matrix: "001000000", ops: "input,pool,output" });
  // it said "--arch {…pool…} was told 0.5", a text never told
  const stored = '{"matrix":[[0,1],[0,0]],"ops":["input","output"]}';
  const same = (what: string) =>
    new RegExp(
      `^nas-assay: ${what} is the same cell \\(after pruning 1 vertex off every input→output path\\) as one told before, ` +
        `stored as ${stored.replace(/[[\]{}]/g, "\\$&")}, which was told 0\\.5 \\(.*\\); refusing a second value 0\\.4 `,
    );
  fails(
    ["tell", "--study", db, "--arch", second, "--value", "0.4"],
    same(`--arch ${second.replace(/[{}]/g, "\\$&")}`),
  );
  const rows = join(dir, "v.csv");
  writeFileSync(rows, 'matrix,ops,val_acc\n001000000,"input,pool,output",0.4\n');
  fails(["tell", "--study", db, "--file", rows], same(`${rows.replace(/[.]/g, "\\.")} line 2`));
  // the stored form itself, told again: plainly "was told"
  fails(
    ["tell", "--study", db, "--arch", stored, "--value", "0.4"],
    /^nas-assay: --arch \S+ was told 0\.5 \(.*\); refusing a second value 0\.4/,
  );
  // two rows of one file, each pruned to the cell: each named with what was pruned
  const both = join(dir, "both.csv");
  writeFileSync(
    both,
    'matrix,ops,val_acc\n0111001000000000,"input,conv,pool,output",0.5\n001000000,"input,pool,output",0.4\n',
  );
  fails(
    importArgs(spec, join(dir, "w.db"), both),
    /both\.csv line 3 repeats the architecture of \S+ line 2 \(the same cell: \S+ line 2 after pruning 2 vertices off every input→output path; \S+ line 3 after pruning 1 vertex off every input→output path\) with another result \(0\.4, there 0\.5\)/,
  );
  assert.match(run(["study", "show", "--study", db]).out, /1 done, 0 pending, 0 failed/);
});

test("a study made before names were limited (length, control characters) still opens and asks", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "old.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  // its stored spec as an older nas-assay took it: a decision named with an escape and 300 characters
  const sqlite = new Database(db);
  const stored = JSON.parse(
    (sqlite.prepare("SELECT value FROM settings WHERE name = 'space'").get() as { value: string }).value,
  );
  stored.decisions[0].name = `a\u001b[31m${"x".repeat(300)}`;
  sqlite.prepare("UPDATE settings SET value = ? WHERE name = 'space'").run(JSON.stringify(stored));
  sqlite.close();
  const show = run(["study", "show", "--study", db]);
  assert.equal(show.code, 0, show.err);
  const ask = run(["ask", "--study", db, "--json"]);
  assert.equal(ask.code, 0, ask.err);
  assert.ok(stored.decisions[0].name in JSON.parse(ask.out)[0].arch);
  // a new spec with such a name is refused
  writeFileSync(join(dir, "new.json"), JSON.stringify(stored));
  fails(
    ["study", "create", "--space", join(dir, "new.json"), "--study", join(dir, "new.db"), "--target", "acc"],
    /new\.json: field "decisions\[0\]\.name" is "a\\u001b\[31mx+…; expected a name of at most 200 characters \(it has 306\)/,
  );
});

test("a study's target follows the rules on names (no direction override, at most 200 characters); a study made before still opens", () => {
  const { dir, spec } = tinyDir();
  // made with an override, the target printed reversed ('maximize acc‮evil') on every line and page
  fails(
    ["study", "create", "--space", spec, "--study", join(dir, "a.db"), "--target", "acc\u202Eevil"],
    /target must be a column name without control characters \(line breaks, tabs, escapes\), direction overrides or invisible characters.*got "acc\\u202eevil"/,
  );
  fails(
    ["study", "create", "--space", spec, "--study", join(dir, "b.db"), "--target", "😀".repeat(201)],
    /target must be a column name of at most 200 characters \(it has 201\)/,
  );
  assert.equal(existsSync(join(dir, "a.db")) || existsSync(join(dir, "b.db")), false);
  // a study made before the rule, its target holding an override, still opens, asks and is told
  const db = join(dir, "old.db");
  assert.equal(run(["study", "create", "--space", spec, "--study", db, "--target", "val_acc"]).code, 0);
  const sqlite = new Database(db);
  sqlite.prepare("UPDATE settings SET value = ? WHERE name = 'target'").run(JSON.stringify("val\u202Eacc"));
  sqlite.close();
  const show = run(["study", "show", "--study", db]);
  assert.equal(show.code, 0, show.err);
  const ask = run(["ask", "--study", db, "--json"]);
  assert.equal(ask.code, 0, ask.err);
});

test("simulate's text table keeps its columns apart on long numbers (--scale none, values near -1e300)", () => {
  const { dir, spec } = tinyDir();
  const lines = tinyResults(tinySpace().sample(new Rng(6), 12), "score")
    .trim()
    .split("\n");
  const rows = lines.slice(1).map((line, k) => line.replace(/,[^,]*$/, `,${-1e300 * (k + 1)}`));
  writeFileSync(join(dir, "table.csv"), `${[lines[0], ...rows].join("\n")}\n`);
  const r = run([
    ...["simulate", "--space", spec, "--table", join(dir, "table.csv"), "--target", "score"],
    ...["--scale", "none", "--minimize", "--budget", "4", "--seeds", "0-2"],
  ]);
  assert.equal(r.code, 0, r.err);
  // "-9.6667e+300 ± 2.5e+300 (rank 3)-1.1000e+301 …": a cell ran into the next
  const row = r.out.split("\n").find((line) => /^\s+4\s/.test(line)) ?? "";
  const next = /\(rank [\d.]+\) {2,}(?=\S)/.exec(row);
  assert.ok(next, `the second column starts after two spaces at least: ${row}`);
  // and under its heading
  const header = r.out.split("\n").find((line) => line.startsWith("  evaluated")) ?? "";
  assert.equal(header.indexOf("random"), next.index + next[0].length, `${header}\n${row}`);
});

test("predict --study: the architectures of a file one chose, predicted by the study's ask predictor; --model or --study, one", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "runs.db");
  const archs = tinySpace().sample(new Rng(12), 40);
  writeFileSync(join(dir, "trained.csv"), tinyResults(archs.slice(0, 30)));
  assert.equal(run(importArgs(spec, db, join(dir, "trained.csv"))).code, 0);
  // candidates: 10 never told, and one told (its value is shown beside the prediction)
  const candidates = join(dir, "candidates.csv");
  const rows = tinyResults([...archs.slice(30), archs[0]]).split("\n");
  writeFileSync(candidates, `${rows.map((r) => r.split(",").slice(0, 5).join(",")).join("\n")}`);
  const r = run(["predict", "--study", db, "--cells", candidates]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^mlp fitted on the 30 told results of \S+runs\.db, as ask fits it; predicted val_acc/);
  const lines = r.out.trim().split("\n");
  assert.equal(lines[0], "line\tpredicted val_acc\ttold val_acc\tstate\tarchitecture");
  assert.equal(lines.length, 12);
  assert.match(lines[1], /^2\t0\.\d{5}\t\t\t\{"layer1":/, "an untold one has neither value nor state");
  assert.match(lines[11], /^12\t0\.\d{5}\t0\.\d+\tdone\t\{"layer1":/, "the told one shows its value");
  const json = JSON.parse(run(["--json", "predict", "--study", db, "--cells", candidates]).out);
  assert.equal(json.predictions.length, 11);
  assert.equal(json.told, 30);
  assert.deepEqual(
    json.predictions.map((p: { line: number }) => p.line),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  assert.equal(
    JSON.parse(run(["study", "show", "--study", db, "--json"]).out).pending,
    0,
    "nothing reserved",
  );
  // an ask (a pending trial) and a failure carry no value: the predictions stay as they were
  const asked = JSON.parse(run(["ask", "--study", db, "-n", "2", "--json"]).out) as { arch: unknown }[];
  assert.equal(run(["tell", "--study", db, "--arch", JSON.stringify(asked[0].arch), "--failed"]).code, 0);
  const after = run(["predict", "--study", db, "--cells", candidates]);
  const column = (out: string, k: number) =>
    out
      .trim()
      .split("\n")
      .map((line) => line.split("\t")[k]);
  assert.deepEqual(column(after.out, 1), column(r.out, 1), "the same told values give the same predictions");
  // … and candidates asked (pending) or failed say so: they looked untold, and one would pick the failed one
  const states = join(dir, "states.jsonl");
  writeFileSync(
    states,
    `${[
      asked[0].arch,
      asked[1].arch,
      asked[0].arch, // listed twice: counted once on stderr (tester Y)
      ...JSON.parse(run(["--json", "predict", "--study", db, "--cells", candidates]).out)
        .predictions.slice(-2)
        .map((p: { arch: unknown }) => p.arch),
    ]
      .map((a) => JSON.stringify(a))
      .join("\n")}\n`,
  );
  const shown = run(["predict", "--study", db, "--cells", states]);
  assert.equal(shown.code, 0, shown.err);
  assert.deepEqual(
    shown.out
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split("\t")[3]),
    ["failed", "pending", "failed", "", "done"],
  );
  assert.match(
    shown.err,
    /\nof these architectures, 1 failed in the study \(ask hands it out no more\) and 1 pending \(handed out by ask, being trained\): see the state column\n/,
  );
  // the same counts in the JSON form, from the library (predictStudyFile)
  const shownJson = JSON.parse(run(["--json", "predict", "--study", db, "--cells", states]).out);
  assert.deepEqual([shownJson.failed, shownJson.pending, shownJson.told], [1, 1, 30]);
  // a line repeating an earlier one's architecture is said, once (tester Y: it was predicted again unsaid)
  assert.match(
    shown.err,
    /\n1 line of \S+states\.jsonl repeats an earlier one's architecture, predicted alike: line 3 repeats line 1\n$/,
  );
  assert.deepEqual(shownJson.repeats, [{ line: 3, of: 1 }]);
  fails(
    ["predict", "--cells", candidates],
    /^nas-assay: predict needs --model \(a model saved by train\) or --study/,
  );
  fails(
    ["predict", "--study", db, "--model", db, "--cells", candidates],
    /^nas-assay: predict takes --model or --study, not both$/,
  );
  fails(
    ["predict", "--model", db, "--method", "mlp", "--cells", candidates],
    /^nas-assay: --method goes with --study/,
  );
  fails(
    ["predict", "--study", db, "--method", "gin", "--cells", candidates],
    /^nas-assay: the method gin reads a cell's graph, but tiny is a space of choices/,
  );
  writeFileSync(candidates, "layer1,layer2,layer3,layer4,width\nmb3,mb7,mb3,mb3,16\n");
  fails(["predict", "--study", db, "--cells", candidates], /^nas-assay: \S+candidates\.csv: line 2: .*mb7/);
});

test("tell into a study made with --scale percent warns of a fraction kept among its percents, and --replace mends it", () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "p.db");
  const archs = tinySpace().sample(new Rng(12), 8);
  writeFileSync(join(dir, "trained.csv"), tinyResults(archs.slice(0, 6), "val_acc", 100));
  const made = run([...importArgs(spec, db, join(dir, "trained.csv")), "--scale", "percent"]);
  assert.equal(made.code, 0, made.err);
  assert.equal(made.err, "", "percents alone: no warning");
  const arch = JSON.stringify(tinySpace().jsonOf(archs[6]));
  const slip = run(["tell", "--study", db, "--arch", arch, "--value", "0.871"]);
  assert.equal(slip.code, 0, "kept: the scale was declared percent");
  assert.match(slip.out, /^told 1 result to /);
  assert.match(
    slip.err,
    /^nas-assay: warning: --arch \{.*\}: val_acc 0\.871 is kept as 0\.871 % \(this study's scale is percent\), far below this study's values \(8\d(\.\d+)?–\d+(\.\d+)? %\); if it is 87\.1 %, tell 87\.1 for that architecture with --replace \(or \{ replace: true \}\)\n$/,
  );
  const mended = run(["tell", "--study", db, "--arch", arch, "--value", "87.1", "--replace", "--json"]);
  assert.equal(mended.code, 0, mended.err);
  assert.equal(mended.err, "");
  assert.deepEqual(
    JSON.parse(mended.out).replaced.map((r: { was: number; now: number }) => [r.was, r.now]),
    [[0.871, 87.1]],
  );
  // --json carries the warning too, as study create's
  const other = JSON.stringify(tinySpace().jsonOf(archs[7]));
  const json = run(["tell", "--study", db, "--arch", other, "--value", "0.85", "--json"]);
  assert.equal(json.code, 0, json.err);
  assert.equal(JSON.parse(json.out).warnings.length, 1);
  assert.match(JSON.parse(json.out).warnings[0], /val_acc 0\.85 is kept as 0\.85 %/);
  // an import of many such rows lists five and counts the rest (29 lines for 29 rows: tester A)
  const lines = tinyResults(tinySpace().sample(new Rng(13), 10), "val_acc", 100)
    .trim()
    .split("\n");
  const mixed = lines.map((line, k) => (k < 3 ? line : line.replace(/,[0-9.]+$/, `,${0.85 + k / 1000}`)));
  writeFileSync(join(dir, "mixed.csv"), `${mixed.join("\n")}\n`);
  const imported = run([
    ...importArgs(spec, join(dir, "m.db"), join(dir, "mixed.csv")),
    "--scale",
    "percent",
  ]);
  assert.equal(imported.code, 0, imported.err);
  const said = imported.err.trim().split("\n");
  assert.equal(said.length, 6, imported.err);
  assert.ok(
    said
      .slice(0, 5)
      .every((line) => /^nas-assay: warning: \S*mixed\.csv line \d+: val_acc 0\.85\d* is kept as/.test(line)),
  );
  assert.equal(said[5], "nas-assay: warning: and 3 more like them (--json lists every one under warnings)");
  const listed = run([
    ...importArgs(spec, join(dir, "m2.db"), join(dir, "mixed.csv")),
    "--scale",
    "percent",
    "--json",
  ]);
  assert.equal(JSON.parse(listed.out).warnings.length, 8);
});
