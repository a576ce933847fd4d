/**
 * Text as an editor saved it: a UTF-8 byte-order mark, which Windows editors write at the start of a
 * file and JSON.parse and CSV headers take as a character ("Unexpected token '﻿'", a column named
 * "﻿arch"), is dropped. One rule for every file a user may have opened and saved: label, results,
 * spec, model, pipeline and report files.
 */
import { readFileSync } from "node:fs";

/** `text` without a leading byte-order mark (U+FEFF); other text unchanged. */
export function withoutByteOrderMark(text: string): string {
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

/** The UTF-8 text of the file at `path`, without a leading byte-order mark. Throws as readFileSync does. */
export function readUserText(path: string): string {
  return withoutByteOrderMark(readFileSync(path, "utf8"));
}
