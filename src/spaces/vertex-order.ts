/**
 * The same cell written with its vertices in another order. A matrix encoding lists a cell's vertices
 * in one topological order, but most DAGs have several, and each gives another matrix of the same
 * architecture (same graph, same label). A network reading the flat matrix must learn that they are
 * one cell; showing it several orders of each labeled cell teaches it (see supervised.ts).
 */
import type { Rng } from "../random.js";
import type { MatrixEncoding } from "./search-space.js";

/** The row being rewritten, copied (one buffer for all calls: allocating it per row doubled the time). */
let scratch = new Float32Array(0);

/**
 * Rewrites row `row` of `x` (encodings laid out as `encoding` says) in place with its interior
 * vertices in a random topological order. The input (first) and output (last) vertices and padded
 * vertices (no op) keep their places; the real interior vertices are dealt into their slots in an
 * order drawn uniformly among the ready vertices at each step.
 */
export function reorderVertices(x: Float32Array, encoding: MatrixEncoding, row: number, rng: Rng): void {
  const V = encoding.vertices;
  const K = encoding.opTypes.length;
  const base = row * encoding.size;
  const opBase = base + V * V;
  const slots: number[] = [];
  for (let v = 1; v < V - 1; v++) {
    for (let k = 0; k < K; k++) {
      if (x[opBase + v * K + k] !== 0) {
        slots.push(v);
        break;
      }
    }
  }
  if (slots.length < 2) return;
  // Kahn's algorithm over the interior vertices, choosing among the ready ones at random
  const waiting = new Int32Array(V);
  for (const j of slots) for (const i of slots) if (x[base + i * V + j] !== 0) waiting[j]++;
  const ready = slots.filter((v) => waiting[v] === 0);
  const target = Int32Array.from({ length: V }, (_, v) => v); // old vertex → new slot
  for (const slot of slots) {
    const pick = rng.int(ready.length);
    const v = ready[pick];
    ready[pick] = ready[ready.length - 1];
    ready.pop();
    target[v] = slot;
    for (const j of slots) if (x[base + v * V + j] !== 0 && --waiting[j] === 0) ready.push(j);
  }
  if (scratch.length < encoding.size) scratch = new Float32Array(encoding.size);
  const old = scratch;
  old.set(x.subarray(base, base + encoding.size));
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < V; j++) x[base + target[i] * V + target[j]] = old[i * V + j];
    for (let k = 0; k < K; k++) x[opBase + target[i] * K + k] = old[V * V + i * K + k];
  }
}
