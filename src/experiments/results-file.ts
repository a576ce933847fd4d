/**
 * An experiment's results file (NAME.json): the settings it was run with and one entry per finished
 * run, rewritten atomically after each run so that an interrupted experiment resumes where it stopped.
 * Several processes may run one experiment into the same folder at once (e.g. on different seeds):
 * each save merges with what the others saved, under a lock, so no run is lost.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic-file.js";
import { readUserText } from "../data/byte-order-mark.js";
import { withFileLock } from "../data/file-lock.js";
import { isPlainObject } from "../data/json-keys.js";
import { BadFileError, jsonEndsEarly, parseFailureReason, UserError } from "../errors.js";
import type { SeedResult } from "../eval/evaluate.js";
import { checkedSeedResult } from "../eval/seed-result.js";
import { METHODS, methodFingerprint } from "../predictors/registry.js";
import type { SpaceName } from "../spaces/registry.js";
import {
  EXPERIMENTS,
  type ExperimentName,
  type ExperimentSettings,
  experimentRuns,
  type RunSpec,
  runKey,
} from "./experiments.js";

export const RESULTS_FORMAT = "nas-assay experiment";
/**
 * 2: files record their methods' fingerprints (`methods`); version 1 files, written before, are read as
 * well. An older nas-assay refuses a version 2 file, where it would have added runs of its own defaults
 * under this one's fingerprints.
 */
export const RESULTS_VERSION = 2;

export interface RunResult {
  run: RunSpec;
  result: SeedResult;
}

export interface ResultsFile {
  format: typeof RESULTS_FORMAT;
  version: number;
  experiment: ExperimentName;
  space: string;
  target: string;
  /** Wall time spent in runs, summed over invocations (s). */
  wallSeconds: number;
  /**
   * The settings the tables are drawn with: the last invocation's, its seeds joined with those already
   * in the file when the plan is the same (--quick or not), so that two invocations on different seeds
   * into one folder, at once or one after the other, give one table of both (absent in files written
   * before they were kept).
   */
  settings?: ExperimentSettings;
  /**
   * labelsDigest of the target's labels the runs were made on (absent in files written before it was
   * kept): runs on other data are refused, never mixed into one table.
   */
  labels?: string;
  /**
   * methodFingerprint of each method with runs in the file, as the nas-assay that made them had it
   * (absent in files written before they were kept): runs of other defaults are refused, never mixed
   * into one table.
   */
  methods?: Record<string, string>;
  runs: Record<string, RunResult>;
}

/**
 * The results so far at `path`, or an empty file; refuses (UserError) one of another experiment, space
 * or target, or made on other labels (`labels`: labelsDigest of the target's labels; a file written
 * before digests were kept takes this one), or holding runs of a method whose defaults were other than
 * this nas-assay's (methodFingerprint: a file of another version; one written before fingerprints were
 * kept takes this one's, see unstampedRuns).
 */
export function openResults(
  path: string,
  experiment: ExperimentName,
  space: string,
  target: string,
  labels?: string,
): ResultsFile {
  const empty: ResultsFile = {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    experiment,
    space,
    target,
    wallSeconds: 0,
    runs: {},
  };
  if (labels !== undefined) empty.labels = labels;
  if (!existsSync(path)) return empty;
  const file = readResults(path);
  for (const [what, theirs, ours] of [
    ["experiment", file.experiment, experiment],
    ["space", file.space, space],
    ["target", file.target, target],
  ]) {
    if (theirs !== ours)
      throw new UserError(
        `${path} holds results of ${what} "${theirs}", not "${ours}": choose another --out folder to keep both`,
      );
  }
  if (labels !== undefined && file.labels !== undefined && file.labels !== labels)
    throw new UserError(
      `${path} holds runs made on other labels of ${target} (fingerprint ${file.labels}; the data now gives ` +
        `${labels}: another --data folder or edited benchmark files): choose another --out folder, or remove the file to run them again`,
    );
  file.labels ??= labels;
  // a run of an older nas-assay's defaults, resumed or merged here, would sit beside this one's runs in
  // one table as if one predictor had made both
  for (const [method, theirs] of Object.entries(file.methods ?? {})) {
    const ours = methodFingerprint(method as RunSpec["method"]);
    if (theirs !== ours)
      throw new UserError(
        `${path} holds ${method} runs made with other ${method} defaults (fingerprint ${theirs}; this nas-assay's ` +
          `${ours}: a file of another nas-assay version): choose another --out folder, or remove the file to run them again`,
      );
  }
  return file;
}

/**
 * How many runs of `file` have no methodFingerprint recorded (a file written before they were kept):
 * taken as made with this nas-assay's defaults, which nothing can check.
 */
