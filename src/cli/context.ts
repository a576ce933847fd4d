/** What every command shares: global flags, loading the space, printing results and notes. */
import type { Command } from "commander";
import { type DataDir, dataDir } from "../data/locations.js";
import { Nb101Space } from "../spaces/nb101/space.js";

export interface GlobalOptions {
  data?: string;
  json?: boolean;
}

/** The global flags as seen from a sub-command. */
export function globals(command: Command): GlobalOptions & { dataDir: DataDir } {
  const opts = command.optsWithGlobals<GlobalOptions>();
  return { ...opts, dataDir: dataDir(opts.data) };
}

/** A note for people (stderr); silent under --json so machines read clean output. */
export function note(options: GlobalOptions, text: string): void {
  if (!options.json) process.stderr.write(`${text}\n`);
}

/** Loads the NAS-Bench-101 space, telling the user when it has to be enumerated. */
export function loadNb101(options: GlobalOptions): Promise<Nb101Space> {
  return Nb101Space.load({ onNote: (text) => note(options, text) });
}

/** Prints a result: JSON under --json, else the text form. */
export function print(options: GlobalOptions, value: unknown, text: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}
