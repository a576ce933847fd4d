/**
 * NAS-Bench-201 cells: 4 nodes, one op on each of the 6 edges i→j (i < j), written as the standard
 * arch string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
 */
import { InvalidCellError, shownValue } from "../../errors.js";
import { EdgeCellSpace } from "../edge-cell.js";
import { NB201_SPEC } from "./spec.js";

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

/** NAS-Bench-201 as an edge-cell space: parsing, formatting, ranks and reachability come from it. */
export const NB201_EDGE_CELL = new EdgeCellSpace(NB201_SPEC);

/** Op indices (into NB201_OPS) of a cell, in arch-string order. */
export function opIndices(cell: Nb201Cell): number[] {
  return cell.ops.map((op) => NB201_OPS.indexOf(op));
}

/** The cell of op indices (into NB201_OPS). */
export function cellOfIndices(arch: readonly number[]): Nb201Cell {
  return { ops: arch.map((k) => NB201_OPS[k]) };
}

/** Parses and validates an arch string; throws InvalidCellError naming the rule broken. */
export function parseArch(arch: string): Nb201Cell {
  return cellOfIndices(NB201_EDGE_CELL.parse(arch));
}

/**
 * The arch string of a cell. Throws InvalidCellError for a `cell` that is no `{ ops }` of 6 NB201_OPS
 * (from JavaScript formatArch(null) read `.ops` of null, and an unknown op was named as index -1).
 */
export function formatArch(cell: Nb201Cell): string {
  const ops = (cell as { ops?: unknown } | null)?.ops;
  if (
    !Array.isArray(ops) ||
    ops.length !== NB201_EDGES.length ||
    !ops.every((op) => (NB201_OPS as readonly unknown[]).includes(op))
  )
    throw new InvalidCellError(
      "format",
      `formatArch needs a cell { ops } of ${NB201_EDGES.length} ops, one per edge, each one of ${NB201_OPS.join(", ")}; got ${shownValue(cell, 120)}`,
    );
  return NB201_EDGE_CELL.format(opIndices(cell));
}

/** A number 0..15624 for the cell (base-5 digits of the op indices, first edge most significant). */
export function cellCode(cell: Nb201Cell): number {
  return Number(NB201_EDGE_CELL.rank(opIndices(cell)));
}

/** The cell of a code made by `cellCode`. */
export function cellFromCode(code: number): Nb201Cell {
  return cellOfIndices(NB201_EDGE_CELL.fromRank(code));
}

/** True when some input→output path has no `none` edge (else the cell outputs zeros). */
export function outputReachable(cell: Nb201Cell): boolean {
  return NB201_EDGE_CELL.outputReachable(opIndices(cell));
}
