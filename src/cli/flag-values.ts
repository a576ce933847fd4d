/**
 * Strict readers of flag values, for commander's `Option.argParser`: a value is read one way only, or
 * refused with commander's "option '--flag <x>' argument 'v' is invalid." followed by what is accepted.
 *
 * - Integers are decimal digits and nothing else: `0x10`, `1e3`, `1.0`, `+3`, `""` and blanks are refused
 *   (JavaScript's `Number()` would read them as 16, 1000, 1, 3 and 0).
 * - Reals are decimal numbers with an optional exponent (`0.5`, `.5`, `1e-3`); `Infinity`, hex and blanks
 *   are refused, and so is anything outside the flag's range.
 * - Seeds are non-negative integers up to 2³¹ − 1 (`Rng` seeds a 32-bit generator: 2³² would equal 0);
 *   a seed list is comma-separated seeds and inclusive ranges `a-b`, without duplicates or empty items.
 */
import { statSync } from "node:fs";
import { InvalidArgumentError } from "commander";
import { measuredValueHint, outOfRange } from "../data/decimal.js";
import { UserError } from "../errors.js";
import { MAX_SEED } from "../random.js";

/** The largest seed a flag accepts (random.ts): the same bound as a study's seed in the library. */
export { MAX_SEED };
/** The most seeds one command runs: each is a whole run, so more is surely a typing slip. */
export const MAX_SEEDS = 10_000;

/** A commander argument parser from a check that throws UserError for a bad value. */
export function parsedBy<T>(check: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return check(text);
    } catch (e) {
      if (e instanceof UserError) throw new InvalidArgumentError(e.message + invisible(text));
      throw e;
    }
  };
}

/**
 * What commander's quoted value hides: a carriage return left by `$(cat file)` on a file with Windows
 * line ends, or a tab, reads in the message as a good number refused.
 */
export function invisible(text: string): string {
  if (/\r/.test(text))
    return " (it holds a carriage return \\r: a Windows line end, from a file read with $(cat …)?)";
  return /\s/.test(text) ? " (it holds a space, tab or line end)" : "";
}

const DIGITS = /^[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/** "in 2..423,622", "≥ 1": the range in words. */
function range(min: number, max: number): string {
  const f = (n: number) => n.toLocaleString("en-US");
  return max === Number.MAX_SAFE_INTEGER ? `≥ ${f(min)}` : `in ${f(min)}..${f(max)}`;
}

/**
 * Reads a non-negative integer written in decimal digits; throws UserError naming what is expected,
 * and for digits above `max` (or above 2^53 − 1, the largest integer read exactly) that maximum: "≥ 1"
 * alone read as if 99999999999999999999 were not an integer.
 */
function readInteger(text: string, min: number, max: number): number {
  const expected = `expected an integer ${range(min, max)} in decimal digits`;
  if (!DIGITS.test(text)) throw new UserError(expected);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n > max)
    throw new UserError(
      `${expected}; the value is above the maximum, ${max.toLocaleString("en-US")}` +
        (max === Number.MAX_SAFE_INTEGER ? " (2^53 - 1, the largest integer read exactly)" : ""),
    );
  if (n < min) throw new UserError(expected);
  return n;
}

/**
 * An integer flag in `min..max` (both ≥ 0; `max` defaults to no bound), written in decimal digits only.
 * Returns a commander argument parser giving a number.
 */
export function integerFlag(min: number, max = Number.MAX_SAFE_INTEGER): (text: string) => number {
  if (!(Number.isSafeInteger(min) && min >= 0 && max >= min))
    throw new RangeError(`bad range ${min}..${max}`);
  return parsedBy((text) => readInteger(text, min, max));
}

/**
 * The `--labels <n>` of a command drawing its labels from a benchmark (evaluate, search, paper): an
 * integer of at least 2, as integerFlag. A path there (an existing file or folder, or text with a / or
 * a file extension) is refused saying that `train --labels FILE` takes one: "expected an integer" did
 * not (tester W), and a missing file or a folder got no explanation (tester X).
 */
export function labelCountFlag(command: string): (text: string) => number {
  const count = integerFlag(2);
  return parsedBy((text: string) => {
    // what looks like a number is one; "." and ".." (no digit) are folders (tester Y)
    if (!(/\d/.test(text) && /^\s*[\d.e+-]*\s*$/i.test(text))) {
      let kind: string | undefined;
      try {
        kind = statSync(text).isDirectory() ? "a folder" : "a file";
      } catch {
        if (/[/\\]|\.[a-z][a-z0-9]{0,5}$/i.test(text)) kind = "a path (no such file there)";
      }
      if (kind)
        throw new UserError(
          `"${text}" is ${kind}, and ${command}'s --labels is a number of cells, drawn with their labels from the benchmark; ` +
            "to fit on labels of your own use train --labels FILE (then predict)",
        );
    }
    return count(text);
  });
}

/**
 * A real flag in a range: `min`/`max` inclusive unless `above`/`below` make them exclusive (say a
 * learning rate > 0). Decimal notation with an optional exponent. Returns a commander argument parser.
 */
