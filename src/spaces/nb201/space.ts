/**
 * The NAS-Bench-201 search space: all 5^6 = 15,625 cells. A cell's id is the `file id` of its row in
 * the benchmark's csv files (the official index), whatever the row order; arch strings are checked.
 */

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { distinctColumns } from "../../data/csv-columns.js";
import { type DataDir, dataFile } from "../../data/locations.js";
import { BadFileError, InvalidCellError, shownValue } from "../../errors.js";
import { type Rng, requireRng } from "../../random.js";
import {
  checkSampleArgs,
  type MatrixEncoding,
  matrixEncoding,
  requireIdArray,
  type SearchSpace,
  sampleDistinct,
} from "../search-space.js";
import {
  cellCode,
  cellFromCode,
  formatArch,
  NB201_CELLS,
  NB201_EDGE_CELL,
  type Nb201Cell,
  opIndices,
  outputReachable,
  parseArch,
} from "./cell.js";
import { nb201Parameters } from "./params.js";

/** The csv whose row order defines the ids (the three files share it; the labels loader checks). */
export const NB201_ORDER_FILE = "nb201/cifar10-valid.csv";
export const NB201_ARCH_COLUMN = "arch str";
/** The column holding each row's cell id (the official index), so a re-sorted file keeps its ids. */
export const NB201_ID_COLUMN = "file id";

export class Nb201Space implements SearchSpace<Nb201Cell> {
  readonly name = "nb201";
  readonly size = NB201_CELLS;
  /** The edge-cell encoding: the op-on-vertex DAG (see EdgeCellSpace.encoding). */
  readonly encoding: MatrixEncoding = matrixEncoding(
    NB201_EDGE_CELL.edges.length + 2,
    (NB201_EDGE_CELL.encoding as MatrixEncoding).opTypes,
  );
  private readonly idByCode: Int32Array;

  /** `codes[id]` = cellCode of the cell with that id; must be a permutation of 0..15624. */
  constructor(private readonly codes: Int32Array) {
    if (codes.length !== NB201_CELLS)
      throw new RangeError(`expected ${NB201_CELLS} cells, got ${codes.length}`);
    this.idByCode = new Int32Array(NB201_CELLS).fill(-1);
    codes.forEach((code, id) => {
      if (this.idByCode[code] !== -1)
        throw new RangeError(`cell ${formatArch(cellFromCode(code))} appears twice`);
      this.idByCode[code] = id;
    });
  }

  /** Reads the cells by file id from the benchmark csv in the data directory. */
  static load(data: DataDir): Nb201Space {
    const path = dataFile(data, NB201_ORDER_FILE, "NAS-Bench-201 cells in benchmark order");
    return new Nb201Space(readArchOrder(path));
  }

  cell(id: number): Nb201Cell {
    this.checkId(id);
    return cellFromCode(this.codes[id]);
  }

  /** The arch string of a cell. */
  arch(id: number): string {
    return formatArch(this.cell(id));
  }

  /** Accepts an arch string or `{arch}` / `{ops}`. */
  idOf(cell: unknown): number {
    let parsed: Nb201Cell;
    if (typeof cell === "string") parsed = parseArch(cell);
    else if (cell && typeof cell === "object" && "arch" in cell)
      parsed = parseArch(String((cell as { arch: unknown }).arch));
    else if (cell && typeof cell === "object" && "ops" in cell)
      parsed = parseArch(formatArch(cell as Nb201Cell));
    else
      throw new InvalidCellError(
        "format",
        "expected a NAS-Bench-201 arch string like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|",
      );
    return this.idByCode[cellCode(parsed)];
  }

  sample(rng: Rng, n: number): Int32Array {
    // "10" said "cannot draw 10 distinct cells from a space of 15625", as the spec spaces' sample did
    checkSampleArgs(this.name, rng, n);
    return sampleDistinct(rng, this.size, n);
  }

  /** Changes the op of one edge (chosen uniformly) to one of the 4 other ops (uniformly): the edge-cell mutation. */
  mutate(rng: Rng, id: number): number {
    requireRng(rng, `${this.name} mutate`);
    return this.idOfIndices(NB201_EDGE_CELL.mutate(rng, opIndices(this.cell(id))));
  }

  /** Uniform crossover: each of the 6 edges takes its op from one parent, chosen at random (the edge-cell's). */
  crossover(rng: Rng, a: number, b: number): number {
    requireRng(rng, `${this.name} crossover`);
    const child = NB201_EDGE_CELL.crossover(rng, opIndices(this.cell(a)), opIndices(this.cell(b)));
    return this.idOfIndices(child);
  }

  /** The id of a cell given as op indices (an architecture of NB201_EDGE_CELL). */
  idOfIndices(arch: readonly number[]): number {
    return this.idByCode[Number(NB201_EDGE_CELL.rank(arch))];
  }

  /**
   * Op-on-vertex DAG of each cell (the edge-cell kind's encoding, so both spaces feed the same encoders):
   * vertex 0 = input, vertices 1..6 = the edges in arch order carrying their op (`none` included, so
   * every cell has the same shape and cells whose output is unreachable are still encoded), 7 = output.
   * Edge vertex a feeds edge vertex b when a ends at the node where b starts.
   */
  encode(ids: ArrayLike<number>): Float32Array {
    requireIdArray(ids, `${this.name} encode`);
    return NB201_EDGE_CELL.encode(
      Array.from(ids, (id) => NB201_EDGE_CELL.fromRank(this.codes[this.checked(id)])),
    );
  }

