/** Writing files so that a crash or an error never leaves a half-written one behind. */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";

/**
 * Writes `data` to a temporary file beside `path`, then renames it into place. The temporary name is
 * unique to the call, so several processes or threads may write the same path at once (the last
 * rename wins; a reader never sees a partial file).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
