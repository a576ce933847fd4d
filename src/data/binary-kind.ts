/**
 * What a file that is meant to be text (CSV, JSON lines) is when it is not: the readers of label files
 * and results files refuse such a file in one line naming what it looks like, rather than reading
 * garbled column names out of it.
 */
import { SQLITE_HEADER } from "./output-path.js";

/**
 * What a file that is not text is, for the message: "UTF-16" (a byte-order mark, or a zero in nearly
 * every other byte), a zip archive (what an Excel .xlsx is), an SQLite database (a study), or any other
 * binary file (a zero byte); undefined for text.
 */
export function binaryKind(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 16).toString("latin1");
  if (head.startsWith("PK\u0003\u0004")) return "is a zip archive (an Excel .xlsx workbook?)";
  if (bytes.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER))
    return "is an SQLite database (a study file?)";
  if (!bytes.includes(0)) return undefined;
  const utf16Mark = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  const sample = bytes.subarray(0, 512);
  const zeros = [0, 0];
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) zeros[i % 2]++;
  const half = Math.floor(sample.length / 2);
  if (utf16Mark || Math.max(zeros[0], zeros[1]) >= half * 0.9) return "UTF-16";
  return "is a binary file";
}

/** Throws on bytes that are not UTF-8, where Buffer.toString("utf8") puts U+FFFD in their place. */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Where a text file stops being UTF-8, for the message: "byte 0xE9 at line 2 is not UTF-8; Latin-1 or
 * Windows-1252?"; undefined for UTF-8 text. A CSV saved as Latin-1 or Windows-1252 (Excel's plain "CSV"
 * on Windows) read as UTF-8 turns "café" into "caf\uFFFD", so its columns and options were refused as
 * not found, shown garbled.
 */
export function notUtf8(bytes: Uint8Array): string | undefined {
  try {
    strictUtf8.decode(bytes);
    return undefined;
  } catch {
    // find the first byte that starts no UTF-8 sequence, to name it and its line
  }
  let line = 1;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    // a line ends at LF, CR LF or a lone CR (old Mac files; the CSV reader takes all three)
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) line++;
    const length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    if (length > 1) {
      try {
        strictUtf8.decode(bytes.subarray(i, i + length));
      } catch {
        const hex = b.toString(16).toUpperCase().padStart(2, "0");
        return `byte 0x${hex} at line ${line} is not UTF-8; Latin-1 or Windows-1252?`;
      }
    }
    i += length;
  }
  return undefined;
}
