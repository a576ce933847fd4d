import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidCellError } from "../../errors.js";
import { type CellLimits, cellFromParts, parseCell, pruneCell } from "./cell.js";
import { VertexCellSpace } from "./space.js";

const limits: CellLimits = { maxVertices: 4, maxEdges: 3, ops: ["c1", "c3"] };

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

test("a wrong op is named before the vertex and edge limits (it said only 'after pruning it has 4 edges')", () => {
  // 4 edges, all on input→output paths: one more than maxEdges
  const tooMany = [
    [0, 1, 1, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
  ];
  const prune = (ops: string) => refusal(() => pruneCell(cellFromParts(tooMany, ops), limits));
  assert.equal(prune("input,c1,c3,output").rule, "max-edges");
  const unknown = prune("input,c3,c9,output");
  assert.equal(unknown.rule, "interior-op");
  assert.match(unknown.message, /op "c9" at vertex 2 is not one of c1, c3/);
  assert.equal(prune("c3,input,c1,output").rule, "first-op");
  assert.equal(prune("input,c1,c3,c3").rule, "last-op");
  // the first op is checked before the path too: the input and output vertices are never pruned
  const noPath = [
    [0, 1, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  assert.equal(refusal(() => pruneCell(cellFromParts(noPath, "c1,c1,output"), limits)).rule, "first-op");
  // a pruned vertex's op is dropped unread, as in the benchmark: a dangling "c9" is no error (zero-padded
  // cells of other tools hold placeholders there)
  const dangling = [
    [0, 1, 1, 0],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  for (const op of ["c3", "c9", "output", "null"])
    assert.equal(pruneCell(cellFromParts(dangling, `input,c1,${op},output`), limits).vertices, 3);
});

test("a matrix string's rows, when separated, must be n rows of n digits: a typo in one row became another cell", () => {
  const ops = "input,c1,c3,output";
  const rows = (matrix: string) => cellFromParts(matrix, ops).matrix;
  const expected = [
    [0, 1, 1, 0],
    [0, 0, 1, 1],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
  ];
  for (const text of [
    "0110001100010000",
    "0110 0011 0001 0000",
    " 0110,0011\n0001  0000 ",
    "0,1,1,0,0,0,1,1,0,0,0,1,0,0,0,0",
  ])
    assert.deepEqual(rows(text), expected, text);
  const typo = refusal(() => cellFromParts("01100 011 0001 0000", ops));
  assert.equal(typo.rule, "matrix-square");
  assert.match(
    typo.message,
    /matrix string "01100 011 0001 0000" has rows of 5, 3, 4, 4 digits; expected 4 rows of 4 digits \(or the 16 digits with no separator\) \(rule: matrix-square\)$/,
  );
  assert.match(refusal(() => cellFromParts("0110 0011 00010000", ops)).message, /has rows of 4, 4, 8 digits/);
});

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

test("a flat list of n×n entries is the row-major matrix, as its 0/1 string is; not named as a row", () => {
  const nested = parseCell({
    matrix: [
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ],
    ops: "input,c1,output",
  });
  assert.deepEqual(parseCell({ matrix: [0, 1, 0, 0, 0, 1, 0, 0, 0], ops: "input,c1,output" }), nested);
  assert.deepEqual(
    parseCell(JSON.stringify({ matrix: [0, 1, 0, 0, 0, 1, 0, 0, 0], ops: ["input", "c1", "output"] })),
    nested,
  );
  assert.deepEqual(
    cellFromParts([false, true, false, false, false, true, false, false, false], "input,c1,output"),
    nested,
  );
  // and refused, as a list, by its length or an entry other than 0 or 1
  assert.deepEqual(
    refusal(() => cellFromParts([0, 1, 0, 0, 0, 1, 0, 0], "input,c1,output")),
    {
      rule: "matrix-square",
      message:
        "invalid cell: matrix is a flat list of 8 entries; expected n×n of them (row-major) or a list of rows (rule: matrix-square)",
    },
  );
  assert.deepEqual(
    refusal(() => cellFromParts([0, 2, 0, 0], "input,output")),
    {
      rule: "matrix-binary",
      message:
        "invalid cell: matrix[1] is 2; expected 0 or 1 (a flat list is read row-major) (rule: matrix-binary)",
    },
  );
});

test("a matrix or ops nested 10,000 levels deep is refused by its rule, not a stack overflow", () => {
  const deep = JSON.parse(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
  const matrix = refusal(() => parseCell({ matrix: deep, ops: "input,output" }));
  assert.equal(matrix.rule, "matrix-format");
  assert.match(
    matrix.message,
    /matrix nests arrays or objects more than 64 levels deep; expected rows of 0\/1 entries/,
  );
  // as the ops, and as JSON text (--arch, a CSV's matrix column)
  assert.equal(refusal(() => cellFromParts("0100", deep)).rule, "ops-format");
  assert.equal(
    refusal(() => parseCell(`{"matrix":${"[".repeat(10_000)}${"]".repeat(10_000)},"ops":"input,output"}`))
      .rule,
    "matrix-format",
  );
});

test("pruneCell (a vertex-cell space's key, jsonOf, encode) refuses what is no { matrix, ops } by its rule, not a TypeError", async () => {
  const space = await VertexCellSpace.load({
    name: "v",
    kind: "vertex-cell",
    maxVertices: 3,
    maxEdges: 3,
    ops: ["a", "b"],
  });
  const refused = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: Error) => e instanceof InvalidCellError && pattern.test(e.message));
  // each was "Cannot destructure property 'matrix' of 'cell' as it is null" or "reading 'length'"
  for (const cell of [null, undefined, "x", [1, 2], { matrix: "011", ops: ["input", "output"] }]) {
    refused(() => space.key(cell as never), /expected a cell \{ matrix, ops \}: .*, got /);
    refused(() => space.jsonOf(cell as never), /expected a cell \{ matrix, ops \}/);
    refused(() => space.encode([cell as never]), /expected a cell \{ matrix, ops \}/);
  }
  refused(
    () => space.key({ matrix: [[0, 1], null], ops: ["input", "output"] } as never),
    /matrix row 1 is null; expected 2 entries/,
  );
  // a cell still works
  assert.equal(
    space.jsonOf({
      matrix: [
        [0, 1],
        [0, 0],
      ],
      ops: ["input", "output"],
    }).ops.length,
    2,
  );
});
