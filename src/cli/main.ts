#!/usr/bin/env node
/** The `nas-assay` command line: parses arguments, runs a command, maps errors to exit codes. */
import { oneLineMessage, openFilesExhausted, UserError } from "../errors.js";

// Only errors.js (which needs node:fs alone) is imported before the try below: the rest is imported
// inside it, so that running out of open files while Node reads the command's modules (`ulimit -n 24`:
// some 150 files) is said in one line like any other failure, not as Node's EMFILE stack trace.
let context: typeof import("./context.js") | undefined;

// A reader that stops early (`nas-assay paper --help | head -1`) closes the pipe: stop quietly, as
// command-line tools do, instead of an unhandled 'error' event; with status 0 unless a failure was
// already being reported, or the output held what the user must not miss (what tell and study create
// wrote): then one line saying so, and status 1. `ask` hands back what it reserved and says so itself.
// Any other failure to write the output (a redirect to a full disk: ENOSPC) is one line and status 1,
// not a stack trace; when stderr itself fails there is nowhere to say it.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    // `ask` undoes its reservation and says so itself (printDelivered)
    if (stream === process.stdout && context?.outputErrorsHandledByCommand()) return;
    const lost = stream === process.stdout ? context?.outputLossNote() : undefined;
    if (error.code === "EPIPE" && !lost) process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) {
      try {
        // nothing is written before context.js is loaded; the fallback is for completeness
        const text = context?.outputErrorText(error) ?? `cannot write the output: ${error.code}`;
        process.stderr.write(`nas-assay: ${text}${lost ? `; ${lost}` : ""}\n`);
      } catch {
        // stderr is gone too
      }
    }
    process.exit(1);
  });
}

// A library's warning (node-postgres on sslmode=require: seven lines of its future semantics) printed
// as one line, like every message of the command; what it says stays, the rest is in the library's docs.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  const first = warning.message.split("\n")[0].trim();
  process.stderr.write(`nas-assay: warning: ${first}\n`);
});

let CommanderError: typeof import("commander").CommanderError | undefined;
try {
  ({ CommanderError } = await import("commander"));
  context = await import("./context.js");
  const { threads } = await import("../tensor/threads.js");
  const { program } = await import("./program.js");
  threads(); // a bad NAS_ASSAY_THREADS stops here, before any work
  await (await program(process.argv.slice(2))).parseAsync(process.argv);
} catch (error) {
  if (CommanderError && error instanceof CommanderError) {
    // commander already printed the message (unknown flag, missing value, help, version)
    process.exitCode = error.exitCode === 0 ? 0 : 1;
  } else {
    // out of open files (ulimit -n) is the user's to change: said as a UserError is
    const said = error instanceof UserError ? error : openFilesExhausted(error);
    if (said) {
      process.stderr.write(`nas-assay: ${oneLineMessage(said)}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`nas-assay: internal error: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 2;
    }
  }
}
// A failed command has said what was wrong: end once its output is delivered, rather than when every
// handle it opened closes (a PostgreSQL connection whose password was missing stays open until the
// server's 60 s authentication timeout; a Redis client retries). Output queued for a pipe that is full
// would be lost by exiting at once: an empty write's callback runs after everything queued before it.
if (process.exitCode) {
  const delivered = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      stream.write("", () => resolve());
    });
  await Promise.all([delivered(process.stdout), delivered(process.stderr)]);
  process.exit(process.exitCode);
}
