/** Writing files so that a crash or an error never leaves a half-written one behind. */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { UserError } from "../errors.js";

/**
 * Writes `data` to a temporary file beside `path`, then renames it into place. The temporary name is
 * unique to the call, so several processes or threads may write the same path at once (the last
 * rename wins; a reader never sees a partial file). When the system refuses (the folder is missing or
 * read-only, the disk is full, `path` is a folder), nothing is left behind and the error is a
 * UserError naming `path` and the system's reason, one line.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the temporary file could not be made either (e.g. a file on the way): nothing to remove
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new UserError(`cannot write ${path}: ${code} (${systemReason(e as Error)})`);
    throw e;
  }
}

/** The system's reason without Node's "CODE: " prefix and its ", syscall 'path'" suffix. */
function systemReason(e: Error): string {
  return e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
}
