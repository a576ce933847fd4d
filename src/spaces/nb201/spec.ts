/**
 * NAS-Bench-201 as an instance of the `edge-cell` kind: 4 nodes, its 5 ops, `none` = no edge.
 * docs/spaces/nb201.json is the same spec as a file (a test checks they agree).
 */
import type { EdgeCellSpec } from "../spec.js";

export const NB201_SPEC: EdgeCellSpec = {
  name: "nb201",
  kind: "edge-cell",
  nodes: 4,
  ops: ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"],
  zero: "none",
};
