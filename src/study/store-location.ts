/**
 * Which store a `--study` argument names: a `postgresql://…?study=NAME` URL is a study on a PostgreSQL
 * server (postgres-store.ts, many machines), anything else a study file (sqlite-store.ts, one machine),
 * except what looks like another URL (checkStudyLocation).
 */
import { PostgresStudyStore } from "./postgres-store.js";
import { SqliteStudyStore } from "./sqlite-store.js";
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
 * SqliteStudyStore.open). Throws UserError/BadFileError (missing, another schema version, …).
 */
export async function openStore(location: string, access: "read" | "write" = "write"): Promise<StudyStore> {
  checkStudyLocation(location);
  // a PostgreSQL study takes no access, but a wrong one is the caller's slip wherever the study lives
  checkAccess(access);
  return isPostgresUrl(location)
    ? PostgresStudyStore.open(location)
    : SqliteStudyStore.open(location, access);
}
