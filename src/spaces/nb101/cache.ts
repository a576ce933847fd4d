/**
 * The enumerated space on disk: a small binary file so that later runs load in milliseconds
 * instead of enumerating again. Layout (little-endian):
 *   "NASA-101" | u32 format version | u32 cell count | sha256 of the payload (32 bytes) |
 *   payload = digests (16 bytes/cell) | edge bits (u32/cell) | shape (u16/cell)
 * Written to a temporary file and renamed, so a crash never leaves a half-written cache.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../../data/atomic-file.js";
import type { Nb101Table } from "./table.js";

const MAGIC = "NASA-101";
export const CACHE_FORMAT_VERSION = 1;
const HEADER_BYTES = 48;

/** Bytes per cell in the payload. */
const CELL_BYTES = 16 + 4 + 2;

/** Serialises a table to the cache format. */
export function encodeTable(table: Nb101Table): Buffer {
  const n = table.count;
  const out = Buffer.alloc(HEADER_BYTES + n * CELL_BYTES);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(CACHE_FORMAT_VERSION, 8);
  out.writeUInt32LE(n, 12);
  const payload = out.subarray(HEADER_BYTES);
  Buffer.from(table.digests.buffer, table.digests.byteOffset, n * 16).copy(payload, 0);
  Buffer.from(table.bits.buffer, table.bits.byteOffset, n * 4).copy(payload, n * 16);
  Buffer.from(table.shape.buffer, table.shape.byteOffset, n * 2).copy(payload, n * 20);
  createHash("sha256").update(payload).digest().copy(out, 16);
  return out;
}

/** Parses the cache format; returns the reason when the bytes are not a valid cache. */
export function decodeTable(bytes: Buffer): Nb101Table | { invalid: string } {
  if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, 8) !== MAGIC)
    return { invalid: "not a cache file" };
  const version = bytes.readUInt32LE(8);
  if (version !== CACHE_FORMAT_VERSION) {
    return { invalid: `format version ${version}, this nas-assay writes ${CACHE_FORMAT_VERSION}` };
  }
  const n = bytes.readUInt32LE(12);
  if (bytes.length !== HEADER_BYTES + n * CELL_BYTES) {
    return {
      invalid: `${bytes.length} bytes, expected ${HEADER_BYTES + n * CELL_BYTES} for ${n} cells (truncated?)`,
    };
  }
  const payload = bytes.subarray(HEADER_BYTES);
  if (!createHash("sha256").update(payload).digest().equals(bytes.subarray(16, 48))) {
    return { invalid: "checksum mismatch (corrupted)" };
  }
  // copy into a fresh, aligned buffer so the typed arrays are independent of the file buffer
  const aligned = new Uint8Array(payload.length);
  aligned.set(payload);
  return {
    count: n,
    digests: new Int32Array(aligned.buffer, 0, n * 4),
    bits: new Uint32Array(aligned.buffer, n * 16, n),
    shape: new Uint16Array(aligned.buffer, n * 20, n),
  };
}

/** Reads a cache file; undefined when absent, `{invalid}` when present but unusable. */
export function readTableCache(path: string): Nb101Table | { invalid: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { invalid: `cannot read: ${(e as Error).message}` };
  }
  return decodeTable(bytes);
}

/** Writes a cache file atomically (temporary file + rename). */
export function writeTableCache(path: string, table: Nb101Table): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, encodeTable(table));
}
