/**
 * NAS-Bench-101 cells: the vertex-cell rules (vertex-cell/cell.ts) with NAS-Bench-101's limits and ops.
 */

import {
  cellFromCompact as compactCell,
  type PrunedCell,
  pruneCell as pruneVertexCell,
  type VertexCell,
} from "../vertex-cell/cell.js";
import { NB101_SPEC } from "./spec.js";

export { cellFromParts, INPUT, matrixText, OUTPUT, type PrunedCell, parseCell } from "../vertex-cell/cell.js";

/** Interior ops, in the order that gives their hash label (0, 1, 2). */
export const INTERIOR_OPS = ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"] as const;
export type InteriorOp = (typeof INTERIOR_OPS)[number];
export const MAX_CELL_VERTICES = 7;
export const MAX_CELL_EDGES = 9;

/** A NAS-Bench-101 cell: upper-triangular 0/1 adjacency (0 = input, last = output) and one op per vertex. */
export type Nb101Cell = VertexCell;

/**
 * Validates and prunes a cell as the official benchmark does: square, upper-triangular, one op per
 * vertex, first op input, last op output; vertices not on an input→output path removed; then interior
 * ops from INTERIOR_OPS, at most 7 vertices and 9 edges. Throws InvalidCellError naming the rule.
 */
export function pruneCell(cell: Nb101Cell): PrunedCell {
  return pruneVertexCell(cell, NB101_SPEC);
}

/** The cell with `vertices` vertices, official edge bits `bits` and the given interior op indices. */
export function cellFromCompact(vertices: number, bits: number, interiorOps: ArrayLike<number>): Nb101Cell {
  return compactCell(vertices, bits, interiorOps, INTERIOR_OPS);
}
