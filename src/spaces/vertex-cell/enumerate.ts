/**
 * Enumeration of a vertex-cell space, as the official NAS-Bench-101 generator does it
 * (nasbench/scripts/generate_graphs.py), for any vertex and edge limits and op count: for
 * V = 2..maxVertices, every upper-triangular matrix whose rows (but the last) and columns (but the
 * first) are non-empty, with at most maxEdges edges, times every labelling of the interior vertices;
 * one cell per module hash.
 *
 * Hashing all ~25 million (matrix, labelling) pairs is what makes the official script slow. Here
 * each unlabelled graph is hashed only in its canonical form (the smallest edge-bit pattern among
 * its topological orderings, which is also the matrix the official generator meets first), and
 * only the labellings that are smallest within their orbit under the graph's automorphisms, so each
 * isomorphism class is hashed once. The kept representative is the official one: smallest bits,
 * then the first labelling in `itertools.product` order.
 */
import { type LabeledDag, ModuleHasher, popcount, type RoundMemo } from "./hash.js";

/** Largest maxVertices enumerated: edge patterns are 32-bit, and 2^(V(V-1)/2) of them are scanned. */
export const MAX_ENUMERATED_VERTICES = 7;

/** Bits per interior op in a packed shape: enough for op indices 0..opCount-1. */
export function opBits(opCount: number): number {
  return Math.max(1, Math.ceil(Math.log2(opCount)));
}

/** Bit index of edge x→y (x < y) in the official enumeration's bit layout. */
export function edgeBit(x: number, y: number): number {
  return x + ((y * (y - 1)) >> 1);
}

/** An unlabelled graph in canonical form, with its non-trivial automorphisms. */
export interface CanonicalGraph {
  vertices: number;
  bits: number;
  /** Each automorphism maps vertex x to perm[x]. */
  automorphisms: Int8Array[];
}

/** Out/in neighbour bit masks of the graph with edge bits `bits`. */
export function masksOf(vertices: number, bits: number): { outMask: Int32Array; inMask: Int32Array } {
  const outMask = new Int32Array(vertices);
  const inMask = new Int32Array(vertices);
  for (let y = 1; y < vertices; y++) {
    for (let x = 0; x < y; x++) {
      if (bits & (1 << edgeBit(x, y))) {
        outMask[x] |= 1 << y;
        inMask[y] |= 1 << x;
      }
    }
  }
  return { outMask, inMask };
}

/**
 * Calls `visit(pos)` for every topological ordering of the vertices (pos[x] = new index of x).
 * Input is the only source and output the only sink of a full DAG, so they stay first and last.
 * Stops early when `visit` returns false.
 */
function forEachTopologicalOrder(n: number, inMask: Int32Array, visit: (pos: Int8Array) => boolean): void {
  const pos = new Int8Array(n).fill(-1);
  let placed = 0; // bit mask of placed vertices
  let stopped = false;
  const step = (index: number): void => {
    if (index === n) {
      if (!visit(pos)) stopped = true;
      return;
    }
    for (let v = 0; v < n; v++) {
      if (stopped) return;
      if (placed & (1 << v) || (inMask[v] & ~placed) !== 0) continue;
      pos[v] = index;
      placed |= 1 << v;
      step(index + 1);
      placed &= ~(1 << v);
      pos[v] = -1;
    }
  };
  step(0);
}

/**
 * Every unlabelled full DAG of at most `maxVertices` (2..7) vertices and `maxEdges` edges, in
 * canonical form, in the official (V, bits) order.
 */
