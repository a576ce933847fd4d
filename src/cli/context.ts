/** What every command shares: global flags, loading the space, printing results and notes. */
import type { Command } from "commander";
import { type DataDir, dataDir } from "../data/locations.js";
import { UserError } from "../errors.js";
import { Nb101Space } from "../spaces/nb101/space.js";
import { directionWarning } from "../study/tell-rules.js";

export interface GlobalOptions {
  data?: string;
  json?: boolean;
}

/**
 * The global flags as seen from a sub-command; `dataDir` is resolved when first read (the shipped copy
 * is decoded into the cache then: `space nb101`, which reads none, failed on an unwritable cache).
 */
export function globals(command: Command): GlobalOptions & { readonly dataDir: DataDir } {
  const opts = command.optsWithGlobals<GlobalOptions>();
  let resolved: DataDir | undefined;
  return {
    ...opts,
    get dataDir() {
      resolved ??= dataDir(opts.data);
      return resolved;
    },
  };
}

/**
 * The global flags of a command that reads no benchmark data (a study holds its own space; a table
 * or results file is named by its own flag). `--data` there would do nothing, and a flag that is
 * silently ignored reads as if it worked, so it is refused.
 * @throws UserError when `--data` was given on the command line ($NAS_ASSAY_DATA is a setting of the
 *   environment, not of this command, and is not refused).
 */
export function globalsWithoutData(
  command: Command,
  why = "this command reads its space from the study or spec file",
): GlobalOptions {
  const opts = command.optsWithGlobals<GlobalOptions>();
  if (opts.data !== undefined) {
    const path: string[] = [];
    for (let c: Command | null = command; c?.parent; c = c.parent) path.unshift(c.name());
    throw new UserError(
      `--data is not read by \`nas-assay ${path.join(" ")}\` (it names benchmark data for the built-in spaces; ` +
        `${why}): drop it`,
    );
  }
  return opts;
}

/**
 * The global flags of a command that needs a built-in space but none of its labels: NAS-Bench-201's
 * cells are read from the data directory, NAS-Bench-101's are enumerated, so there `--data` would
 * be ignored and is refused (globalsWithoutData).
 * @throws UserError when `--data` was given and `space` is nb101.
 */
export function globalsForSpace(command: Command, space: string): GlobalOptions & { dataDir: DataDir } {
  if (space === "nb101")
    globalsWithoutData(
      command,
      "the NAS-Bench-101 space is enumerated, not read from it, and this command reads no benchmark labels",
    );
  return globals(command);
}

/** A note for people (stderr); silent under --json so machines read clean output. */
export function note(options: GlobalOptions, text: string): void {
  if (!options.json) process.stderr.write(`${text}\n`);
}

/**
 * One warning line on stderr (under --json too: stdout stays the JSON) when the direction looks like a
 * forgotten flag: an error rate or a loss maximized, an accuracy minimized (tell-rules.ts directionWarning).
 */
export function warnOfDirection(target: string, direction: "maximize" | "minimize"): void {
  const warning = directionWarning(target, direction);
  if (warning) warn(warning);
}

/** Says `warning` on stderr, as "nas-assay: warning: …". */
export function warn(warning: string): void {
  process.stderr.write(`nas-assay: warning: ${warning}\n`);
}

/** How many of a command's warnings of one kind stderr lists before counting the rest. */
const WARNINGS_LISTED = 5;

/**
 * Says `warnings` on stderr, the first WARNINGS_LISTED of them and then how many more (a file of 29
 * slipped rows printed 29 long lines: tester A); --json lists them all.
 */
export function warnAll(warnings: readonly string[]): void {
  for (const warning of warnings.slice(0, WARNINGS_LISTED)) warn(warning);
  const more = warnings.length - WARNINGS_LISTED;
  if (more > 0)
    warn(`and ${more} more like ${more === 1 ? "it" : "them"} (--json lists every one under warnings)`);
}

/** Loads the NAS-Bench-101 space, telling the user when it has to be enumerated. */
export function loadNb101(options: GlobalOptions): Promise<Nb101Space> {
  return Nb101Space.load({ onNote: (text) => note(options, text) });
}

let lostOutput: string | undefined;

/**
 * What the user must know should the command's output not reach them (a reader that closed the pipe,
 * a full disk): `ask` has reserved the architectures it prints, `tell` and `study create` have written.
 * main.ts says it, and exits 1.
 */
export function sayIfOutputLost(note: string): void {
  lostOutput = note;
}

/** The note set by sayIfOutputLost, if any. */
export function outputLossNote(): string | undefined {
  return lostOutput;
}

/** Prints a result: JSON under --json, else the text form. */
export function print(options: GlobalOptions, value: unknown, text: () => string): void {
  process.stdout.write(resultLine(options, value, text));
}

/** A result as printed: its JSON under --json, else the text form; one line end. */
function resultLine(options: GlobalOptions, value: unknown, text: () => string): string {
  return options.json ? `${JSON.stringify(value)}\n` : `${text()}\n`;
}

let outputErrorsHandled = false;

/** True once a command handles the failures of its output itself (printDelivered): main.ts leaves them. */
export function outputErrorsHandledByCommand(): boolean {
  return outputErrorsHandled;
}

/**
 * Prints a result as print() does, and resolves once stdout has taken it (a pipe: handed to the
 * reader's side; a file: written), or rejects with the write's error (a reader that closed the pipe:
 * EPIPE; a full disk: ENOSPC), for a command that can undo what it did when its output is lost (`ask`
 * hands back the architectures it reserved). From the first call, main.ts's handler of stdout errors
 * leaves them to the command: the stream's 'error' event may come before or after this write's callback.
 */
export async function printDelivered(
  options: GlobalOptions,
  value: unknown,
  text: () => string,
): Promise<void> {
  outputErrorsHandled = true;
  const line = resultLine(options, value, text);
  await new Promise<void>((resolve, reject) => {
    try {
      process.stdout.write(line, (error) => (error ? reject(error) : resolve()));
    } catch (error) {
      reject(error);
    }
  });
}

/** "cannot write the output: EPIPE (broken pipe)": what went wrong with a write to stdout, on one line. */
export function outputErrorText(error: NodeJS.ErrnoException): string {
  // a synchronous write's message is "ENOSPC: no space left on device, write", a pipe's "write EPIPE"
  const reason =
    error.code === "EPIPE" ? "broken pipe" : error.message.replace(/^[A-Z]+: /, "").replace(/, \w+$/, "");
  return `cannot write the output: ${error.code ?? "error"} (${reason})`;
}
