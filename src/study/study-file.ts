/**
 * Studies in SQLite files, as the command line uses them: made from a spec file (the spec is copied
 * into the study, so the study file alone is enough later), optionally with results already trained,
 * and reopened by path. A `postgresql://…?study=NAME` URL in place of the path names a study on a
 * PostgreSQL server instead (store-location.ts), with the same behaviour.
 */
import { BadFileError, refuseUnknownKeys, shownValue, UserError, UserErrors } from "../errors.js";
import type { Method } from "../predictors/registry.js";
import { createSpace, readSpaceSpec } from "../spaces/kinds.js";
import { parseSpec } from "../spaces/spec.js";
import { type AskOptions, askOptions, checkAskMethod } from "./ask-strategy.js";
import { checkTargetColumn, readArchitecturesFile, readResultsFile } from "./results-file.js";
import type { Direction, StudyCounts, StudySettings, StudyStore, TrialState } from "./store.js";
import { createStore, openStore, removalRefusal } from "./store-location.js";
import { Study, type TellResult } from "./study.js";
import { directionWarning, type ValueScale } from "./tell-rules.js";

export interface CreateStudyFile {
  /** The study file to make (refused if it exists), or a PostgreSQL study URL (study-url.ts). */
  study: string;
  /** The space spec file (checked; every bad field named), or a built-in space's name (nb101, nb201). */
  specFile: string;
  target: string;
  direction?: Direction;
  /** Scale of an accuracy-like target (default "auto"). */
  scale?: ValueScale;
  seed?: number;
  /** A results file of architectures already trained (see results-file.ts), told at once. */
  importFile?: string;
}

const CREATE_STUDY_KEYS: readonly (keyof CreateStudyFile)[] = [
  "study",
  "specFile",
  "target",
  "direction",
  "scale",
  "seed",
  "importFile",
];

/**
 * Makes a study file; with `importFile`, tells its rows before any other process can reach the study
 * (all or none: a bad row leaves no study file behind, and nothing another process told is lost). Returns the study, open, how many rows were imported, and
 * `warnings`: what the study was made with that looks like a slip, made as asked (a target read as a
 * loss, maximized: `direction` left out, say), and the import's (`TellResult.warnings`), one line each; the command line prints them. Throws UserError/BadFileError,
 * and UserError for an option it does not know (`minimize: true` is `direction: "minimize"`).
 */
export async function createStudyFile(
  given: CreateStudyFile,
  options: Partial<AskOptions> = {},
): Promise<{ study: Study<unknown>; imported: TellResult; warnings: string[] }> {
  if (given === null || typeof given !== "object")
    throw new UserError("createStudyFile needs an object of settings");
  refuseUnknownKeys(given, CREATE_STUDY_KEYS, "createStudyFile");
  for (const key of ["study", "specFile", "importFile"] as const)
    if (given[key] !== undefined && typeof given[key] !== "string")
      throw new UserError(`createStudyFile: ${key} must be a path (text), got ${JSON.stringify(given[key])}`);
  // ({}) said "Cannot read properties of undefined (reading 'trim')"
  for (const key of ["study", "specFile", "target"] as const)
    if (given[key] === undefined)
      throw new UserError(
        `createStudyFile needs ${key} (${key === "target" ? "the target column's name" : key === "study" ? "the study file's path, or a postgresql:// URL" : "the space's spec file, or nb101 / nb201"})`,
      );
  const spec = readSpaceSpec(given.specFile);
  const space = await createSpace(spec);
  const settings = Study.settings({
    spec,
    target: given.target,
    direction: given.direction,
    scale: given.scale,
    seed: given.seed,
  });
  checkTargetColumn(space, settings.target);
  // the ask options, and the method against the space, before anything is made: a bad one refused by
  // Study.open after createStore left an empty study behind, and the corrected call was refused as existing
  checkAskMethod(space, askOptions(options).method);
  // read the import before making anything, so that a bad file leaves nothing behind
  // "" is a file name given empty (an unset shell variable), refused by readResultsFile, not "no import"
  const rows =
    given.importFile !== undefined ? readResultsFile(given.importFile, space, settings.target) : [];
  let store: StudyStore;
  let imported: TellResult = { written: 0, skipped: 0 };
  // the import is told before any other process can reach the study (see createStore): a tell or ask
  // landing between the study's making and its import, then lost with it when the import was refused
  const tellImport = async (made: StudyStore) => {
    const study = await Study.open(made, space, options);
    imported = await study.tellMany(
      rows.map((r) => ({
        arch: r.arch,
        outcome: r.outcome,
        source: `${given.importFile} line ${r.line}`,
        written: r.written,
      })),
    );
  };
  try {
    store = await createStore(given.study, settings, rows.length > 0 ? tellImport : undefined);
  } catch (e) {
    throw await explainExisting(e, given.study, settings);
  }
  try {
    const warning = directionWarning(settings.target, settings.direction);
    return {
      study: await Study.open(store, space, options),
      imported,
      // the import's own (a fraction kept among percents under --scale percent), after the study's
      warnings: [...(warning ? [warning] : []), ...(imported.warnings ?? [])],
    };
  } catch (e) {
    await store.close();
    // made, but not to be read here (a file-size limit that the -shm file SQLite adds outgrows): the
    // advised rerun of study create was refused as existing (tester V); say that it is there
    if (e instanceof UserError && !(e instanceof BadFileError))
      throw new UserError(
        `${e.message}; ${store.location} was made all the same: once that is fixed, use it (study create again would refuse it as existing)`,
      );
    throw e;
  }
}

