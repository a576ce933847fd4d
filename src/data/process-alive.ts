/** Whether a process id names a live process: how leftovers of a killed nas-assay are told apart. */

/**
 * True when a process with id `pid` exists on this machine (it may belong to another user); false when
 * none does. Ids are reused, so a live process may be another program: callers treat that as alive,
 * which only ever keeps a leftover, never removes one in use.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, but belongs to someone else
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
