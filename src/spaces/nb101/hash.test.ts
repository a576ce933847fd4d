import assert from "node:assert/strict";
import { test } from "node:test";
import { ModuleHasher } from "../vertex-cell/hash.js";
import { cellFromParts, pruneCell } from "./cell.js";

const hasher = new ModuleHasher();
const hashOf = (matrix: number[][], ops: string[]) => hasher.hashHex(pruneCell(cellFromParts(matrix, ops)));

// Test vectors from ../shared/data/README.md
test("hash of the Inception-like example cell", () => {
  const matrix = [
    [0, 1, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0, 0],
  ];
  const ops = [
    "input",
    "conv1x1-bn-relu",
    "conv3x3-bn-relu",
    "conv3x3-bn-relu",
    "conv3x3-bn-relu",
    "maxpool3x3",
    "output",
  ];
  assert.equal(hashOf(matrix, ops), "28cfc7874f6d200472e1a9dcd8650aa0");
});

test("hash of input→output", () => {
  assert.equal(
    hashOf(
      [
        [0, 1],
        [0, 0],
      ],
      ["input", "output"],
    ),
    "043721b9c7fe8c5fad811d47d83132ec",
  );
});

test("hash of input→conv3x3→output, with and without the skip edge", () => {
  const ops = ["input", "conv3x3-bn-relu", "output"];
  assert.equal(
    hashOf(
      [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 0],
      ],
      ops,
    ),
    "b49ac8c578b4561d79ac7087988f1c61",
  );
  assert.equal(
    hashOf(
      [
        [0, 1, 1],
        [0, 0, 1],
        [0, 0, 0],
      ],
      ops,
    ),
    "d32d0b26d534203b48d866facd98cc3e",
  );
});

test("the hash depends on the ops", () => {
  const m = [
    [0, 1, 0],
    [0, 0, 1],
    [0, 0, 0],
  ];
  assert.notEqual(
    hashOf(m, ["input", "conv1x1-bn-relu", "output"]),
    hashOf(m, ["input", "maxpool3x3", "output"]),
  );
});
