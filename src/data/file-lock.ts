/**
 * A lock beside a file, so that processes updating the same file one after another (read, merge,
 * write) never lose each other's changes: PATH.lock is created exclusively (O_EXCL) and holds the
 * owner's process id; a lock whose owner is dead (killed while holding it) is taken over.
 *
 * The lock is meant for short, synchronous critical sections (milliseconds): waiting blocks the thread.
 * It works between processes of one machine on a local file system (process ids are per machine).
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { UserError } from "../errors.js";
import { isProcessAlive } from "./process-alive.js";

/** How long a lock may stay held by a live process before waiting gives up (ms). */
export const LOCK_TIMEOUT_MS = 30_000;
/** A lock file without a process id (its owner died between creating and writing it) is stale after this (ms). */
const UNWRITTEN_STALE_MS = 2_000;
const POLL_MS = 10;

/** The lock file of `path`. */
export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

/**
 * Runs `critical` while holding the lock of `path` and returns its result; the lock is released
 * afterwards, also when `critical` throws. Throws UserError when the lock stays held by a live process
 * for `timeoutMs` (naming the lock file and its owner), or when the lock file cannot be created.
 */
export function withFileLock<T>(path: string, critical: () => T, timeoutMs = LOCK_TIMEOUT_MS): T {
  const lock = lockPathOf(path);
  acquire(lock, timeoutMs);
  try {
    return critical();
  } finally {
    rmSync(lock, { force: true });
  }
}

function acquire(lock: string, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let fd: number;
    try {
      fd = openSync(lock, "wx");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST")
        throw new UserError(`cannot create the lock file ${lock}: ${(e as Error).message}`);
      const owner = ownerOf(lock);
      if (owner === "stale") {
        if (!removeStale(lock)) Atomics.wait(pause, 0, 0, 1);
        continue;
      }
      if (Date.now() > deadline)
        throw new UserError(
          `${lock} has been held by process ${owner} for over ${Math.round(timeoutMs / 1000)} s; ` +
            "if that process is not nas-assay, delete the file",
        );
      Atomics.wait(pause, 0, 0, POLL_MS);
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return;
  }
}

/**
 * Removes a lock whose owner is dead; false when another waiter is doing so. Two waiters may find the same stale lock; so that the second does
 * not remove the lock the first has just created, removal happens under LOCK.takeover (exclusive too),
 * after checking again that the lock is still the stale one.
 */
function removeStale(lock: string): boolean {
  const takeover = `${lock}.takeover`;
  let fd: number;
  try {
    fd = openSync(takeover, "wx");
  } catch {
    // another waiter is taking it over; a takeover file left by a process killed mid-takeover expires
    try {
      if (Date.now() - statSync(takeover).mtimeMs > UNWRITTEN_STALE_MS) rmSync(takeover, { force: true });
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    if (ownerOf(lock) === "stale") rmSync(lock, { force: true });
  } finally {
    closeSync(fd);
    rmSync(takeover, { force: true });
  }
  return true;
}

/** The owner's pid of an existing lock, "stale" when its owner is dead, or "unknown" while unreadable. */
function ownerOf(lock: string): number | "stale" | "unknown" {
  let text: string;
  let age: number;
  try {
    text = readFileSync(lock, "utf8");
    age = Date.now() - statSync(lock).mtimeMs;
  } catch {
    return "unknown"; // released meanwhile
  }
  const pid = Number(text.trim());
  if (text.trim() === "" || !Number.isInteger(pid)) return age > UNWRITTEN_STALE_MS ? "stale" : "unknown";
  return isProcessAlive(pid) ? pid : "stale";
}
