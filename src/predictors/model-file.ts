/**
 * Model files: JSON, self-describing (format, version, method, space, the method's own fields),
 * written atomically. Reading checks everything but the method's own fields, which its loader checks
 * with the readers below: a file edited by hand or damaged (a NaN weight, an empty forest, a method
 * changed to another) is refused at load, with the field named, never predicted from.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../data/atomic-file.js";
import { binaryKind, notUtf8 } from "../data/binary-kind.js";
import { withoutByteOrderMark } from "../data/byte-order-mark.js";
import { refuseForeignFile } from "../data/output-path.js";
import { BadFileError, jsonEndsEarly, parseFailureReason, readFailure } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";
import type { Calibration } from "./calibration.js";

export const MODEL_FORMAT = "nas-assay model";
export const MODEL_VERSION = 2;

export type ModelFile = Record<string, unknown> & { method: string };

/**
 * Refuses (UserError, naming `flag` and the path) to write a model over a file that is not one: `train
 * --out results.csv` replaced the user's results with a model. An empty file, or a model (retraining),
 * may be written over.
 */
export function checkModelOutput(path: string, flag: string): void {
  refuseForeignFile(path, flag, [MODEL_FORMAT], "a nas-assay model", "give another name (model.nasa, say)");
}

/**
 * What a model predicts: the label it learned (a benchmark target, or the column of the user's file)
 * and, for a file, the scale its values were read on (`percent` values were divided by 100, so the
 * model predicts fractions). `predict` names them: its column said only "prediction", whether the
 * model learned an accuracy or a latency in milliseconds.
 */
export interface ModelTarget {
  target: string;
  scale?: "fraction" | "percent" | "none";
}

/** The target saveWithTarget is saving a model for (written into the outer file only, not members'). */
let saving: ModelTarget | undefined;

/** Runs `save` (a predictor's), recording `target` in the model file it writes. */
export function saveWithTarget(save: () => void, target: ModelTarget): void {
  const outer = saving;
  saving = target;
  try {
    save();
  } finally {
    saving = outer;
  }
}

/**
 * The target a model file records (ModelTarget), or undefined for a file written without one (by
 * nas-assay before it recorded them, or by the library's `save`). Throws BadFileError for fields of the
 * wrong type.
 */
export function modelTarget(
  path: string,
  file: { target?: unknown; scale?: unknown },
): ModelTarget | undefined {
  if (file.target === undefined) return undefined;
  if (typeof file.target !== "string" || file.target === "")
    throw fieldError(
      path,
      "target",
      `is ${JSON.stringify(file.target)}; expected the name of the label learned`,
    );
  if (file.scale === undefined) return { target: file.target };
  if (file.scale !== "fraction" && file.scale !== "percent" && file.scale !== "none")
    throw fieldError(path, "scale", `is ${JSON.stringify(file.scale)}; expected fraction, percent or none`);
  return { target: file.target, scale: file.scale };
}

/**
 * Writes a model of `method` for `space`, with the method's own `fields`, atomically. Throws UserError
 * ("save PATH: a file that is not a nas-assay model is there; …") over a file that is not a model file
 * (a study, the user's CSV), as `train --out` refuses it, and when the path cannot be written.
 */
export function writeModelFile(
  path: string,
  method: string,
  space: SearchSpace<unknown>,
  fields: Record<string, unknown>,
): void {
  const body = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    method,
    space: space.name,
    spaceSize: space.size,
    // an ensemble's members are captured, not written: the target goes in the file written only
    ...(saving && !capture ? saving : {}),
    ...fields,
  };
  const file = { ...body, sha256: digestOf(body) };
  if (capture) {
    // as the file would read back
    capture.file = JSON.parse(JSON.stringify(file));
    return;
  }
  // the library's save(path) is checked as train --out is: it replaced a study, a CSV, a report with a
  // model without a word (found by tester S)
  checkModelOutput(path, "save");
  writeFileAtomic(path, JSON.stringify(file));
}

/** Where writeModelFile puts the file while modelFileContent runs, instead of writing it. */
let capture: { file?: unknown } | undefined;
/** Model files held in memory under made-up paths while withModelFileContent runs (readModelFile reads them). */
const held = new Map<string, unknown>();
let heldCount = 0;

/**
 * The model file `save` writes, as the object it holds, with no file written: an ensemble embeds its
 * members' files in its own (and so needs no temporary folder, which a missing TMPDIR would refuse
 * after the whole fit). `save` must be synchronous (every predictor's is).
 */
export function modelFileContent(save: (path: string) => void): unknown {
  const outer = capture;
  const mine: { file?: unknown } = {};
  capture = mine;
  try {
    save("(in memory)");
  } finally {
    capture = outer;
  }
  if (mine.file === undefined) throw new Error("save() wrote no model file");
  return mine.file;
}

