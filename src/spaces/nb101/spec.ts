/**
 * NAS-Bench-101 as an instance of the `vertex-cell` kind: at most 7 vertices and 9 edges, its three
 * ops in hash-label order. docs/spaces/nb101.json is the same spec as a file (a test checks they agree).
 */
import type { VertexCellSpec } from "../spec.js";

export const NB101_SPEC: VertexCellSpec = {
  name: "nb101",
  kind: "vertex-cell",
  maxVertices: 7,
  maxEdges: 9,
  ops: ["conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3"],
};
