/**
 * Temporary folders that a command fills before moving them into place, named PREFIX-PID beside the
 * final output: removed when the command fails or is interrupted (Ctrl-C, kill), and, when a process
 * was killed outright (SIGKILL, power loss), removed by the next command that finds them with their
 * process gone.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { onInterrupt } from "../interrupt.js";
import { isProcessAlive } from "./process-alive.js";

/** The temporary folder of this process: `parent`/`prefix`-PID. */
export function tempDirOf(parent: string, prefix: string): string {
  return join(parent, `${prefix}-${process.pid}`);
}

/**
 * Entries of `parent` named `prefix`-PID whose process is gone (leftovers of a killed process), as
 * [name, pid]; none when `parent` does not exist. This process's own are never among them.
 */
export function staleEntries(parent: string, prefix: string): [name: string, pid: number][] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d+)$`);
  return names.flatMap((name): [string, number][] => {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || isProcessAlive(pid)) return [];
    return [[name, pid]];
  });
}

/**
 * Removes the `prefix`-PID folders (or files) in `parent` whose process is gone; returns their paths.
 * Those of live processes (another import running now) are left alone.
 */
export function removeStaleTempDirs(parent: string, prefix: string): string[] {
  return staleEntries(parent, prefix).map(([name]) => {
    const path = join(parent, name);
    rmSync(path, { recursive: true, force: true });
    return path;
  });
}

/**
 * Removes `path` (recursively) if the process is interrupted by SIGINT, SIGTERM or SIGHUP, or exits,
 * before the returned function is called; after removing it on a signal, the process ends as that
 * signal would have ended it. Signals are seen between asynchronous steps: long synchronous work in
 * the meantime delays them. Call the returned function once the folder has been moved into place.
 */
export function removeOnInterrupt(path: string): () => void {
  const remove = () => rmSync(path, { recursive: true, force: true });
  const disposeSignals = onInterrupt(remove);
  const dispose = () => {
    disposeSignals();
    process.removeListener("exit", remove);
  };
  process.on("exit", remove);
  return dispose;
}