export function unstampedRuns(file: ResultsFile): number {
  return Object.values(file.runs).filter((r) => file.methods?.[r.run.method] === undefined).length;
}

/**
 * A results file of any experiment, checked to be one: its experiment, space and target, and each run
 * (its spec and result objects). Throws BadFileError naming the field that is not what was written.
 */
export function readResults(path: string): ResultsFile {
  let file: ResultsFile;
  let text = "";
  try {
    text = readUserText(path); // an editor's byte-order mark dropped
    file = JSON.parse(text) as ResultsFile;
  } catch (e) {
    // a copy interrupted, a full disk: "not a results file (Expected ',' or '}' …)" said neither
    if (text.trim() === "") throw new BadFileError(path, resultsEmpty());
    if (text.startsWith(`{"format":"${RESULTS_FORMAT}"`) && jsonEndsEarly(text, e))
      throw new BadFileError(path, resultsCutShort(text));
    throw new BadFileError(path, `not a results file (${parseFailureReason(e)})`);
  }
  const version: unknown = file?.version;
  if (
    file?.format === RESULTS_FORMAT &&
    Number.isSafeInteger(version) &&
    (version as number) > RESULTS_VERSION
  )
    throw new BadFileError(
      path,
      `written by a newer nas-assay (results version ${version}); this one reads versions 1 to ${RESULTS_VERSION}: use a newer nas-assay`,
    );
  if (file?.format !== RESULTS_FORMAT || (version !== 1 && version !== RESULTS_VERSION))
    throw new BadFileError(path, `not a version ${RESULTS_VERSION} "${RESULTS_FORMAT}" results file`);
  const bad = (field: string, expected: string) =>
    new BadFileError(
      path,
      `field "${field}" is ${JSON.stringify(file[field as keyof ResultsFile])}; expected ${expected}`,
    );
  if (!(EXPERIMENTS as readonly string[]).includes(file.experiment))
    throw bad("experiment", `one of ${EXPERIMENTS.join(", ")}`);
  if (typeof file.space !== "string") throw bad("space", "a space name");
  if (typeof file.target !== "string") throw bad("target", "a target name");
  if (typeof file.wallSeconds !== "number") throw bad("wallSeconds", "a number of seconds");
  if (file.labels !== undefined && !(typeof file.labels === "string" && /^[0-9a-f]{16}$/.test(file.labels)))
    throw bad("labels", "the labels' fingerprint, 16 hex digits");
  // the tables are drawn with these: edited into another shape, they failed as "Cannot read properties
  // of undefined (reading 'map')"; of another space, they drew the other space's plan from this one's runs
  const settings: unknown = file.settings;
  if (
    settings !== undefined &&
    !(
      isPlainObject(settings) &&
      settings.space === file.space &&
      Array.isArray(settings.seeds) &&
      settings.seeds.length > 0 &&
      settings.seeds.every((seed) => Number.isSafeInteger(seed) && seed >= 0) &&
      typeof settings.quick === "boolean"
    )
  )
    throw bad(
      "settings",
      `{ "space": ${JSON.stringify(file.space)} (the file's), "seeds": [integers ≥ 0], "quick": true or false }`,
    );
  const methods: unknown = file.methods;
  if (
    methods !== undefined &&
    !(
      isPlainObject(methods) &&
      Object.entries(methods).every(
        ([method, fingerprint]) =>
          (METHODS as readonly string[]).includes(method) &&
          typeof fingerprint === "string" &&
          /^[0-9a-f]{16}$/.test(fingerprint),
      )
    )
  )
    throw bad("methods", "each method's fingerprint, 16 hex digits, by method name");
  if (file.runs === null || typeof file.runs !== "object" || Array.isArray(file.runs))
    throw bad("runs", "an object of runs by key");
  for (const [key, entry] of Object.entries(file.runs)) {
    const run = entry?.run;
    if (
      typeof run?.method !== "string" ||
      !Number.isInteger(run.labels) ||
      !Number.isInteger(run.seed) ||
      entry.result === null ||
      typeof entry.result !== "object"
    )
      throw new BadFileError(path, `field "runs" holds a malformed run under ${key}`);
    // a run moved under another run's key, or a score edited by hand, would land in a table unseen
    if (runKey(run) !== key)
      throw new BadFileError(path, `field "runs" holds the run ${runKey(run)} under the key ${key}`);
    entry.result = checkedSeedResult(
      entry.result,
      run.seed,
      run.sample ?? 0,
      (problem) => new BadFileError(path, `the result of the run ${key}: ${problem}`),
    );
  }
  return file;
}

/**
 * The settings a results file was last run with; for a file written before they were kept, the seeds
 * of its runs, and --quick when every run is one of the quick plan's.
 */
