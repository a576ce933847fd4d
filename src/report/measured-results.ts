/**
 * Measurements saved as files, read back for tables: the JSON of `nas-assay --json evaluate` (one
 * predictor, one label count, several seeds; test = every remaining cell) and the JSON lines of
 * `bench/transformer-ablation.js` (one label count, several variants fitted on the same labeled cells
 * per seed, then a summary line saying whether every remaining cell or a sample of them was scored).
 * Each becomes one `Measurement` per predictor (or variant): its seeds' Kendall tau, fit and predict
 * seconds, and the test protocol, all taken from the file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BadFileError, parseFailureReason, UserError } from "../errors.js";
import { TRANSFORMER_ENSEMBLE_SIZE } from "../predictors/registry.js";

/** One seed's scores. Kendall tau-b (−1..1); seconds of wall time, absent where the file has none. */
export interface MeasuredRun {
  seed: number;
  ktau: number;
  fitSeconds?: number;
  predictSeconds?: number;
}

export interface Measurement {
  /** The file's name inside the folder read (no directory). */
  file: string;
  source: "evaluate" | "ablation";
  space: string;
  /** The label predicted (`evaluate` files say; the ablation script's summary does not). */
  target?: string;
  /** The predictor as `--method` names it; for an ablation variant that is no method, undefined. */
  method?: string;
  /** The ablation variant's name (absent for `evaluate` files). */
  variant?: string;
  labels: number;
  /**
   * Test cells per seed: "all" (every cell not labeled, the protocol) or the size of the random
   * sample scored (the first cells of the seed's order after the labeled ones); "unstated" for an
   * ablation file written before the script recorded it.
   */
  test: "all" | number | "unstated";
  /** Sorted by seed. */
  runs: MeasuredRun[];
}

/**
 * Every measurement in `folder`: each `*.json` that is an `evaluate` output (has `method` and `runs`)
 * and each `abl-*.txt` of the ablation script; other files are passed over. Sorted by file name.
 * Throws UserError when the folder cannot be read, BadFileError (naming the file, the line where it
 * applies, and what was expected) when one of those files is truncated or malformed.
 */
