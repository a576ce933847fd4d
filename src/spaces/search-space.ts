/** What every search space offers; cells are identified by an integer id everywhere. */
import { shownValue, UserError } from "../errors.js";
import { type Rng, requireRng } from "../random.js";

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
  /** Layout of `encode`'s output: a cell's matrix, or a flat feature vector (a `choices` space). */
  readonly encoding: SpaceEncoding;
  /** The hand-crafted representation of each id, concatenated (see MatrixEncoding, FlatEncoding). */
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

/**
 * A flat feature vector per architecture (a `choices` space): one-hot per categorical decision, one
 * value in [0, 1] per ordinal one. `features` names each float. There is no graph to read.
 */
export interface FlatEncoding {
  form: "flat";
  /** Floats per architecture. */
  size: number;
  features: readonly string[];
}

/** What a space's `encode` writes. */
export type SpaceEncoding = MatrixEncoding | FlatEncoding;

/**
 * The matrix layout of a space's encoding, for a predictor that reads a cell's graph (`method` names
 * it in the message); throws UserError when the space has a flat encoding.
 */
export function graphEncoding(
  space: { name: string; encoding: SpaceEncoding },
  method: string,
): MatrixEncoding {
  const e = space.encoding;
  if ("form" in e && e.form === "flat") {
    throw new UserError(
      `the method ${method} reads a cell's graph, but ${space.name} is a space of choices (a flat encoding); use mlp, mlp-ensemble or e2epp`,
    );
  }
  return e as MatrixEncoding;
}

/** Builds a MatrixEncoding description. */
export function matrixEncoding(vertices: number, opTypes: readonly string[]): MatrixEncoding {
  return { vertices, opTypes, size: vertices * vertices + vertices * opTypes.length };
}

/**
 * Checks `sample(rng, n)`'s arguments from a caller outside TypeScript: UserError for an `rng` without
 * `int` (new Rng(seed)) or an `n` that is no integer ≥ 0 ("2" said "cannot draw 2 distinct cells from
 * a space of 12", 1.5 failed converting to a BigInt, an edge cell's -1 gave [] where the others refused).
 */
export function checkSampleArgs(space: string, rng: Rng, n: number): void {
  // the one message of a missing generator, as mutate and crossover say it (requireRng)
  requireRng(rng, `${space} sample`);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new UserError(`${space} sample needs a count, an integer ≥ 0, got ${shownValue(n, 60)}`);
}

/**
 * Throws UserError unless `ids` is an array or typed array (of cell ids): `encode(5)` gave an empty
 * encoding in silence (Array.from(5) is []), and `encode("12")` read the ids "1" and "2".
 */
export function requireIdArray(ids: unknown, who: string): void {
  if (!(Array.isArray(ids) || ArrayBuffer.isView(ids)))
    throw new UserError(`${who} needs an array of cell ids, got ${shownValue(ids, 60)}`);
}

/** Draws `n` distinct integers uniformly from [0, size) (partial Fisher–Yates, O(n) memory). */
export function sampleDistinct(rng: Rng, size: number, n: number): Int32Array {
  requireRng(rng, "sample");
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
