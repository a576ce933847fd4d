/**
 * Where nas-assay looks for files: benchmark data (--data DIR, else $NAS_ASSAY_DATA, else the copy
 * shipped with nas-assay, decoded into the cache) and its own cache ($NAS_ASSAY_CACHE, else
 * $XDG_CACHE_HOME/nas-assay, else ~/.cache/nas-assay).
 */
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { shownValue, UserError } from "../errors.js";
import { shippedDataDir } from "./shipped.js";

/**
 * A resolved data directory (holding nb101/ and nb201/ as plain files) and how it was chosen (for
 * error messages): a flag, the environment, or the benchmark data shipped with nas-assay.
 */
export interface DataDir {
  dir: string;
  source: "--data" | "NAS_ASSAY_DATA" | "shipped";
}

/**
 * Resolves the benchmark data directory: `--data DIR`, else $NAS_ASSAY_DATA, else the shipped copy
 * (decoded into `cacheDir(env)` on first use and checked against its sha256; see shipped.ts).
 * Throws UserError when the shipped copy cannot be decoded or written.
 */
export function dataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): DataDir {
  if (flag) return { dir: resolve(flag), source: "--data" };
  if (env.NAS_ASSAY_DATA) return { dir: resolve(env.NAS_ASSAY_DATA), source: "NAS_ASSAY_DATA" };
  return { dir: shippedDataDir(cacheDir(env)), source: "shipped" };
}

/** Path of a benchmark file inside the data directory; a clear error naming it when it is missing. */
export function dataFile(data: DataDir, relative: string, purpose: string): string {
  return requireDataFiles(data, [{ file: relative, purpose }])[0];
}

/** A file a command needs in the data directory, and what it holds (for the error message). */
export interface NeededFile {
  file: string;
  purpose: string;
}

/**
 * Paths of benchmark files inside the data directory; when any is missing, one error naming every
 * missing file, where it was looked for and how that directory was chosen, and how to get the files.
 * UserError too for a `data` that is no DataDir.
 */
export function requireDataFiles(data: DataDir, needed: NeededFile[]): string[] {
  // from JavaScript, a path or null where a DataDir is taken read `.dir` of undefined (a TypeError)
  if (typeof (data as { dir?: unknown } | null)?.dir !== "string")
    throw new UserError(
      `the benchmark data directory must be a DataDir: dataDir(), or { dir: "/path/to/data", source: "--data" }, got ${shownValue(data, 80)}`,
    );
  const missing = needed.filter(({ file }) => !existsSync(join(data.dir, file)));
  if (missing.length > 0) {
    // a file or a typo given as the folder: "looked for /etc/hostname/nb101/… Put the files there" misled
    notAFolder(data);
    const where =
      missing.length === 1
        ? `missing benchmark file ${missing[0].file} (${missing[0].purpose}): looked for ${join(data.dir, missing[0].file)}`
        : `missing benchmark files ${missing.map((m) => `${m.file} (${m.purpose})`).join(", ")}: looked in ${data.dir}`;
    // the shipped copy's folder given as the data directory: its files are compressed (.br) and
    // decoded into the cache by nas-assay itself, so "missing …csv" beside a …csv.br read as a broken install
    const compressed = missing.filter(({ file }) => existsSync(join(data.dir, `${file}.br`)));
    if (compressed.length > 0 && data.source !== "shipped")
      throw new UserError(
        `${data.dir} (from ${data.source}) holds nas-assay's shipped copy, compressed (${compressed[0].file}.br), which nas-assay decodes itself: leave --data and NAS_ASSAY_DATA unset to use it, or point them at a folder of the plain files`,
      );
    const importHint = missing.some(({ file }) => file.startsWith("nb101/"))
      ? " With the official nasbench_only108.tfrecord (from the google-research/nasbench project), " +
        "`nas-assay data import-nb101 nasbench_only108.tfrecord --out DIR` writes the nb101/ files."
      : "";
    throw new UserError(
      `${where} (data directory from ${data.source === "shipped" ? "the copy shipped with nas-assay" : data.source}). Put the files there, or point --data / NAS_ASSAY_DATA ` +
        `at the directory that holds nb101/ and nb201/.${importHint}`,
    );
  }
  return needed.map(({ file }) => join(data.dir, file));
}

/**
 * Refuses a data directory that is a file or does not exist, naming how it was given ("--data X is a
 * file, not a folder", "NAS_ASSAY_DATA=X: no such folder"); a folder (missing files or not) passes.
 * Commands that read the data later (a queue worker, at each job) call it when they start.
 * @throws UserError naming the folder and how it was given.
 */
export function notAFolder(data: DataDir): void {
  let isFolder: boolean;
  try {
    isFolder = statSync(data.dir).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a file on the way (--data runs.csv/x)
    if (code !== "ENOENT" && code !== "ENOTDIR") return; // unreadable: the missing-file message names the path
    throw new UserError(
      `${given(data)}: no such folder${code === "ENOTDIR" ? " (a file is on its path)" : ""}; expected the folder that holds nb101/ and nb201/`,
    );
  }
  if (!isFolder)
    throw new UserError(
      `${given(data)} is a file, not a folder; expected the folder that holds nb101/ and nb201/`,
    );
}

/** "--data DIR", "NAS_ASSAY_DATA=DIR" or "the shipped data DIR": the directory as the user chose it. */
function given(data: DataDir): string {
  if (data.source === "--data") return `--data ${data.dir}`;
  if (data.source === "NAS_ASSAY_DATA") return `NAS_ASSAY_DATA=${data.dir}`;
  return `the shipped data's folder ${data.dir}`;
}

/** The directory for nas-assay's caches. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NAS_ASSAY_CACHE) return resolve(env.NAS_ASSAY_CACHE);
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "nas-assay");
  return join(homedir(), ".cache", "nas-assay");
}
