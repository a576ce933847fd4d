/**
 * The NAS-Bench-101 search space: 423,624 cells, id = position of the cell's hash in sorted order.
 * It is the vertex-cell space of NB101_SPEC (enumeration, hash, pruning, mutation, crossover and
 * encoding come from vertex-cell/), seen through ids as every predictor and search reads it.
 */
import { cacheDir } from "../../data/locations.js";
import { type Rng, requireRng } from "../../random.js";
import {
  checkSampleArgs,
  type MatrixEncoding,
  requireIdArray,
  type SearchSpace,
  sampleDistinct,
} from "../search-space.js";
import { cachePath } from "../vertex-cell/cache.js";
import {
  checkLoadOptions,
  type MutationOptions,
  type TableOrigin,
  VertexCellSpace,
} from "../vertex-cell/space.js";
import { type Nb101Cell, type PrunedCell, parseCell, pruneCell } from "./cell.js";
import { networkMultiplyAccumulates, networkParameters } from "./params.js";
import { NB101_SPEC } from "./spec.js";

export type { MutationOptions } from "../vertex-cell/space.js";

/** How the space was obtained, for progress messages and benchmarks. */
export type SpaceOrigin = TableOrigin;

export interface LoadOptions {
  /** Directory of the cache file (default: cacheDir()). */
  cacheDir?: string;
  /** Worker threads for a cold enumeration (default: up to 2). */
  threads?: number;
  /** Called with a one-line note when the cache is missing or invalid and the space is enumerated. */
  onNote?: (note: string) => void;
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

export class Nb101Space implements SearchSpace<Nb101Cell> {
  readonly name = "nb101";
  readonly size: number;
  /** Adjacency (7×7) + one-hot ops (7×5: input, conv1x1, conv3x3, maxpool, output) per cell. */
  readonly encoding: MatrixEncoding;
  readonly origin: SpaceOrigin;

  /** `kind` must be NB101_SPEC's space, enumerated. */
  constructor(readonly kind: VertexCellSpace) {
    if (!kind.table || !kind.origin) throw new RangeError("NAS-Bench-101 needs its enumerated table");
    this.size = kind.table.count;
    this.origin = kind.origin;
    const { vertices, opTypes, size } = kind.encoding as MatrixEncoding;
    this.encoding = { vertices, opTypes, size };
  }

  /** Loads the space from the cache, enumerating it (and writing the cache) when absent or invalid. */
  static async load(options: LoadOptions = {}): Promise<Nb101Space> {
    checkLoadOptions(options, "Nb101Space.load", ["cacheDir", "threads", "onNote"]);
    return new Nb101Space(await VertexCellSpace.load(NB101_SPEC, options));
  }

  /** The cache file used for a cache directory. */
  static cachePath(dir = cacheDir()): string {
    return cachePath(dir, NB101_SPEC);
  }

  /** Number of vertices of a cell. */
  vertices(id: number): number {
    return this.kind.compactAt(id).shape & 7;
  }

  cell(id: number): Nb101Cell {
    return this.kind.cellAt(id);
  }

  /** The stored compact form of a cell: official edge bits and packed shape (see packShape). */
  compactOf(id: number): { bits: number; shape: number } {
    return this.kind.compactAt(id);
  }

  /** Official module hash (lowercase md5 hex) of a cell. */
  hashOf(id: number): string {
    return this.kind.hashAt(id);
  }

  /** The id of a module hash, or -1 when no cell of the space has it. */
  idOfHash(hash: string): number {
    return this.kind.idOfKey(hash);
  }

  /** Validates, prunes and hashes a cell given in any accepted form. */
  pruned(cell: unknown): PrunedCell & { hash: string } {
    const p = pruneCell(parseCell(cell));
    return { ...p, hash: this.kind.key(this.kind.fromJSON(cell)) };
  }

  idOf(cell: unknown): number {
    return this.kind.idOf(cell);
  }

  sample(rng: Rng, n: number): Int32Array {
    // "10" said "cannot draw 10 distinct cells from a space of 15625", as the spec spaces' sample did
    checkSampleArgs(this.name, rng, n);
    return sampleDistinct(rng, this.size, n);
  }

  /**
   * NAS-Bench-101 mutation: on the cell padded to 7 vertices, flip each possible edge with probability
   * `edgeProbability` and change each interior op with probability `opProbability` (to one of the
   * other two); retried until the result is a valid cell of the space different from the original.
   */
  mutate(rng: Rng, id: number, options: MutationOptions = {}): number {
    requireRng(rng, `${this.name} mutate`);
    return this.kind.idOf(this.kind.mutate(rng, this.cell(id), options));
  }

  /**
   * Uniform crossover on the cells padded to 7 vertices: each vertex takes its op and its outgoing
   * edges from one parent, chosen at random; retried until the child is a valid cell (after 1,000
   * failures, a mutation of the first parent).
   */
  crossover(rng: Rng, a: number, b: number): number {
    requireRng(rng, `${this.name} crossover`);
    return this.kind.idOf(this.kind.crossover(rng, this.cell(a), this.cell(b)));
  }

  /** Count, cells per vertex count, and sha256 of the sorted hash list (one lowercase hash + "\\n" per line). */
  summary(): SpaceSummary {
    return this.kind.summary();
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
    requireIdArray(ids, `${this.name} encode`);
    return this.kind.encodeIds(ids);
  }

  /** Trainable parameters of the full network built from the cell. */
  parameters(id: number): number {
    const { matrix, ops } = this.cell(id);
    return networkParameters(matrix, ops);
  }

  /** Multiply-accumulates of the full network built from the cell on one 32×32 image (params.ts). */
  multiplyAccumulates(id: number): number {
    const { matrix, ops } = this.cell(id);
    return networkMultiplyAccumulates(matrix, ops);
  }
}