export function canonicalGraphs(maxVertices: number, maxEdges: number): CanonicalGraph[] {
  if (!Number.isInteger(maxVertices) || maxVertices < 2 || maxVertices > MAX_ENUMERATED_VERTICES)
    throw new RangeError(`graphs are listed for 2..${MAX_ENUMERATED_VERTICES} vertices, not ${maxVertices}`);
  const graphs: CanonicalGraph[] = [];
  for (let n = 2; n <= maxVertices; n++) {
    const edgeCount = (n * (n - 1)) >> 1;
    const limit = 2 ** edgeCount;
    for (let bits = 0; bits < limit; bits++) {
      if (popcount(bits) > maxEdges) continue;
      const { outMask, inMask } = masksOf(n, bits);
      let full = true;
      for (let v = 0; v < n - 1 && full; v++) if (outMask[v] === 0 || inMask[v + 1] === 0) full = false;
      if (!full) continue;
      let canonical = true;
      const automorphisms: Int8Array[] = [];
      forEachTopologicalOrder(n, inMask, (pos) => {
        let permuted = 0;
        for (let x = 0; x < n; x++) {
          let m = outMask[x];
          while (m) {
            const y = 31 - Math.clz32(m & -m);
            m &= m - 1;
            permuted |= 1 << edgeBit(pos[x], pos[y]);
          }
        }
        if (permuted < bits) {
          canonical = false;
          return false;
        }
        if (permuted === bits && pos.some((p, x) => p !== x)) automorphisms.push(Int8Array.from(pos));
        return true;
      });
      if (canonical) graphs.push({ vertices: n, bits, automorphisms });
    }
  }
  return graphs;
}

/** Labelled cells with their hashes, in generation order. */
export interface HashedCells {
  count: number;
  /** 4 digest words per cell. */
  digests: Int32Array;
  /** Official edge bits per cell. */
  bits: Uint32Array;
  /** Vertex count (low 3 bits) and interior op indices (opBits each from bit 3, vertex 1 first). */
  shape: Uint32Array;
}

/** Packs a vertex count and interior op indices (vertex 1 first, `bits` each) into the `shape` field. */
export function packShape(vertices: number, interiorOps: ArrayLike<number>, bits: number): number {
  let s = vertices;
  for (let i = 0; i < vertices - 2; i++) s |= interiorOps[i] << (3 + bits * i);
  return s >>> 0;
}

/** The vertex count and interior op indices of a packed shape. */
export function unpackShape(shape: number, bits: number): { vertices: number; interiorOps: number[] } {
  const vertices = shape & 7;
  const mask = (1 << bits) - 1;
  const interiorOps = Array.from({ length: vertices - 2 }, (_, i) => (shape >>> (3 + bits * i)) & mask);
  return { vertices, interiorOps };
}

/** Round-memo slots above which the memo is skipped (its memory would outweigh its help). */
const MAX_MEMO_SLOTS = 1 << 20;

/** Hashes every orbit-representative labelling (ops 0..opCount-1) of `graphs[from..to)`. */
export function hashGraphs(graphs: CanonicalGraph[], from: number, to: number, opCount: number): HashedCells {
  const maxVertices = graphs.reduce((m, g) => Math.max(m, g.vertices), 2);
  if (3 + opBits(opCount) * (maxVertices - 2) > 32)
    throw new RangeError(`${opCount} ops on ${maxVertices} vertices do not pack into 32 bits`);
  const bitsPerOp = opBits(opCount);
  let capacity = 1 << 16;
  let digests = new Int32Array(capacity * 4);
  let bitsOut = new Uint32Array(capacity);
  let shape = new Uint32Array(capacity);
  let count = 0;
  const hasher = new ModuleHasher(maxVertices, opCount);
  const labels = new Int16Array(maxVertices);
  const codes = opCount ** (maxVertices - 2);
  const slots = (maxVertices + 1) * maxVertices;
  const useMemo = slots * codes <= MAX_MEMO_SLOTS;
  const memoWords = new Int32Array(useMemo ? slots * codes * 4 : 0);
  const memoFilled = new Uint8Array(useMemo ? slots * codes : 0);
  const memoSlots = new Int32Array(slots);
  const interior = new Int16Array(Math.max(0, maxVertices - 2));

  for (let g = from; g < to; g++) {
    const { vertices: n, bits, automorphisms } = graphs[g];
    const { outMask, inMask } = masksOf(n, bits);
    const ballInterior = undirectedBalls(n, outMask, inMask);
    memoFilled.fill(0);
    const memo: RoundMemo = { slots: memoSlots, words: memoWords, filled: memoFilled };
    const dag: LabeledDag = { vertices: n, outMask, inMask, labels };
    labels[0] = -1;
    labels[n - 1] = -2;
    const interiorCount = n - 2;
    const total = opCount ** interiorCount;
    for (let code = 0; code < total; code++) {
      // itertools.product order: vertex 1 is the most significant digit
      let c = code;
      for (let i = interiorCount - 1; i >= 0; i--) {
        interior[i] = c % opCount;
        c = (c - interior[i]) / opCount;
        labels[i + 1] = interior[i];
      }
      if (!isOrbitMinimum(labels, n, automorphisms)) continue;
      for (let slot = 0; slot < (n + 1) * n; slot++) {
        const ball = ballInterior[slot];
        let code = 0;
        if (ball !== -1)
          for (let u = 1; u < n - 1; u++) if (ball & (1 << u)) code = code * opCount + labels[u];
        memoSlots[slot] = ball === -1 || !useMemo ? -1 : slot * codes + code;
      }
      if (count === capacity) {
        capacity *= 2;
        digests = grow(digests, capacity * 4);
        bitsOut = grow(bitsOut, capacity);
        shape = grow(shape, capacity);
      }
      hasher.hashInto(dag, digests, count * 4, useMemo ? memo : undefined);
      bitsOut[count] = bits;
      shape[count] = packShape(n, interior, bitsPerOp);
      count++;
    }
  }
  return {
    count,
    digests: digests.slice(0, count * 4),
    bits: bitsOut.slice(0, count),
    shape: shape.slice(0, count),
  };
}

