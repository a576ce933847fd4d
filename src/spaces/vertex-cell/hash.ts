/**
 * The official NAS-Bench-101 module hash (nasbench `graph_util.hash_module`), bit-exact, for any
 * vertex-cell: the identity of a pruned cell, invariant to the order its vertices are listed in.
 *
 * Each vertex starts from md5("(out_degree, in_degree, label)"); then V rounds, all vertices at
 * once, of md5(sorted in-neighbour hashes + "|" + sorted out-neighbour hashes + "|" + own hash);
 * the cell hash is md5 of the Python text of the sorted vertex hashes, "['…', '…']".
 * Labels: input = -1, output = -2, interior ops by their index in the space's op list (as nasbench
 * labels them by their index in its `available_ops`).
 */
import { type Md5Buffer, md5Buffer, md5Digest } from "./md5.js";

/** Largest cell the hasher takes: neighbour sets are 32-bit masks. */
export const MAX_HASHED_VERTICES = 31;

const HEX_CHARS = "0123456789abcdef";
const HEX_PAIR = new Int32Array(256); // two ASCII codes per byte, first character in the low byte
for (let b = 0; b < 256; b++) {
  HEX_PAIR[b] = HEX_CHARS.charCodeAt(b >> 4) | (HEX_CHARS.charCodeAt(b & 15) << 8);
}

/** Writes the hex text of a digest (4 little-endian words at `wordAt`) as 8 words at `to`. */
function writeHexWords(words: Int32Array, wordAt: number, target: Int32Array, to: number): void {
  for (let k = 0; k < 4; k++) {
    const w = words[wordAt + k];
    target[to++] = HEX_PAIR[w & 255] | (HEX_PAIR[(w >>> 8) & 255] << 16);
    target[to++] = HEX_PAIR[(w >>> 16) & 255] | (HEX_PAIR[w >>> 24] << 16);
  }
}

/** Writes the 32 hex characters of a digest (4 little-endian words) at byte `at`. */
function writeHex(words: Int32Array, wordAt: number, target: Uint8Array, at: number): void {
  for (let k = 0; k < 4; k++) {
    const w = words[wordAt + k];
    for (let s = 0; s < 32; s += 8) {
      const pair = HEX_PAIR[(w >>> s) & 255];
      target[at++] = pair & 255;
      target[at++] = pair >> 8;
    }
  }
}

/** Byte-order key of a digest word: comparing keys word by word = comparing hex strings. */
export function digestWordKey(w: number): number {
  return (((w & 255) << 24) | (((w >>> 8) & 255) << 16) | (((w >>> 16) & 255) << 8) | (w >>> 24)) >>> 0;
}

/** A labelled DAG in the compact form the hasher works on. */
export interface LabeledDag {
  /** Number of vertices (2..the hasher's maxVertices). */
  vertices: number;
  /** Bit u of outMask[v] is set when the edge v→u exists. */
  outMask: ArrayLike<number>;
  /** Bit u of inMask[v] is set when the edge u→v exists. */
  inMask: ArrayLike<number>;
  /** One label per vertex: -1 input, -2 output, 0..opCount-1 interior ops. */
  labels: ArrayLike<number>;
}

/**
 * A cheap invariant of a labelled DAG: its vertices' (label, in-degree, out-degree), sorted. Isomorphic
 * DAGs (equal module hashes) have equal signatures, so DAGs of different signatures have different
 * hashes, told in about a tenth of a hash's time.
 */
export function degreeSignature(dag: LabeledDag): string {
  const codes: number[] = [];
  for (let v = 0; v < dag.vertices; v++)
    codes.push((dag.labels[v] + 2) * 4096 + popcount(dag.inMask[v]) * 64 + popcount(dag.outMask[v]));
  return codes.sort((a, b) => a - b).join(",");
}

/**
 * Optional reuse of vertex hashes between labellings of one graph: the hash of vertex v after
 * round r depends only on the labels within undirected distance r of v, so labellings that agree
 * there share it. `key(r, v)` returns a slot index, or -1 when nothing can be shared.
 */
