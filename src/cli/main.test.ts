import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Rng } from "../random.js";
import { REPO_ROOT } from "../testing/fixtures.js";
import { tinyDir, tinyResults, tinySpace } from "../testing/study-fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");

/** Runs the CLI with its stdout or stderr a pipe whose reading end is closed at once (`| head -0`). */
function withClosedPipe(args: string[], closed: "stdout" | "stderr") {
  const p = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  p[closed].destroy();
  let said = "";
  (closed === "stdout" ? p.stderr : p.stdout).on("data", (d) => {
    said += d;
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; said: string }>((resolve) =>
    p.on("close", (code, signal) => resolve({ code, signal, said })),
  );
}

test("a reader that closes the pipe early (paper --help | head -1) ends the command quietly, status 0", async () => {
  for (const args of [["paper", "--help"], ["--help"], ["space", "nb101"]]) {
    const r = await withClosedPipe(args, "stdout");
    assert.deepEqual(r, { code: 0, signal: null, said: "" }, args.join(" "));
  }
});

test("ask, tell and study create whose output is lost (a closed pipe) exit 1 and say what became of their work", async () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "lost.db");
  const archs = tinySpace().sample(new Rng(2), 13);
  writeFileSync(join(dir, "trained.csv"), tinyResults(archs.slice(0, 12)));
  const create = ["study", "create", "--space", spec, "--study", db, "--target", "val_acc"];
  const made = await withClosedPipe([...create, "--import", join(dir, "trained.csv")], "stdout");
  assert.equal(made.code, 1, made.said);
  assert.match(
    made.said,
    /; the study was made all the same \(\S*lost\.db, 12 results imported\): use it, or remove it to make it again\n$/,
  );
  const asked = await withClosedPipe(["ask", "--study", db, "-n", "3", "--json"], "stdout");
  assert.equal(asked.code, 1, asked.said);
  // nobody saw them: handed back, not left pending for a day
  assert.match(
    asked.said,
    /^nas-assay: cannot write the output: EPIPE \(broken pipe\); the 3 architectures asked were handed back to \S*lost\.db \(not pending\): ask again\n$/,
  );
  const shown = spawnSync(process.execPath, [MAIN, "study", "show", "--study", db, "--json"], {
    encoding: "utf8",
  });
  assert.equal(JSON.parse(shown.stdout).pending, 0, shown.stderr);
  writeFileSync(join(dir, "one.csv"), tinyResults(archs.slice(12)));
  const told = await withClosedPipe(["tell", "--study", db, "--file", join(dir, "one.csv")], "stdout");
  assert.equal(told.code, 1, told.said);
  assert.match(told.said, /; the results were recorded all the same \(1 written to \S*lost\.db\)/);
});

test("a closed stderr keeps the status of the failure it was reporting", async () => {
  const r = await withClosedPipe(["cell", "--space", "nb301"], "stderr");
  assert.deepEqual(r, { code: 1, signal: null, said: "" });
});

