/** Writing files so that a crash or an error never leaves a half-written one behind. */
import { randomBytes } from "node:crypto";
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";
import { isProcessAlive } from "./process-alive.js";

/**
 * Writes `data` to a temporary file beside `path`, flushes it to the disk (fsync), then renames it into place. The temporary name is
 * unique to the call, so several processes or threads may write the same path at once (the last
 * rename wins; a reader never sees a partial file). When the system refuses (the folder is missing or
 * read-only, the disk is full, `path` is a folder), nothing is left behind and the error is a
 * UserError naming `path` and the system's reason, one line.
 * A symbolic link is written through (its target is replaced; the link stays). A device, pipe or socket
 * at `path` (e.g. /dev/null) is refused with a UserError before anything is written: the rename would
 * replace it with a plain file (for root, /dev/null itself).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = writeTarget(path);
  // a file being replaced keeps its permissions (a private 600 file became 644 through the rename), and
  // one we may not write is refused: the rename needs only the folder's permission, not the file's
  const mode = existingMode(target);
  const readOnly = readOnlyReason(target);
  if (readOnly) throw new UserError(`cannot write ${path}: ${readOnly}`);
  const tmp = `${target}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    // flushed to the disk before the rename: after a power cut a renamed file could be empty (the
    // rename reached the disk, the data not yet), and it replaced the whole previous copy
    const fd = openSync(tmp, "w");
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (e) {
    let left = "";
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the temporary file could not be made either (e.g. a file on the way): nothing to remove; or it
      // was and an append-only folder keeps it (tester V): said, not left unsaid
      if (existsSync(tmp))
        left = `; the temporary file ${basename(tmp)} stays there, the folder refusing its removal`;
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`cannot write ${path}: ${code} (${systemReason(e as Error)})${left}`);
    throw e;
  }
}

/**
 * Why the regular file at `target` cannot be written over, when this user may not write it ("the file
 * is read-only for this user; …"), else undefined (no file there, or a writable one). The rename of a
 * write needs only the folder's permission, not the file's: this is what refuses a read-only file.
 */
export function readOnlyReason(target: string): string | undefined {
  if (existingMode(target) === undefined) return undefined;
  const refusal = writeRefusal(target);
  return refusal === undefined ? undefined : refusalReason(refusal);
}

/**
 * readOnlyReason's words for access(2)'s refusal `code` (see writeRefusal). Apart so that a test can
 * check the immutable case where `chattr` is not to be had (tmpfs before Linux 6.0, a non-root run).
 */
export function refusalReason(code: string): string {
  if (code === "EPERM") return `the file ${IMMUTABLE}, or choose another path`;
  return "the file is read-only for this user; make it writable (chmod u+w) or choose another path";
}

/**
 * Why this process may not write `path`, as access(2) says it: "EROFS" (a read-only file system),
 * "EPERM" (the file's immutable or append-only attribute, which binds root too), "EACCES" (permission
 * bits), …; undefined when it may (root always may, bar those two).
 */
export function writeRefusal(path: string): string | undefined {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? "EACCES";
  }
  // access(2) passes an append-only file (chattr +a), which refuses every write but appending, and
  // its replacement; opening it for writing (without truncating: nothing changes) tells (tester U)
  try {
    if (statSync(path).isFile()) closeSync(openSync(path, "r+"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EPERM" || code === "EACCES" || code === "EROFS") return code;
  }
  return undefined;
}

/**
 * What a file that access(2) refuses with EPERM is, and the fix, after "the file ": chmod does not lift
 * the attribute (found by tester R, whose `chattr +i` study was said to want `chmod u+w`).
 */
export const IMMUTABLE =
  "is marked immutable or append-only (chattr +i or +a; lsattr shows an i or an a), which no chmod lifts: " +
  "clear the mark (chattr -i -a, as root)";

/** The permission bits of the regular file at `target`, or undefined when there is none. */
function existingMode(target: string): number | undefined {
  try {
    const stat = statSync(target);
    return stat.isFile() ? stat.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the temporary files that writeFileAtomic calls killed outright (kill -9, power loss) left
 * beside `path` (PATH.PID-HEX.tmp whose process is gone); those of live processes are left alone. For
 * folders of this machine only (the cache): a process id says nothing about another machine's writes
 * into a shared folder.
 */
export function removeStaleWrites(path: string): void {
  const name = basename(path);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return; // no folder yet: nothing left in it
  }
  for (const entry of names) {
    if (!entry.startsWith(`${name}.`)) continue;
    const pid = Number(/^\.(\d+)-[0-9a-f]{8}\.tmp$/.exec(entry.slice(name.length))?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid))
      rmSync(join(dirname(path), entry), { force: true });
  }
}

/**
 * The path a write to `path` replaces: `path` itself when nothing is there (or it cannot be looked at:
 * the write then fails with the system's reason), else where its symbolic links lead. Throws UserError
 * when that is neither a regular file nor a folder (a folder fails at the rename, as before).
 */
export function writeTarget(path: string): string {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return path; // missing (a new file), or a dangling link or an unreadable folder on the way
  }
  const stat = statSync(target);
  if (!stat.isFile() && !stat.isDirectory()) {
    const what =
      stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : stat.isFIFO() ? "a pipe" : "a socket";
    throw new UserError(
      `cannot write ${path}: it is ${what}, not a file (nas-assay writes a new file and renames it into place, which would replace it); give the name of a regular file`,
    );
  }
  return target;
}

/** The system's reason without Node's "CODE: " prefix and its ", syscall 'path'" suffix. */
function systemReason(e: Error): string {
  // a file-size limit: the system's "file too large" did not say which limit, nor the fix (tester U)
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EFBIG")
    return "larger than this process may write: a file-size limit (ulimit -f); raise it (ulimit -f unlimited) and run the command again";
  // as bare as EFBIG was (tester V)
  if (code === "ENOSPC") return "no space left on the disk; free some space and run the command again";
  if (code === "EPERM")
    return "operation not permitted: an immutable or append-only file or folder (chattr +i or +a; lsattr shows it)? clear the mark (chattr -i -a, as root) or choose another path";
  return e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
}