/**
 * Runs `read` with `content` readable by readModelFile at a made-up path (named after `name`), which is
 * forgotten afterwards: an ensemble reads its embedded members with the loaders of model files.
 */
export async function withModelFileContent<T>(
  name: string,
  content: unknown,
  read: (path: string) => Promise<T>,
): Promise<T> {
  const path = `(in memory ${++heldCount}: ${name})`;
  held.set(path, content);
  try {
    return await read(path);
  } finally {
    held.delete(path);
  }
}

/**
 * The JSON of a model file's bytes, or a BadFileError saying in plain words what the file is instead:
 * binary (V8's message quoted its first bytes, unprintable ones and all), a model file cut short (a
 * copy or save interrupted: V8 said only "Unterminated string in JSON at position 172000") or damaged,
 * or some other text, with the parser's reason.
 */
export function parseModelJson(path: string, bytes: Buffer): unknown {
  // a byte-order mark, as an editor saving the file may add, is dropped as label files drop it: it was
  // refused as "Unexpected token '﻿'", a character no one sees (the sha256 covers the content, not it)
  const text = withoutByteOrderMark(bytes.toString("utf8"));
  try {
    return JSON.parse(text);
  } catch (e) {
    if (binaryKind(bytes) || notUtf8(bytes) || hasControlCharacter(text))
      throw new BadFileError(
        path,
        "not a nas-assay model file (binary, not JSON); expected the model file train --out writes",
      );
    const reason = parseFailureReason(e);
    // "not a nas-assay model file (Unexpected end of JSON input)" did not say the file held nothing
    if (text.trim() === "")
      throw new BadFileError(
        path,
        "is empty (a copy or save interrupted, a full disk?); expected the model file train --out writes: train and save it again (train --out)",
      );
    if (!text.startsWith(`{"format":"${MODEL_FORMAT}"`))
      throw new BadFileError(path, `not a nas-assay model file (${reason})`);
    // V8 names where it stopped: at the end of the text, the JSON ended early
    const endsEarly = jsonEndsEarly(text, e);
    throw new BadFileError(
      path,
      endsEarly
        ? `a nas-assay model file cut short or damaged (its JSON ends early, after ${bytes.length.toLocaleString("en-US")} bytes: a copy or save interrupted?); train and save it again (train --out)`
        : `a nas-assay model file damaged (its JSON is not valid: ${reason}); train and save it again (train --out)`,
    );
  }
}

/** A control character other than tab and line ends (C0, DEL, C1): text that is no JSON and not for a message. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Reads a model file written for `space` by this version. */
export function readModelFile(path: string, space: SearchSpace<unknown>): ModelFile {
  let file: Record<string, unknown>;
  try {
    let bytes: Buffer | undefined;
    if (!held.has(path))
      try {
        bytes = readFileSync(path);
      } catch (e) {
        throw readFailure(path, e, "expected a model file (train --out writes one)");
      }
    file = (
      bytes === undefined ? structuredClone(held.get(path)) : parseModelJson(path, bytes)
    ) as typeof file;
  } catch (e) {
    if (e instanceof BadFileError) throw e;
    throw new BadFileError(path, `not a nas-assay model file (${parseFailureReason(e)})`);
  }
  checkModelFormat(path, file);
  if (typeof file.method !== "string")
    throw fieldError(path, "method", `is ${JSON.stringify(file.method)}; expected a method name`);
  if (file.space !== space.name) {
    throw new BadFileError(path, `was trained on ${JSON.stringify(file.space)}, not on ${space.name}`);
  }
  checkSpaceSize(path, file, space.name, space.size);
  return file as ModelFile;
}

/**
 * Refuses a model file whose "spaceSize" is not the `size` of the space `name` it names. predict checks
 * it with the size known before the space loads (a "space" edited to nb101 enumerated NAS-Bench-101
 * first, seconds, to refuse then); readModelFile again with the loaded space's.
 */
export function checkSpaceSize(
  path: string,
  file: { spaceSize?: unknown },
  name: string,
  size: number,
): void {
  if (file.spaceSize !== size)
    throw fieldError(
      path,
      "spaceSize",
      `is ${JSON.stringify(file.spaceSize)}, but ${name} has ${size} cells (the file was edited, or written for another version of the space)`,
    );
}

/**
 * The sha256 of a model's content as written (every field but "sha256", in the order written):
 * JSON.stringify of the parsed file gives the same text again, numbers included.
 */
