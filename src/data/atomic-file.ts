/** Writing files so that a crash or an error never leaves a half-written one behind. */
import { renameSync, rmSync, writeFileSync } from "node:fs";

/** Writes `data` to a temporary file beside `path`, then renames it into place. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
