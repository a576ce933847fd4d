/**
 * The same cell written with its vertices in another order. A matrix encoding lists a cell's vertices
 * in one topological order, but most DAGs have several, and each gives another matrix of the same
 * architecture (same graph, same label). A network reading the flat matrix must learn that they are
 * one cell; showing it several orders of each labeled cell teaches it (see supervised.ts).
 */
import type { Rng } from "../random.js";
import type { MatrixEncoding } from "./search-space.js";

/**
 * Scratch buffers shared by all calls (the row being rewritten; the interior slots, waiting counts,
 * ready vertices and new slot of each vertex): allocating them per row was most of the time, on the
 * hot path of every fit that reorders (tens of thousands of rows per fit).
 */
let scratch = new Float32Array(0);
let slots = new Int32Array(0);
let waiting = new Int32Array(0);
let ready = new Int32Array(0);
let target = new Int32Array(0);

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
  if (slots.length < V) {
    slots = new Int32Array(V);
    waiting = new Int32Array(V);
    ready = new Int32Array(V);
    target = new Int32Array(V);
  }
  let count = 0;
  for (let v = 1; v < V - 1; v++) {
    for (let k = 0; k < K; k++) {
      if (x[opBase + v * K + k] !== 0) {
        slots[count++] = v;
        break;
      }
    }
  }
  if (count < 2) return;
  // Kahn's algorithm over the interior vertices, choosing among the ready ones at random; the ready
  // list is kept in the order (swap-remove, append) that fixes which vertex each draw picks
  waiting.fill(0, 0, V);
  for (let b = 0; b < count; b++)
    for (let a = 0; a < count; a++) if (x[base + slots[a] * V + slots[b]] !== 0) waiting[slots[b]]++;
  let readyCount = 0;
  for (let a = 0; a < count; a++) if (waiting[slots[a]] === 0) ready[readyCount++] = slots[a];
  for (let v = 0; v < V; v++) target[v] = v; // old vertex → new slot
  for (let s = 0; s < count; s++) {
    const pick = rng.int(readyCount);
    const v = ready[pick];
    ready[pick] = ready[--readyCount];
    target[v] = slots[s];
    for (let b = 0; b < count; b++) {
      const j = slots[b];
      if (x[base + v * V + j] !== 0 && --waiting[j] === 0) ready[readyCount++] = j;
    }
  }
  if (scratch.length < encoding.size) scratch = new Float32Array(encoding.size);
  const old = scratch;
  old.set(x.subarray(base, base + encoding.size));
  for (let i = 0; i < V; i++) {
    const ti = target[i];
    for (let j = 0; j < V; j++) x[base + ti * V + target[j]] = old[i * V + j];
    for (let k = 0; k < K; k++) x[opBase + ti * K + k] = old[V * V + i * K + k];
  }
}
