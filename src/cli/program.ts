/** The `nas-assay` command line: its commands, loaded as needed, and the rules every flag follows. */
import type { EventEmitter } from "node:events";
import { Command, InvalidArgumentError, type Option } from "commander";
import { UserError } from "../errors.js";
import { invisible, nonEmptyFlag } from "./flag-values.js";

/**
 * Every command, in the order help lists them, each loaded when needed: a command's module brings the
 * library modules it runs, and loading all of them took about 0.45 s at every start against 0.31 s for
 * `ask`'s alone (2 cores, medians of 6) — a cost paid by each `ask` and `tell` of a training loop.
 */
const COMMANDS: readonly (readonly [string, () => Promise<Command>])[] = [
  ["paper", async () => (await import("./paper.js")).paperCommand()],
  ["space", async () => (await import("./space.js")).spaceCommand()],
  ["cell", async () => (await import("./cell.js")).cellCommand()],
  ["data", async () => (await import("./data.js")).dataCommand()],
  ["train", async () => (await import("./train.js")).trainCommand()],
  ["predict", async () => (await import("./predict.js")).predictCommand()],
  ["evaluate", async () => (await import("./evaluate.js")).evaluateCommand()],
  ["reproduce", async () => (await import("./reproduce.js")).reproduceCommand()],
  ["worker", async () => (await import("./worker.js")).workerCommand()],
  ["queue", async () => (await import("./queue.js")).queueCommand()],
  ["report", async () => (await import("./report.js")).reportCommand()],
  ["search", async () => (await import("./search.js")).searchCommand()],
  ["study", async () => (await import("./study.js")).studyCommand()],
  ["ask", async () => (await import("./ask.js")).askCommand()],
  ["tell", async () => (await import("./tell.js")).tellCommand()],
  ["simulate", async () => (await import("./simulate.js")).simulateCommand()],
  ["tour", async () => (await import("./tour.js")).tourCommand()],
];

/**
 * The command `args` (the user's arguments, after `node main.js`) run, when they name one: the first
 * argument that is neither a flag of nas-assay itself nor the value of `--data`. Undefined otherwise
 * (no command, help, a misspelt command that commander then names with its suggestion).
 */
function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--data") i++;
    else if (!arg.startsWith("-")) return COMMANDS.some(([name]) => name === arg) ? arg : undefined;
  }
  return undefined;
}

/**
 * The command name that `--data` took as its folder (`nas-assay --data cell --id 1`: the folder left
 * out), when no command follows it; commander then said "unknown option '--id'", naming neither.
 */
function commandTakenByData(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--data") {
      const value = args[i + 1];
      if (COMMANDS.some(([name]) => name === value)) return value;
      i++;
    } else if (!arg.startsWith("-")) return undefined;
  }
  return undefined;
}

/**
 * The whole `nas-assay` command line (every command, with its help), without running it; given the
 * user's arguments (`process.argv.slice(2)`), only the command they name, when they name one (the rest
 * behaves the same: its help, its flags, its errors).
 */
export async function program(args?: readonly string[]): Promise<Command> {
  const only = args === undefined ? undefined : commandOf(args);
  const swallowed = args === undefined || only !== undefined ? undefined : commandTakenByData(args);
  if (swallowed !== undefined)
    throw new UserError(
      `--data took "${swallowed}" as its folder, and no command follows; give the folder after --data: nas-assay --data DIR ${swallowed} …`,
    );
  // `nas-assay --version` prints the version alone: loading every command for it took more time and
  // open files than any command does (ulimit -n 64 was not enough: tester Z)
  const versionOnly =
    only === undefined && args !== undefined && args.some((a) => a === "-V" || a === "--version");
  const commands = versionOnly
    ? []
    : await Promise.all(
        COMMANDS.filter(([name]) => only === undefined || name === only).map(([, load]) => load()),
      );
  const nasAssay = new Command("nas-assay")
    .description(
      "Predict neural-architecture accuracy without training (NAS-Bench-101, NAS-Bench-201 or your own search " +
        "space), and choose which architectures to train next (study, ask, tell).",
    )
    .version("0.1.0")
    .option(
      "--data <dir>",
      "benchmark data directory holding nb101/ and nb201/ (default: $NAS_ASSAY_DATA, else the data shipped with nas-assay)",
      nonEmptyFlag("a directory"),
    )
    .option("--json", "print machine-readable JSON and no progress")
    .exitOverride()
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay paper                          # the whole paper on one seed, as an HTML report\n" +
        "  nas-assay cell --id 67206\n" +
        "  nas-assay --data DIR cell --id 67206     # your own data directory (e.g. from data import-nb101)",
    );
  for (const command of commands) {
    for (const sub of command.commands) unknownBeforeMissing(sub);
    nasAssay.addCommand(unknownBeforeMissing(command));
  }
  return oneLineErrors(
    onceEach(noEmptyArguments(noEdgeSpaces(helpOfKnownOnly(jsonInEveryHelp(nasAssay))))),
    "nas-assay",
  );
}

