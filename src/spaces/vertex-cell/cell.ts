/**
 * Vertex-cells (NAS-Bench-101's shape): parsing the forms people write them in, and validation +
 * pruning exactly as the official `ModelSpec` and `NASBench._check_spec` do it, for any op list and
 * vertex/edge limits.
 */
import { nestsTooDeep, TOO_DEEP } from "../../data/json-depth.js";
import { repeatedKey } from "../../data/json-keys.js";
import { InvalidCellError, shownValue } from "../../errors.js";
import type { LabeledDag } from "./hash.js";

export const INPUT = "input";
export const OUTPUT = "output";
/** Un-pruned input may be larger than the space; beyond this it is surely a mistake. */
const MAX_RAW_VERTICES = 30;

/** A cell: upper-triangular 0/1 adjacency (0 = input, last = output) and one op per vertex. */
export interface VertexCell {
  matrix: number[][];
  ops: string[];
}

/** What a space allows after pruning: vertices and edges at most, interior ops (index = hash label). */
export interface CellLimits {
  maxVertices: number;
  maxEdges: number;
  ops: readonly string[];
}

/**
 * Reads a cell from any accepted form: `{matrix, ops}` with matrix as nested arrays or a row-major
 * 0/1 string and ops as an array or comma-separated string, a `[matrix, ops]` pair, or JSON text of these.
 * With `exactKeys`, an object with any key besides `matrix` and `ops` is refused (InvalidCellError
 * "format"): what a user typed (`--arch`, a library `tell`) may hold a misspelt or misplaced field, which
 * must not be dropped in silence; code that passes its own richer cell objects leaves it off. JSON text
 * of an object naming a key twice is refused (InvalidCellError "format") either way. `alsoKeys`: keys
 * that exactKeys lets through besides those two (what a command's own JSON output adds, read back).
 */
export function parseCell(input: unknown, exactKeys = false, alsoKeys: readonly string[] = []): VertexCell {
  let value = input;
  if (typeof value === "string") {
    const text = value;
    try {
      value = JSON.parse(text);
    } catch {
      throw new InvalidCellError("format", 'text is not JSON; expected {"matrix": ..., "ops": ...}');
    }
    // JSON.parse keeps the last of a repeated key: the first matrix or ops given would be dropped unsaid
    const twice = repeatedKey(text);
    if (twice !== undefined)
      throw new InvalidCellError(
        "format",
        `key ${JSON.stringify(twice)} is given twice; a cell names "matrix" and "ops" once each`,
      );
  }
  if (Array.isArray(value) && value.length === 2) return cellFromParts(value[0], value[1]);
  if (value !== null && typeof value === "object" && "matrix" in value && "ops" in value) {
    const v = value as { matrix: unknown; ops: unknown };
    const extra = exactKeys
      ? Object.keys(v).filter((k) => k !== "matrix" && k !== "ops" && !alsoKeys.includes(k))
      : [];
    if (extra.length > 0)
      throw new InvalidCellError(
        "format",
        `unknown key${extra.length > 1 ? "s" : ""} ${extra.map((k) => JSON.stringify(k)).join(", ")}; a cell has only "matrix" and "ops"`,
      );
    return cellFromParts(v.matrix, v.ops);
  }
  throw new InvalidCellError("format", 'expected an object with "matrix" and "ops", or a [matrix, ops] pair');
}

/** Builds a cell from a matrix (nested 0/1 arrays or row-major 0/1 string) and ops (array or comma list). */
export function cellFromParts(matrix: unknown, ops: unknown): VertexCell {
  // the checks below (and their messages' JSON.stringify) recurse: 10,000 nested brackets overflowed
  if (nestsTooDeep(matrix))
    throw new InvalidCellError(
      "matrix-format",
      `matrix ${TOO_DEEP}; expected rows of 0/1 entries (2 levels)`,
    );
  if (nestsTooDeep(ops))
    throw new InvalidCellError("ops-format", `ops ${TOO_DEEP}; expected a list of op names (1 level)`);
  return { matrix: parseMatrix(matrix), ops: parseOps(ops) };
}

