/** Progress bars on a terminal only (never under --json or when stderr is redirected). */
import cliProgress from "cli-progress";
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
