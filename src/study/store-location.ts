/**
 * Which store a `--study` argument names: a `postgresql://…?study=NAME` URL is a study on a PostgreSQL
 * server (postgres-store.ts, many machines), anything else a study file (sqlite-store.ts, one machine),
 * except what looks like another URL (checkStudyLocation).
 */

import { UserError } from "../errors.js";
import { PostgresStudyStore } from "./postgres-store.js";
import { removalRefusal as fileRemovalRefusal, SqliteStudyStore } from "./sqlite-store.js";
import type { StudySettings, StudyStore } from "./store.js";
import { checkAccess, checkNewStudyFileName, checkStudyLocation, isPostgresUrl } from "./study-url.js";

/**
 * Makes the study `location` names (refused if it exists). `fill` writes into it before any other
 * process can (an import): a study file is filled in its temporary file and appears whole or not at
 * all; a PostgreSQL study whose fill fails is removed only while no one else has written to it. Throws
 * UserError/BadFileError, or what `fill` throws.
 */
export async function createStore(
  location: string,
  settings: StudySettings,
  fill?: (store: StudyStore) => Promise<void>,
): Promise<StudyStore> {
  checkStudyLocation(location);
  checkNewStudyFileName(location);
  return isPostgresUrl(location)
    ? PostgresStudyStore.create(location, settings, fill)
    : SqliteStudyStore.create(location, settings, fill);
}

/**
 * Opens the study `location` names; `access` "read" for a reader that never writes (see
 * SqliteStudyStore.open): its writes (reserve, record, reclaim, release, remove) then throw UserError.
 * Throws UserError/BadFileError (missing, another schema version, …).
 */
export async function openStore(location: string, access: "read" | "write" = "write"): Promise<StudyStore> {
  checkStudyLocation(location);
  // a PostgreSQL study takes no access, but a wrong one is the caller's slip wherever the study lives
  checkAccess(access);
  const store = isPostgresUrl(location)
    ? await PostgresStudyStore.open(location)
    : await SqliteStudyStore.open(location, access);
  return access === "read" ? readOnlyStore(store) : store;
}

/**
 * What keeps this process from removing the study at `location` (its folder read-only or immutable),
 * as one UserError; undefined for a PostgreSQL study, a missing file (open says so) or none.
 */
export function removalRefusal(location: string): UserError | undefined {
  if (isPostgresUrl(location)) return undefined;
  checkStudyLocation(location);
  return fileRemovalRefusal(location);
}

/**
 * `store` with its writes refused: openStudyFile(path, {}, "read") asked and told into the study
 * (found by tester S), and a read-only study file is read from a temporary copy, where a write would
 * be lost without a word.
 */
function readOnlyStore(store: StudyStore): StudyStore {
  const refuse = (what: string) => async (): Promise<never> => {
    throw new UserError(
      `${store.location}: opened for reading (access "read"), so it cannot ${what}; open it for writing (the default access, "write")`,
    );
  };
  return {
    location: store.location,
    settings: () => store.settings(),
    trials: () => store.trials(),
    counts: () => store.counts(),
    keys: () => store.keys(),
    reserve: refuse("hand out architectures (ask)"),
    record: refuse("record results (tell)"),
    reclaim: refuse("hand out architectures (ask)"),
    release: refuse("hand back asked architectures"),
    remove: refuse("be deleted"),
    close: () => store.close(),
  };
}
