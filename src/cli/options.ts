/**
 * Flags several commands share, checked while the command line is parsed: a bad value stops before
 * any work, with commander's message naming the flag followed by ours saying what it accepts.
 */
import { type Command, Option } from "commander";
import { LABEL_SCALES, type LabelScale } from "../data/user-labels.js";
import { UserError } from "../errors.js";
import { CELL_INPUTS, cellInputList } from "../predictors/cell-inputs.js";
import {
  METHODS,
  METHODS_WITH_INPUTS,
  type Method,
  MOST_ACCURATE_METHOD,
  methodName,
  takesAssessorOptions,
} from "../predictors/registry.js";
import { SPACE_NAMES, spaceName } from "../spaces/registry.js";
import { firstSeeds, integerFlag, MAX_SEEDS, parsedBy, seedListFlag } from "./flag-values.js";

/** `--space`: nb101 or nb201. */
export function spaceOption(): Option {
  return new Option("--space <name>", `search space: ${SPACE_NAMES.join(" or ")}`)
    .argParser(parsedBy(spaceName))
    .default("nb101");
}

/** `--method`: a predictor of the registry; `fallback` null leaves the default to the command. */
export function methodOption(help = "predictor", fallback: string | null = "ssa"): Option {
  const option = new Option("--method <name>", `${help}: ${METHODS.join(", ")}`).argParser(
    parsedBy(methodName),
  );
  return fallback === null ? option : option.default(fallback);
}

/** Help text of `--method` where the command's default is {@link fittedMethod}'s. */
export const FITTED_METHOD_HELP = `predictor (default: the most accurate measured, ${MOST_ACCURATE_METHOD}; ssa when assessor flags are given)`;

/**
 * The predictor `evaluate` and `train` fit: `--method` when given (refused, UserError, with assessor
 * flags when it is no assessor: they would be refused by the predictor naming options, not flags); otherwise ssa when assessor flags
 * (`--sigma`, …) are given, since they configure the assessor only; otherwise the most accurate
 * predictor measured (MOST_ACCURATE_METHOD). One rule, so `--method` means the same in both commands.
 * `inputs` are the `--inputs` given (if any): with assessor flags and no `--method` they contradict
 * each other (ssa reads no per-cell inputs), a UserError saying so rather than blaming an ssa the user
 * never named.
 */
export function fittedMethod(
  method: unknown,
  assessorFlags: readonly string[],
  inputs: readonly string[] = [],
): Method {
  if (method !== undefined) {
    // the library's refusal named options, not flags: "assessor options (sigma) do not apply to the method mlp"
    if (assessorFlags.length > 0 && !takesAssessorOptions(method as Method))
      throw new UserError(
        `${assessorFlags.join(", ")} ${assessorFlags.length > 1 ? "set" : "sets"} the paper's assessor only (methods ssa, ssa-noae, ssa-ensemble), not --method ${String(method)}; leave ${assessorFlags.length > 1 ? "them" : "it"} out, or give --method ssa`,
      );
    // refused here, before a label file is read, not by the predictor once it was
    if (inputs.length > 0 && !METHODS_WITH_INPUTS.includes(method as Method))
      throw new UserError(
        `--inputs ${inputs.join(",")} is read by the methods ${METHODS_WITH_INPUTS.join(", ")} only, not --method ${String(method)}; leave it out, or give one of those`,
      );
    return method as Method;
  }
  if (assessorFlags.length === 0) return MOST_ACCURATE_METHOD;
  if (inputs.length > 0)
    throw new UserError(
      `--inputs ${inputs.join(",")} with assessor flags (--sigma, …) and no --method: the assessor flags pick ssa, which reads no per-cell inputs; give --method (${METHODS_WITH_INPUTS.join(", ")} read them) or leave out one of the two`,
    );
  return "ssa";
}

/** `--inputs`: per-cell inputs a transformer reads beside the graph (a comma-separated list). */
export function inputsOption(): Option {
  return new Option(
    "--inputs <list>",
    `per-cell inputs read beside the graph, comma-separated: ${CELL_INPUTS.join(", ")} (log-scaled; methods ${METHODS_WITH_INPUTS.join(", ")}; default none)`,
  ).argParser(parsedBy(cellInputList));
}