function parseMatrix(matrix: unknown): number[][] {
  // a flat list of entries ([0, 1, 0, 0], numpy's matrix.flatten().tolist()) is the row-major 0/1
  // string written as a list, which is read with commas ("0,1,0,0"); it was refused as "matrix row 0
  // must be an array of 4 entries", naming a row that it never held
  if (Array.isArray(matrix) && matrix.length > 0 && matrix.every((x) => !Array.isArray(x))) {
    const bad = matrix.findIndex((x) => x !== 0 && x !== 1 && x !== true && x !== false);
    if (bad >= 0)
      throw new InvalidCellError(
        "matrix-binary",
        `matrix[${bad}] is ${clip(JSON.stringify(matrix[bad]))}; expected 0 or 1 (a flat list is read row-major)`,
      );
    const n = Math.round(Math.sqrt(matrix.length));
    if (n * n !== matrix.length)
      throw new InvalidCellError(
        "matrix-square",
        `matrix is a flat list of ${matrix.length} entries; expected n×n of them (row-major) or a list of rows`,
      );
    return Array.from({ length: n }, (_, r) => matrix.slice(r * n, r * n + n).map(Number));
  }
  if (typeof matrix === "string") {
    const text = matrix.replace(/[\s,]/g, "");
    if (!/^[01]*$/.test(text)) {
      throw new InvalidCellError(
        "matrix-binary",
        `matrix string must hold only 0 and 1, got "${clip(matrix)}"`,
      );
    }
    const n = Math.round(Math.sqrt(text.length));
    if (n * n !== text.length || n === 0) {
      throw new InvalidCellError(
        "matrix-square",
        `matrix string has ${text.length} digits; expected a square number (n×n, row-major)`,
      );
    }
    // digits grouped by spaces or commas are rows, and must be n rows of n: "01100 011 0001 0000" was
    // read as the 16 digits, a typo in one row becoming another cell (found by tester T); single digits
    // between separators ("0,1,1,0,…") are the flat list
    const groups = matrix.split(/[\s,]+/).filter((g) => g !== "");
    if (
      groups.length > 1 &&
      groups.some((g) => g.length > 1) &&
      (groups.length !== n || groups.some((g) => g.length !== n))
    )
      throw new InvalidCellError(
        "matrix-square",
        `matrix string "${clip(matrix)}" has rows of ${groups.map((g) => g.length).join(", ")} digits; ` +
          `expected ${n} rows of ${n} digits (or the ${n * n} digits with no separator)`,
      );
    return Array.from({ length: n }, (_, r) => Array.from(text.slice(r * n, r * n + n), Number));
  }
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new InvalidCellError("matrix-format", "matrix must be a non-empty array of rows or a 0/1 string");
  }
  const n = matrix.length;
  // rows all of one other length: a row is missing or one too many, not one row of wrong length
  const m = Array.isArray(matrix[0]) ? matrix[0].length : -1;
  if (m !== n && matrix.every((row) => Array.isArray(row) && row.length === m)) {
    throw new InvalidCellError(
      "matrix-square",
      `matrix has ${n} row${n === 1 ? "" : "s"} of ${m} entries; it must be square (n rows of n entries, one per vertex)`,
    );
  }
  return matrix.map((row, r) => {
    if (!Array.isArray(row) || row.length !== n) {
      throw new InvalidCellError(
        "matrix-square",
        `matrix row ${r} must be an array of ${n} entries (square matrix)`,
      );
    }
    return row.map((x, c) => {
      if (x !== 0 && x !== 1 && x !== true && x !== false) {
        throw new InvalidCellError(
          "matrix-binary",
          `matrix[${r}][${c}] is ${clip(JSON.stringify(x))}; expected 0 or 1`,
        );
      }
      return Number(x);
    });
  });
}

function parseOps(ops: unknown): string[] {
  const list = typeof ops === "string" ? ops.split(",").map((s) => s.trim()) : ops;
  if (!Array.isArray(list) || list.some((o) => typeof o !== "string")) {
    throw new InvalidCellError("ops-format", "ops must be an array of op names or a comma-separated string");
  }
  return list as string[];
}

function clip(text: string | undefined): string {
  const t = String(text);
  return t.length > 40 ? `${t.slice(0, 40)}…` : t;
}

/** A validated, pruned cell in the compact form used by the hasher and the space. */
export interface PrunedCell extends LabeledDag {
  /** Official edge bits: edge x→y (x < y) is bit x + y(y-1)/2. */
  bits: number;
  /** Interior op indices (into the limits' ops), vertex 1 first. */
  interiorOps: number[];
}

/**
 * Validates and prunes a cell as the official benchmark does: square, upper-triangular, one op per
 * vertex, first op input, last op output; vertices not on an input→output path removed; then interior
 * ops (of the vertices kept) from `limits.ops`, at most `limits.maxVertices` vertices and
 * `limits.maxEdges` edges.
 * Throws InvalidCellError naming the rule (a `cell` that is no `{ matrix, ops }` of arrays too: from
 * JavaScript, a space's key(null) or jsonOf("…") read a property of null or undefined).
 */
