/** Progress bars on a terminal only (never under --json or when stderr is redirected). */
import cliProgress from "cli-progress";
import { UserError } from "../errors.js";
import type { GlobalOptions } from "./context.js";

export interface Progress {
  /** Moves the bar; `stage`, when given, is shown after the label. */
  update(value: number, total: number, stage?: string): void;
  stop(): void;
}

/** A bar on stderr, or undefined when no bar should be shown. */
export function progressBar(options: GlobalOptions, label: string, unit: string): Progress | undefined {
  if (options.json || !process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      format: `${label}{stage} [{bar}] {percentage}% {value}/{total} ${unit} eta {eta_formatted}`,
      stream: process.stderr,
      // leave the terminal's line wrapping alone (true: lines are cut to its width instead); false, the
      // default, turns it off while a bar runs and back on at stop(), which a Ctrl-C never reaches
      linewrap: true,
      formatValue: (v, _o, type) =>
        type === "value" || type === "total" ? String(Math.round(v)) : String(v),
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { stage: "" });
  return {
    update(value, total, stage) {
      bar.setTotal(total);
      bar.update(value, stage === undefined ? {} : { stage: `: ${stage}` });
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
  run: (update: (done: number, total: number, stage?: string) => void) => Promise<T>,
): Promise<T> {
  const bar = progressBar(options, label, unit);
  try {
    return await run((done, total, stage) => bar?.update(done, total, stage));
  } catch (e) {
    if (e instanceof RangeError) throw new UserError(e.message);
    throw e;
  } finally {
    bar?.stop();
  }
}

/**
 * Runs a job made of whole units (runs) with a bar on a terminal; elsewhere (a log, a cluster's job
 * output) one line on stderr each time another unit is done, so a sweep that waits hours for a queue's
 * workers still shows where it is (nothing under --json).
 */
export async function withCounted<T>(
  options: GlobalOptions,
  label: string,
  unit: string,
  run: (update: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  const lines = !options.json && !process.stderr.isTTY;
  let shown = -1;
  return withProgress(options, label, unit, (update) =>
    run((done, total) => {
      const whole = Math.floor(done + 1e-9);
      if (lines && whole !== shown && total > 0)
        process.stderr.write(`${label}: ${whole} of ${total} ${unit} done\n`);
      shown = whole;
      update(done, total);
    }),
  );
}

/**
 * Runs a job made of named stages with its progress as (stage, share of the whole job done): on a
 * terminal one bar naming the stage; elsewhere one line per stage on stderr, so a log still shows
 * where a long run is (nothing under --json).
 */
export async function withStages<S extends string, T>(
  options: GlobalOptions,
  label: string,
  describe: (stage: S) => string,
  run: (update: (stage: S, done: number) => void) => Promise<T>,
): Promise<T> {
  let current: S | undefined;
  const lines = !options.json && !process.stderr.isTTY;
  return withProgress(options, label, "%", (update) =>
    run((stage, done) => {
      if (stage !== current && lines) process.stderr.write(`${label}: ${describe(stage)}\n`);
      current = stage;
      update(Math.round(done * 100), 100, describe(stage));
    }),
  );
}
