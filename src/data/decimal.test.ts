import assert from "node:assert/strict";
import { test } from "node:test";
import {
  measuredValueHint,
  outOfRange,
  outOfRangeNote,
  parseDecimal,
  parseMeasuredValue,
} from "./decimal.js";

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

test("a measured value past the largest number or closer to 0 than the smallest is not a number, and says why", () => {
  // a file's 1e-400 was stored as 0 where tell --value refused it
  for (const text of ["1e-400", "-2.5e-400", "1e309", " 1e400 "])
    assert.ok(Number.isNaN(parseMeasuredValue(text)), text);
  assert.equal(outOfRange("1e-400"), "1e-400 is closer to 0 than the smallest number (about 5e-324)");
  assert.equal(outOfRange("1e309"), "1e309 is beyond the largest number (about 1.8e308)");
  assert.equal(outOfRangeNote("1e309"), "; 1e309 is beyond the largest number (about 1.8e308)");
  // zero in any notation, the smallest number and text that is no number at all are not out of range
  for (const text of ["0", "-0.0", "0e-400", "5e-324", "0.93", "abc", "0x1"]) {
    assert.equal(outOfRange(text), undefined, text);
    assert.equal(outOfRangeNote(text), "", text);
  }
  assert.equal(parseMeasuredValue("0e-400"), 0);
  assert.equal(parseMeasuredValue("5e-324"), 5e-324);
});

test("a decimal comma (European spreadsheets) and a % sign are named with the number meant; others get no hint", () => {
  assert.equal(
    measuredValueHint("84,22"),
    " with a point (84.22 for the decimal comma of 84,22, as European spreadsheets write it)",
  );
  assert.equal(
    measuredValueHint("0,931"),
    " with a point (0.931 for the decimal comma of 0,931, as European spreadsheets write it)",
  );
  assert.match(
    measuredValueHint("1,200"),
    /\(1\.200 for the decimal comma of 1,200, .*, or 1200 if the comma separates thousands\)$/,
  );
  assert.equal(measuredValueHint(" 84.22% "), " without a % sign (84.22 for 84.22%)");
  assert.equal(measuredValueHint("0."), " with digits after its point (a value cut short?)");
  for (const other of ["abc", "84,22,1", "%", "nan", ""]) assert.equal(measuredValueHint(other), "", other);
});
