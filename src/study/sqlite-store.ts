/**
 * A study in one SQLite file (better-sqlite3): WAL journal so that readers never wait and a process
 * killed mid-write loses nothing committed; `ask` reserves in a `BEGIN IMMEDIATE` transaction (one
 * writer at a time, others wait up to BUSY_TIMEOUT_MS) with UNIQUE(key) behind it, so two processes
 * asking at once get disjoint architectures. The file carries an application id (it is a nas-assay
 * study) and a schema version (a file of another version is refused, never reinterpreted).
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statfsSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { IMMUTABLE, writeRefusal } from "../data/atomic-file.js";
import { checkOutputFile } from "../data/output-path.js";
import { removeOnInterrupt, removeStaleTempDirs, tempDirOf } from "../data/temp-dir.js";
import { BadFileError, UserError } from "../errors.js";
import { openSqlite } from "./sqlite-binding.js";
import type {
  Proposal,
  RecordCheck,
  RecordOptions,
  StudyCounts,
  StudySettings,
  StudyStore,
  Trial,
  TrialResult,
} from "./store.js";
import { addDoneValue, checkNewSettings, type DoneRange, readSettings } from "./store.js";
import { checkAccess, checkLocationText } from "./study-url.js";

/** Version of the tables below; bump it (and refuse or migrate older files) when they change. */
export const STUDY_SCHEMA_VERSION = 1;
/** `PRAGMA application_id` of a study file: "NASA" in ASCII. */
const APPLICATION_ID = 0x4e415341;
/** How long a writer waits for another process's transaction before giving up (ms). */
const BUSY_TIMEOUT_MS = 30_000;

const SCHEMA = `
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE trials (
  number INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  arch TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  value REAL,
  predicted REAL,
  reason TEXT CHECK (reason IN ('exploit', 'explore')),
  asked_at TEXT,
  told_at TEXT,
  CHECK ((state = 'done') = (value IS NOT NULL))
);
CREATE INDEX trials_state ON trials (state);
`;

interface TrialRow {
  number: number;
  key: string;
  arch: string;
  state: Trial["state"];
  value: number | null;
  predicted: number | null;
  reason: Trial["reason"];
  asked_at: string | null;
  told_at: string | null;
}

/** A row of the trials table that no nas-assay wrote (edited by hand, or damaged): named by fileError. */
class DamagedRow extends Error {}

/** A trial from its row, checked: SQLite keeps any value in any column. Throws DamagedRow. */
function trialOf(row: TrialRow): Trial {
  const damaged = (what: string) => new DamagedRow(`trial ${row.number}: ${what}`);
  let arch: unknown;
  try {
    arch = JSON.parse(row.arch);
  } catch {
    throw damaged(`its architecture is not JSON (${JSON.stringify(String(row.arch).slice(0, 40))})`);
  }
  if (!["pending", "done", "failed"].includes(row.state))
    throw damaged(`its state is ${JSON.stringify(row.state)}; expected pending, done or failed`);
  const number = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  // JSON.stringify writes Infinity (9e999 in SQL) as null
  const shown = (x: unknown) => (typeof x === "number" ? String(x) : JSON.stringify(x));
  if (row.state === "done" ? !number(row.value) : row.value !== null && !number(row.value))
    throw damaged(
      `its value is ${shown(row.value)}; expected a number${row.state === "done" ? "" : " or none"}`,
    );
  if (row.predicted !== null && !number(row.predicted))
    throw damaged(`its prediction is ${shown(row.predicted)}; expected a number or none`);
  return {
    number: row.number,
    key: row.key,
    arch,
    state: row.state,
    value: row.value,
    predicted: row.predicted,
    reason: row.reason,
    askedAt: row.asked_at,
    toldAt: row.told_at,
  };
}

/**
 * The files SQLite keeps beside a database: its write-ahead log and index (WAL mode), and the
 * rollback journal of a database not yet in WAL mode (a study being made).
 */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

/**
 * The longest path SQLite's unix VFS opens (MAX_PATHNAME), in bytes, absolute, with the suffix of the
 * file it makes beside a study: a longer one fails as "unable to open database file" (measured: a study
 * path of 480 bytes was made, one of 490 was not, its staged name being 15 bytes longer).
 */
const SQLITE_MAX_PATH = 512;

/**
 * A study name longer than the file system allows once SQLite's suffixes are added (`-wal`, and
 * `.creating-PID` while it is made): statSync's ENAMETOOLONG was an internal error with a stack trace.
 */
