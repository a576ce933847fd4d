import assert from "node:assert/strict";
import { test } from "node:test";
import { notUtf8 } from "./binary-kind.js";

test("notUtf8 names the first byte that is not UTF-8 and its line; UTF-8 text (with a byte-order mark too) passes", () => {
  for (const text of ["caf\u00e9,w\n\u00e9,1\n", "\uFEFFa,b\n", "\u7a7a\u9593,\u{1F600}\n", ""])
    assert.equal(notUtf8(Buffer.from(text, "utf8")), undefined, text);
  // "café" saved as Latin-1: é is the one byte 0xE9
  assert.equal(
    notUtf8(Buffer.from("caf\u00e9,w\n", "latin1")),
    "byte 0xE9 at line 1 is not UTF-8; Latin-1 or Windows-1252?",
  );
  // Windows-1252's right quote (0x92) on the third line, after UTF-8 text
  const late = Buffer.concat([Buffer.from("a,b\n\u00e9,1\nit"), Buffer.from([0x92]), Buffer.from("s,2\n")]);
  assert.match(notUtf8(late) ?? "", /^byte 0x92 at line 3 is not UTF-8/);
  // lines ended by CR alone (or CR LF) are counted as the CSV reader counts them
  assert.match(notUtf8(Buffer.from("a,b\r1,2\rcaf\xe9,3\r", "latin1")) ?? "", /^byte 0xE9 at line 3 /);
  assert.match(notUtf8(Buffer.from("a,b\r\n1,2\r\ncaf\xe9,3\r\n", "latin1")) ?? "", /^byte 0xE9 at line 3 /);
  // a sequence cut short at the end, an overlong "/" and a UTF-16 surrogate are not UTF-8 either
  for (const [bytes, hex] of [
    [[0x61, 0xc3], "C3"],
    [[0xc0, 0xaf], "C0"],
    [[0x0a, 0xed, 0xa0, 0x80], "ED"],
  ] as const)
    assert.match(notUtf8(Buffer.from(bytes)) ?? "", new RegExp(`^byte 0x${hex} at line`), hex);
});