export function readMeasurements(folder: string): Measurement[] {
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch (e) {
    throw new UserError(`cannot read the results folder ${folder} (${(e as NodeJS.ErrnoException).code})`);
  }
  const out: Measurement[] = [];
  for (const name of names) {
    const path = join(folder, name);
    if (name.endsWith(".json")) {
      const m = readEvaluateFile(path, name);
      if (m) out.push(m);
    } else if (name.startsWith("abl-") && name.endsWith(".txt")) {
      out.push(...readAblationFile(path, name));
    }
  }
  return out;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function field<T>(
  path: string,
  where: string,
  object: Json,
  name: string,
  check: (v: unknown) => v is T,
  expected: string,
): T {
  const value = object[name];
  if (!check(value))
    throw new BadFileError(path, `${where}field "${name}" is ${JSON.stringify(value)}; expected ${expected}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isSeed = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

function parseJson(path: string, text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadFileError(path, `${where}not JSON (${parseFailureReason(e)})`);
  }
}

/** An `evaluate` output, or undefined for JSON of another kind (no `method` and `runs`). */
function readEvaluateFile(path: string, name: string): Measurement | undefined {
  const data = parseJson(path, readFileSync(path, "utf8"), "");
  if (!isObject(data) || !("method" in data && "runs" in data)) return undefined;
  const method = field(path, "", data, "method", isString, "a method name");
  const space = field(path, "", data, "space", isString, "a space name");
  const target = field(path, "", data, "target", isString, "a target name");
  const labels = field(path, "", data, "labels", isCount, "a number of labeled cells");
  field(path, "", data, "testCells", isCount, "a number of test cells");
  const runs = field(path, "", data, "runs", isArray, "a list of runs").map((run, i) => {
    if (!isObject(run)) throw new BadFileError(path, `runs[${i}] is ${JSON.stringify(run)}; expected a run`);
    return measuredRun(path, `runs[${i}]: `, run);
  });
  if (runs.length === 0) throw new BadFileError(path, `field "runs" is empty; expected one run per seed`);
  return {
    file: name,
    source: "evaluate",
    space,
    target,
    method,
    labels,
    test: "all",
    runs: bySeed(path, runs),
  };
}

function measuredRun(path: string, where: string, run: Json): MeasuredRun {
  const out: MeasuredRun = {
    seed: field(path, where, run, "seed", isSeed, "a seed"),
    ktau: field(path, where, run, "ktau", isNumber, "a Kendall tau"),
  };
  if (run.fitSeconds !== undefined)
    out.fitSeconds = field(path, where, run, "fitSeconds", isNumber, "seconds");
  if (run.predictSeconds !== undefined)
    out.predictSeconds = field(path, where, run, "predictSeconds", isNumber, "seconds");
  return out;
}

function bySeed(path: string, runs: MeasuredRun[]): MeasuredRun[] {
  const sorted = runs.slice().sort((a, b) => a.seed - b.seed);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].seed === sorted[i - 1].seed)
      throw new BadFileError(path, `seed ${sorted[i].seed} appears twice; expected one run per seed`);
  return sorted;
}

/**
 * The predictor an ablation variant is: the default transformer (no network, training or member
 * options), or `transformer-ensemble` (only `members` = its size); otherwise none.
 */
function variantMethod(variant: Json): string | undefined {
  if (variant.network !== undefined || variant.training !== undefined) return undefined;
  const members = variant.members ?? 1;
  if (members === 1) return "transformer";
  if (members === TRANSFORMER_ENSEMBLE_SIZE) return "transformer-ensemble";
  return undefined;
}

/** The variants of an ablation file: its run lines, then the summary line with the protocol. */
function readAblationFile(path: string, name: string): Measurement[] {
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .map((text, i) => ({ text, number: i + 1 }))
    .filter((line) => line.text.trim() !== "");
  if (lines.length === 0) throw new BadFileError(path, "empty; expected run lines and a summary line");
  const parsed = lines.map(({ text, number }) => {
    const value = parseJson(path, text, `line ${number}: `);
    if (!isObject(value)) throw new BadFileError(path, `line ${number}: expected a JSON object`);
    return { value, where: `line ${number}: `, number };
  });
  const last = parsed[parsed.length - 1];
  if (!("variants" in last.value))
    throw new BadFileError(
      path,
      `the last line (${last.number}) is not the summary line (no "variants"): the run was cut short?`,
    );
  const summary = last.value;
  const space = field(path, last.where, summary, "space", isString, "a space name");
  const labels = field(path, last.where, summary, "labels", isCount, "a number of labeled cells");
  const test =
    summary.testCells === undefined
      ? "unstated"
      : field(
          path,
          last.where,
          summary,
          "testCells",
          (v): v is "all remaining" | number => v === "all remaining" || isCount(v),
          '"all remaining" or a number of cells',
        );
  const variants = field(path, last.where, summary, "variants", isArray, "a list of variants").map((v, i) => {
    if (!isObject(v)) throw new BadFileError(path, `${last.where}variants[${i}] is not an object`);
    return { name: field(path, `${last.where}variants[${i}]: `, v, "name", isString, "a name"), spec: v };
  });
  const runs = new Map<string, MeasuredRun[]>(variants.map((v) => [v.name, []]));
  for (const { value, where } of parsed.slice(0, -1)) {
    const variant = field(path, where, value, "variant", isString, "a variant name");
    const list = runs.get(variant);
    if (!list) throw new BadFileError(path, `${where}variant "${variant}" is not in the summary line`);
    if (field(path, where, value, "labels", isCount, "a number of labeled cells") !== labels)
      throw new BadFileError(path, `${where}labels ${value.labels}; the summary line says ${labels}`);
    list.push(measuredRun(path, where, value));
  }
  return variants.map(({ name: variant, spec }) => ({
    file: name,
    source: "ablation" as const,
    space,
    method: variantMethod(spec),
    variant,
    labels,
    test: test === "all remaining" ? "all" : test,
    runs: bySeed(path, runs.get(variant) as MeasuredRun[]),
  }));
}
