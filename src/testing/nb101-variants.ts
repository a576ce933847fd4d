/** Test helper: other ways of writing the same NAS-Bench-101 cell. */
import type { Rng } from "../random.js";
import type { Nb101Cell } from "../spaces/nb101/cell.js";

/** The same cell with its interior vertices renumbered along another topological order. */
export function isomorphicVariant(cell: Nb101Cell, rng: Rng): Nb101Cell {
  const n = cell.matrix.length;
  const order = [0];
  const placed = new Set([0]);
  while (order.length < n - 1) {
    const ready = [];
    for (let v = 1; v < n - 1; v++) {
      if (!placed.has(v) && cell.matrix.every((row, u) => !row[v] || placed.has(u))) ready.push(v);
    }
    const v = ready[rng.int(ready.length)];
    order.push(v);
    placed.add(v);
  }
  order.push(n - 1);
  const matrix = order.map((u) => order.map((v) => cell.matrix[u][v]));
  return { matrix, ops: order.map((u) => cell.ops[u]) };
}
