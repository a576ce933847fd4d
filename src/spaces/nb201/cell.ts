/**
 * NAS-Bench-201 cells: 4 nodes, one op on each of the 6 edges i→j (i < j), written as the standard
 * arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 */
import { InvalidCellError } from "../../errors.js";

/** The 5 edge ops, in the benchmark's order. */
export const NB201_OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"] as const;
export type Nb201Op = (typeof NB201_OPS)[number];
/** Edges (from, to) in arch-string order. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];
export const NB201_CELLS = NB201_OPS.length ** NB201_EDGES.length;

/** A NAS-Bench-201 cell: the op of each edge, in arch-string order. */
export interface Nb201Cell {
  ops: Nb201Op[];
}

/** Parses and validates an arch string; throws InvalidCellError naming the rule broken. */
export function parseArch(arch: string): Nb201Cell {
  if (typeof arch !== "string") throw new InvalidCellError("format", "an arch string is expected");
  const text = arch.trim();
  const nodes = text.split("+");
  if (nodes.length !== 3) {
    throw new InvalidCellError(
      "format",
      `"${clip(text)}" has ${nodes.length} node groups; expected 3 separated by "+", like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|`,
    );
  }
  const ops: Nb201Op[] = [];
  nodes.forEach((group, g) => {
    const node = g + 1;
    if (!group.startsWith("|") || !group.endsWith("|")) {
      throw new InvalidCellError("format", `node ${node} group "${clip(group)}" must start and end with "|"`);
    }
    const edges = group.slice(1, -1).split("|");
    if (edges.length !== node) {
      throw new InvalidCellError(
        "format",
        `node ${node} has ${edges.length} input edges; expected ${node} (one from each earlier node)`,
      );
    }
    edges.forEach((edge, from) => {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(edge);
      if (!m) throw new InvalidCellError("format", `edge "${clip(edge)}" into node ${node} is not op~index`);
      if (Number(m[2]) !== from) {
        throw new InvalidCellError(
          "edge-order",
          `edge "${edge}" into node ${node} should come from node ${from}`,
        );
      }
      if (!(NB201_OPS as readonly string[]).includes(m[1])) {
        throw new InvalidCellError("op", `op "${clip(m[1])}" is not one of ${NB201_OPS.join(", ")}`);
      }
      ops.push(m[1] as Nb201Op);
    });
  });
  return { ops };
}

/** The arch string of a cell. */
export function formatArch(cell: Nb201Cell): string {
  const e = cell.ops;
  return `|${e[0]}~0|+|${e[1]}~0|${e[2]}~1|+|${e[3]}~0|${e[4]}~1|${e[5]}~2|`;
}

/** A number 0..15624 for the cell (base-5 digits of the op indices, first edge most significant). */
export function cellCode(cell: Nb201Cell): number {
  return cell.ops.reduce((code, op) => code * 5 + NB201_OPS.indexOf(op), 0);
}

/** The cell of a code made by `cellCode`. */
export function cellFromCode(code: number): Nb201Cell {
  const ops: Nb201Op[] = new Array(NB201_EDGES.length);
  for (let e = NB201_EDGES.length - 1; e >= 0; e--) {
    ops[e] = NB201_OPS[code % 5];
    code = Math.floor(code / 5);
  }
  return { ops };
}

/** True when some input→output path has no `none` edge (else the cell outputs zeros). */
export function outputReachable(cell: Nb201Cell): boolean {
  const reached = [true, false, false, false];
  NB201_EDGES.forEach(([from, to], e) => {
    if (reached[from] && cell.ops[e] !== "none") reached[to] = true;
  });
  return reached[3];
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
