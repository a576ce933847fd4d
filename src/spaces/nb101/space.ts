/** The NAS-Bench-101 search space: 423,624 cells, id = position of the cell's hash in sorted order. */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cacheDir } from "../../data/locations.js";
import { InvalidCellError } from "../../errors.js";
import type { Rng } from "../../random.js";
import { type MatrixEncoding, matrixEncoding, type SearchSpace, sampleDistinct } from "../search-space.js";
import { CACHE_FORMAT_VERSION, readTableCache, writeTableCache } from "./cache.js";
import {
  cellFromCompact,
  INTERIOR_OPS,
  MAX_CELL_VERTICES,
  type Nb101Cell,
  type PrunedCell,
  parseCell,
  pruneCell,
} from "./cell.js";
import { digestHex, digestWordKey, ModuleHasher, parseDigestHex } from "./hash.js";
import { networkParameters } from "./params.js";
import { buildTable, type Nb101Table } from "./table.js";

/** How the space was obtained, for progress messages and benchmarks. */
export type SpaceOrigin = "cache" | "enumerated" | "rebuilt (cache invalid)";

export interface LoadOptions {
  /** Directory of the cache file (default: cacheDir()). */
  cacheDir?: string;
  /** Worker threads for a cold enumeration (default: up to 2). */
  threads?: number;
  /** Called with a one-line note when the cache is missing or invalid and the space is enumerated. */
  onNote?: (note: string) => void;
}

/** Mutation rates; the defaults flip each possible edge with probability 1/21 and each op with 1/5. */
export interface MutationOptions {
  edgeProbability?: number;
  opProbability?: number;
}

/** See `Nb101Space.summary`. */
export interface SpaceSummary {
  count: number;
  byVertices: Record<string, number>;
  sha256: string;
}

/** See `Nb101Space.describe`. */
export interface CellDescription {
  id: number;
  hash: string;
  vertices: number;
  edges: number;
  matrix: number[][];
  ops: string[];
  parameters: number;
}

/** Op types of the matrix representation, in one-hot order. */
const ENCODING_OPS = ["input", "conv1x1-bn-relu", "conv3x3-bn-relu", "maxpool3x3", "output"] as const;

const POSSIBLE_EDGES = (MAX_CELL_VERTICES * (MAX_CELL_VERTICES - 1)) / 2;
const INTERIOR_VERTICES = MAX_CELL_VERTICES - 2;

export class Nb101Space implements SearchSpace<Nb101Cell> {
  readonly name = "nb101";
  readonly size: number;
  readonly encoding: MatrixEncoding = matrixEncoding(MAX_CELL_VERTICES, ENCODING_OPS);
  private readonly hasher = new ModuleHasher();
  /** First digest word of each id in byte order, for a fast binary search. */
  private readonly firstKeys: Uint32Array;

  constructor(
    private readonly table: Nb101Table,
    readonly origin: SpaceOrigin = "enumerated",
  ) {
    this.size = table.count;
    this.firstKeys = new Uint32Array(table.count);
    for (let i = 0; i < table.count; i++) this.firstKeys[i] = digestWordKey(table.digests[i * 4]);
  }

  /** Loads the space from the cache, enumerating it (and writing the cache) when absent or invalid. */
  static async load(options: LoadOptions = {}): Promise<Nb101Space> {
    const path = Nb101Space.cachePath(options.cacheDir);
    const cached = readTableCache(path);
    if (cached && !("invalid" in cached)) return new Nb101Space(cached, "cache");
    options.onNote?.(
      cached
        ? `space cache ${path} is invalid (${cached.invalid}); enumerating NAS-Bench-101 again`
        : `no space cache at ${path}; enumerating NAS-Bench-101 (about 10 s, once)`,
    );
    const table = await buildTable(options.threads);
    try {
      writeTableCache(path, table);
    } catch (e) {
      // a read-only or full disk costs the next run an enumeration, not this one its result
      options.onNote?.(`could not write the space cache ${path}: ${(e as Error).message}`);
    }
    return new Nb101Space(table, cached ? "rebuilt (cache invalid)" : "enumerated");
  }

  /** The cache file used for a cache directory. */
  static cachePath(dir = cacheDir()): string {
    return join(dir, `nb101-space-v${CACHE_FORMAT_VERSION}.bin`);
  }