/**
 * An empty argument (`report ""`, `data labels ""`, `data import-nb101 ""`: a variable that was not
 * set) is refused naming the argument, as an empty flag value is: it was taken as a path, and the
 * message began "nas-assay: : no such file". Applied to every sub-command too.
 */
function noEmptyArguments(command: Command): Command {
  for (const sub of command.commands) noEmptyArguments(sub);
  if (command.registeredArguments.length === 0) return command;
  return command.hook("preAction", (_, action) => {
    action.registeredArguments.forEach((argument, k) => {
      const given: unknown = action.processedArgs[k];
      const values = Array.isArray(given) ? given : [given];
      if (values.some((value) => typeof value === "string" && value.trim() === ""))
        action.error(
          `argument '${argument.name()}' is empty; expected ${argument.description || `a value for ${argument.name()}`}`,
          { code: "nas-assay.emptyArgument" },
        );
    });
  });
}

/**
 * Every command's help lists nas-assay's `--json` (defined once, on nas-assay, and honoured after any
 * command's name) under "Global Options:"; it was only in `nas-assay --help`. `--data` and `--version`
 * are left out there: several commands refuse `--data`. Applied to every sub-command too.
 */
function jsonInEveryHelp(command: Command): Command {
  for (const sub of command.commands) jsonInEveryHelp(sub);
  return command.configureHelp({
    showGlobalOptions: true,
    visibleGlobalOptions: (cmd: Command) => {
      let root = cmd;
      while (root.parent) root = root.parent;
      return root === cmd ? [] : root.options.filter((option) => option.long === "--json");
    },
  });
}

/** commander's own help dispatch, public in its code but not in its typings (as unknownBeforeMissing's). */
interface HelpDispatch {
  _dispatchHelpCommand(name?: string): unknown;
  _outputHelpIfRequested(args: string[]): void;
  unknownCommand(): never;
}

/**
 * `help NAME` of a command it does not have is refused as `NAME` is ("unknown command 'NAME'", with
 * commander's suggestion), where commander printed the whole help with status 1 and no word of NAME.
 * `help NAME SUB` (`nas-assay help study create`) shows SUB's help, as `nas-assay study create --help`
 * does; commander dropped SUB and showed NAME's (and `help data import-nb201` refuses import-nb201).
 * `NAME --help` of a command it does not have is refused the same way (`nas-assay evalute --help`
 * printed nas-assay's help with status 0, where `nas-assay help evalute` and `nas-assay evalute` refuse).
 * `--help NAME [SUB]` is `help NAME [SUB]` (`nas-assay --help evaluate` printed nas-assay's own help).
 * Applied to every command with sub-commands (nas-assay, data, study, queue).
 */
function helpOfKnownOnly(command: Command): Command {
  for (const sub of command.commands) helpOfKnownOnly(sub);
  if (command.commands.length === 0) return helpAsOperand(command);
  const own = command as unknown as HelpDispatch;
  const outputHelp = own._outputHelpIfRequested.bind(command);
  own._outputHelpIfRequested = (args) => {
    // `--help NAME [SUB]` (as `git --help commit`): NAME's help, as `help NAME [SUB]`; commander stops
    // reading operands at the unknown-to-it help flag, so it printed this command's own help, status 0
    const flag = args.findIndex((arg) => arg === "--help" || arg === "-h");
    const named = flag >= 0 && flag + 1 < args.length && !args[flag + 1].startsWith("-");
    if (named) {
      command.args = ["help", ...args.slice(flag + 1)];
      own._dispatchHelpCommand(args[flag + 1]);
      return;
    }
    // reached with a first operand only when it names no sub-command (commander dispatches those first)
    if (command.args.length > 0 && !command.args[0].startsWith("-")) {
      command.args = [command.args[0]];
      own.unknownCommand();
    }
    outputHelp(args);
  };
  const dispatch = own._dispatchHelpCommand.bind(command);
  own._dispatchHelpCommand = (name) => {
    // `help help`: this command's help, as `help` alone (it said "unknown command 'help' (Did you mean help?)")
    if (name === undefined || name === "help") return dispatch(undefined);
    const sub = command.commands.find((c) => [c.name(), ...c.aliases()].includes(name));
    if (sub === undefined) {
      command.args = [name]; // the name unknownCommand says
      return own.unknownCommand();
    }
    // the operands after `help NAME`, when commander parsed `help NAME SUB …` on this command
    const rest = command.args[0] === "help" && command.args[1] === name ? command.args.slice(2) : [];
    const next = rest.find((arg) => !arg.startsWith("-"));
    if (next !== undefined && sub.commands.length > 0) {
      sub.args = ["help", ...rest];
      return (sub as unknown as HelpDispatch)._dispatchHelpCommand(next);
    }
    return dispatch(name);
  };
  return command;
}