test("output to a full disk (> /dev/full) is one line and status 1, not a stack trace", {
  skip: !existsSync("/dev/full") && "no /dev/full here",
}, () => {
  const full = openSync("/dev/full", "w");
  try {
    for (const args of [["--help"], ["space", "nb201", "--json"]]) {
      const r = spawnSync(process.execPath, [MAIN, ...args], {
        stdio: ["ignore", full, "pipe"],
        encoding: "utf8",
      });
      assert.equal(r.status, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(
        r.stderr,
        "nas-assay: cannot write the output: ENOSPC (no space left on device)\n",
        args.join(" "),
      );
    }
    // ask's architectures, never seen, are handed back: the next ask may suggest them at once
    const { dir, spec } = tinyDir();
    const db = join(dir, "full.db");
    const run = (args: string[], stdout: "pipe" | number = "pipe") =>
      spawnSync(process.execPath, [MAIN, ...args, "--study", db], {
        stdio: ["ignore", stdout, "pipe"],
        encoding: "utf8",
      });
    assert.equal(run(["study", "create", "--space", spec, "--target", "val_acc"]).status, 0);
    const asked = run(["ask", "-n", "2"], full);
    assert.equal(asked.status, 1);
    assert.equal(
      asked.stderr,
      `nas-assay: cannot write the output: ENOSPC (no space left on device); the 2 architectures asked were handed back to ${db} (not pending): ask again\n`,
    );
    assert.equal(JSON.parse(run(["study", "show", "--json"]).stdout).pending, 0);
  } finally {
    closeSync(full);
  }
});

test("a bad NAS_ASSAY_THREADS is one line and status 1 before any work; a good one runs", () => {
  for (const value of ["two", "0", " 2", "1.5"]) {
    const r = spawnSync(process.execPath, [MAIN, "space", "nb201", "--json"], {
      encoding: "utf8",
      env: { ...process.env, NAS_ASSAY_THREADS: value },
    });
    assert.equal(r.status, 1, value);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      `nas-assay: NAS_ASSAY_THREADS must be a positive integer (the threads a process may use; 1 or 2 matter), got ${JSON.stringify(value)}\n`,
    );
  }
  const ok = spawnSync(process.execPath, [MAIN, "space", "nb201", "--json"], {
    encoding: "utf8",
    env: { ...process.env, NAS_ASSAY_THREADS: "1" },
  });
  assert.equal(ok.status, 0, ok.stderr);
});

test("a command out of open files (ulimit -n, from 64 down until it runs out: simulate's worker threads or the command's own modules) says so in one line, status 1", {
  skip: process.platform !== "linux",
}, () => {
  const { dir, spec } = tinyDir();
  writeFileSync(join(dir, "t.csv"), tinyResults(tinySpace().sample(new Rng(4), 40)));
  const args = ["simulate", "--space", spec, "--table", join(dir, "t.csv"), "--target", "val_acc"];
  const run = (limit: number) =>
    spawnSync(
      "sh",
      [
        "-c",
        `ulimit -n ${limit} && exec "$@"`,
        "sh",
        process.execPath,
        MAIN,
        ...args,
        "--budget",
        "20",
        "--seeds",
        "0-1",
        "--jobs",
        "2",
      ],
      { encoding: "utf8", timeout: 60_000 },
    );
  // How many files a run holds open at once depends on the machine (CI's ran --jobs 2 under 64): the
  // limit comes down until a run fails; 24 is a few above what Node itself needs to start (18 here),
  // and below what the command's ~150 modules need, which main.ts imports inside its error handling.
  for (const limit of [64, 48, 40, 32, 28, 24]) {
    const r = run(limit);
    if (r.status === 0) continue;
    // it was "internal error: Error: EMFILE: too many open files, open '…/pending.js'" and a stack trace, status 2
    assert.equal(r.status, 1, `${limit}: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(
        `^nas-assay: too many open files: .*\\(${limit}, ulimit -n\\).*; raise the limit \\(ulimit -n 1024\\) or run fewer jobs at once, and run again\n$`,
      ),
    );
    return;
  }
  assert.fail(
    "simulate ran to the end under every limit down to ulimit -n 24: nothing was out of open files",
  );
});

test("a command that cannot open its own modules (ulimit -n 24: Node itself starts at 18) says so in one line, status 1", {
  skip: process.platform !== "linux",
}, () => {
  const r = spawnSync(
    "sh",
    ["-c", 'ulimit -n 24 && exec "$@"', "sh", process.execPath, MAIN, "space", "nb201", "--json"],
    {
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  // it was Node's own "Error: EMFILE: too many open files, open '…'" and a stack trace: the modules
  // were imported before main.ts's error handling ran
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^nas-assay: too many open files: .*\(24, ulimit -n\) opening [^\n]*\.js; raise the limit \(ulimit -n 1024\)[^\n]*\n$/,
  );
});

test("--version loads no command: it ran out of open files under ulimit -n 64, where every command runs (tester Z)", {
  skip: process.platform !== "linux",
}, () => {
  const r = spawnSync("sh", ["-c", 'ulimit -n 40 && exec "$@"', "sh", process.execPath, MAIN, "--version"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});
