/**
 * Where a study lives: its settings and its trials, behind one small interface so that the SQLite file
 * of today and a PostgreSQL server later (many machines asking at once) are interchangeable. Every
 * method is asynchronous for that reason, though SQLite answers at once.
 *
 * A trial is one architecture the study knows of, keyed by the space's `key` (its identity): suggested
 * and not yet told (`pending`), told with a value (`done`) or told as failed (`failed`). A key appears
 * once; the store refuses a second row for it (UNIQUE), whatever the caller checked before.
 */
import { BadFileError, UserError } from "../errors.js";

export type TrialState = "pending" | "done" | "failed";
/** Why `ask` suggested an architecture: predicted among the best, or drawn to explore. */
export type TrialReason = "exploit" | "explore";
/** Whether higher (`maximize`, accuracy) or lower (`minimize`, error, latency) values are better. */
export type Direction = "maximize" | "minimize";

export interface StudySettings {
  /** The space's spec, as the spec file gave it (JSON). */
  space: unknown;
  /** Name of the value told (a column of result files, e.g. "val_acc"). */
  target: string;
  direction: Direction;
  /**
   * Scale of the values: "fraction" ([0, 1]), "percent" ([0, 100]), "none" (any number: no accuracy)
   * or "auto" (inferred from the values told, for accuracy-like names; see tell-rules.ts). Absent in files made before it existed: "auto".
   */
  scale?: "fraction" | "percent" | "auto" | "none";
  /** Seed of the study's random choices (each ask derives its own from it). */
  seed: number;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** The settings a study holds (StudySettings' fields). */
const SETTING_NAMES: readonly string[] = ["space", "target", "direction", "scale", "seed", "createdAt"];

/**
 * A study's stored settings, read back: each setting's JSON text parsed and checked. Throws
 * BadFileError (one line, naming the study) for a setting that is missing, not JSON, or of the wrong
 * kind — a file edited by hand or damaged, which would otherwise fail later as an internal error or be
 * read as it stands (a direction "sideways" shown as such) — and for a setting this nas-assay does not
 * know (a study of a newer version, whose setting would be ignored: asked and told by other rules).
 */
export function readSettings(location: string, stored: Record<string, string>): StudySettings {
  const damaged = (what: string) => new BadFileError(location, `damaged study: ${what}`);
  const settings: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(stored)) {
    try {
      settings[name] = JSON.parse(text);
    } catch {
      throw damaged(`the setting "${name}" is not JSON (${JSON.stringify(text.slice(0, 40))})`);
    }
  }
  for (const name of ["space", "target", "direction", "seed", "createdAt"])
    if (!(name in settings)) throw damaged(`no setting "${name}"`);
  // every nas-assay since studies existed (2026-11-29) wrote these and only these
  for (const name of Object.keys(settings))
    if (!SETTING_NAMES.includes(name))
      throw new BadFileError(
        location,
        `has the setting ${JSON.stringify(name)}, which this nas-assay does not know (${SETTING_NAMES.join(", ")}): ` +
          "a study of a newer nas-assay version, or an edit; use the nas-assay that made it",
      );
  const { target, direction, seed, scale, createdAt } = settings;
  if (typeof target !== "string" || target.trim() === "")
    throw damaged(`the target is ${JSON.stringify(target)}; expected a column name`);
  if (direction !== "maximize" && direction !== "minimize")
    throw damaged(`the direction is ${JSON.stringify(direction)}; expected "maximize" or "minimize"`);
  if (!Number.isSafeInteger(seed)) throw damaged(`the seed is ${JSON.stringify(seed)}; expected an integer`);
  if (scale !== undefined && !["fraction", "percent", "auto", "none"].includes(scale as string))
    throw damaged(`the scale is ${JSON.stringify(scale)}; expected fraction, percent, auto or none`);
  if (typeof createdAt !== "string" || Number.isNaN(Date.parse(createdAt)))
    throw damaged(`createdAt is ${JSON.stringify(createdAt)}; expected a date`);
  return settings as unknown as StudySettings;
}

/**
 * The settings a store is being made with, checked as a study's are when read back (readSettings), and
 * their JSON texts (a setting given as undefined is one not given). `what` names the caller in the
 * UserError. A hand-made object was written as it stood: without its space or with a setting of
 * `undefined`, SQLite refused it ("NOT NULL constraint failed"); with a wrong direction, the study was
 * made and then refused as damaged when opened.
 */
export function checkNewSettings(settings: StudySettings, what: string): Record<string, string> {
  if (settings === null || typeof settings !== "object" || Array.isArray(settings))
    throw new UserError(`${what} needs the study's settings (Study.settings({ spec, target, … }))`);
  const texts = Object.fromEntries(
    Object.entries(settings).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, JSON.stringify(value) ?? String(value)]],
    ),
  );
  try {
    readSettings("settings", texts);
  } catch (e) {
    if (!(e instanceof BadFileError)) throw e;
    throw new UserError(
      `${what}: ${e.message.replace(/^settings: (damaged study: )?/, "")} in the settings; make them with Study.settings({ spec, target, … })`,
    );
  }
  return texts;
}

