/**
 * NumPy `.npy` files: little-endian numeric arrays in C order with 1 or 2 dimensions. Anything else
 * (big-endian, Fortran order, object arrays, truncated data) is refused with a clear error.
 */
import { readFileSync } from "node:fs";
import { BadFileError, readFailure, shownValue, UserError } from "../errors.js";
import { writeFileAtomic } from "./atomic-file.js";

type TypedArrayCtor =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Int16ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor;

const DTYPES: Record<string, TypedArrayCtor> = {
  "<f8": Float64Array,
  "<f4": Float32Array,
  "<i8": BigInt64Array,
  "<i4": Int32Array,
  "<i2": Int16Array,
  "|i1": Int8Array,
  "|u1": Uint8Array,
  "<u2": Uint16Array,
  "<u4": Uint32Array,
  "|b1": Uint8Array,
};

/** A numeric array read from a `.npy` file. */
export interface NpyArray {
  dtype: string;
  shape: number[];
  /** Values in C (row-major) order, converted to float64. */
  data: Float64Array;
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** Parses `.npy` bytes; `path` only names the file in errors. */
export function parseNpy(bytes: Buffer, path: string): NpyArray {
  const bad = (detail: string) => new BadFileError(path, `not a valid .npy file: ${detail}`);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC)) throw bad("missing the \\x93NUMPY magic");
  const major = bytes[6];
  if (major < 1 || major > 3) throw bad(`unsupported format version ${major}.${bytes[7]}`);
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.length >= 12 ? bytes.readUInt32LE(8) : -1;
  const dataStart = (major === 1 ? 10 : 12) + headerLength;
  if (headerLength < 0 || dataStart > bytes.length) throw bad("header is truncated");
  const header = bytes.toString(major === 3 ? "utf8" : "latin1", major === 1 ? 10 : 12, dataStart);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw bad(`header ${JSON.stringify(header.trim())} lacks descr, fortran_order or shape`);
  }
  const ctor = DTYPES[descr];
  if (!ctor) {
    throw bad(`dtype '${descr}' is not supported; expected little-endian ${Object.keys(DTYPES).join(", ")}`);
  }
  if (fortran === "True") throw bad("Fortran-order arrays are not supported; save with C order");
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.length < 1 || shape.length > 2 || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw bad(`shape (${shapeText}) is not supported; expected 1 or 2 dimensions`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * ctor.BYTES_PER_ELEMENT;
  const actual = bytes.length - dataStart;
  if (actual < expected)
    throw bad(`truncated: ${actual} data bytes, expected ${expected} for shape (${shape})`);
  if (actual > expected)
    throw bad(`${actual - expected} unexpected bytes after the data of shape (${shape})`);
  const raw = new Uint8Array(expected);
  raw.set(bytes.subarray(dataStart));
  const typed = new ctor(raw.buffer);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = Number(typed[i]);
  return { dtype: descr, shape, data };
}

/** Reads a `.npy` file. */
export function readNpy(path: string): NpyArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw readFailure(path, e, "expected a .npy file");
  }
  return parseNpy(bytes, path);
}

/**
 * Reads a 1-D `.npy` file of exactly `length` values. With `floating`, an integer or boolean dtype is
 * refused too: a measured quantity such as an accuracy stored as 0/1 or as whole percents would pass
 * every range check and be silently wrong.
 */
export function readNpyVector(path: string, length: number, floating = false): Float64Array {
  const a = readNpy(path);
  if (floating && !/^[<|]f[48]$/.test(a.dtype)) {
    throw new BadFileError(
      path,
      `has dtype '${a.dtype}'; expected floating-point values ('<f4' or '<f8'), one measured value per cell`,
    );
  }
  if (a.shape.length !== 1 || a.shape[0] !== length) {
    throw new BadFileError(
      path,
      `has shape (${a.shape}); expected (${length},), one value per cell of the space`,
    );
  }
  return a.data;
}

/**
 * Encodes a 1-D float64 or int32 array as `.npy` bytes (format 1.0). Throws UserError for anything
 * else: a Float32Array was written labelled int32 (1 read back as 1065353216), a Uint8Array as a
 * truncated file, and a plain list threw a TypeError from Buffer.from.
 */
export function encodeNpy(values: Float64Array | Int32Array): Buffer {
  if (!(values instanceof Float64Array || values instanceof Int32Array)) {
    const given: unknown = values;
    throw new UserError(
      `a .npy file is written from a Float64Array or an Int32Array (Float64Array.from(list) for a list of numbers), got ${
        ArrayBuffer.isView(given) ? `a ${given.constructor.name}` : shownValue(given, 60)
      }`,
    );
  }
  const descr = values instanceof Float64Array ? "<f8" : "<i4";
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${values.length},), }`;
  const unpadded = 10 + header.length + 1;
  header += `${" ".repeat((64 - (unpadded % 64)) % 64)}\n`;
  const head = Buffer.alloc(10);
  MAGIC.copy(head, 0);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, "latin1"),
    Buffer.from(values.buffer, values.byteOffset, values.byteLength),
  ]);
}

/** Writes a 1-D array as a `.npy` file atomically; UserError for an array that is no Float64Array or Int32Array. */
export function writeNpy(path: string, values: Float64Array | Int32Array): void {
  writeFileAtomic(path, encodeNpy(values));
}