/**
 * `NAME help` (`nas-assay ask help`, `nas-assay study show help`) of a command that takes no operands
 * shows NAME's help, status 0, as `study help` does for a command with sub-commands: it said
 * "required option '--study' not specified" or "too many arguments", which sends a newcomer who typed
 * the git habit looking for a flag. A command that takes operands (`report FILE`) keeps "help" as one.
 */
function helpAsOperand(command: Command): Command {
  if (command.registeredArguments.length > 0) return command;
  const own = command as unknown as HelpDispatch;
  const outputHelp = own._outputHelpIfRequested.bind(command);
  own._outputHelpIfRequested = (args) =>
    outputHelp(command.args.includes("help") ? [...args, "--help"] : args);
  return command;
}

/**
 * A flag value with a space, tab or line end at either end is refused, whatever the flag: some flags
 * trimmed it (--seeds ' 1', --target ' val_acc' made target val_acc), others refused it (-n ' 3'), and a
 * path or name kept it. One rule for every flag (one flag, one meaning); spaces inside a value stay.
 * Applied to every sub-command too.
 */
function noEdgeSpaces(command: Command): Command {
  for (const sub of command.commands) noEdgeSpaces(sub);
  for (const option of command.options) {
    if (!option.required && !option.optional) continue;
    const inner = option.parseArg;
    option.argParser((value: string, previous: unknown) => {
      if (value !== value.trim())
        throw new InvalidArgumentError(
          `expected the value without a space, tab or line end at either end${/\r/.test(value) ? invisible(value) : ""}`,
        );
      return inner ? inner(value, previous) : value;
    });
  }
  return command;
}

/**
 * A flag that takes a value may be given once: commander keeps the last of `--labels 100 --labels
 * 200` silently, and which one the user meant is a guess. The second one is refused, naming both.
 * Applied to every sub-command too. (No flag of nas-assay is meant to be repeated.)
 */
function onceEach(command: Command): Command {
  for (const sub of command.commands) onceEach(sub);
  for (const option of command.options) {
    if (!option.required && !option.optional) continue; // a switch (--json, --quick) repeated means the same
    // runs before commander's own listener stores the value: a value from the command line already
    // there is the first occurrence (commander resets the sources before each parse); a Command is an
    // EventEmitter, which commander's typings leave out
    (command as unknown as EventEmitter).prependListener(`option:${option.name()}`, (value: string) => {
      if (command.getOptionValueSource(option.attributeName()) !== "cli") return;
      const first = command.getOptionValue(option.attributeName());
      command.error(
        `option '${option.flags}' is given twice ('${Array.isArray(first) ? first.join(",") : first}', then '${value}'); give it once`,
        { code: "nas-assay.repeatedOption" },
      );
    });
  }
  return command;
}

/**
 * Commander's errors (a bad flag value, an unknown flag with its suggestion, a missing value) as one
 * line, "nas-assay: …" like every other error, with a pointer to the help rather than the whole help.
 * Applied to every sub-command too (commander writes the error of the command that failed); `path` is
 * how the command is called, "nas-assay paper".
 */
function oneLineErrors(command: Command, path: string): Command {
  for (const sub of command.commands) oneLineErrors(sub, `${path} ${sub.name()}`);
  const hint = `${path} --help lists ${command.commands.length > 0 ? "the commands" : "its options"}`;
  return command.exitOverride().configureOutput({
    outputError: (text, write) =>
      write(
        `nas-assay: ${text
          // a value's carriage return would send the cursor back over the line: shown escaped, as \r
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
          .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1))
          .replace(/^error: /, "")
          // a flag that an environment variable can give (worker, queue status: --queue) says so
          .replace(/required option '([^']+)' not specified/, (missing, flags: string) => {
            const variable = command.options.find((o) => o.flags === flags)?.envVar;
            return variable ? `${missing} (nor ${variable} set)` : missing;
          })
          // a line end inside a quoted value is part of it: shown as \n, not joined into a space
          .replace(/'[^']*'/g, (quoted) => quoted.replace(/\n/g, "\\n"))
          .replace(/\s*\n\s*/g, " ")
          .trim()} (${hint})\n`,
      ),
  });
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