/**
 * The error of a create refused because the study exists, with what the existing one holds when that
 * is nothing (made without --import, or by an older nas-assay whose killed create --import left it
 * empty): running it again is refused — the user needs to know the import can go in with `tell --file`.
 */
async function explainExisting(e: unknown, location: string, wanted: StudySettings): Promise<unknown> {
  if (!(e instanceof UserError) || !/ already exists;/.test(e.message)) return e;
  let counts: StudyCounts;
  let made: StudySettings;
  try {
    const existing = await openStore(location);
    try {
      counts = await existing.counts();
      made = await existing.settings();
    } finally {
      await existing.close();
    }
  } catch {
    return e; // not a study we can read: the refusal as it was
  }
  if (counts.pending + counts.done + counts.failed > 0) return e;
  // its settings must be those asked for now, or telling the import into it would lose them
  const differs = [
    JSON.stringify(made.space) !== JSON.stringify(wanted.space) ? "another space" : "",
    made.target !== wanted.target ? `target ${made.target}` : "",
    made.direction !== wanted.direction ? made.direction : "",
    (made.scale ?? "auto") !== (wanted.scale ?? "auto") ? `scale ${made.scale ?? "auto"}` : "",
  ].filter(Boolean);
  if (differs.length > 0)
    return new UserError(
      `${e.message.replace(/;.*$/, "")}, holds no trial, and was made with ${differs.join(", ")}: ` +
        "choose another --study, or delete it to make it again with these settings",
    );
  return new UserError(
    `${e.message.replace(/;.*$/, "")} and holds no trial yet: tell --study it --file your results ` +
      "imports them, or choose another --study",
  );
}

/**
 * parseSpec's words for two options or names that read as one (a number in two notations, a text in two
 * Unicode writings), which specs may hold no more since 2026-11-30 and studies made before may.
 */
