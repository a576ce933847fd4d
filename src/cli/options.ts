/**
 * Flags several commands share, checked while the command line is parsed: a bad value stops before
 * any work, with commander's message naming the flag followed by ours saying what it accepts.
 */
import { InvalidArgumentError, Option } from "commander";
import { LABEL_SCALES } from "../data/user-labels.js";
import { UserError } from "../errors.js";
import { METHODS, methodName } from "../predictors/registry.js";
import { SPACE_NAMES, spaceName } from "../spaces/registry.js";

/** A commander argument parser from a check that throws UserError for a bad value. */
export function parsedBy<T>(check: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return check(text);
    } catch (e) {
      if (e instanceof UserError) throw new InvalidArgumentError(e.message);
      throw e;
    }
  };
}

/** An integer ≥ `min`, or a clear error. */
export function integerAtLeast(min: number): (text: string) => number {
  return parsedBy((text) => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isInteger(n) || n < min)
      throw new UserError(`expected an integer ≥ ${min.toLocaleString("en-US")}`);
    return n;
  });
}

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

/** `--scale`: the scale of a label file's target column (fraction, percent, or none for non-accuracies). */
export function scaleOption(): Option {
  return new Option(
    "--scale <scale>",
    "scale of the target column: fraction (accuracy 0..1), percent (accuracy 0..100, divided by 100), none (not an accuracy, e.g. latency)",
  )
    .choices(LABEL_SCALES)
    .default("fraction");
}
