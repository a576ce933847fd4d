import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidCellError } from "../../errors.js";
import { Rng } from "../../random.js";
import { ModuleHasher } from "../vertex-cell/hash.js";
import { cellFromParts, matrixText, parseCell, pruneCell } from "./cell.js";

const C3 = "conv3x3-bn-relu";
const C1 = "conv1x1-bn-relu";
const MP = "maxpool3x3";
const hasher = new ModuleHasher();

function ruleOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InvalidCellError, `expected InvalidCellError, got ${e}`);
    return e.rule;
  }
  assert.fail("expected the cell to be rejected");
}

test("the three accepted forms give the same cell", () => {
  const matrix = [
    [0, 1, 1],
    [0, 0, 1],
    [0, 0, 0],
  ];
  const ops = ["input", C3, "output"];
  const nested = parseCell({ matrix, ops });
  assert.deepEqual(parseCell({ matrix: "011001000", ops: `input,${C3},output` }), nested);
  assert.deepEqual(parseCell(JSON.stringify({ matrix, ops })), nested);
  assert.deepEqual(parseCell([matrix, ops]), nested);
  assert.equal(matrixText(nested.matrix), "011001000");
});

test("pruning removes vertices off every input→output path, as the official ModelSpec does", () => {
  // vertex 2 is a dead end (no path to output), vertex 3 is unreachable from the input
  const matrix = [
    [0, 1, 1, 0, 0],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0],
  ];
  const pruned = pruneCell(cellFromParts(matrix, ["input", C1, MP, "bogus-op-pruned-away", "output"]));
  assert.equal(pruned.vertices, 3);
  assert.deepEqual(pruned.interiorOps, [1]);
  const small = pruneCell(
    cellFromParts(
      [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 0],
      ],
      ["input", C1, "output"],
    ),
  );
  assert.equal(hasher.hashHex(pruned), hasher.hashHex(small));
});

test("un-pruned input larger than 7 vertices is accepted when pruning brings it within the space", () => {
  const n = 9;
  const matrix = Array.from({ length: n }, () => new Array(n).fill(0));
  matrix[0][1] = 1;
  matrix[1][n - 1] = 1;
  for (let v = 2; v < n - 1; v++) matrix[0][v] = 1; // dead ends
  const ops = ["input", ...new Array(n - 2).fill(C3), "output"];
  assert.equal(pruneCell(cellFromParts(matrix, ops)).vertices, 3);
});