export interface RoundMemo {
  /** Slot of (round, vertex) at index round * vertices + vertex, or -1 when nothing can be shared. */
  readonly slots: Int32Array;
  /** Digest words (4 per slot) and whether each slot is filled. */
  readonly words: Int32Array;
  readonly filled: Uint8Array;
}

/**
 * Reusable hasher for cells of up to `maxVertices` vertices whose interior labels are 0..opCount-1
 * (defaults: NAS-Bench-101's 7 and 3); one per thread. Allocation-free per call.
 */
export class ModuleHasher {
  private readonly msg: Md5Buffer;
  private readonly digest = new Int32Array(4);
  private readonly cur: Int32Array;
  private readonly next: Int32Array;
  private readonly hexWords: Int32Array;
  private readonly key: Float64Array;
  private readonly order: Int32Array;
  /** md5 of "(out, in, label)" for every degree pair and label, 4 words each. */
  private readonly initial: Int32Array;
  /** Degrees 0..maxVertices-1 and labels -2..opCount-1: the sizes of the `initial` table. */
  private readonly degrees: number;
  private readonly labels: number;

  constructor(
    readonly maxVertices = 7,
    readonly opCount = 3,
  ) {
    if (!Number.isInteger(maxVertices) || maxVertices < 2 || maxVertices > MAX_HASHED_VERTICES)
      throw new RangeError(`the hasher takes 2..${MAX_HASHED_VERTICES} vertices, not ${maxVertices}`);
    this.msg = md5Buffer(maxVertices * 36 + 16);
    this.cur = new Int32Array(maxVertices * 4);
    this.next = new Int32Array(maxVertices * 4);
    this.hexWords = new Int32Array(maxVertices * 8);
    this.key = new Float64Array(maxVertices);
    this.order = new Int32Array(maxVertices);
    this.degrees = maxVertices;
    this.labels = opCount + 2;
    this.initial = new Int32Array(this.degrees * this.degrees * this.labels * 4);
    for (let o = 0; o < this.degrees; o++) {
      for (let i = 0; i < this.degrees; i++) {
        for (let label = -2; label < opCount; label++) {
          const text = `(${o}, ${i}, ${label})`;
          for (let c = 0; c < text.length; c++) this.msg.bytes[c] = text.charCodeAt(c);
          md5Digest(this.msg, text.length, this.digest);
          this.initial.set(this.digest, this.initialIndex(o, i, label));
        }
      }
    }
  }

  private initialIndex(outDegree: number, inDegree: number, label: number): number {
    return ((outDegree * this.degrees + inDegree) * this.labels + label + 2) * 4;
  }

