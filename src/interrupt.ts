/**
 * What a command does when it is interrupted (Ctrl-C, kill, a closed terminal) before it ends as the
 * signal would: remove a temporary folder (data/temp-dir.ts), say what was kept (cli/interrupt.ts).
 */

/** The signals that end a command the user or the system stopped. */
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Until the returned function is called, the first SIGINT, SIGTERM or SIGHUP runs `action`, and the
 * process then ends as that signal would have (status 128 + its number) once no listener of ours is
 * left: several such actions each run once, and the last to run ends it. Signals are seen between
 * asynchronous steps: long synchronous work delays them.
 */
export function onInterrupt(action: (signal: NodeJS.Signals) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    action(signal);
    // no listener of ours is left: the signal's default action ends the process, with its status
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const dispose = () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return dispose;
}