export function pruneCell(cell: VertexCell, limits: CellLimits): PrunedCell {
  if (cell === null || typeof cell !== "object" || !Array.isArray(cell.matrix) || !Array.isArray(cell.ops))
    throw new InvalidCellError(
      "format",
      `expected a cell { matrix, ops }: the matrix as a list of rows of 0/1, one op per vertex (a cell's text goes to the space's fromJSON), got ${shownValue(cell, 80)}`,
    );
  const { matrix, ops } = cell;
  const n = matrix.length;
  if (n > MAX_RAW_VERTICES) {
    throw new InvalidCellError(
      "max-vertices",
      `matrix has ${n} vertices; at most ${MAX_RAW_VERTICES} are accepted`,
    );
  }
  if (ops.length !== n) {
    throw new InvalidCellError(
      "ops-length",
      `${ops.length} ops for a ${n}×${n} matrix; expected one op per vertex`,
    );
  }
  for (let r = 0; r < n; r++) {
    if (matrix[r]?.length !== n)
      throw new InvalidCellError(
        "matrix-format",
        `matrix row ${r} is ${shownValue(matrix[r], 40)}; expected ${n} entries (a square matrix)`,
      );
    for (let c = 0; c <= r; c++) {
      if (matrix[r][c] !== 0) {
        throw new InvalidCellError(
          "upper-triangular",
          `matrix[${r}][${c}] = 1; the matrix must be strictly upper-triangular (edges go from lower to higher vertex)`,
        );
      }
    }
  }
  if (n < 2)
    throw new InvalidCellError("min-vertices", "a cell needs at least an input and an output vertex");
  // ops before the vertex and edge limits: a cell with a wrong op and an edge too many was refused for
  // the edge alone, hiding the op. Input and output are never pruned, so their ops are checked first.
  if (ops[0] !== INPUT) {
    throw new InvalidCellError("first-op", `the first op is "${clip(ops[0])}"; it must be "input"`);
  }
  if (ops[n - 1] !== OUTPUT) {
    throw new InvalidCellError("last-op", `the last op is "${clip(ops[n - 1])}"; it must be "output"`);
  }
  // vertices reachable from the input, and those that reach the output
  const fromInput = new Uint8Array(n);
  fromInput[0] = 1;
  for (let r = 0; r < n; r++)
    if (fromInput[r]) for (let c = r + 1; c < n; c++) if (matrix[r][c]) fromInput[c] = 1;
  const toOutput = new Uint8Array(n);
  toOutput[n - 1] = 1;
  for (let c = n - 1; c >= 0; c--)
    if (toOutput[c]) for (let r = 0; r < c; r++) if (matrix[r][c]) toOutput[r] = 1;
  if (!fromInput[n - 1]) {
    throw new InvalidCellError(
      "connected",
      "there is no path from the input (vertex 0) to the output (last vertex)",
    );
  }
  const kept: number[] = [];
  for (let v = 0; v < n; v++) if (fromInput[v] && toOutput[v]) kept.push(v);
  const vertices = kept.length;
  // interior ops of the kept vertices only: a pruned vertex's op is dropped unread, as the benchmark's
  // ModelSpec does (zero-padded cells of other tools hold placeholders there, "null", "output")
  const interiorOps: number[] = [];
  for (let i = 1; i < vertices - 1; i++) {
    const v = kept[i];
    // "café" typed as c-a-f-e + combining accent is the op "café": names compare in Unicode NFC
    const op = ops[v];
    let k = limits.ops.indexOf(op);
    if (k < 0 && typeof op === "string")
      k = limits.ops.findIndex((o) => o.normalize("NFC") === op.normalize("NFC"));
    if (k < 0) {
      throw new InvalidCellError(
        "interior-op",
        `op "${clip(op)}" at vertex ${v} is not one of ${limits.ops.join(", ")}`,
      );
    }
    interiorOps.push(k);
  }
  if (vertices > limits.maxVertices) {
    throw new InvalidCellError(
      "max-vertices",
      `after pruning it has ${vertices} vertices; at most ${limits.maxVertices}`,
    );
  }
  let bits = 0;
  let edges = 0;
  const outMask = new Array<number>(vertices).fill(0);
  const inMask = new Array<number>(vertices).fill(0);
  for (let j = 1; j < vertices; j++) {
    for (let i = 0; i < j; i++) {
      if (matrix[kept[i]][kept[j]]) {
        bits |= 1 << (i + ((j * (j - 1)) >> 1));
        outMask[i] |= 1 << j;
        inMask[j] |= 1 << i;
        edges++;
      }
    }
  }
  if (edges > limits.maxEdges) {
    throw new InvalidCellError(
      "max-edges",
      `after pruning it has ${edges} edges; at most ${limits.maxEdges}`,
    );
  }
  const labels = [-1, ...interiorOps, -2];
  return { vertices, bits, outMask, inMask, labels, interiorOps };
}

/** The cell with `vertices` vertices, official edge bits `bits` and the given interior op indices into `ops`. */
export function cellFromCompact(
  vertices: number,
  bits: number,
  interiorOps: ArrayLike<number>,
  ops: readonly string[],
): VertexCell {
  const matrix = Array.from({ length: vertices }, () => new Array<number>(vertices).fill(0));
  for (let j = 1; j < vertices; j++) {
    for (let i = 0; i < j; i++) if (bits & (1 << (i + ((j * (j - 1)) >> 1)))) matrix[i][j] = 1;
  }
  return { matrix, ops: [INPUT, ...Array.from(interiorOps, (k) => ops[k]), OUTPUT] };
}

/** Row-major 0/1 text of a matrix, the form NAS-Bench-101 files use. */
export function matrixText(matrix: number[][]): string {
  return matrix.map((row) => row.join("")).join("");
}