test("every validation rule has its own clear error", () => {
  const ok = [
    [0, 1],
    [0, 0],
  ];
  assert.equal(
    ruleOf(() => parseCell("not json")),
    "format",
  );
  assert.equal(
    ruleOf(() => parseCell({ matrix: ok })),
    "format",
  );
  assert.equal(
    ruleOf(() => parseCell({ matrix: "0102", ops: "input,output" })),
    "matrix-binary",
  );
  assert.equal(
    ruleOf(() => parseCell({ matrix: "010", ops: "input,output" })),
    "matrix-square",
  );
  assert.equal(
    ruleOf(() => parseCell({ matrix: [[0, 1], [0]], ops: ["input", "output"] })),
    "matrix-square",
  );
  assert.equal(
    ruleOf(() =>
      parseCell({
        matrix: [
          [0, 2],
          [0, 0],
        ],
        ops: ["input", "output"],
      }),
    ),
    "matrix-binary",
  );
  assert.equal(
    ruleOf(() => parseCell({ matrix: ok, ops: 7 })),
    "ops-format",
  );
  assert.equal(
    ruleOf(() => pruneCell(cellFromParts(ok, ["input"]))),
    "ops-length",
  );
  assert.equal(
    ruleOf(() =>
      pruneCell(
        cellFromParts(
          [
            [0, 1],
            [1, 0],
          ],
          ["input", "output"],
        ),
      ),
    ),
    "upper-triangular",
  );
  assert.equal(
    ruleOf(() =>
      pruneCell(
        cellFromParts(
          [
            [1, 1],
            [0, 0],
          ],
          ["input", "output"],
        ),
      ),
    ),
    "upper-triangular",
  );
  assert.equal(
    ruleOf(() =>
      pruneCell(
        cellFromParts(
          [
            [0, 0],
            [0, 0],
          ],
          ["input", "output"],
        ),
      ),
    ),
    "connected",
  );
  assert.equal(
    ruleOf(() => pruneCell(cellFromParts(ok, ["output", "input"]))),
    "first-op",
  );
  assert.equal(
    ruleOf(() => pruneCell(cellFromParts(ok, ["input", C3]))),
    "last-op",
  );
  const m3 = [
    [0, 1, 0],
    [0, 0, 1],
    [0, 0, 0],
  ];
  assert.equal(
    ruleOf(() => pruneCell(cellFromParts(m3, ["input", "conv5x5", "output"]))),
    "interior-op",
  );
  // a chain of 8 vertices: too many after pruning
  const chain = Array.from({ length: 8 }, (_, i) =>
    Array.from({ length: 8 }, (_, j) => (j === i + 1 ? 1 : 0)),
  );
  assert.equal(
    ruleOf(() => pruneCell(cellFromParts(chain, ["input", ...new Array(6).fill(C3), "output"]))),
    "max-vertices",
  );
  // 7 vertices with 10 edges, all on input→output paths
  const dense = Array.from({ length: 7 }, () => new Array(7).fill(0));
  for (let v = 1; v < 6; v++) {
    dense[0][v] = 1;
    dense[v][6] = 1;
  }
  assert.equal(
    ruleOf(() => pruneCell(cellFromParts(dense, ["input", ...new Array(5).fill(MP), "output"]))),
    "max-edges",
  );
  const message = (() => {
    try {
      pruneCell(cellFromParts(dense, ["input", ...new Array(5).fill(MP), "output"]));
    } catch (e) {
      return (e as Error).message;
    }
  })();
  assert.match(String(message), /10 edges; at most 9/);
});

test("100,000 random, mostly invalid inputs give only clear InvalidCellErrors", () => {
  const rng = new Rng(7);
  const words = ["input", "output", C3, C1, MP, "", "conv", "INPUT", " input", "null"];
  const values: unknown[] = [0, 1, 2, -1, 0.5, true, false, null, "1", "0", [], {}, Number.NaN];
  const pick = <T>(xs: T[]) => xs[rng.int(xs.length)];
  let valid = 0;
  for (let i = 0; i < 100_000; i++) {
    const n = rng.int(10);
    const kind = rng.int(6);
    let input: unknown;
    const bits = () =>
      Array.from({ length: n }, (_, r) =>
        Array.from({ length: n }, (_, c) => (c > r && rng.float() < 0.4 ? 1 : 0)),
      );
    const ops = () =>
      Array.from({ length: n }, (_, v) => (v === 0 ? "input" : v === n - 1 ? "output" : pick(words)));
    if (kind === 0) input = { matrix: bits(), ops: ops() };
    else if (kind === 1)
      input = {
        matrix: Array.from({ length: n }, () => Array.from({ length: rng.int(10) }, () => pick(values))),
        ops: ops(),
      };
    else if (kind === 2)
      input = {
        matrix: Array.from({ length: rng.int(60) }, () => pick(["0", "1", "2", ",", " ", "x"])).join(""),
        ops: ops().join(","),
      };
    else if (kind === 3) input = JSON.stringify({ matrix: bits(), ops: ops() }).slice(0, rng.int(200));
    else if (kind === 4)
      input = pick([null, undefined, 42, "x", [], [1], { matrix: null, ops: null }, [bits(), 5]]);
    else input = [bits(), ops().map((o) => (rng.float() < 0.1 ? pick(values) : o))];
    try {
      const p = pruneCell(parseCell(input));
      hasher.hashHex(p);
      valid++;
    } catch (e) {
      if (!(e instanceof InvalidCellError)) throw new Error(`input ${JSON.stringify(input)} threw ${e}`);
      assert.ok(e.message.length > 0 && e.rule.length > 0);
    }
  }
  assert.ok(valid > 1000, `expected some valid cells among the random inputs, got ${valid}`);
});
