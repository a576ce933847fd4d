/**
 * An enumerated vertex-cell space on disk: a small binary file so that later runs load in
 * milliseconds instead of enumerating again. Layout (little-endian):
 *   "NASA-101" | u32 format version | u32 cell count | sha256 of the payload (32 bytes) |
 *   the space's fingerprint (32 bytes, see specFingerprint) |
 *   payload = digests (16 bytes/cell) | edge bits (u32/cell) | shape (u32/cell)
 * Written to a temporary file and renamed, so a crash never leaves a half-written cache.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../data/atomic-file.js";
import { createFolders } from "../../data/output-path.js";
import type { CellLimits } from "./cell.js";
import type { CellTable } from "./table.js";

const MAGIC = "NASA-101";
/** 2: any vertex-cell space (fingerprint in the header, 32-bit shapes); 1 held NAS-Bench-101 only. */
export const CACHE_FORMAT_VERSION = 2;
const HEADER_BYTES = 80;

/** Bytes per cell in the payload. */
const CELL_BYTES = 16 + 4 + 4;

/**
 * What identifies an enumerated space: sha256 (hex) of its limits and ops, the fields that decide
 * its cells and their ids (not its name).
 */
export function specFingerprint(limits: CellLimits): string {
  const text = JSON.stringify([limits.maxVertices, limits.maxEdges, limits.ops]);
  return createHash("sha256").update(text).digest("hex");
}

/** The cache file of a space in a cache directory. */
export function cachePath(dir: string, limits: CellLimits): string {
  return join(dir, `vertex-cell-${specFingerprint(limits).slice(0, 16)}-v${CACHE_FORMAT_VERSION}.bin`);
}

/** Serialises a table of the space with this fingerprint (hex) to the cache format. */
export function encodeTable(table: CellTable, fingerprint: string): Buffer {
  const n = table.count;
  const out = Buffer.alloc(HEADER_BYTES + n * CELL_BYTES);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(CACHE_FORMAT_VERSION, 8);
  out.writeUInt32LE(n, 12);
  Buffer.from(fingerprint, "hex").copy(out, 48);
  const payload = out.subarray(HEADER_BYTES);
  Buffer.from(table.digests.buffer, table.digests.byteOffset, n * 16).copy(payload, 0);
  Buffer.from(table.bits.buffer, table.bits.byteOffset, n * 4).copy(payload, n * 16);
  Buffer.from(table.shape.buffer, table.shape.byteOffset, n * 4).copy(payload, n * 20);
  createHash("sha256").update(payload).digest().copy(out, 16);
  return out;
}

/** Parses the cache format; returns the reason when the bytes are not a valid cache of that space. */
export function decodeTable(bytes: Buffer, fingerprint: string): CellTable | { invalid: string } {
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
  if (bytes.toString("hex", 48, 80) !== fingerprint) return { invalid: "it holds another space" };
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
    shape: new Uint32Array(aligned.buffer, n * 20, n),
  };
}

/** Reads a cache file; undefined when absent, `{invalid}` when present but unusable. */
export function readTableCache(
  path: string,
  fingerprint: string,
): CellTable | { invalid: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { invalid: `cannot read: ${(e as Error).message}` };
  }
  return decodeTable(bytes, fingerprint);
}

/** Writes a cache file atomically (temporary file + rename). */
export function writeTableCache(path: string, table: CellTable, fingerprint: string): void {
  createFolders(dirname(path));
  writeFileAtomic(path, encodeTable(table, fingerprint));
}