/**
 * `--jobs`: how many of a command's `units` (seeds, runs, columns) run at once; one parser, one message
 * and one cap (workersFor: at most `capped` and the cores) in every command, as paper took 1 or 2 only,
 * with a message of its own, while search took any count. `note` ends the help.
 */
export function jobsOption(units: string, capped: string, defaultJobs = 1, note = ""): Option {
  return new Option(
    "--jobs <n>",
    `how many ${units} at once (above 1, each in a worker thread of its own): an integer ≥ 1; more than ` +
      `${capped} or the cores run as that many${note}`,
  )
    .argParser(integerFlag(1))
    .default(defaultJobs);
}

/**
 * Adds `--seeds <list>` (a list: "0-19", "0,2,5-7") and `--seed-count <n>` (seeds 0..n-1), which
 * commander refuses together. `first` is the number of seeds 0.. run by default; undefined leaves the
 * default to the library, described by `defaultHelp`. Read the seeds back with `seedsOf`.
 */
export function withSeedOptions(command: Command, first: number | undefined, defaultHelp?: string): Command {
  const seeds = new Option(
    "--seeds <list>",
    'seeds to run: comma-separated seeds and ranges, e.g. "0-19" or "0,2,5-7"',
  ).argParser(seedListFlag());
  if (first !== undefined) seeds.default(firstSeeds(first), first === 1 ? "0" : `0-${first - 1}`);
  else if (defaultHelp) seeds.description += ` (default ${defaultHelp})`;
  return command
    .addOption(seeds)
    .addOption(
      new Option("--seed-count <n>", "run seeds 0..n-1 (instead of --seeds)")
        .argParser(integerFlag(1, MAX_SEEDS))
        .conflicts("seeds"),
    );
}

/** The seeds `--seeds` or `--seed-count` asked for (undefined when neither was given nor defaulted). */
export function seedsOf(opts: { seeds?: unknown; seedCount?: unknown }): number[] | undefined {
  if (typeof opts.seedCount === "number") return firstSeeds(opts.seedCount);
  return opts.seeds as number[] | undefined;
}

/**
 * `--scale` of a study's (or a simulation table's) values: what `tell` checks them against (tell-rules.ts).
 * The same values as `train --scale`: the scale of the values given.
 */
export function valueScaleOption(): Option {
  return new Option(
    "--scale <scale>",
    "the values' scale, when the values or the target's name cannot show it (networks at 1 % " +
      "accuracy, error rates near 0, an accuracy named top_1): fraction ([0, 1]) or percent ([0, 100]); none: any number " +
      "(a target named like an accuracy that is none, e.g. recall_latency_ms); default: inferred for " +
      "accuracy-like names (acc, accuracy, top1, f1, iou, error rates, …), any number otherwise",
  ).choices(["fraction", "percent", "none"]);
}

/**
 * `--scale`: the scale of a label file's target column (fraction, percent, or none for non-accuracies);
 * left out, inferred as `study create` and `simulate` infer theirs (one flag, one default).
 */
export function scaleOption(): Option {
  return new Option(
    "--scale <scale>",
    "scale of the target column: fraction (accuracy 0..1), percent (accuracy 0..100, divided by 100), none (not an accuracy, e.g. latency); " +
      "default: inferred for accuracy-like names (acc, accuracy, top1, f1, iou, error rates, …: percent when a value is above 1, else fraction), none otherwise",
  ).choices(LABEL_SCALES);
}

/**
 * What a command says of a label file's scale it inferred (no --scale given), where it is not the
 * fraction scale label files had by default: percent (divided by 100) or none (any number).
 */
export function inferredScaleNote(scale: LabelScale, given: LabelScale | undefined): string | undefined {
  if (given !== undefined || scale === "fraction") return undefined;
  return scale === "percent"
    ? "read as percent (a value is above 1), divided by 100; --scale fraction|none says otherwise"
    : "read as any number (not an accuracy by its name); --scale fraction|percent says otherwise";
}
