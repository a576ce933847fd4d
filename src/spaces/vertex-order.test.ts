import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Rng } from "../random.js";
import { testSpace } from "../testing/fixtures.js";
import type { Nb101Space } from "./nb101/space.js";
import { reorderVertices } from "./vertex-order.js";

let space: Nb101Space;
before(async () => {
  space = await testSpace();
});

/** The cell a NAS-Bench-101 encoding row describes: its real vertices (those with an op), in order. */
function decode(x: Float32Array, row: number): { matrix: number[][]; ops: string[] } {
  const { vertices: V, opTypes, size } = space.encoding;
  const K = opTypes.length;
  const base = row * size;
  const real: number[] = [];
  const ops: string[] = [];
  for (let v = 0; v < V; v++) {
    const k = Array.from(x.subarray(base + V * V + v * K, base + V * V + (v + 1) * K)).indexOf(1);
    if (k >= 0) {
      real.push(v);
      ops.push(opTypes[k]);
    }
  }
  const matrix = real.map((i) => real.map((j) => x[base + i * V + j]));
  return { matrix, ops };
}

test("a reordered NAS-Bench-101 encoding is the same cell, in a topological order, padding in place", () => {
  const { vertices: V, size } = space.encoding;
  const rng = new Rng(5);
  const ids = space.sample(rng, 2000);
  const x = space.encode(ids);
  const stored = x.slice();
  let changed = 0;
  for (let order = 0; order < 3; order++) {
    for (let row = 0; row < ids.length; row++) reorderVertices(x, space.encoding, row, rng);
    for (let row = 0; row < ids.length; row++) {
      const cell = decode(x, row);
      assert.equal(space.idOf(cell), ids[row], `cell ${ids[row]}, order ${order}`);
      for (let i = 0; i < V; i++)
        for (let j = 0; j <= i; j++) assert.equal(x[row * size + i * V + j], 0, "an edge points backwards");
      const { opTypes } = space.encoding;
      for (let v = space.vertices(ids[row]) - 1; v < V - 1; v++) {
        const opRow = x.subarray(
          row * size + V * V + v * opTypes.length,
          row * size + V * V + (v + 1) * opTypes.length,
        );
        assert.ok(
          opRow.every((value) => value === 0),
          `padded vertex ${v} of cell ${ids[row]} got an op`,
        );
      }
      if (x.subarray(row * size, (row + 1) * size).some((value, k) => value !== stored[row * size + k]))
        changed++;
    }
  }
  // 41 % of NAS-Bench-101 cells have a single order (a chain through their interior vertices), many others a few
  assert.ok(changed > 1500, `only ${changed} of 6000 reorderings differ from the stored order`);
});

test("reordering reaches every topological order of a cell", () => {
  // the Inception-like cell: 5 interior vertices, one of them must follow another → 5!/2 orders
  const x = space.encode([67206]);
  const seen = new Set<string>();
  const rng = new Rng(1);
  for (let draw = 0; draw < 3000; draw++) {
    const y = x.slice();
    reorderVertices(y, space.encoding, 0, rng);
    seen.add(y.join(""));
  }
  assert.equal(seen.size, 60);
});