  /** Number of vertices of a cell. */
  vertices(id: number): number {
    this.checkId(id);
    return this.table.shape[id] & 7;
  }

  cell(id: number): Nb101Cell {
    this.checkId(id);
    const s = this.table.shape[id];
    const n = s & 7;
    const ops = Array.from({ length: n - 2 }, (_, i) => (s >> (3 + 2 * i)) & 3);
    return cellFromCompact(n, this.table.bits[id], ops);
  }

  /** The stored compact form of a cell: official edge bits and packed shape (see packShape). */
  compactOf(id: number): { bits: number; shape: number } {
    this.checkId(id);
    return { bits: this.table.bits[id], shape: this.table.shape[id] };
  }

  /** Official module hash (lowercase md5 hex) of a cell. */
  hashOf(id: number): string {
    this.checkId(id);
    return digestHex(this.table.digests, id * 4);
  }

  /** The id of a module hash, or -1 when no cell of the space has it. */
  idOfHash(hash: string): number {
    const words = new Int32Array(4);
    if (!parseDigestHex(hash, words)) {
      throw new InvalidCellError("hash-format", `"${hash}" is not a 32-character hex md5 hash`);
    }
    return this.findDigest(words);
  }

  /** Validates, prunes and hashes a cell given in any accepted form. */
  pruned(cell: unknown): PrunedCell & { hash: string } {
    const p = pruneCell(parseCell(cell));
    return { ...p, hash: this.hasher.hashHex(p) };
  }

  idOf(cell: unknown): number {
    const p = pruneCell(parseCell(cell));
    const words = new Int32Array(4);
    this.hasher.hashInto(p, words);
    const id = this.findDigest(words);
    // Every valid pruned cell (≤7 vertices, ≤9 edges, full DAG) is enumerated, so this cannot miss.
    if (id < 0) throw new Error(`valid cell with hash ${digestHex(words, 0)} is not in the enumerated space`);
    return id;
  }

  sample(rng: Rng, n: number): Int32Array {
    return sampleDistinct(rng, this.size, n);
  }

  /**
   * NAS-Bench-101 mutation: on the cell padded to 7 vertices, flip each possible edge with probability
   * `edgeProbability` and change each interior op with probability `opProbability` (to one of the
   * other two); retried until the result is a valid cell of the space different from the original.
   */
  mutate(rng: Rng, id: number, options: MutationOptions = {}): number {
    const edgeP = options.edgeProbability ?? 1 / POSSIBLE_EDGES;
    const opP = options.opProbability ?? 1 / INTERIOR_VERTICES;
    const base = padded(this.cell(id), rng);
    for (let attempt = 0; attempt < 100_000; attempt++) {
      const matrix = base.matrix.map((row) => row.slice());
      const ops = base.ops.slice();
      for (let i = 0; i < MAX_CELL_VERTICES - 1; i++) {
        for (let j = i + 1; j < MAX_CELL_VERTICES; j++)
          if (rng.float() < edgeP) matrix[i][j] = 1 - matrix[i][j];
      }
      for (let v = 1; v < MAX_CELL_VERTICES - 1; v++) {
        if (rng.float() < opP) {
          const others = INTERIOR_OPS.filter((o) => o !== ops[v]);
          ops[v] = others[rng.int(others.length)];
        }
      }
      let next: number;
      try {
        next = this.idOf({ matrix, ops });
      } catch (e) {
        if (e instanceof InvalidCellError) continue;
        throw e;
      }
      if (next !== id) return next;
    }
    throw new Error(`mutation of cell ${id} found no valid neighbour in 100,000 attempts`);
  }

  /**
   * Uniform crossover on the cells padded to 7 vertices: each vertex takes its op and its outgoing
   * edges from one parent, chosen at random; retried until the child is a valid cell (after 1,000
   * failures, a mutation of the first parent).
   */
  crossover(rng: Rng, a: number, b: number): number {
    const parents = [padded(this.cell(a), rng), padded(this.cell(b), rng)];
    for (let attempt = 0; attempt < 1000; attempt++) {
      const from = Array.from({ length: MAX_CELL_VERTICES }, () => parents[rng.int(2)]);
      const matrix = from.map((parent, v) => parent.matrix[v].slice());
      const ops = from.map((parent, v) => parent.ops[v]);
      try {
        return this.idOf({ matrix, ops });
      } catch (e) {
        if (!(e instanceof InvalidCellError)) throw e;
      }
    }
    return this.mutate(rng, a);
  }

