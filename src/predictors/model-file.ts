/**
 * Model files: JSON, self-describing (format, version, method, space, the method's own fields),
 * written atomically. Reading checks everything but the method's own fields, which its loader checks.
 */
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../data/atomic-file.js";
import { BadFileError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";

export const MODEL_FORMAT = "nas-assay model";
export const MODEL_VERSION = 2;

export type ModelFile = Record<string, unknown> & { method: string };

/** Writes a model of `method` for `space`, with the method's own `fields`. */
export function writeModelFile(
  path: string,
  method: string,
  space: SearchSpace<unknown>,
  fields: Record<string, unknown>,
): void {
  const file = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    method,
    space: space.name,
    spaceSize: space.size,
    ...fields,
  };
  writeFileAtomic(path, JSON.stringify(file));
}

/** Reads a model file written for `space` by this version. */
export function readModelFile(path: string, space: SearchSpace<unknown>): ModelFile {
  let file: Record<string, unknown>;
  try {
    file = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BadFileError(path, `not a nas-assay model file (${(e as Error).message})`);
  }
  if (file?.format !== MODEL_FORMAT) throw new BadFileError(path, "not a nas-assay model file");
  if (file.version !== MODEL_VERSION) {
    throw new BadFileError(
      path,
      `model format version ${file.version}; this nas-assay reads version ${MODEL_VERSION}`,
    );
  }
  if (typeof file.method !== "string") throw new BadFileError(path, "the model file names no method");
  if (file.space !== space.name || file.spaceSize !== space.size) {
    throw new BadFileError(path, `was trained on ${file.space} (${file.spaceSize} cells), not ${space.name}`);
  }
  return file as ModelFile;
}
