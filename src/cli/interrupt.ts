/**
 * One line on stderr when a long command is interrupted (Ctrl-C, kill, a closed terminal): what it
 * kept and how to go on, instead of the shell's bare "^C".
 */

/** The signals that end a command the user or the system stopped. */
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Until the returned function is called, SIGINT, SIGTERM or SIGHUP writes `nas-assay: interrupted:
 * <what()>` on stderr and ends the process as that signal would have (status 128 + its number), the
 * other listeners (removeOnInterrupt's temporary folders) having run. `what` is called then, so it
 * can count what was saved by that time.
 */
export function sayOnInterrupt(what: () => string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    try {
      process.stderr.write(`\nnas-assay: interrupted: ${what()}\n`);
    } catch {
      // stderr is gone: nowhere to say it
    }
    // the signal's default action ends the process, with its status, once no listener of ours is left
    setImmediate(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
  const dispose = () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return dispose;
}