function nameTooLong(path: string): UserError {
  return new UserError(
    `cannot create the study ${path}: its name (${Buffer.byteLength(basename(path))} bytes) is too long for ` +
      `the file system with the suffixes of the files made beside it (${basename(path)}.creating-${process.pid}-wal, ` +
      "most file systems take 255 bytes a name): choose a shorter name",
  );
}

function configure(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma("journal_mode = WAL");
  // every commit reaches the disk: a study records hours of training per row
  db.pragma("synchronous = FULL");
}

/**
 * SQLite's errors that come from the file or the machine, not from nas-assay, as one line naming the
 * study: a damaged file, another process holding the study too long, a full disk, a read-only file.
 * Anything else is rethrown as is.
 */
export function fileError(location: string, e: unknown): unknown {
  if (e instanceof DamagedRow)
    return new BadFileError(location, `damaged study: ${e.message}; restore it from a copy`);
  if (!(e instanceof Database.SqliteError)) return e;
  const code = e.code;
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB")
    return new BadFileError(
      location,
      `is damaged (SQLite: ${e.message}); restore it from a copy, or recover its rows with the sqlite3 tool's .recover`,
    );
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return new UserError(
      `${location}: another process held the study for over ${BUSY_TIMEOUT_MS / 1000} s (SQLite: ${e.message}); try again`,
    );
  // WAL keeps -wal and -shm files beside the study: even a read needs them
  if (code.startsWith("SQLITE_READONLY"))
    return (
      readOnly(location, e.message) ??
      new UserError(`${location}: the study is read-only (SQLite: ${e.message})`)
    );
  // a table or column of the schema gone: a file edited by hand, or damaged
  if (code === "SQLITE_ERROR" && /^no such (table|column)/.test(e.message))
    return new BadFileError(location, `damaged study (SQLite: ${e.message}); restore it from a copy`);
  // a file-size limit (ulimit -f) fails SQLite's writes with the codes of a full disk (found by tester R:
  // "the disk … is full" beside a disk with room); the limit is named when it is what the files reach
  if (code === "SQLITE_FULL" || code.startsWith("SQLITE_IOERR")) {
    const limit = fileSizeLimit();
    if (
      limit !== undefined &&
      limit <= largestBeside(location) + LIMIT_MARGIN_BYTES &&
      // a disk with no room left is the cause, whatever the limit (tester U: a full 160 KB tmpfs under
      // ulimit -f 1000 was blamed on the limit)
      !diskNearlyFull(location)
    )
      return new UserError(
        `${location}: this process may write files of at most ${limit} bytes (a file-size limit, ulimit -f), and the study ` +
          `and its -wal and -shm files beside it need more (SQLite: ${e.message}); raise the limit (ulimit -f unlimited) and run the command again`,
      );
  }
  // a full disk: SQLITE_FULL, or, when the -shm file that even a read needs cannot be made there,
  // SQLITE_IOERR_SHMSIZE, which said only "disk I/O error" (a tell or ask into a study on a full tmpfs)
  if (code === "SQLITE_FULL" || code === "SQLITE_IOERR_SHMSIZE")
    return new UserError(
      `${location}: the disk holding the study is full (SQLite: ${e.message}); free some space and run the command again`,
    );
  if (
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_IOERR") ||
    code.startsWith("SQLITE_CANTOPEN") ||
    code === "SQLITE_FULL" ||
    code === "SQLITE_PERM"
  )
    return new UserError(`${location}: cannot read or write the study (SQLite: ${e.message})`);
  return e;
}

/**
 * How far below a file-size limit the study's largest file may be when a write fails for the limit to be
 * blamed: SQLite grows the -shm file 32 KiB at a time and writes the -wal a page or a transaction's
 * pages at a time; 1 MiB covers a tell of a few hundred results.
 */
const LIMIT_MARGIN_BYTES = 1 << 20;

/**
 * This process's file-size limit in bytes (`ulimit -f`; the soft limit of /proc/self/limits), or
 * undefined when there is none or it cannot be read (not Linux).
 */
