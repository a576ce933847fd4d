/**
 * One line on stderr when a long command is interrupted (Ctrl-C, kill, a closed terminal): what it
 * kept and how to go on, instead of the shell's bare "^C".
 */
import { onInterrupt } from "../interrupt.js";

/**
 * Until the returned function is called, SIGINT, SIGTERM or SIGHUP writes `nas-assay: interrupted:
 * <what()>` on stderr and ends the process as that signal would have (onInterrupt; removeOnInterrupt's
 * temporary folders go too). `what` is called then, so it can count what was saved by that time.
 */
export function sayOnInterrupt(what: () => string): () => void {
  return onInterrupt(() => {
    try {
      process.stderr.write(`\nnas-assay: interrupted: ${what()}\n`);
    } catch {
      // stderr is gone: nowhere to say it
    }
  });
}