const OLDER_RULE =
  /written another way \(a CSV cell or --arch reads both|written with other Unicode code points/;

/**
 * Opens a study file (or a PostgreSQL study URL) and the space its stored spec describes; `access`
 * "read" for a caller that only reads (`study show`): a read-only study file is then read from a copy.
 * Throws UserError/BadFileError: a stored spec that parseSpec refuses is a damaged study, or one made
 * before a rule this nas-assay holds specs to (OLDER_RULE), said as such.
 */
export async function openStudyFile(
  path: string,
  options: Partial<AskOptions> = {},
  access: "read" | "write" = "write",
): Promise<Study<unknown>> {
  if (typeof path !== "string")
    throw new UserError(
      `openStudyFile needs the study's file or postgresql:// URL, got ${JSON.stringify(path) ?? String(path)}`,
    );
  if (typeof options === "string")
    throw new UserError(
      `openStudyFile takes the access third: openStudyFile(path, {}, ${JSON.stringify(options)}); the second argument is the ask options`,
    );
  const store = await openStore(path, access);
  try {
    const settings = await store.settings();
    let spec: ReturnType<typeof parseSpec>;
    try {
      // a study made before names were limited (length, control characters) still opens
      spec = parseSpec(settings.space, "its space spec", { stored: true });
    } catch (e) {
      // a spec file lists every problem, one line each; a damaged study is one problem, said in one line
      if (!(e instanceof UserError)) throw e;
      const problems = e instanceof UserErrors ? e.problems : [e.message];
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
      // two options or names that are one once read (1 and "1.0"; "café" in two Unicode writings) were
      // taken by nas-assay until 2026-11-30: such a study is older, not damaged, and this one cannot
      // tell its architectures apart
      if (problems.some((p) => OLDER_RULE.test(p)))
        throw new BadFileError(
          store.location,
          `a study made by a nas-assay before 2026-11-30, whose space spec this one cannot read: ${problems[0]}${more}; ` +
            "use the nas-assay that made it (study show --json lists its results), or make a study of a corrected spec and tell them to it",
        );
      throw new BadFileError(store.location, `damaged study: ${problems[0]}${more}`);
    }
    const space = await createSpace(spec);
    return await Study.open(store, space, options);
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * Removes the study `location` names (a study file with its `-wal` and `-shm` files, or a PostgreSQL
 * study with its trials; the server's other studies stay): `study delete`. Waits for a write under way
 * to finish. Returns the location (a URL without its password) and how many trials it held by state.
 * Throws UserError/BadFileError as openStudyFile does (no such study, not a study, another schema
 * version, a read-only study file or folder, a server out of reach); a file that is no study is never
 * removed. Cannot be undone: `study show --csv` keeps the results first.
 */
export async function removeStudyFile(location: string): Promise<{ study: string; removed: StudyCounts }> {
  if (typeof location !== "string")
    throw new UserError(
      `removeStudyFile needs the study's file or postgresql:// URL, got ${JSON.stringify(location) ?? String(location)}`,
    );
  // before opening: opening says what keeps it from being written, whose advice (work on a copy) cannot
  // help a removal
  const refused = removalRefusal(location);
  if (refused) throw refused;
  const store = await openStore(location, "write");
  // settings read first: a file SQLite opens but that holds no study settings is damaged, not removed
  try {
    await store.settings();
  } catch (e) {
    await store.close();
    throw e;
  }
  const study = store.location;
  return { study, removed: await store.remove() };
}

/** What `predict --study` prints: the study's predictor's values for the architectures of a file. */
export interface StudyPredictions {
  study: string;
  /** The study's target, whose scale the predictions are on (as its values are told). */
  target: string;
  direction: Direction;
  /** The predictor fitted (the ask method given, else ask's default). */
  method: Method;
  /** The done trials it was fitted on. */
  told: number;
  /** How many distinct architectures of the file the study holds as failed (ask hands them out no more). */
  failed: number;
  /** How many distinct architectures of the file are pending (handed out by ask, being trained). */
  pending: number;
  /** Lines of the file naming the architecture of an earlier line (`of`), maybe written otherwise. */
  repeats: { line: number; of: number }[];
  /**
   * One per row of the file, in its order: the architecture in its JSON form, the prediction, its told
   * value when the study holds one (else null), and its trial's state in the study: `done` (told a
   * value), `failed` (told failed: ask never hands it out again), `pending` (handed out by ask, being
   * trained), or null when the study has no trial of it.
   */
  predictions: {
    line: number;
    arch: unknown;
    predicted: number;
    toldValue: number | null;
    state: TrialState | null;
  }[];
}

/**
 * Predictions, for the architectures in `file` (CSV or JSON Lines with the study's architecture
 * columns, as a results file without its value), of the predictor `ask` fits on the study at
 * `location` (Study.predict): architectures one chose, not only those ask picks. Opens the study for
 * reading (nothing is reserved or written). `options.method` as ask's. Throws UserError / BadFileError
 * for a missing study, an unreadable file or an architecture not of the space (naming its line), and
 * for fewer than 2 done trials.
 */
export async function predictStudyFile(
  location: string,
  file: string,
  options: Partial<AskOptions> = {},
): Promise<StudyPredictions> {
  // named as this function's, not openStudyFile's, which the caller never called (tester Z)
  if (typeof location !== "string" || typeof file !== "string")
    throw new UserError(
      `predictStudyFile(study, file) needs the study's file or postgresql:// URL and the path of a file of architectures, got ${shownValue(location, 60)} and ${shownValue(file, 60)}`,
    );
  const study = await openStudyFile(location, options, "read");
  try {
    const rows = readArchitecturesFile(file, study.space);
    const { predicted, told, states } = await study.predictWithStates(rows.map((r) => r.arch));
    const predictions = rows.map((r, k) => ({
      line: r.line,
      arch: study.space.jsonOf(r.arch),
      predicted: predicted[k],
      ...states[k],
    }));
    // a line naming an architecture of an earlier line (written alike, or a cell with its vertices in
    // another order) was predicted again without a word (tester Y)
    const keys = rows.map((r) => study.space.key(r.arch));
    const first = new Map<string, number>();
    const repeats: { line: number; of: number }[] = [];
    rows.forEach((r, k) => {
      const of = first.get(keys[k]);
      if (of === undefined) first.set(keys[k], r.line);
      else repeats.push({ line: r.line, of });
    });
    // architectures, not lines: one listed twice is one (tester Y: "2 failed" for one failed, twice)
    const count = (state: TrialState) => new Set(keys.filter((_, k) => states[k].state === state)).size;
    return {
      study: study.store.location,
      target: study.settings.target,
      direction: study.settings.direction,
      method: askOptions(options).method,
      told,
      failed: count("failed"),
      pending: count("pending"),
      repeats,
      predictions,
    };
  } finally {
    await study.close();
  }
}