export interface Trial {
  /** Order of arrival in the study, from 1, without gaps, except that the number of a trial handed back
   * (`release`: ask's output was lost) is never given again. */
  number: number;
  /** The architecture's identity in its space. */
  key: string;
  /** The architecture's JSON form (see ArchitectureSpace.jsonOf). */
  arch: unknown;
  state: TrialState;
  /** The value told (done trials), on the user's scale; null otherwise. */
  value: number | null;
  /** What the predictor expected when it was asked for (null: drawn before any fit, or never asked for). */
  predicted: number | null;
  /** Why it was asked for; null when it was told without being asked for (imported). */
  reason: TrialReason | null;
  /** ISO 8601 UTC: when `ask` handed it out (null if never asked for) and when it was told. */
  askedAt: string | null;
  toldAt: string | null;
}

/** An architecture `ask` would like to hand out. */
export interface Proposal {
  key: string;
  arch: unknown;
  predicted: number | null;
  reason: TrialReason;
}

/** A result to record: a value, or a failure. */
export type Outcome = { value: number } | { failed: true };

export interface TrialResult {
  key: string;
  arch: unknown;
  outcome: Outcome;
}

/** What a check sees of the study while a result is recorded (inside the same transaction). */
export interface RecordContext {
  /** The trial already stored under the result's key, if any. */
  existing: Trial | undefined;
  /** Done values so far (earlier results of the same call included). */
  done: DoneRange;
  /** Done values before this call (what the study held when the transaction began), as `done`. */
  before: DoneRange;
}

/**
 * A study's done values as the checks of `tell` see them (tell-rules.ts): how many, the smallest above 0
 * (NaN when none: a 0 is 0 on either scale and settles nothing), the smallest above 1 (NaN when none:
 * the bottom of a percent study's range, chance-level accuracies of 1 % or less apart), the largest of
 * 1 or less, and the largest.
 */
export interface DoneRange {
  count: number;
  min: number;
  minAboveOne: number;
  /**
   * The largest in (0, 1] (NaN when none): with `min`, the spread of a percent study's values of 1 or
   * less beside its percents (chance-level accuracies spread little; fractions spread wide).
   */
  maxUpToOne: number;
  max: number;
}

/** `range` (changed in place) with one more done value, as a store counts each result it writes. */
export function addDoneValue(range: DoneRange, value: number): void {
  range.count++;
  if (value > 0) range.min = Number.isNaN(range.min) ? value : Math.min(range.min, value);
  if (value > 1)
    range.minAboveOne = Number.isNaN(range.minAboveOne) ? value : Math.min(range.minAboveOne, value);
  else if (value > 0)
    range.maxUpToOne = Number.isNaN(range.maxUpToOne) ? value : Math.max(range.maxUpToOne, value);
  range.max = range.count === 1 ? value : Math.max(range.max, value);
}

/**
 * A check run for each result inside the write transaction: throw to refuse (nothing of the call is
 * written), return "skip" to leave the stored trial as it is (e.g. the same value told again), or
 * "write" to store the result.
 */
export type RecordCheck = (result: TrialResult, context: RecordContext) => "write" | "skip";

/** How `record` reads the study for its checks. */
export interface RecordOptions {
  /**
   * The results replace what is stored under their keys (`tell --replace`): the values stored there that
   * a result changes are left out of the done range the checks see, so that a value told on the wrong
   * scale does not make its own correction look like the odd one out; a value told again unchanged stays
   * in it (a file repeating the study's fractions must not let a percent in beside them).
   */
  replacing?: boolean;
}

export interface StudyCounts {
  pending: number;
  done: number;
  failed: number;
}

export interface StudyStore {
  /** Where the study is (a file path, a URL), for messages. */
  readonly location: string;
  settings(): Promise<StudySettings>;
  /** Every trial, in order of arrival (`number`). */
  trials(): Promise<Trial[]>;
  counts(): Promise<StudyCounts>;
  /** The keys of every trial, whatever its state: what `ask` must never hand out again. */
  keys(): Promise<Set<string>>;
  /**
   * Atomically stores as pending the first `n` proposals whose keys the study does not hold yet (in
   * order), and returns them as trials. Two callers at once get disjoint sets; fewer than `n` come back
   * when the proposals run out.
   */
  reserve(proposals: readonly Proposal[], n: number): Promise<Trial[]>;
  /**
   * Atomically records results (all or none): each is checked by `check`, then written over the trial
   * stored under its key (a told trial keeps its told time: a correction) or as a new trial. Returns how
   * many were written and how many skipped.
   */
  record(
    results: readonly TrialResult[],
    check: RecordCheck,
    options?: RecordOptions,
  ): Promise<{ written: number; skipped: number }>;
  /**
   * Atomically hands out again up to `n` pending trials asked for more than `timeoutMs` milliseconds
   * ago (their worker presumably died; see pending.ts), the oldest first: their asked time is renewed,
   * so that no other caller takes them until the timeout runs out again. Two callers at once get
   * disjoint sets. Returns them in order of arrival (`number`).
   */
  reclaim(timeoutMs: number, n: number): Promise<Trial[]>;
  /**
   * Atomically removes the trials under `keys` that are still pending (an ask whose architectures never
   * reached anyone: its output was lost), so that a later ask may hand them out again at once; a told
   * one, or a key the study does not hold, is left alone. Returns how many were removed.
   */
  release(keys: readonly string[]): Promise<number>;
  /**
   * Removes the study and every trial of it (`study delete`), once the writes under way have finished,
   * and closes the store; returns how many trials it held by state. Later commands on the study are
   * told there is no such study (a worker's `tell` of a trial pending here included). Cannot be undone.
   */
  remove(): Promise<StudyCounts>;
  close(): Promise<void>;
}
