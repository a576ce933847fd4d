/** What every search space offers; cells are identified by an integer id everywhere. */
import type { Rng } from "../random.js";

export interface SearchSpace<Cell> {
  /** Short name used on the command line and in files, e.g. "nb101". */
  readonly name: string;
  /** Number of cells; ids are 0..size-1. */
  readonly size: number;
  /** The cell with this id. */
  cell(id: number): Cell;
  /** The id of a cell given in any accepted form; throws InvalidCellError when it is not valid. */
  idOf(cell: unknown): number;
  /** `n` distinct ids drawn uniformly at random. */
  sample(rng: Rng, n: number): Int32Array;
  /** A random neighbour of the cell: a valid cell of the space, different from it. */
  mutate(rng: Rng, id: number): number;
  /** A valid cell taking each part (a vertex's edges and op, or an edge's op) from one parent at random. */
  crossover(rng: Rng, a: number, b: number): number;
  /** Layout of `encode`'s output. */
  readonly encoding: MatrixEncoding;
  /** The hand-crafted matrix representation of each id, concatenated (see MatrixEncoding). */
  encode(ids: ArrayLike<number>): Float32Array;
  /** A JSON-friendly description of one cell (id, its text forms, structure). */
  describe(id: number): object;
}

/**
 * The matrix representation predictors read: per cell, a `vertices`×`vertices` 0/1 adjacency
 * (row = source) followed by a `vertices`×`opTypes.length` one-hot op matrix, as float32. Cells with
 * fewer vertices are padded before the output vertex, which always stays last; padded rows are zero.
 */
export interface MatrixEncoding {
  vertices: number;
  opTypes: readonly string[];
  /** Floats per cell: vertices² + vertices × opTypes. */
  size: number;
}

/** Builds a MatrixEncoding description. */
export function matrixEncoding(vertices: number, opTypes: readonly string[]): MatrixEncoding {
  return { vertices, opTypes, size: vertices * vertices + vertices * opTypes.length };
}

/** Draws `n` distinct integers uniformly from [0, size) (partial Fisher–Yates, O(n) memory). */
export function sampleDistinct(rng: Rng, size: number, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > size) {
    throw new RangeError(`cannot draw ${n} distinct cells from a space of ${size}`);
  }
  const swapped = new Map<number, number>();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(size - i);
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out[i] = atJ;
  }
  return out;
}
