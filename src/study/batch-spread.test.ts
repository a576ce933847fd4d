import assert from "node:assert/strict";
import { test } from "node:test";
import { spreadOut } from "./batch-spread.js";

/** Ids on a line: each id's neighbours are id − 1 and id + 1. */
const line = (id: number) => new Set([id - 1, id + 1]);

test("spreadOut picks down the ranking, passing over neighbours of the chosen and of the pending", () => {
  assert.deepEqual([...spreadOut([0, 1, 2, 3, 4, 5], 3, line)], [0, 2, 4]);
  // 2 pending: 1 and 3 are its neighbours; 1 comes back only because the ranking runs short
  assert.deepEqual([...spreadOut([0, 1, 2, 3, 4, 5], 3, line, [2])], [0, 4, 1]);
  // a neighbour recognised from its own side only (5 lists 9 as a neighbour, 9 does not list 5)
  const oneWay = (id: number) => (id === 5 ? new Set([9]) : new Set<number>());
  assert.deepEqual([...spreadOut([9, 5, 7], 2, oneWay)], [9, 7]);
  assert.deepEqual([...spreadOut([1, 2], 5, line)], [1, 2], "fewer only when the ranking runs short");
  assert.deepEqual([...spreadOut([], 3, line)], []);
});