function fileSizeLimit(): number | undefined {
  try {
    const line = readFileSync("/proc/self/limits", "utf8")
      .split("\n")
      .find((l) => l.startsWith("Max file size"));
    const soft = line?.slice("Max file size".length).trim().split(/\s+/)[0];
    const bytes = Number(soft);
    return Number.isSafeInteger(bytes) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Free space below which a failed write is put down to a full disk rather than a file-size limit:
 * twice the 32 KiB by which SQLite grows the -shm file. 1 MiB blamed a full disk for a limit on a
 * small file system with 152 KiB free (tester V); a full one had 32 KiB left.
 */
const DISK_FULL_BYTES = 64 << 10;

/** Whether the file system holding the study at `location` has less than DISK_FULL_BYTES free (false when it cannot tell). */
function diskNearlyFull(location: string): boolean {
  try {
    const fs = statfsSync(dirname(realFile(location)));
    return fs.bavail * fs.bsize < DISK_FULL_BYTES;
  } catch {
    return false;
  }
}

/** The size in bytes of the largest of the study at `location` and its -wal and -shm files (0 if none). */
function largestBeside(location: string): number {
  const real = realFile(location);
  return Math.max(
    0,
    ...[real, `${real}-wal`, `${real}-shm`].map((f) => {
      try {
        return statSync(f).size;
      } catch {
        return 0;
      }
    }),
  );
}

/** Whether this process may write `path` (always, as root, except on a read-only file system). */
function writable(path: string): boolean {
  return writeRefusal(path) === undefined;
}

/**
 * What keeps this process from writing the study at `path`, as one line: the study or its -wal/-shm
 * file read-only (SQLite made those with the study's mode at the time), or its folder (SQLite writes
 * the -wal and -shm files beside the study, even to read it); undefined when nothing does.
 */
function readOnly(path: string, sqliteMessage?: string): UserError | undefined {
  const said = sqliteMessage ? ` (SQLite: ${sqliteMessage})` : "";
  // SQLite keeps the -wal and -shm files beside the file a symbolic link leads to
  const real = realFile(path);
  const file = [real, `${real}-wal`, `${real}-shm`].find((f) => existsSync(f) && !writable(f));
  const refusal = file && writeRefusal(file);
  // on a read-only file system no chmod helps
  if (refusal === "EROFS")
    return new UserError(
      `${path}: the study is on a read-only file system${said}; this command writes to the study: copy it ` +
        "to a writable folder and use the copy (study show reads it where it is)",
    );
  const name = file === real ? "the study file" : basename(file ?? "");
  if (refusal === "EPERM")
    return new UserError(
      `${path}: ${name} ${IMMUTABLE}, or work on a copy; this command writes to the study${said}`,
    );
  if (file) {
    // chmod helps the file's owner only
    const owner = statSync(file).uid;
    const fix =
      process.getuid === undefined || owner === process.getuid()
        ? `make it writable (chmod u+w ${shellWord(file)}), or work on a copy`
        : "it belongs to another user: work on a copy, or ask its owner to make it writable";
    return new UserError(`${path}: ${name} is read-only${said}; this command writes to the study: ${fix}`);
  }
  if (!writable(dirname(real)))
    return new UserError(
      `${path}: the folder holding the study${real === resolve(path) ? "" : ` (${dirname(real)})`} is read-only${said}, ` +
        `and SQLite writes its ${basename(real)}-wal and -shm files beside the study even to read it; copy the study into ` +
        "a writable folder and use the copy",
    );
  return undefined;
}

/**
 * What keeps this process from removing the study at `path` (study delete), as one line: its folder
 * read-only, marked immutable, or on a read-only file system — removing a file changes its folder.
 * readOnly's advice for these, "copy the study into a writable folder", cannot help a delete (found by
 * tester V); undefined when the folder may be changed (a sticky folder or an append-only mark still
 * refuses the unlink itself, said by remove).
 */
export function removalRefusal(path: string): UserError | undefined {
  const real = realFile(path);
  const folder = dirname(real);
  const refusal = writeRefusal(folder);
  if (refusal === undefined || !existsSync(real)) return undefined;
  const unchanged = "; the study is as it was";
  if (refusal === "EROFS")
    return new UserError(
      `cannot delete ${path}: it is on a read-only file system, where nothing can be removed (mount it read-write first)${unchanged}`,
    );
  if (refusal === "EPERM")
    return new UserError(
      `cannot delete ${path}: the folder holding it (${folder}) ${IMMUTABLE.replace("lsattr shows", "lsattr -d shows")}, then delete again${unchanged}`,
    );
  return new UserError(
    `cannot delete ${path}: the folder holding it (${folder}) is read-only for this user, and removing a file changes ` +
      `its folder: make the folder writable (chmod u+w ${shellWord(folder)}), or ask its owner${unchanged}`,
  );
}

/** The file `path` names, symbolic links followed (the path itself when it cannot be resolved). */
function realFile(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** `text` as one shell word: quoted when it holds anything but letters, digits and ./_-+:@ */
function shellWord(text: string): string {
  return /^[\w./+:@-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * For a reader that may not write beside the study (a read-only file or folder): a copy of the study
 * and of its -wal file in a fresh temporary folder, with the function that removes it, or undefined
 * when the study can be read in place. SQLite makes -wal and -shm files beside a study to read it,
 * with the study's mode: in a read-only folder it cannot, and beside a read-only file they stay
 * read-only and then stop every later write. The copy is removed on Ctrl-C or kill too.
 * @throws UserError when the copy cannot be made (an unreadable -wal, a missing TMPDIR).
 */
function readableCopy(path: string): { copy: string; remove: () => void } | undefined {
  const real = realFile(path);
  const beside = [real, `${real}-wal`, `${real}-shm`].filter((f) => existsSync(f));
  if (writable(dirname(real)) && beside.every(writable)) return undefined;
  let folder: string;
  try {
    folder = mkdtempSync(join(tmpdir(), "nas-assay-study-"));
  } catch (e) {
    throw new UserError(
      `${path}: cannot make a temporary copy of the read-only study to read it: ${(e as Error).message} (is TMPDIR a writable folder?)`,
    );
  }
  const keep = removeOnInterrupt(folder);
  const remove = () => {
    keep();
    rmSync(folder, { recursive: true, force: true });
  };
  const copy = join(folder, "study.db");
  try {
    copyFileSync(real, copy);
    if (existsSync(`${real}-wal`)) copyFileSync(`${real}-wal`, `${copy}-wal`);
  } catch (e) {
    remove();
    throw new UserError(
      `${path}: cannot read the study (it is read-only here, so it is read from a copy): ${(e as Error).message}`,
    );
  }
  return { copy, remove };
}

export class SqliteStudyStore implements StudyStore {
  /**
   * The study file as opened (device and inode), which a write checks is still there (see
   * stillThere); "gone" when it was removed before this store looked at it (between SQLite's open and
   * the constructor); undefined for a store that is no file (memory, a reader's copy, a study being made).
   */
  private readonly file: { dev: number; ino: number } | "gone" | undefined;
  /**
   * `location` as an absolute path, for stillThere and remove: a program that changed its working
   * folder after opening a study by a relative name had every write refused as 'the study was removed
   * while in use' (SQLite keeps the absolute path and wrote on; the check looked in the new folder).
   */
  private readonly path: string;

  private constructor(
    readonly location: string,
    private readonly db: Database.Database,
    /** Removes the temporary copy a read-only reader works on (readableCopy), at close. */
    private readonly removeCopy?: () => void,
    /** A study being made under a temporary name (create's import), not yet at `location`: unchecked. */
    staged = false,
  ) {
    this.path = location === ":memory:" ? location : resolve(location);
    if (location === ":memory:" || removeCopy || staged) this.file = undefined;
    else {
      // removed after SQLite opened it (study delete in that moment): every write is refused, as for
      // one removed later; the store took it for no file and wrote into the removed one, said as told
      const stat = statSync(this.path, { throwIfNoEntry: false });
      this.file = stat ? { dev: stat.dev, ino: stat.ino } : "gone";
    }
  }

  /**
   * Throws UserError when the study file this store opened is no longer at its path (`study delete`
   * removed it, or another file took its name): called first in every write transaction, so that a
   * process that had the study open does not report as told a result written into a removed file.
   * `study delete` removes the file while it holds the write lock, so a writer waiting for the lock
   * finds it gone.
   */
  private stillThere(): void {
    if (this.file === undefined) return;
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (this.file === "gone" || now === undefined || now.dev !== this.file.dev || now.ino !== this.file.ino)
      throw new UserError(`${this.location}: the study was removed while in use`);
  }

  /**
   * Makes the study file `path` (see createStore). It is made under a temporary name beside it, filled
   * there by `fill` (an import), and linked into place only then, never over an existing file: a crash
   * never leaves a half-made study under that name, and another process can neither see one nor tell
   * into one whose import then fails and is removed (which lost what it told). Throws UserError for an
   * existing path, an empty one, or a folder that is missing or refuses new files.
   */
  static async create(
    path: string,
    settings: StudySettings,
    fill?: (store: StudyStore) => Promise<void>,
  ): Promise<SqliteStudyStore> {
    // before anything is made, as memory() checks them (a staged file would be left to fail in SQLite)
    checkLocationText(path);
    const texts = checkNewSettings(settings, "SqliteStudyStore.create");
    if (existsSync(path))
      throw new UserError(
        statSync(path).isDirectory()
          ? `${path}: is a folder; expected the name of a new study file (e.g. ${join(path, "runs.db")})`
          : `${path} already exists; choose another --study file`,
      );
    // a link to nothing is not followed by linkSync below, which said the path "already exists"
    if (isLink(path))
      throw new UserError(
        `${path} is a symbolic link to ${readlinkSync(path)}, which does not exist; give the study's own path, or remove the link`,
      );
    // one line naming the path and what is wrong with its folder, before SQLite says it in its words
    checkOutputFile(path, "--study");
    // a log left by a removed study: SQLite would replay it into the new one, which reads as damaged (a
    // lone -shm, its index, is rebuilt harmlessly)
    const log = `${path}-wal`;
    let left: ReturnType<typeof statSync>;
    try {
      left = statSync(log, { throwIfNoEntry: false });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENAMETOOLONG") throw nameTooLong(path);
      throw e;
    }
    if (left?.isDirectory())
      throw new UserError(
        `${basename(log)} beside ${path} is a folder; SQLite writes the study's log under that name: move it away, or choose another --study file`,
      );
    if (left)
      throw new UserError(
        `${basename(log)} is left beside ${path} from a study that is no longer there (its write-ahead log: SQLite ` +
          "would replay it into the new study and damage it); move it away (of no use without the study it " +
          "belongs to), or choose another --study file",
      );
    // PATH.creating-PID beside it: what a create killed outright (kill -9) left is removed by the next
    // create of that path once its process is gone; an interrupted one (Ctrl-C) removes its own
    const folder = dirname(path);
    const prefix = `${basename(path)}.creating`;
    for (const stale of removeStaleTempDirs(folder, prefix))
      for (const suffix of SIDE_FILES) rmSync(`${stale}${suffix}`, { force: true });
    const tmp = tempDirOf(folder, prefix);
    // claimed first: two creates of one path in one process (library use) never share it, and the one
    // refused leaves the other's staged file alone
    try {
      closeSync(openSync(tmp, "wx"));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST")
        throw new UserError(`${path} is being made by another study create of this process`);
      throw new UserError(`cannot create the study ${path}: ${(e as Error).message}`);
    }
    const keep = [tmp, ...SIDE_FILES.map((suffix) => `${tmp}${suffix}`)].map(removeOnInterrupt);
    try {
      const db = openSqlite(tmp);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${STUDY_SCHEMA_VERSION}`);
      db.exec(SCHEMA);
      const put = db.prepare("INSERT INTO settings (name, value) VALUES (?, ?)");
      db.transaction(() => {
        for (const [name, text] of Object.entries(texts)) put.run(name, text);
      })();
      if (fill) {
        configure(db);
        // shown under the study's own path: a message about it (a full disk) names what the user gave
        const staged = new SqliteStudyStore(path, db, undefined, true);
        try {
          await fill(staged);
        } finally {
          // the last connection closing checkpoints the log into the file: the link below carries it all
          await staged.close();
        }
      } else db.close();
      linkSync(tmp, path);
    } catch (e) {
      if (e instanceof UserError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST") throw new UserError(`${path} already exists; choose another --study file`);
      if (
        code === "SQLITE_CANTOPEN" &&
        Buffer.byteLength(resolve(tmp)) + "-journal".length >= SQLITE_MAX_PATH
      )
        throw new UserError(
          `cannot create the study ${path}: its path is too long for SQLite (${Buffer.byteLength(resolve(tmp))} bytes ` +
            `as the name it is made under, ${basename(tmp)}; SQLite opens files of less than ${SQLITE_MAX_PATH} bytes, ` +
            "-journal included): choose a shorter path",
        );
      if (code === "ENOENT" || code === "EACCES" || code === "EROFS" || code === "SQLITE_CANTOPEN")
        throw new UserError(`cannot create the study ${path}: ${(e as Error).message}`);
      // a file-size limit (ulimit -f) failed in SQLite's own words, an internal error with a stack (tester V)
      const said = fileError(path, e);
      if (said !== e && !(e instanceof Database.SqliteError && code === "SQLITE_FULL")) throw said;
      if (code === "SQLITE_FULL" || code === "ENOSPC")
        throw new UserError(
          `cannot create the study ${path}: the disk is full; free some space and try again`,
        );
      throw e;
    } finally {
      for (const suffix of ["", ...SIDE_FILES]) rmSync(`${tmp}${suffix}`, { force: true });
      for (const dispose of keep) dispose();
    }
    try {
      return await SqliteStudyStore.open(path);
    } catch (e) {
      // made, but not to be opened here (a file-size limit that the -shm file SQLite adds outgrows): the
      // advised rerun of study create was refused as existing (tester V); say that it is there
      if (!(e instanceof UserError)) throw e;
      throw new UserError(
        `${e.message}; ${path} was made all the same (with no trial): once that is fixed, use it (study create again would refuse it as existing)`,
      );
    }
  }

  /** A study held in memory only (simulations): the same tables and transactions, nothing on disk. */
  static async memory(settings: StudySettings): Promise<SqliteStudyStore> {
    // checked as a study file's are, said as the caller's mistake: a hand-made object without its
    // space was refused only when opened, as "damaged study"
    const texts = checkNewSettings(settings, "SqliteStudyStore.memory");
    const db = openSqlite(":memory:");
    db.exec(SCHEMA);
    const put = db.prepare("INSERT INTO settings (name, value) VALUES (?, ?)");
    for (const [name, text] of Object.entries(texts)) put.run(name, text);
    return new SqliteStudyStore(":memory:", db);
  }

  /**
   * Opens an existing study file; refuses (BadFileError, one line) a missing file, another kind of file,
   * another schema version, or a damaged one (cut short, overwritten). `access` "read" (a reader such
   * as `study show`) reads a copy when it may not write beside the study (readableCopy): nothing is
   * left beside a read-only study, and one in a read-only folder can be read at all.
   */
  static async open(path: string, access: "read" | "write" = "write"): Promise<SqliteStudyStore> {
    checkLocationText(path);
    checkAccess(access);
    if (path.trim() === "")
      throw new UserError(
        `--study is empty ("${path}"); expected a study file (made by nas-assay study create)`,
      );
    if (!existsSync(path))
      throw new UserError(
        `${path}: no such study (create one with: nas-assay study create --study ${path} …)`,
      );
    if (statSync(path).isDirectory())
      throw new UserError(`${path}: is a folder; expected a study file (made by nas-assay study create)`);
    // SQLite reads an empty file as an empty database ("an SQLite file but not a study"); a study whose
    // writes are all still in its -wal file is not empty
    const wal = `${path}-wal`;
    if (statSync(path).size === 0 && !(existsSync(wal) && statSync(wal).size > 0))
      throw new BadFileError(
        path,
        "is an empty file; expected a study file (made by nas-assay study create)",
      );
    // opened, SQLite would leave -wal and -shm files with a read-only study's mode beside it, which stop
    // every later write even once the study is made writable again
    const refused = access === "write" ? readOnly(path) : undefined;
    if (refused) throw refused;
    let db: Database.Database;
    const copied = access === "read" ? readableCopy(path) : undefined;
    try {
      db = openSqlite(copied?.copy ?? path, { fileMustExist: true });
    } catch (e) {
      copied?.remove();
      // not the study's fault: "cannot open" it would send the user to a file that is fine
      if (e instanceof UserError) throw e;
      throw new BadFileError(path, `cannot open: ${(e as Error).message}`);
    }
    try {
      const app = db.pragma("application_id", { simple: true }) as number;
      const version = db.pragma("user_version", { simple: true }) as number;
      if (app !== APPLICATION_ID) throw new BadFileError(path, "is an SQLite file but not a nas-assay study");
      if (version !== STUDY_SCHEMA_VERSION)
        throw new BadFileError(
          path,
          `is a study of schema version ${version}; this nas-assay reads version ${STUDY_SCHEMA_VERSION} ` +
            `(use the nas-assay that made it${version > STUDY_SCHEMA_VERSION ? ", or a newer one" : ""})`,
        );
      configure(db);
    } catch (e) {
      db.close();
      copied?.remove();
      if (e instanceof UserError) throw e;
      // a study cut short or overwritten (SQLITE_CORRUPT), a read-only or full disk: as every other read
      const named = fileError(path, e);
      if (named instanceof UserError && (e as { code?: unknown }).code !== "SQLITE_NOTADB") throw named;
      // SQLITE_NOTADB: not an SQLite file at all
      throw new BadFileError(path, `is not a nas-assay study (${(e as Error).message})`);
    }
    return new SqliteStudyStore(path, db, copied?.remove);
  }

  /** Runs `work`, turning SQLite's file and machine errors into one-line UserErrors (see fileError). */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (e) {
      throw fileError(this.location, e);
    }
  }

  async settings(): Promise<StudySettings> {
    return this.guard(() => this.settingsNow());
  }

  async trials(): Promise<Trial[]> {
    return this.guard(() => this.trialsNow());
  }

  async counts(): Promise<StudyCounts> {
    return this.guard(() => this.countsNow());
  }

  async keys(): Promise<Set<string>> {
    return this.guard(() => this.keysNow());
  }

  async reserve(proposals: readonly Proposal[], n: number): Promise<Trial[]> {
    return this.guard(() => this.reserveNow(proposals, n));
  }

  async record(
    results: readonly TrialResult[],
    check: RecordCheck,
    options: RecordOptions = {},
  ): Promise<{ written: number; skipped: number }> {
    return this.guard(() => this.recordNow(results, check, options));
  }

  async reclaim(timeoutMs: number, n: number): Promise<Trial[]> {
    return this.guard(() => this.reclaimNow(timeoutMs, n));
  }

  async release(keys: readonly string[]): Promise<number> {
    return this.guard(() => {
      const remove = this.db.prepare("DELETE FROM trials WHERE key = ? AND state = 'pending'");
      const release = this.db.transaction(() => {
        this.stillThere();
        return keys.reduce((n, key) => n + remove.run(key).changes, 0);
      });
      return release.immediate();
    });
  }

  private settingsNow(): StudySettings {
    const rows = this.db.prepare("SELECT name, value FROM settings").all() as {
      name: string;
      value: string;
    }[];
    return readSettings(this.location, Object.fromEntries(rows.map((r) => [r.name, r.value])));
  }

  private trialsNow(): Trial[] {
    return (this.db.prepare("SELECT * FROM trials ORDER BY number").all() as TrialRow[]).map(trialOf);
  }

  private countsNow(): StudyCounts {
    const counts: StudyCounts = { pending: 0, done: 0, failed: 0 };
    const rows = this.db.prepare("SELECT state, count(*) AS n FROM trials GROUP BY state").all() as {
      state: Trial["state"];
      n: number;
    }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  private keysNow(): Set<string> {
    return new Set(this.db.prepare("SELECT key FROM trials").pluck().all() as string[]);
  }

  private reserveNow(proposals: readonly Proposal[], n: number): Trial[] {
    // a held key is skipped by looking first, not by INSERT OR IGNORE: an ignored insert still uses up
    // an AUTOINCREMENT number, and trial numbers had gaps under two asks at once (found by tester R)
    const held = this.db.prepare("SELECT 1 FROM trials WHERE key = ?").pluck();
    const insert = this.db.prepare(
      "INSERT INTO trials (key, arch, state, predicted, reason, asked_at) VALUES (?, ?, 'pending', ?, ?, ?)",
    );
    const read = this.db.prepare("SELECT * FROM trials WHERE number = ?");
    const now = new Date().toISOString();
    const reserve = this.db.transaction(() => {
      this.stillThere();
      const out: Trial[] = [];
      for (const p of proposals) {
        if (out.length >= n) break;
        if (held.get(p.key) !== undefined) continue;
        const info = insert.run(p.key, JSON.stringify(p.arch), p.predicted, p.reason, now);
        out.push(trialOf(read.get(info.lastInsertRowid) as TrialRow));
      }
      return out;
    });
    return reserve.immediate();
  }

  private recordNow(
    results: readonly TrialResult[],
    check: RecordCheck,
    options: RecordOptions,
  ): { written: number; skipped: number } {
    const find = this.db.prepare("SELECT * FROM trials WHERE key = ?");
    const range = this.db.prepare(
      "SELECT count(*) AS count, min(CASE WHEN value > 0 THEN value END) AS min, min(CASE WHEN value > 1 THEN value END) AS minAboveOne, max(CASE WHEN value > 0 AND value <= 1 THEN value END) AS maxUpToOne, max(value) AS max FROM trials WHERE state = 'done'" +
        " AND key NOT IN (SELECT value FROM json_each(?))",
    );
    // a told trial keeps its told time (a correction); a pending or failed one takes this call's
    const update = this.db.prepare(
      "UPDATE trials SET state = ?, value = ?, told_at = CASE WHEN state = 'done' THEN told_at ELSE ? END WHERE key = ?",
    );
    const insert = this.db.prepare(
      "INSERT INTO trials (key, arch, state, value, told_at) VALUES (?, ?, ?, ?, ?)",
    );
    const now = new Date().toISOString();
    const record = this.db.transaction(() => {
      this.stillThere();
      // the stored values that results change (RecordOptions.replacing)
      const replaced = options.replacing
        ? results
            .filter((r) => {
              const row = find.get(r.key) as TrialRow | undefined;
              return !(row?.state === "done" && "value" in r.outcome && row.value === r.outcome.value);
            })
            .map((r) => r.key)
        : [];
      const done = range.get(JSON.stringify(replaced)) as {
        count: number;
        min: number | null;
        minAboveOne: number | null;
        maxUpToOne: number | null;
        max: number | null;
      };
      const seen: DoneRange = {
        count: done.count,
        min: done.min ?? Number.NaN,
        minAboveOne: done.minAboveOne ?? Number.NaN,
        maxUpToOne: done.maxUpToOne ?? Number.NaN,
        max: done.max ?? Number.NaN,
      };
      const before = { ...seen };
      let written = 0;
      let skipped = 0;
      for (const result of results) {
        const row = find.get(result.key) as TrialRow | undefined;
        const verdict = check(result, { existing: row && trialOf(row), done: { ...seen }, before });
        if (verdict === "skip") {
          skipped++;
          continue;
        }
        const failed = "failed" in result.outcome;
        const value = "value" in result.outcome ? result.outcome.value : null;
        const state = failed ? "failed" : "done";
        if (row) update.run(state, value, now, result.key);
        else insert.run(result.key, JSON.stringify(result.arch), state, value, now);
        if (value !== null) addDoneValue(seen, value);
        written++;
      }
      return { written, skipped };
    });
    return record.immediate();
  }

  private reclaimNow(timeoutMs: number, n: number): Trial[] {
    const now = new Date();
    const before = new Date(now.getTime() - timeoutMs).toISOString();
    // ISO 8601 UTC strings of one format order as the times they name
    const renew = this.db.prepare(
      `UPDATE trials SET asked_at = ? WHERE number IN (
         SELECT number FROM trials WHERE state = 'pending' AND asked_at < ? ORDER BY asked_at, number LIMIT ?
       ) RETURNING *`,
    );
    const reclaim = this.db.transaction(() => {
      this.stillThere();
      return renew.all(now.toISOString(), before, n) as TrialRow[];
    });
    return reclaim
      .immediate()
      .map(trialOf)
      .sort((a, b) => a.number - b.number);
  }

  async remove(): Promise<StudyCounts> {
    if (this.location === ":memory:") {
      const counts = this.guard(() => this.countsNow());
      await this.close();
      return counts;
    }
    // the file a link names, with what SQLite keeps beside it under that name (the journal of writes not
    // yet folded in, the shared index: a -wal left where a study is made again would be replayed into
    // it), and the link itself, first: a link in a folder this user may not change (the study in one it
    // may) was refused after the study had gone, "cannot remove LINK: EACCES", exit 1, the study lost
    // unsaid and a dangling link left
    const real = realpathSync(this.path);
    const paths = [...(real === this.path ? [] : [this.path]), real, `${real}-wal`, `${real}-shm`];
    try {
      // under the write lock: a tell in the middle of its transaction finishes first (busy timeout) and
      // is counted; one waiting for the lock then finds the file gone (stillThere) rather than writing
      // into a removed file
      return this.guard(() =>
        this.db
          .transaction(() => {
            this.stillThere();
            const counts = this.countsNow();
            for (const path of paths)
              try {
                // unlink, not rmSync: refused by a sticky folder (EPERM), rmSync tried the file as a
                // folder and said ENOTDIR
                unlinkSync(path);
              } catch (e) {
                if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
                const code = (e as NodeJS.ErrnoException).code;
                throw new UserError(
                  `cannot remove ${path}: ${code ?? (e as Error).message}` +
                    // a bare EPERM named no cause (tester V: the study in an append-only folder)
                    (code === "EPERM"
                      ? ", the folder refusing it: a sticky folder and another user's file, or the folder or file marked append-only or immutable (chattr +a or +i; lsattr -d shows it: chattr -a -i, as root, clears it)"
                      : "") +
                    (path === paths[0]
                      ? " (the study is as it was)"
                      : path === real
                        ? ` (the study is as it was, at ${real}; the link ${this.location} to it is removed)`
                        : ""),
                );
              }
            return counts;
          })
          .immediate(),
      );
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.db.close();
    this.removeCopy?.();
  }
}

/** True for a symbolic link (checkOutputFile says what is wrong with a path that cannot be looked at). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
  } catch {
    return false;
  }
}