function digestOf(body: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

/**
 * Refuses (BadFileError) a model file whose content no longer matches the sha256 written with it: a
 * byte changed on disk, or a hand edit that every field's check let through (a weight still a finite
 * number), would otherwise be predicted from in silence. A file without its "sha256" field is refused
 * too: deleting the field let any edit through, and such a file cannot be told from one written before
 * train wrote the digest (2026-12-01), which is refused as well (train it again). Called after the
 * method's loader, whose errors name the field first.
 */
export function checkModelDigest(path: string, file: ModelFile): void {
  if (file.sha256 === undefined)
    throw fieldError(
      path,
      "sha256",
      "is missing; train writes it with every model, so the file was edited (or written by a nas-assay before 2026-12-01, which did not write it): train it again",
    );
  const { sha256, ...body } = file;
  if (sha256 !== digestOf(body))
    throw new BadFileError(
      path,
      "does not match the sha256 written with it: it was changed after train wrote it (a damaged disk or copy, or an edit); train it again",
    );
}

/** A model file's field that is not what its method writes. */
export function fieldError(path: string, field: string, detail: string): BadFileError {
  return new BadFileError(path, `field "${field}" ${detail}`);
}

/**
 * The field `name` of a model file of `method`, checked to be present and of `kind` ("array" for a
 * JSON array, "object" for a JSON object that is not one). A missing one says that a `method` model
 * has it: the usual cause is a "method" edited into another.
 */
export function requiredField(
  path: string,
  file: ModelFile,
  name: string,
  kind: "object" | "array" | "string" | "number" | "boolean",
): unknown {
  const value = file[name];
  if (value === undefined || value === null)
    throw fieldError(path, name, `is missing; a "${file.method}" model has it (was "method" edited?)`);
  const actual = Array.isArray(value) ? "array" : typeof value;
  if (actual !== kind)
    throw fieldError(
      path,
      name,
      `is ${/^[aeiou]/.test(actual) ? "an" : "a"} ${actual}; expected a JSON ${kind}`,
    );
  return value;
}

/** Bytes stored as base64 (what `save` writes), or a clear error naming the field. */
function storedBytes(path: string, field: string, value: unknown, width: number): ArrayBuffer {
  if (typeof value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw fieldError(path, field, "is not base64 text");
  const bytes = Buffer.from(value, "base64");
  if (bytes.byteLength % width !== 0)
    throw fieldError(
      path,
      field,
      `holds ${bytes.byteLength} bytes, not a whole number of ${width}-byte values`,
    );
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

/**
 * float32 values stored as base64, each finite; `count` values when given. Throws BadFileError naming
 * the field and the first value that is NaN or infinite.
 */
export function storedFloats(path: string, field: string, value: unknown, count?: number): Float32Array {
  const values = new Float32Array(storedBytes(path, field, value, 4));
  if (count !== undefined && values.length !== count)
    throw fieldError(path, field, `holds ${values.length} values; expected ${count}`);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    throw fieldError(path, field, `holds ${values[bad]} at index ${bad}; every value must be finite`);
  return values;
}

/** int32 values stored as base64 (their range is the caller's to check). */
export function storedInts(path: string, field: string, value: unknown): Int32Array {
  return new Int32Array(storedBytes(path, field, value, 4));
}

/**
 * The output calibration (field "calibration"): knots of finite scores, in increasing order, and
 * finite labels, as many, at least one.
 */
export function calibrationField(path: string, file: ModelFile): Calibration {
  const c = requiredField(path, file, "calibration", "object") as Record<string, unknown>;
  const numbers = (name: "scores" | "labels"): number[] => {
    const v = c[name];
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== "number" || !Number.isFinite(x)))
      throw fieldError(path, `calibration.${name}`, "must be a non-empty array of finite numbers");
    return v as number[];
  };
  const scores = numbers("scores");
  const labels = numbers("labels");
  if (labels.length !== scores.length)
    throw fieldError(path, "calibration.labels", `holds ${labels.length} values for ${scores.length} scores`);
  if (scores.some((s, k) => k > 0 && s < scores[k - 1]))
    throw fieldError(path, "calibration.scores", "must be in increasing order");
  return { scores, labels };
}

/**
 * Refuses (BadFileError) parsed JSON that is no nas-assay model file, or one of another version (older
 * or newer, each with its way out). Checked before any other field: a file of a newer version missing
 * fields said "not a nas-assay model file (no space)" (found by tester W).
 */
export function checkModelFormat(path: string, file: unknown): void {
  const head = file as { format?: unknown; version?: unknown } | null;
  if (head === null || typeof head !== "object" || head.format !== MODEL_FORMAT)
    throw new BadFileError(path, "not a nas-assay model file");
  if (head.version !== MODEL_VERSION) {
    throw fieldError(
      path,
      "version",
      `is ${JSON.stringify(head.version)}; this nas-assay reads model files of version ${MODEL_VERSION} (the number)` +
        // as studies and results files say it: which side is older decides the way out
        (typeof head.version === "number" && Number.isSafeInteger(head.version) && head.version > 0
          ? head.version > MODEL_VERSION
            ? ": written by a newer nas-assay; read it with that one, or train the model again with this one"
            : ": written by an older nas-assay; train the model again with this one"
          : ""),
    );
  }
}
