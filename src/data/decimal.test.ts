import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDecimal, parseMeasuredValue } from "./decimal.js";

test("decimal numbers are read; hex, binary, octal, Infinity, NaN and blanks are not numbers", () => {
  for (const [text, value] of [
    ["93.1", 93.1],
    [" 0.5 ", 0.5],
    ["-2", -2],
    [".25", 0.25],
    ["1e-3", 0.001],
    ["7.", 7],
  ] as const)
    assert.equal(parseDecimal(text), value, text);
  for (const text of ["0x1F", "0b11", "0o17", "Infinity", "-Infinity", "NaN", "", "  ", "1,5", "12abc", "1e"])
    assert.ok(Number.isNaN(parseDecimal(text)), text);
});

test("a measured value ending at its point (a file cut after it) is not a number; others read as parseDecimal", () => {
  for (const text of ["0.", "93.", " 7. "]) assert.ok(Number.isNaN(parseMeasuredValue(text)), text);
  for (const text of ["0.61", ".5", "7", "1e-3"])
    assert.equal(parseMeasuredValue(text), parseDecimal(text), text);
});