  /** Count, cells per vertex count, and sha256 of the sorted hash list (one lowercase hash + "\\n" per line). */
  summary(): SpaceSummary {
    const byVertices: Record<string, number> = {};
    const sha = createHash("sha256");
    for (let id = 0; id < this.size; id++) {
      const v = String(this.table.shape[id] & 7);
      byVertices[v] = (byVertices[v] ?? 0) + 1;
      sha.update(`${digestHex(this.table.digests, id * 4)}\n`);
    }
    return { count: this.size, byVertices, sha256: sha.digest("hex") };
  }

  /** Everything the space knows about one cell. */
  describe(id: number): CellDescription {
    const { matrix, ops } = this.cell(id);
    return {
      id,
      hash: this.hashOf(id),
      vertices: matrix.length,
      edges: matrix.reduce((a, row) => a + row.reduce((b, x) => b + x, 0), 0),
      matrix,
      ops,
      parameters: networkParameters(matrix, ops),
    };
  }

  /**
   * Adjacency (7×7) + one-hot ops (7×5) per cell; cells with fewer vertices keep vertex indices
   * 0..n-2 and put the output at index 6, padded rows all zero.
   */
  encode(ids: ArrayLike<number>): Float32Array {
    const { vertices: V, size } = this.encoding;
    const K = ENCODING_OPS.length;
    const out = new Float32Array(ids.length * size);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      this.checkId(id);
      const s = this.table.shape[id];
      const n = s & 7;
      const bits = this.table.bits[id];
      const at = (v: number) => (v === n - 1 ? V - 1 : v);
      const base = k * size;
      for (let j = 1; j < n; j++) {
        for (let i = 0; i < j; i++)
          if (bits & (1 << (i + ((j * (j - 1)) >> 1)))) out[base + at(i) * V + at(j)] = 1;
      }
      const opBase = base + V * V;
      out[opBase] = 1; // input
      for (let v = 1; v < n - 1; v++) {
        const op = INTERIOR_OPS[(s >> (3 + 2 * (v - 1))) & 3];
        out[opBase + v * K + ENCODING_OPS.indexOf(op)] = 1;
      }
      out[opBase + (V - 1) * K + K - 1] = 1; // output
    }
    return out;
  }

  /** Trainable parameters of the full network built from the cell. */
  parameters(id: number): number {
    const { matrix, ops } = this.cell(id);
    return networkParameters(matrix, ops);
  }

  private findDigest(words: Int32Array): number {
    const key = digestWordKey(words[0]);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.firstKeys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    const d = this.table.digests;
    for (let i = lo; i < this.size && this.firstKeys[i] === key; i++) {
      if (
        d[i * 4] === words[0] &&
        d[i * 4 + 1] === words[1] &&
        d[i * 4 + 2] === words[2] &&
        d[i * 4 + 3] === words[3]
      ) {
        return i;
      }
    }
    return -1;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new RangeError(`cell id ${id} is out of range; NAS-Bench-101 ids are 0..${this.size - 1}`);
    }
  }
}

/**
 * The cell as a 7-vertex matrix, so that mutation can add vertices: the missing vertices are inserted
 * unconnected just before the output, with random ops (pruning removes them again until an edge reaches them).
 */
function padded(cell: Nb101Cell, rng: Rng): Nb101Cell {
  const n = cell.matrix.length;
  const extra = MAX_CELL_VERTICES - n;
  if (extra === 0) return cell;
  const matrix = Array.from({ length: MAX_CELL_VERTICES }, () =>
    new Array<number>(MAX_CELL_VERTICES).fill(0),
  );
  const at = (v: number) => (v === n - 1 ? MAX_CELL_VERTICES - 1 : v);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (cell.matrix[i][j]) matrix[at(i)][at(j)] = 1;
  const fillers = Array.from({ length: extra }, () => INTERIOR_OPS[rng.int(INTERIOR_OPS.length)] as string);
  const ops = [...cell.ops.slice(0, -1), ...fillers, "output"];
  return { matrix, ops };
}
