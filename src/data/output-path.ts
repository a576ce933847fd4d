/**
 * Where a command will write, checked before it does any work, so that a mistyped or unwritable
 * output path costs a second, not a finished computation, and ends in one line naming the flag.
 *
 * The rule for missing folders: nas-assay creates no missing folder above an output. An output file's
 * folder must exist; an output folder (`reproduce --out DIR`, `data import-nb101 --out DIR`) is created
 * if missing, but the folder it goes in must exist. A typo in a path then stops the command instead of
 * scattering results into a new tree, and the message says which folder to create.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { UserError } from "../errors.js";
import { readOnlyReason, writeTarget } from "./atomic-file.js";
import { readUserText, withoutByteOrderMark } from "./byte-order-mark.js";

/** What an output file holds, for names that must say it: lower-case extensions with the dot. */
export interface OutputFormat {
  extensions: string[];
  /** Said when the name does not fit, e.g. "writes an HTML page". */
  what: string;
  /**
   * How a file of this format that nas-assay wrote is told from the user's own (a hand-written page of
   * the same name, which a write would destroy): `mark`, which every such file holds within its first
   * OWN_MARK_BYTES bytes (the writer puts it there), or `older`, what those written before the mark
   * held there. `name` says what such a file is, e.g. "an HTML page nas-assay wrote".
   */
  own: { mark: string; older: string; name: string };
}

/** How many bytes at the start of a file are read for its format's mark. */
const OWN_MARK_BYTES = 2048;

