/**
 * An enumerated vertex-cell space as typed arrays in id order (ids = positions of the sorted hashes),
 * and how it is built: canonical graphs on this thread, hashing spread over worker threads.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type CanonicalGraph, type HashedCells, hashGraphs } from "./enumerate.js";
import { compareDigests, digestWordKey } from "./hash.js";

/** Every cell of the space, sorted by hash: row i is cell id i. */
export interface CellTable {
  count: number;
  /** 4 little-endian digest words per cell (the md5 bytes in order). */
  digests: Int32Array;
  /** Official edge bits per cell. */
  bits: Uint32Array;
  /** Vertex count (low 3 bits) and interior op indices (opBits(ops) each from bit 3, vertex 1 first). */
  shape: Uint32Array;
}

/**
 * Hashes every labelling (ops 0..opCount-1) of `graphs` (from canonicalGraphs) and keeps one cell per
 * hash; `threads` worker threads (1 = on this thread).
 */
export async function buildTable(
  graphs: CanonicalGraph[],
  opCount: number,
  threads = Math.min(2, availableParallelism()),
): Promise<CellTable> {
  const parts =
    threads <= 1 || graphs.length < threads
      ? [hashGraphs(graphs, 0, graphs.length, opCount)]
      : await hashInWorkers(graphs, opCount, threads);
  return sortAndDeduplicate(parts);
}

/** Splits the graphs into `threads` runs of about equal hashing work, in generation order. */
async function hashInWorkers(
  graphs: CanonicalGraph[],
  opCount: number,
  threads: number,
): Promise<HashedCells[]> {
  const work = graphs.map((g) => opCount ** (g.vertices - 2) / (g.automorphisms.length + 1));
  const total = work.reduce((a, b) => a + b, 0);
  const bounds = [0];
  let acc = 0;
  for (let g = 0; g < graphs.length && bounds.length < threads; g++) {
    acc += work[g];
    if (acc >= (total * bounds.length) / threads) bounds.push(g + 1);
  }
  bounds.push(graphs.length);
  const url = new URL("./enumerate-worker.js", import.meta.url);
  const jobs = bounds.slice(0, -1).map(
    (from, k) =>
      new Promise<HashedCells>((resolve, reject) => {
        const worker = new Worker(url, { workerData: { graphs, from, to: bounds[k + 1], opCount } });
        worker.once("message", (cells: HashedCells) => {
          resolve(cells);
          void worker.terminate();
        });
        worker.once("error", reject);
        worker.once("exit", (code) => {
          if (code !== 0) reject(new Error(`enumeration worker exited with code ${code}`));
        });
      }),
  );
  return Promise.all(jobs);
}

/**
 * Sorts cells by hash (hex order). Where two generated cells share a hash, the official generator
 * keeps the first one it met; generation order is kept as the tie-break, then duplicates dropped.
 */
export function sortAndDeduplicate(parts: HashedCells[]): CellTable {
  const n = parts.reduce((a, p) => a + p.count, 0);
  const digests = new Int32Array(n * 4);
  const bits = new Uint32Array(n);
  const shape = new Uint32Array(n);
  let at = 0;
  for (const p of parts) {
    digests.set(p.digests, at * 4);
    bits.set(p.bits, at);
    shape.set(p.shape, at);
    at += p.count;
  }
  // First digest word in byte order × 2^21 + generation index: exact in a float64, sorted natively.
  if (n >= 2 ** 21) throw new Error(`${n} cells are too many for the sort key (at most 2^21)`);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = digestWordKey(digests[i * 4]) * 2 ** 21 + i;
  keys.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = keys[i] % 2 ** 21;
  // Ties on the first word (a few dozen): order those runs by the full digest, then generation.
  for (let i = 0; i < n; ) {
    let j = i + 1;
    const k0 = Math.floor(keys[i] / 2 ** 21);
    while (j < n && Math.floor(keys[j] / 2 ** 21) === k0) j++;
    if (j - i > 1) {
      const run = Array.from(order.subarray(i, j)).sort(
        (a, b) => compareDigests(digests, a, digests, b) || a - b,
      );
      order.set(run, i);
    }
    i = j;
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    if (kept.length === 0 || compareDigests(digests, kept[kept.length - 1], digests, order[i]) !== 0)
      kept.push(order[i]);
  }
  const table: CellTable = {
    count: kept.length,
    digests: new Int32Array(kept.length * 4),
    bits: new Uint32Array(kept.length),
    shape: new Uint32Array(kept.length),
  };
  kept.forEach((src, id) => {
    table.digests.set(digests.subarray(src * 4, src * 4 + 4), id * 4);
    table.bits[id] = bits[src];
    table.shape[id] = shape[src];
  });
  return table;
}
