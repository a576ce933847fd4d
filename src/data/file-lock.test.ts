import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { UserError } from "../errors.js";
import { lockPathOf, withFileLock } from "./file-lock.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-lock-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process that has exited (a child run to completion). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
    encoding: "utf8",
  });
  return Number(r.stdout);
}

test("the lock is held while the critical section runs and released after, also on a throw", () => {
  const path = join(dir, "a.json");
  const value = withFileLock(path, () => {
    assert.equal(existsSync(lockPathOf(path)), true);
    return 42;
  });
  assert.equal(value, 42);
  assert.equal(existsSync(lockPathOf(path)), false);
  assert.throws(
    () =>
      withFileLock(path, () => {
        throw new Error("boom");
      }),
    /boom/,
  );
  assert.equal(existsSync(lockPathOf(path)), false);
});

test("a lock left by a dead process is taken over; one held by a live process makes a waiter time out", () => {
  const path = join(dir, "b.json");
  writeFileSync(lockPathOf(path), `${deadPid()}\n`);
  assert.equal(
    withFileLock(path, () => "ran"),
    "ran",
  );
  writeFileSync(lockPathOf(path), `${process.pid}\n`); // alive: this very process
  const started = Date.now();
  assert.throws(
    () => withFileLock(path, () => "ran", 200),
    (e: Error) => e instanceof UserError && /b\.json\.lock has been held by process \d+/.test(e.message),
  );
  assert.ok(Date.now() - started >= 200);
  assert.equal(existsSync(lockPathOf(path)), true, "a live owner's lock is left alone");
});

test("a lock in a folder that does not exist is a one-line error", () => {
  assert.throws(
    () => withFileLock(join(dir, "missing", "c.json"), () => 0),
    (e: Error) => e instanceof UserError && /cannot create the lock file/.test(e.message),
  );
});
