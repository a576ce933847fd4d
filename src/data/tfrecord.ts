/**
 * TFRecord files, streamed in constant memory: per record a uint64 LE length, the masked CRC-32C of
 * those 8 bytes, the data, and the masked CRC-32C of the data. Both checksums are verified.
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import CRC32C from "crc-32/crc32c.js";
import { BadFileError, shownValue, UserError } from "../errors.js";

/** TensorFlow's masked CRC-32C. */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = CRC32C.buf(data) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One record; `data` is only valid until the next record is read. */
export interface TfRecord {
  data: Buffer;
  /** 0-based record number. */
  index: number;
  /** Byte offset of the record's header in the file. */
  offset: number;
}

/**
 * Frames `data` as one TFRecord. Throws UserError for `data` that is no Uint8Array (a Buffer is one):
 * a string or a plain list was framed as zeros or truncated bytes, a Uint16Array's values cut to 8 bits.
 */
export function encodeTfRecord(data: Uint8Array): Buffer {
  if (!(data instanceof Uint8Array)) {
    const given: unknown = data;
    throw new UserError(
      `encodeTfRecord frames bytes: a Uint8Array or a Buffer (Buffer.from(text) for text), got ${
        ArrayBuffer.isView(given) ? `a ${given.constructor.name}` : shownValue(given, 60)
      }`,
    );
  }
  const out = Buffer.alloc(16 + data.length);
  out.writeUInt32LE(data.length >>> 0, 0);
  out.writeUInt32LE(Math.floor(data.length / 2 ** 32), 4);
  out.writeUInt32LE(maskedCrc32c(out.subarray(0, 8)), 8);
  out.set(data, 12);
  out.writeUInt32LE(maskedCrc32c(data), 12 + data.length);
  return out;
}

const MAX_RECORD_BYTES = 1 << 30;

/**
 * A first record whose length fails its checksum: the file is no TFRecord file at all (a CSV, a
 * download's HTML page) rather than one damaged further on, which "record 0 at byte 0: length checksum
 * mismatch (corrupted file?)" suggested. `expected` names the file wanted.
 */
function notTfRecord(path: string, expected: string, bytes = 12): BadFileError {
  return new BadFileError(
    path,
    bytes < 12
      ? `is not a TFRecord file (${bytes} bytes, shorter than one record header of 12); expected ${expected}`
      : `is not a TFRecord file (its first 12 bytes are no record header: the length's checksum does not match); expected ${expected}`,
  );
}

/** True when the 12 bytes at `start` of `bytes` are a record header: a length and its masked CRC-32C. */
function headerOk(bytes: Buffer, start: number): boolean {
  return bytes.readUInt32LE(start + 8) === maskedCrc32c(bytes.subarray(start, start + 8));
}

/**
 * Checks, before any work, that `path` names a file that can be read as TFRecords (not a folder, not
 * missing, and its first record header sound: `expected` names the file wanted when it is not). Throws
 * BadFileError naming the path.
 */
export function checkTfRecordFile(path: string, expected = "a TFRecord file"): void {
  let isFolder: boolean;
  const head = Buffer.alloc(12);
  let headBytes = 0;
  try {
    isFolder = statSync(path).isDirectory();
    if (!isFolder) {
      const fd = openSync(path, "r");
      try {
        headBytes = readSync(fd, head, 0, 12, 0);
      } finally {
        closeSync(fd);
      }
    }
  } catch (e) {
    // a path mistyped: said as the other commands say it, not as the system's "ENOENT: …, stat '…'"
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new BadFileError(path, `no such file; expected ${expected}`);
    throw new BadFileError(path, `cannot open: ${(e as Error).message}`);
  }
  if (isFolder) throw new BadFileError(path, "is a folder; expected a .tfrecord file");
  // a file shorter than one record header holds no record: no TFRecord file, not one cut short (a
  // 5-byte file was called "truncated"); an empty one is left to readTfRecords (no records)
  if ((headBytes > 0 && headBytes < 12) || (headBytes === 12 && !headerOk(head, 0)))
    throw notTfRecord(path, expected, headBytes);
}

/**
 * Reads the records of a TFRecord file one by one. `onProgress(bytesRead, totalBytes)` is called
 * as chunks are read. Throws BadFileError on a bad checksum or a truncated file, naming the record, and
 * for a file whose first record header is unsound, saying it is no TFRecord file (`expected` names the
 * file wanted).
 */
export async function* readTfRecords(
  path: string,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
  expected = "a TFRecord file",
): AsyncGenerator<TfRecord> {
  checkTfRecordFile(path, expected);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw new BadFileError(path, `cannot open: ${(e as Error).message}`);
  }
  try {
    const total = (await handle.stat()).size;
    let buffer = Buffer.alloc(4 << 20);
    let start = 0; // first unconsumed byte in buffer
    let end = 0; // end of valid bytes in buffer
    let fileOffset = 0; // file offset of buffer[0]
    let eof = false;
    let index = 0;
    /** Makes `need` bytes available from `start`; false at end of file. */
    const fill = async (need: number): Promise<boolean> => {
      while (end - start < need && !eof) {
        if (start > 0) {
          buffer.copy(buffer, 0, start, end);
          fileOffset += start;
          end -= start;
          start = 0;
        }
        if (need > buffer.length) {
          const bigger = Buffer.alloc(Math.max(need, buffer.length * 2));
          buffer.copy(bigger, 0, 0, end);
          buffer = bigger;
        }
        const { bytesRead } = await handle.read(buffer, end, buffer.length - end, fileOffset + end);
        if (bytesRead === 0) eof = true;
        end += bytesRead;
        onProgress?.(fileOffset + end, total);
      }
      return end - start >= need;
    };
    for (;;) {
      const offset = fileOffset + start;
      if (!(await fill(12))) {
        if (end - start === 0) return;
        throw new BadFileError(
          path,
          `truncated: record ${index} at byte ${offset} has ${end - start} of its 12 header bytes`,
        );
      }
      const length = buffer.readUInt32LE(start) + buffer.readUInt32LE(start + 4) * 2 ** 32;
      if (!headerOk(buffer, start)) {
        // checkTfRecordFile has checked record 0, unless the file changed since
        if (index === 0) throw notTfRecord(path, expected);
        throw new BadFileError(
          path,
          `record ${index} at byte ${offset}: length checksum mismatch (corrupted file?)`,
        );
      }
      if (length > MAX_RECORD_BYTES) {
        throw new BadFileError(
          path,
          `record ${index} at byte ${offset} claims ${length} bytes; not a plausible record`,
        );
      }
      if (!(await fill(16 + length))) {
        throw new BadFileError(
          path,
          `truncated: record ${index} at byte ${offset} needs ${16 + length} bytes, the file ends after ${end - start}`,
        );
      }
      const data = buffer.subarray(start + 12, start + 12 + length);
      if (buffer.readUInt32LE(start + 12 + length) !== maskedCrc32c(data)) {
        throw new BadFileError(
          path,
          `record ${index} at byte ${offset}: data checksum mismatch (corrupted file?)`,
        );
      }
      yield { data, index, offset };
      start += 16 + length;
      index++;
    }
  } finally {
    await handle.close();
  }
}
