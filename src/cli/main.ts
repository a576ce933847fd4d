#!/usr/bin/env node
/** The `nas-assay` command line: parses arguments, runs a command, maps errors to exit codes. */
import { Command, CommanderError } from "commander";
import { UserError } from "../errors.js";
import { cellCommand } from "./cell.js";
import { dataCommand } from "./data.js";
import { evaluateCommand } from "./evaluate.js";
import { paperCommand } from "./paper.js";
import { predictCommand } from "./predict.js";
import { reportCommand } from "./report.js";
import { reproduceCommand } from "./reproduce.js";
import { searchCommand } from "./search.js";
import { spaceCommand } from "./space.js";
import { tourCommand } from "./tour.js";
import { trainCommand } from "./train.js";

const program = new Command("nas-assay")
  .description("Predict neural-architecture accuracy without training (NAS-Bench-101 / NAS-Bench-201).")
  .version("0.1.0")
  .option("--data <dir>", "benchmark data directory (default: $NAS_ASSAY_DATA, else ./data)")
  .option("--json", "print machine-readable JSON and no progress")
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    "after",
    "\nExamples:\n  NAS_ASSAY_DATA=../shared/data nas-assay paper     # the whole paper on one seed, as an HTML report\n" +
      "  nas-assay --data ../shared/data cell --id 67206",
  );

for (const command of [
  paperCommand(),
  spaceCommand(),
  cellCommand(),
  dataCommand(),
  trainCommand(),
  predictCommand(),
  evaluateCommand(),
  reproduceCommand(),
  reportCommand(),
  searchCommand(),
  tourCommand(),
]) {
  program.addCommand(command.exitOverride().showHelpAfterError());
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // commander already printed the message (unknown flag, missing value, help, version)
    process.exitCode = error.exitCode === 0 ? 0 : 1;
  } else if (error instanceof UserError) {
    process.stderr.write(`nas-assay: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`nas-assay: internal error: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 2;
  }
}