  describe(id: number): { id: number; arch: string; ops: string[]; outputReachable: boolean } {
    const cell = this.cell(id);
    return { id, arch: formatArch(cell), ops: cell.ops, outputReachable: outputReachable(cell) };
  }

  /** Trainable parameters of the CIFAR-10 network built from the cell (params.ts). */
  parameters(id: number): number {
    return nb201Parameters(this.cell(id));
  }

  /** Count, sha256 of the arch strings in id order (one per line), cells with an unreachable output. */
  summary(): { count: number; sha256: string; outputUnreachable: number } {
    const hash = createHashLines(Array.from({ length: this.size }, (_, id) => this.arch(id)));
    let unreachable = 0;
    for (let id = 0; id < this.size; id++) if (!outputReachable(this.cell(id))) unreachable++;
    return { count: this.size, sha256: hash, outputUnreachable: unreachable };
  }

  private checked(id: number): number {
    this.checkId(id);
    return id;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new RangeError(
        `cell id ${shownValue(id)} is ${Number.isInteger(id) ? "out of range" : "not an integer"}; NAS-Bench-201 ids are 0..${this.size - 1}`,
      );
    }
  }
}

function createHashLines(lines: string[]): string {
  return createHash("sha256")
    .update(lines.map((l) => `${l}\n`).join(""))
    .digest("hex");
}

/**
 * Reads one NAS-Bench-201 csv: its header-named rows, with clear errors. A UTF-8 byte-order mark is
 * skipped; a header naming a column twice, or lacking one of `required`, is refused.
 */
export function readNb201Csv(
  path: string,
  required: readonly string[] = [NB201_ID_COLUMN, NB201_ARCH_COLUMN],
): Record<string, string>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(path), {
      bom: true,
      columns: distinctColumns(path, (header) => {
        const missing = required.filter((name) => !header.includes(name));
        if (missing.length > 0)
          throw new BadFileError(
            path,
            `has no ${missing.map((m) => `"${m}"`).join(", ")} column${missing.length > 1 ? "s" : ""}; columns are ${header.join(", ")}`,
          );
      }),
      skip_empty_lines: true,
    });
  } catch (e) {
    if (e instanceof BadFileError) throw e;
    throw new BadFileError(path, `not a readable csv: ${(e as Error).message}`);
  }
  return rows;
}

/** One NAS-Bench-201 csv keyed by its `file id` column (the benchmark's cell index). */
export interface Nb201Table {
  path: string;
  /** rows[id]: the row whose file id is `id`. */
  rows: Record<string, string>[];
  /** lines[id]: its line in the file (header = line 1). */
  lines: Int32Array;
  /** codes[id]: cellCode of its arch string. */
  codes: Int32Array;
}

/**
 * Reads a benchmark csv and maps each row to its cell id by the `file id` column, whatever the row
 * order: every file id an integer 0..15624, each once, every arch string valid and each cell once.
 * Throws BadFileError naming the file, the line and the column.
 */
export function readNb201Table(path: string, required?: readonly string[]): Nb201Table {
  const rows = readNb201Csv(path, required);
  if (rows.length !== NB201_CELLS) {
    throw new BadFileError(path, `has ${rows.length} rows; expected ${NB201_CELLS}, one per cell`);
  }
  const byId: Record<string, string>[] = new Array(NB201_CELLS);
  const lines = new Int32Array(NB201_CELLS).fill(-1);
  const codes = new Int32Array(NB201_CELLS);
  const lineOfCode = new Int32Array(NB201_CELLS).fill(-1);
  rows.forEach((row, i) => {
    const line = i + 2;
    const text = row[NB201_ID_COLUMN];
    const id = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!(id < NB201_CELLS)) {
      throw new BadFileError(
        path,
        `line ${line}, column "${NB201_ID_COLUMN}" is "${text}"; expected an integer 0..${NB201_CELLS - 1}`,
      );
    }
    if (lines[id] >= 0)
      throw new BadFileError(path, `line ${line} repeats "${NB201_ID_COLUMN}" ${id} of line ${lines[id]}`);
    let cell: Nb201Cell;
    try {
      cell = parseArch(row[NB201_ARCH_COLUMN]);
    } catch (e) {
      throw new BadFileError(path, `line ${line}, column "${NB201_ARCH_COLUMN}": ${(e as Error).message}`);
    }
    const code = cellCode(cell);
    if (lineOfCode[code] >= 0)
      throw new BadFileError(path, `line ${line} repeats the cell of line ${lineOfCode[code]}`);
    lineOfCode[code] = line;
    lines[id] = line;
    codes[id] = code;
    byId[id] = row;
  });
  return { path, rows: byId, lines, codes };
}

/** The cell codes of a benchmark csv by file id (see readNb201Table). */
export function readArchOrder(path: string): Int32Array {
  return readNb201Table(path).codes;
}