export function realFlag(bounds: {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}): (text: string) => number {
  const parts = [
    bounds.min !== undefined ? `≥ ${bounds.min}` : undefined,
    bounds.above !== undefined ? `> ${bounds.above}` : undefined,
    bounds.max !== undefined ? `≤ ${bounds.max}` : undefined,
    bounds.below !== undefined ? `< ${bounds.below}` : undefined,
  ].filter((p) => p !== undefined);
  const expected = `expected a decimal number${parts.length ? ` ${parts.join(" and ")}` : ""}`;
  return parsedBy((text) => {
    const x = Number(text);
    // 1e400 is a decimal number, read as Infinity, and 1e-400 one read as 0: say so rather than
    // "expected a decimal number" (DECIMAL first: outOfRange trims, a flag value is not trimmed)
    const range = DECIMAL.test(text) ? outOfRange(text) : undefined;
    if (range) throw new UserError(`${expected}; ${range}`);
    if (
      !DECIMAL.test(text) ||
      !Number.isFinite(x) ||
      (bounds.min !== undefined && x < bounds.min) ||
      (bounds.max !== undefined && x > bounds.max) ||
      (bounds.above !== undefined && x <= bounds.above) ||
      (bounds.below !== undefined && x >= bounds.below)
    )
      throw new UserError(expected);
    return x;
  });
}

/** A probability or share: a decimal number in [0, 1]. */
/**
 * A measured value (`tell --value`), read as results files read theirs (data/decimal.ts
 * parseMeasuredValue): a decimal number, and not one that ends at its point ("5."), which a file
 * refuses as a value cut short; the flag read it as 5 where `tell --file` refused the same text.
 */
export function measuredValueFlag(): (text: string) => number {
  const real = realFlag({});
  return (text) => {
    // each text the hint explains ("5.", "84,2", "84.2%") says so, not "expected a decimal number" alone
    if (measuredValueHint(text) !== "")
      return parsedBy(() => {
        throw new UserError(`expected a decimal number${measuredValueHint(text)}`);
      })(text);
    return real(text);
  };
}

export const probabilityFlag = (): ((text: string) => number) => realFlag({ min: 0, max: 1 });

/** One seed: an integer in 0..MAX_SEED. */
export const seedFlag = (): ((text: string) => number) => integerFlag(0, MAX_SEED);

/**
 * Reads a seed list: comma-separated seeds and inclusive ranges, "0-19" or "0,2,5-7" → [0, 2, 5, 6, 7]
 * (in the order written). Each seed in 0..MAX_SEED, at most MAX_SEEDS in all; empty items, reversed
 * ranges and a seed given twice are refused. Throws UserError saying which item is wrong.
 */
export function readSeedList(text: string): number[] {
  const format = 'expected seeds such as "0-19" or "0,2,5-7" (comma-separated integers and ranges a-b)';
  if (text.trim() === "") throw new UserError(`no seeds given; ${format}`);
  const seeds: number[] = [];
  const seen = new Set<number>();
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") throw new UserError(`an empty item in "${text}"; ${format}`);
    const ends = item.split("-");
    if (ends.length > 2 || !ends.every((e) => DIGITS.test(e)))
      throw new UserError(`"${item}" is not a seed or a range; ${format}`);
    const [from, to] = ends.map((e) => {
      const n = Number(e);
      if (!Number.isSafeInteger(n) || n > MAX_SEED)
        throw new UserError(
          `seed ${e} is above ${MAX_SEED.toLocaleString("en-US")} (2^31 - 1), the largest seed`,
        );
      return n;
    });
    const last = to ?? from;
    if (last < from) throw new UserError(`the range "${item}" runs backwards; write ${last}-${from}`);
    if (seeds.length + (last - from + 1) > MAX_SEEDS)
      throw new UserError(`more than ${MAX_SEEDS.toLocaleString("en-US")} seeds`);
    for (let s = from; s <= last; s++) {
      if (seen.has(s)) throw new UserError(`seed ${s} is given twice`);
      seen.add(s);
      seeds.push(s);
    }
  }
  return seeds;
}

/** `--seeds` as a commander argument parser giving the list of seeds. */
export const seedListFlag = (): ((text: string) => number[]) => parsedBy(readSeedList);

/** Seeds 0..n-1, the meaning of `--seed-count n`. */
export function firstSeeds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * What `--target` names in every command that has it (a benchmark target or a file's column): an empty
 * `--target ""` is refused alike everywhere, where it was "no column \"\"", a library function's
 * message, or taken as no --target at all, depending on the command.
 */
export const TARGET_NAME = "a target name (a benchmark target or a column, e.g. val_acc)";

/** A path or name that must not be empty or blank (an empty `--data ""` is a slip, not "use the default"). */
export function nonEmptyFlag(what: string): (text: string) => string {
  return parsedBy((text) => {
    if (text.trim() === "") throw new UserError(`expected ${what}, got an empty value`);
    return text;
  });
}

/**
 * The `--name value` flags of a developer script (bench/): a reader of each flag's value, or its
 * fallback when not given. Every flag must be one of `known`, given once, with a value that is not the
 * next flag: bench/simulate-benchmarks.js read `--sedes 0-1` as nothing and ran its 20 default seeds,
 * writing over the results file the docs' tables are made from.
 * @throws UserError naming the first unknown, repeated or value-less flag and the flags it takes.
 */
export function scriptFlags(
  argv: readonly string[],
  known: readonly string[],
): (name: string, fallback?: string) => string | undefined {
  const values = new Map<string, string>();
  const takes = `it takes ${known.length > 0 ? known.join(", ") : "no flags"}`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) continue; // an operand (a results file)
    if (!known.includes(arg)) throw new UserError(`unknown flag ${arg}; ${takes}`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UserError(`${arg} needs a value`);
    if (values.has(arg)) throw new UserError(`${arg} is given twice; give it once`);
    values.set(arg, value);
    i++;
  }
  return (name, fallback) => {
    if (!known.includes(name)) throw new Error(`scriptFlags: ${name} is not among the flags declared`);
    return values.get(name) ?? fallback;
  };
}
