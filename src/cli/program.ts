/** The whole `nas-assay` command line (every command, with its help), without running it. */
import { Command, type Option } from "commander";
import { askCommand } from "./ask.js";
import { cellCommand } from "./cell.js";
import { dataCommand } from "./data.js";
import { evaluateCommand } from "./evaluate.js";
import { paperCommand } from "./paper.js";
import { predictCommand } from "./predict.js";
import { reportCommand } from "./report.js";
import { reproduceCommand } from "./reproduce.js";
import { searchCommand } from "./search.js";
import { simulateCommand } from "./simulate.js";
import { spaceCommand } from "./space.js";
import { studyCommand } from "./study.js";
import { tellCommand } from "./tell.js";
import { tourCommand } from "./tour.js";
import { trainCommand } from "./train.js";

export function program(): Command {
  const nasAssay = new Command("nas-assay")
    .description("Predict neural-architecture accuracy without training (NAS-Bench-101 / NAS-Bench-201).")
    .version("0.1.0")
    .option("--data <dir>", "benchmark data directory (default: $NAS_ASSAY_DATA, else ./data)")
    .option("--json", "print machine-readable JSON and no progress")
    // one error line and a pointer to the help, not the whole help after every mistake
    .showHelpAfterError("(nas-assay --help lists the commands)")
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
    studyCommand(),
    askCommand(),
    tellCommand(),
    simulateCommand(),
    tourCommand(),
  ]) {
    nasAssay.addCommand(
      unknownBeforeMissing(command)
        .exitOverride()
        .showHelpAfterError(`(nas-assay ${command.name()} --help lists its options)`),
    );
  }
  return nasAssay;
}

/**
 * Commander checks required options before unknown ones, so a mistyped required flag (`--labls`) would
 * be reported as missing; name the flag it did not know instead, with its suggestion.
 */
function unknownBeforeMissing(command: Command): Command {
  // commander's own error methods, public in its code but not in its typings (cli.test.ts checks this)
  const errors = command as unknown as {
    missingMandatoryOptionValue(option: Option): never;
    unknownOption(flag: string): never;
  };
  const missing = errors.missingMandatoryOptionValue.bind(command);
  errors.missingMandatoryOptionValue = (option) => {
    const unknown = command.args.find((arg) => arg.startsWith("-"));
    if (unknown !== undefined) errors.unknownOption(unknown);
    return missing(option);
  };
  return command;
}
