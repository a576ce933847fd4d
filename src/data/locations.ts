/**
 * Where nas-assay looks for files: benchmark data (--data DIR, else $NAS_ASSAY_DATA, else ./data) and
 * its own cache ($NAS_ASSAY_CACHE, else $XDG_CACHE_HOME/nas-assay, else ~/.cache/nas-assay).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { UserError } from "../errors.js";

/** A resolved data directory and how it was chosen (for error messages). */
export interface DataDir {
  dir: string;
  source: "--data" | "NAS_ASSAY_DATA" | "default ./data";
}

/** Resolves the benchmark data directory from a flag value and the environment. */
export function dataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): DataDir {
  if (flag) return { dir: resolve(flag), source: "--data" };
  if (env.NAS_ASSAY_DATA) return { dir: resolve(env.NAS_ASSAY_DATA), source: "NAS_ASSAY_DATA" };
  return { dir: resolve("data"), source: "default ./data" };
}

/** Path of a benchmark file inside the data directory; a clear error naming it when it is missing. */
export function dataFile(data: DataDir, relative: string, purpose: string): string {
  const path = join(data.dir, relative);
  if (!existsSync(path)) {
    const importHint = relative.startsWith("nb101/")
      ? " With the official nasbench_only108.tfrecord, `nas-assay data import-nb101 FILE --out DIR` writes these files."
      : "";
    throw new UserError(
      `missing benchmark file ${relative} (${purpose}): looked for ${path} ` +
        `(data directory from ${data.source}). Put the file there, or point --data / NAS_ASSAY_DATA ` +
        `at the directory that holds nb101/ and nb201/.${importHint}`,
    );
  }
  return path;
}

/** The directory for nas-assay's caches. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NAS_ASSAY_CACHE) return resolve(env.NAS_ASSAY_CACHE);
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "nas-assay");
  return join(homedir(), ".cache", "nas-assay");
}
