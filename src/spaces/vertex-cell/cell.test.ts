import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidCellError } from "../../errors.js";
import { parseCell } from "./cell.js";

/** The error a cell gives: its rule and message. */
function refusal(f: () => unknown): { rule: string; message: string } {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InvalidCellError, `expected InvalidCellError, got ${e}`);
    return { rule: e.rule, message: e.message };
  }
  assert.fail("expected the cell to be rejected");
}

test("a matrix with a row missing or one too many says so, not that row 0 has the wrong length", () => {
  const shape = (matrix: number[][]) => refusal(() => parseCell({ matrix, ops: "input,c1,c3,output" }));
  const missing = shape([
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ]);
  assert.equal(missing.rule, "matrix-square");
  assert.match(missing.message, /matrix has 3 rows of 4 entries; it must be square/);
  assert.match(
    shape([
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
      [0, 0, 0],
    ]).message,
    /matrix has 4 rows of 3 entries; it must be square/,
  );
  // one row of another length than the rest is named by its index
  assert.match(
    shape([
      [0, 1, 0],
      [0, 0, 1, 0],
      [0, 0, 0],
    ]).message,
    /matrix row 1 must be an array of 3 entries/,
  );
});
