/**
 * The NAS-Bench-201 search space: all 5^6 = 15,625 cells. A cell's id is its row in the benchmark's
 * csv files (the official index order), read from the arch strings and checked, not assumed.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { type DataDir, dataFile } from "../../data/locations.js";
import { BadFileError, InvalidCellError } from "../../errors.js";
import type { Rng } from "../../random.js";
import { type MatrixEncoding, matrixEncoding, type SearchSpace, sampleDistinct } from "../search-space.js";
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

/** The csv whose row order defines the ids (the three files share it; the labels loader checks). */
export const NB201_ORDER_FILE = "nb201/cifar10-valid.csv";
export const NB201_ARCH_COLUMN = "arch str";

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

  /** Reads the id order from the benchmark csv in the data directory. */
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
    return sampleDistinct(rng, this.size, n);
  }

  /** Changes the op of one edge (chosen uniformly) to one of the 4 other ops (uniformly): the edge-cell mutation. */
  mutate(rng: Rng, id: number): number {
    return this.idOfIndices(NB201_EDGE_CELL.mutate(rng, opIndices(this.cell(id))));
  }

  /** Uniform crossover: each of the 6 edges takes its op from one parent, chosen at random (the edge-cell's). */
  crossover(rng: Rng, a: number, b: number): number {
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
    return NB201_EDGE_CELL.encode(
      Array.from(ids, (id) => NB201_EDGE_CELL.fromRank(this.codes[this.checked(id)])),
    );
  }

  describe(id: number): { id: number; arch: string; ops: string[]; outputReachable: boolean } {
    const cell = this.cell(id);
    return { id, arch: formatArch(cell), ops: cell.ops, outputReachable: outputReachable(cell) };
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
      throw new RangeError(`cell id ${id} is out of range; NAS-Bench-201 ids are 0..${this.size - 1}`);
    }
  }
}

function createHashLines(lines: string[]): string {
  return createHash("sha256")
    .update(lines.map((l) => `${l}\n`).join(""))
    .digest("hex");
}

/** Reads one NAS-Bench-201 csv: its header-named rows, with clear errors. */
export function readNb201Csv(path: string): Record<string, string>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(path), { columns: true, skip_empty_lines: true });
  } catch (e) {
    throw new BadFileError(path, `not a readable csv: ${(e as Error).message}`);
  }
  if (rows.length > 0 && !(NB201_ARCH_COLUMN in rows[0])) {
    throw new BadFileError(
      path,
      `has no "${NB201_ARCH_COLUMN}" column; columns are ${Object.keys(rows[0]).join(", ")}`,
    );
  }
  return rows;
}

/** The cell codes of a benchmark csv in row order, every arch string validated. */
export function readArchOrder(path: string): Int32Array {
  const rows = readNb201Csv(path);
  if (rows.length !== NB201_CELLS) {
    throw new BadFileError(path, `has ${rows.length} rows; NAS-Bench-201 has ${NB201_CELLS} cells`);
  }
  const codes = new Int32Array(rows.length);
  const seen = new Int32Array(NB201_CELLS).fill(-1);
  rows.forEach((row, i) => {
    let cell: Nb201Cell;
    try {
      cell = parseArch(row[NB201_ARCH_COLUMN]);
    } catch (e) {
      throw new BadFileError(path, `line ${i + 2}: ${(e as Error).message}`);
    }
    const code = cellCode(cell);
    if (seen[code] >= 0)
      throw new BadFileError(path, `line ${i + 2} repeats the cell of line ${seen[code] + 2}`);
    seen[code] = i;
    codes[i] = code;
  });
  return codes;
}
