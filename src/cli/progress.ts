/** Progress bars on a terminal only (never under --json or when stderr is redirected). */
import cliProgress from "cli-progress";
import { UserError } from "../errors.js";
import type { GlobalOptions } from "./context.js";

export interface Progress {
  update(value: number, total: number): void;
  stop(): void;
}

/** A bar on stderr, or undefined when no bar should be shown. */
export function progressBar(options: GlobalOptions, label: string, unit: string): Progress | undefined {
  if (options.json || !process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} ${unit} eta {eta_formatted}`,
      stream: process.stderr,
      formatValue: (v, _o, type) =>
        type === "value" || type === "total" ? String(Math.round(v)) : String(v),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0);
  return {
    update(value, total) {
      bar.setTotal(total);
      bar.update(value);
    },
    stop: () => bar.stop(),
  };
}

/**
 * Runs a long job with a bar (on a terminal) given its progress as (done, total); the bar stops
 * whatever happens, and a RangeError from the job (a value out of range) is the user's error.
 */
export async function withProgress<T>(
  options: GlobalOptions,
  label: string,
  unit: string,
  run: (update: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const bar = progressBar(options, label, unit);
  try {
    return await run((done, total) => bar?.update(done, total));
  } catch (e) {
    if (e instanceof RangeError) throw new UserError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }
}