function grow<T extends Int32Array | Uint32Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/**
 * For each round r (0..n) and vertex v, the interior vertices within undirected distance r of v,
 * or -1 when that is all of them (then no two labellings share the vertex's hash).
 */
function undirectedBalls(n: number, outMask: Int32Array, inMask: Int32Array): Int32Array {
  const interiorAll = ((1 << n) - 1) & ~1 & ~(1 << (n - 1));
  const balls = new Int32Array((n + 1) * n);
  for (let v = 0; v < n; v++) {
    let ball = 1 << v;
    for (let r = 0; r <= n; r++) {
      if (r > 0) {
        let grown = ball;
        for (let u = 0; u < n; u++) if (ball & (1 << u)) grown |= outMask[u] | inMask[u];
        ball = grown;
      }
      const inner = ball & interiorAll;
      balls[r * n + v] = inner === interiorAll ? -1 : inner;
    }
  }
  return balls;
}

/** True when no automorphism maps the labelling to a lexicographically smaller one. */
function isOrbitMinimum(labels: Int16Array, n: number, automorphisms: Int8Array[]): boolean {
  for (const perm of automorphisms) {
    // permuted labelling l' has l'[perm[x]] = l[x]; compare l' with l from vertex 1 on
    for (let i = 1; i < n - 1; i++) {
      let permuted = -1;
      for (let x = 1; x < n - 1; x++) if (perm[x] === i) permuted = labels[x];
      if (permuted < labels[i]) return false;
      if (permuted > labels[i]) break;
    }
  }
  return true;
}

/** Number of interior vertices of a graph that an automorphism's cycles leave free: its cycle count. */
function interiorCycles(perm: ArrayLike<number>, n: number): number {
  const seen = new Uint8Array(n);
  let cycles = 0;
  for (let v = 1; v < n - 1; v++) {
    if (seen[v]) continue;
    cycles++;
    for (let u = v; !seen[u]; u = perm[u]) seen[u] = 1;
  }
  return cycles;
}

/**
 * Labelled cells of one graph up to isomorphism: the orbits of its opCount^(V-2) labellings under its
 * automorphism group, by Burnside's lemma (the mean number of labellings each group element fixes).
 */
export function labellingOrbits(graph: CanonicalGraph, opCount: number): bigint {
  const n = graph.vertices;
  const k = BigInt(opCount);
  let fixed = k ** BigInt(n - 2); // the identity
  for (const perm of graph.automorphisms) fixed += k ** BigInt(interiorCycles(perm, n));
  return fixed / BigInt(graph.automorphisms.length + 1);
}

/**
 * The number of labellings of `graph` an automorphism maps onto themselves (the stabiliser's size,
 * identity included); `labels` gives vertex v's label at index v.
 */
export function stabiliserSize(graph: CanonicalGraph, labels: ArrayLike<number>): number {
  let size = 1;
  for (const perm of graph.automorphisms) {
    let fixed = true;
    for (let v = 1; v < graph.vertices - 1 && fixed; v++) if (labels[perm[v]] !== labels[v]) fixed = false;
    if (fixed) size++;
  }
  return size;
}