export function settingsOf(file: ResultsFile): ExperimentSettings {
  if (file.settings) return file.settings;
  const runs = Object.values(file.runs).map((r) => r.run);
  const space = file.space as SpaceName;
  const seeds = [...new Set(runs.map((run) => run.seed))].sort((a, b) => a - b);
  const quickPlan = new Set(experimentRuns(file.experiment, { space, seeds, quick: true }).map(runKey));
  const fullPlan = new Set(experimentRuns(file.experiment, { space, seeds, quick: false }).map(runKey));
  const quick = fullPlan.size > quickPlan.size && runs.every((run) => quickPlan.has(runKey(run)));
  return { space, seeds, quick };
}

/** The runs of `planned` not yet in the file (each key once). */
export function pendingRuns(file: ResultsFile, planned: RunSpec[]): RunSpec[] {
  const seen = new Set(Object.keys(file.runs));
  const out: RunSpec[] = [];
  for (const run of planned) {
    const key = runKey(run);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(run);
  }
  return out;
}

/**
 * Copies into `file` the planned runs it lacks that other experiments' results files in `folder` (same
 * space and target) already hold — Table 4's assessor column is Table 1's, the budget table's 1k column
 * is Table 1's — and returns how many it took from each file. Files it cannot read are left alone.
 */
export function borrowRuns(file: ResultsFile, folder: string, planned: RunSpec[]): Record<string, number> {
  const taken: Record<string, number> = {};
  for (const other of EXPERIMENTS) {
    if (other === file.experiment) continue;
    const path = join(folder, `${other}.json`);
    if (!existsSync(path)) continue;
    let theirs: ResultsFile;
    try {
      // runs made on other labels are not borrowed (openResults refuses them)
      theirs = openResults(path, other, file.space, file.target, file.labels);
    } catch {
      continue;
    }
    for (const run of planned) {
      const key = runKey(run);
      const found = theirs.runs[key];
      if (file.runs[key] || !found) continue;
      file.runs[key] = { run, result: found.result };
      taken[path] = (taken[path] ?? 0) + 1;
    }
  }
  return taken;
}

/** The result of each planned run that has one. */
export function resultsOf(file: ResultsFile, planned: RunSpec[]): { run: RunSpec; result: SeedResult }[] {
  return planned.flatMap((run) => {
    const found = file.runs[runKey(run)];
    return found ? [{ run, result: found.result }] : [];
  });
}

/**
 * Saves `file` at `path` without losing runs another process saved there meanwhile: under the file's
 * lock (PATH.lock), the file on disk is read again, the runs it holds that `file` lacks are copied into
 * `file` (a run in both keeps `file`'s), and the union is written atomically; `file` is left holding the
 * union. `addedWallSeconds` (this process's wall time in runs since its last save, s) is added to the
 * total on disk. Throws UserError when the file on disk now holds another experiment, space or target,
 * or is no longer a results file (it is then left as it is).
 */
export function saveResults(path: string, file: ResultsFile, addedWallSeconds = 0): void {
  withFileLock(path, () => {
    if (existsSync(path)) {
      const saved = openResults(path, file.experiment, file.space, file.target, file.labels);
      for (const [key, run] of Object.entries(saved.runs)) file.runs[key] ??= run;
      file.wallSeconds = saved.wallSeconds + addedWallSeconds;
      // another process's seeds, saved meanwhile, stay in the tables: the last to save drew its own only
      if (saved.settings && file.settings && saved.settings.quick === file.settings.quick)
        file.settings = {
          ...file.settings,
          seeds: [...new Set([...saved.settings.seeds, ...file.settings.seeds])].sort((a, b) => a - b),
        };
    } else {
      file.wallSeconds += addedWallSeconds;
    }
    // every method with runs here is stamped with this nas-assay's defaults (openResults refused other ones)
    file.version = RESULTS_VERSION;
    file.methods = Object.fromEntries(
      [...new Set(Object.values(file.runs).map((r) => r.run.method))]
        .filter((m) => (METHODS as readonly string[]).includes(m))
        .sort()
        .map((m) => [m, methodFingerprint(m)]),
    );
    writeFileAtomic(path, `${JSON.stringify(file)}\n`);
  });
}

/** What an empty results file is, and what to do (`reproduce` and `report` say it alike). */
export function resultsEmpty(): string {
  return (
    "is empty (a copy interrupted, a full disk?): expected the results nas-assay wrote there; " +
    "put back a whole copy, or move it away and run again"
  );
}

/** What a results file whose JSON ends early is, and what to do (`reproduce` and `report` say it alike). */
export function resultsCutShort(text: string): string {
  return (
    `a results file cut short (its JSON ends early, after ${Buffer.byteLength(text).toLocaleString("en-US")} bytes: ` +
    "a copy interrupted, a full disk?): its results cannot be read; put back a whole copy, or move it away and run again"
  );
}