  /** Writes the module hash of `dag` as 4 digest words into `out` (offset `at`). */
  hashInto(dag: LabeledDag, out: Int32Array, at = 0, memo?: RoundMemo): void {
    const n = dag.vertices;
    if (n > this.maxVertices)
      throw new RangeError(`a cell of ${n} vertices; this hasher takes ${this.maxVertices}`);
    const { cur, next, msg } = this;
    for (let v = 0; v < n; v++) {
      const from = this.initialIndex(popcount(dag.outMask[v]), popcount(dag.inMask[v]), dag.labels[v]);
      for (let k = 0; k < 4; k++) cur[v * 4 + k] = this.initial[from + k];
    }
    for (let round = 1; round <= n; round++) {
      this.refreshHexAndOrder(n);
      for (let v = 0; v < n; v++) {
        const slot = memo ? memo.slots[round * n + v] : -1;
        if (memo && slot >= 0 && memo.filled[slot]) {
          for (let k = 0; k < 4; k++) next[v * 4 + k] = memo.words[slot * 4 + k];
          continue;
        }
        let len = this.appendSorted(dag.inMask[v], n, 0);
        msg.bytes[len++] = 124; // "|"
        len = this.appendSorted(dag.outMask[v], n, len);
        msg.bytes[len++] = 124;
        len = this.appendHex(v, len);
        md5Digest(msg, len, next, v * 4);
        if (memo && slot >= 0) {
          for (let k = 0; k < 4; k++) memo.words[slot * 4 + k] = next[v * 4 + k];
          memo.filled[slot] = 1;
        }
      }
      for (let k = 0; k < n * 4; k++) cur[k] = next[k];
    }
    this.refreshHexAndOrder(n);
    // Python's str() of a list of str: ['a', 'b']
    const bytes = msg.bytes;
    let len = 0;
    bytes[len++] = 91; // [
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        bytes[len++] = 44; // ,
        bytes[len++] = 32;
      }
      bytes[len++] = 39; // '
      len = this.appendHex(this.order[i], len);
      bytes[len++] = 39;
    }
    bytes[len++] = 93; // ]
    md5Digest(msg, len, this.digest);
    out.set(this.digest, at);
  }

  /** The module hash of `dag` as lowercase hex. */
  hashHex(dag: LabeledDag): string {
    const out = new Int32Array(4);
    this.hashInto(dag, out);
    return digestHex(out, 0);
  }

  /** Hex text of every vertex hash, and the vertices sorted by it. */
  private refreshHexAndOrder(n: number): void {
    const { cur, key, order } = this;
    for (let v = 0; v < n; v++) {
      writeHexWords(cur, v * 4, this.hexWords, v * 8);
      key[v] = digestWordKey(cur[v * 4]);
      // insertion sort by the first word, the full digest on ties
      let i = v;
      while (i > 0 && this.compareVertices(order[i - 1], v) > 0) {
        order[i] = order[i - 1];
        i--;
      }
      order[i] = v;
    }
  }

  private compareVertices(a: number, b: number): number {
    const d = this.key[a] - this.key[b];
    return d !== 0 ? d : compareDigests(this.cur, a, this.cur, b);
  }

  /** Appends the hex hashes of the vertices in `mask`, in sorted order. */
  private appendSorted(mask: number, n: number, at: number): number {
    if (mask === 0) return at;
    for (let i = 0; i < n; i++) {
      const u = this.order[i];
      if (mask & (1 << u)) at = this.appendHex(u, at);
    }
    return at;
  }

  /** Appends vertex u's 32 hex characters at byte `at`, a word at a time (shifted when unaligned). */
  private appendHex(u: number, at: number): number {
    const h = this.hexWords;
    const m = this.msg.words;
    const q = at >> 2;
    const shift = (at & 3) * 8;
    const base = u * 8;
    if (shift === 0) {
      for (let j = 0; j < 8; j++) m[q + j] = h[base + j];
    } else {
      const back = 32 - shift;
      m[q] = (m[q] & ((1 << shift) - 1)) | (h[base] << shift);
      for (let j = 1; j < 8; j++) m[q + j] = (h[base + j - 1] >>> back) | (h[base + j] << shift);
      m[q + 8] = h[base + 7] >>> back;
    }
    return at + 32;
  }
}

/** Number of set bits. */
export function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}

/** Lowercase hex of the digest stored as 4 little-endian words at `at`. */
export function digestHex(words: Int32Array, at: number): string {
  const bytes = new Uint8Array(32);
  writeHex(words, at, bytes, 0);
  return String.fromCharCode(...bytes);
}

/** Parses a 32-character lowercase/uppercase hex hash into 4 little-endian words; null if malformed. */
export function parseDigestHex(text: string, out: Int32Array, at = 0): boolean {
  if (!/^[0-9a-fA-F]{32}$/.test(text)) return false;
  for (let k = 0; k < 4; k++) {
    let w = 0;
    for (let b = 0; b < 4; b++) w |= Number.parseInt(text.substr(k * 8 + b * 2, 2), 16) << (b * 8);
    out[at + k] = w;
  }
  return true;
}

/** Compares two digests in hex-string order. */
export function compareDigests(a: Int32Array, ai: number, b: Int32Array, bi: number): number {
  for (let k = 0; k < 4; k++) {
    const d = digestWordKey(a[ai * 4 + k]) - digestWordKey(b[bi * 4 + k]);
    if (d !== 0) return d;
  }
  return 0;
}