/** An HTML page (report, paper, study show --html, reproduce's NAME.html). */
export const HTML_PAGE: OutputFormat = {
  extensions: [".html", ".htm"],
  what: "writes an HTML page",
  own: {
    mark: '<meta name="generator" content="nas-assay">',
    // the head of every page toHtml wrote before the mark (its first version had it)
    older: `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    name: "an HTML page nas-assay wrote",
  },
};
/** An SVG drawing (--plot, reproduce's figures). */
export const SVG_DRAWING: OutputFormat = {
  extensions: [".svg"],
  what: "the curves are drawn as SVG",
  own: {
    mark: "<!-- written by nas-assay -->",
    // in Vega's opening tag (<svg xmlns=… class="marks" …>), which every drawing renderSvg wrote before
    // the mark began with
    older: ' class="marks"',
    name: "an SVG drawing nas-assay wrote",
  },
};

/**
 * Checks that the file `path` (given with `flag`, e.g. "--out") can be written: it is not a folder, its
 * folder exists, is a folder and lets this process create files in it. An existing file there is
 * replaced when the command writes, unless this user may not write it (a read-only file: refused here,
 * not after the work); a symbolic link is followed (its target's folder is checked). A
 * path ending in "/" and a device, pipe or socket (e.g. /dev/null) are refused; with `format`, so is a
 * name without one of its extensions, and an existing non-empty file of that name that nas-assay did
 * not write (format.own: the user's own page or drawing); so is one of `inputs`, the files the command
 * reads, named by the flag that gives them (the same file under any name: `train --out runs.csv
 * --labels runs.csv` replaced the labels with a model). Inputs that are undefined or missing are
 * ignored. Throws UserError (one line, starting with the flag and the path).
 */
export function checkOutputFile(
  path: string,
  flag: string,
  format?: OutputFormat,
  inputs: readonly { flag: string; path: string | undefined }[] = [],
): void {
  const say = (what: string) => new UserError(`${flag} ${path}: ${what}`);
  if (path === "") throw say("an empty path; expected a file name");
  if (kindOf(path) === "folder") throw say("is a folder; give the name of a file to write (inside it, say)");
  for (const input of inputs) {
    if (input.path !== undefined && sameFile(path, input.path))
      throw say(`is the file ${input.flag} reads; writing there would destroy it: give another name`);
  }
  // no command writes an SQLite database over another file: such a file is a study (train --out runs.db
  // replaced one with a model)
  if (kindOf(path) === "other" && startsWith(path, SQLITE_HEADER))
    throw say(
      "is an SQLite database (a nas-assay study?); writing there would destroy it: give another name",
    );
  // nor beside one under the names SQLite keeps its log and index under: opening the study removed
  // (or replayed) the file written there (train --out runs.db-wal: found by tester W)
  const side = /^(.*)-(wal|shm|journal)$/.exec(path);
  if (side && kindOf(side[1]) === "other" && startsWith(side[1], SQLITE_HEADER))
    throw say(
      `is where SQLite keeps the ${side[2] === "journal" ? "journal" : side[2] === "wal" ? "write-ahead log" : "shared index"} of the database ${side[1]} (a nas-assay study?), which removes or replays what is there: give another name`,
    );
  if (/[\\/]$/.test(path))
    throw say("ends in a slash, so it names a folder; give the name of a file to write");
  // a page or drawing written under another extension (x.png, x.json) opens as a broken file, and a
  // results file derived from the name (paper: x.html → x.json) could overwrite the page itself
  if (format && !format.extensions.some((e) => path.toLowerCase().endsWith(e)))
    throw say(`${format.what}; give a file name ending in ${format.extensions.join(" or ")}`);
  let target: string;
  try {
    target = writeTarget(path);
  } catch (e) {
    throw say((e as Error).message.replace(/^cannot write .*?: it is/, "is"));
  }
  checkFolderWritable(dirname(target), say);
  const readOnly = readOnlyReason(target);
  if (readOnly) throw say(readOnly);
  if (format && !isOwnOrEmpty(target, format))
    throw say(
      `a file that is not ${format.own.name} is there; writing would destroy it: give another name, or move that file away first`,
    );
}

/**
 * Whether the regular file at `path` may be replaced by a file of `format`: it is missing, empty, not a
 * regular file (checked elsewhere) or holds the format's mark (or the older one) near its start.
 */
function isOwnOrEmpty(path: string, format: OutputFormat): boolean {
  const head = headOf(path, OWN_MARK_BYTES);
  if (head === undefined || head.length === 0) return true;
  const text = head.toString("utf8");
  return text.includes(format.own.mark) || text.includes(format.own.older);
}

/**
 * Checks that the folder `path` (given with `flag`) can hold a command's output files: either it is a
 * folder this process can create files in, or it does not exist yet and the folder it goes in is one
 * (the command creates it then). Throws UserError (one line, starting with the flag and the path).
 */
export function checkOutputFolder(path: string, flag: string): void {
  const say = (what: string) => new UserError(`${flag} ${path}: ${what}`);
  if (path === "") throw say("an empty path; expected a folder");
  const kind = kindOf(path);
  if (kind === "other") throw say("is a file, not a folder; give a folder for the output files");
  // an existing folder must take files; a missing one is created in its folder, which must
  checkFolderWritable(kind === "folder" ? path : dirname(path), say);
}

/** Whether both paths exist and are one file (the same device and inode: links and other spellings too). */
function sameFile(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

type Kind = "missing" | "folder" | "other" | "blocked" | "inaccessible";

/**
 * What is at `path`: "other" a file (or anything but a folder), "blocked" when a folder on the way is a
 * file (ENOTDIR), "inaccessible" when it cannot be looked at (EACCES, ELOOP…).
 */
function kindOf(path: string): Kind {
  try {
    return statSync(path).isDirectory() ? "folder" : "other";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return "blocked";
    if (code === "ENOENT") return "missing";
    return "inaccessible";
  }
}

/** Throws (through `say`) unless `folder` exists, is a folder and lets this process create a file in it. */
function checkFolderWritable(folder: string, say: (what: string) => UserError): void {
  const kind = kindOf(folder);
  if (kind === "blocked" || kind === "other")
    throw say(`${firstFileOnTheWay(folder)} is a file, not a folder`);
  if (kind === "inaccessible") throw say(`cannot look into the folder ${folder}`);
  if (kind === "missing")
    throw say(
      `the folder ${folder} does not exist (nas-assay creates no missing folders for its output; create it first)`,
    );
  // permissions alone do not tell (root passes every check, a read-only mount or /proc refuses anyway):
  // create a file and remove it
  // one name for every process: in an append-only folder, where it cannot be removed, one stays, not
  // one per command (tester V); two processes at once both pass (EEXIST is a file made there)
  const probe = resolve(folder, ".nas-assay-write-check");
  try {
    closeSync(openSync(probe, "wx"));
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (error.code !== "EEXIST")
      throw say(
        `cannot create files in the folder ${folder} (the system says ${error.message.replace(/, open '.*'$/, "")}` +
          `${error.code === "EPERM" ? "; an immutable folder, chattr +i, says so to root too: chattr -i clears it, as root" : ""})`,
      );
  }
  try {
    rmSync(probe, { force: true });
  } catch {
    // an append-only folder (chattr +a) takes new files but lets none be removed or replaced: every
    // write renames a temporary file into place, so none can be made there; it was an internal error
    // with a stack (found by tester U)
    // (unlink's EPERM reaches here as rmSync's ENOTDIR: it then tries the file as a folder)
    throw say(
      `the folder ${folder} lets files be added but not removed or replaced (an append-only folder, chattr +a?), ` +
        "and nas-assay writes each file under a temporary name and renames it; " +
        `clear the mark (chattr -a, as root) or choose another folder (the empty file ${basename(probe)} this check made stays there)`,
    );
  }
}

/** The first path on the way to `folder` that exists and is not a folder. */
function firstFileOnTheWay(folder: string): string {
  const chain: string[] = [];
  for (let p = folder; ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  return chain.find((p) => kindOf(p) === "other") ?? folder;
}

/**
 * Refuses (UserError naming `flag` and the path) to write over a non-empty regular file that is not a
 * JSON object whose "format" is one of `formats`, i.e. that this command did not write: `train --out
 * results.csv` replaced the user's results with a model, and `paper --out asked.html` replaced the
 * `asked.json` beside it with its results. A missing or empty file, or one of the command's own (written
 * again, compact or pretty-printed), may be written over. `expected` names what the command writes
 * (e.g. "a nas-assay model"), `advice` what to do instead.
 */
export function refuseForeignFile(
  path: string,
  flag: string,
  formats: readonly string[],
  expected: string,
  advice: string,
): void {
  const prefixes = formats.map((f) => `{"format":${JSON.stringify(f)}`);
  const longest = Math.max(...prefixes.map((p) => Buffer.byteLength(p)));
  // no file there (or none readable): checkOutputFile says what else is wrong with the path
  const head = headOf(path, longest);
  if (head === undefined) return;
  const text = head.toString("utf8");
  if (head.length === 0 || prefixes.some((p) => text.startsWith(p))) return;
  // the command's own file reformatted (python -m json.tool) is still its own: read it whole
  // (a byte-order mark an editor added too, as the model's reader drops it)
  if (withoutByteOrderMark(text).trimStart().startsWith("{") && formats.includes(formatOf(path) ?? ""))
    return;
  throw new UserError(
    `${flag} ${path}: a file that is not ${expected} is there; writing would destroy it: ${advice}`,
  );
}

/** The "format" field of the JSON object in the file `path`, or undefined (not JSON, not readable). */
function formatOf(path: string): string | undefined {
  try {
    const value = JSON.parse(readUserText(path)) as {
      format?: unknown;
    } | null;
    return typeof value?.format === "string" ? value.format : undefined;
  } catch {
    return undefined;
  }
}

/** The first 16 bytes of every SQLite database file (how a study file is recognised without opening it). */
export const SQLITE_HEADER = Buffer.from("SQLite format 3\u0000", "latin1");

/** Whether the regular file at `path` begins with `prefix` (false for anything else, or unreadable). */
function startsWith(path: string, prefix: Buffer): boolean {
  return headOf(path, prefix.length)?.equals(prefix) === true;
}

/**
 * The first `bytes` bytes of the regular file at `path` (fewer when it is shorter), or undefined when
 * there is none, it is something else, or it cannot be read.
 */
function headOf(path: string, bytes: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    // opening a named pipe to read waits for a writer: regular files only
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, "r");
    const head = Buffer.alloc(bytes);
    return head.subarray(0, readSync(fd, head, 0, bytes, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Creates the folder `path` and any missing folders above it, one level at a time. Node's recursive
 * mkdirSync loops forever where a parent exists but refuses new folders (NAS_ASSAY_CACHE=/proc/x: mkdir
 * /proc/x is ENOENT, and it retries the parent); here that is an error (ENOENT) naming the folder. A
 * folder another process makes meanwhile is fine. Returns the folders it made, outermost first (for
 * removeEmptyFolders when the command then fails before writing anything).
 */
export function createFolders(path: string): string[] {
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (e) {
      // another process made it meanwhile (two commands filling one cache at once)
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(folder).isDirectory()) throw e;
    }
  }
  return missing;
}

/**
 * Removes `folders` (what createFolders returned), innermost first, where they are still empty: a command
 * that failed before writing anything (`reproduce --queue` with Redis down) leaves no empty `--out`
 * behind. A folder holding anything (another process's file) stays.
 */
export function removeEmptyFolders(folders: readonly string[]): void {
  for (const folder of [...folders].reverse()) {
    try {
      rmdirSync(folder);
    } catch (e) {
      // not empty: the folders above it are not empty either
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") return;
    }
  }
}
