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

test("ask whose output is lost (a closed pipe) exits 1 and says its architectures are pending", async () => {
  const { dir, spec } = tinyDir();
  const db = join(dir, "lost.db");
  writeFileSync(join(dir, "trained.csv"), tinyResults(tinySpace().sample(new Rng(2), 12)));
  const made = spawnSync(
    process.execPath,
    [
      MAIN,
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
    ],
    { encoding: "utf8" },
  );
  assert.equal(made.status, 0, made.stderr);
  const r = await withClosedPipe(["ask", "--study", db, "-n", "3", "--json"], "stdout");
  assert.equal(r.code, 1, r.said);
  assert.match(
    r.said,
    /^nas-assay: cannot write the output: EPIPE .*; the 3 architectures asked are pending in .*lost\.db, handed out again once pending longer than --pending-timeout/,
  );
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
  } finally {
    closeSync(full);
  }
});
