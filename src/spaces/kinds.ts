/** A spec, checked, becomes the space of its kind: the one place that knows every kind's module. */
import type { ArchitectureSpace } from "./architecture-space.js";
import { ChoicesSpace } from "./choices.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { readSpecFile, type SpaceSpec } from "./spec.js";
import { type VertexCellLoadOptions, VertexCellSpace } from "./vertex-cell/space.js";

/**
 * The space a checked spec describes (see spec.ts for the kinds). Only a vertex-cell space takes time:
 * it is enumerated (or read from its cache) when it has at most ENUMERATION_LIMIT cells; `options`
 * say where its cache lives and receive notes.
 */
export async function createSpace(
  spec: SpaceSpec,
  options: VertexCellLoadOptions = {},
): Promise<ArchitectureSpace<unknown>> {
  switch (spec.kind) {
    case "choices":
      return new ChoicesSpace(spec) as ArchitectureSpace<unknown>;
    case "edge-cell":
      return new EdgeCellSpace(spec) as ArchitectureSpace<unknown>;
    case "vertex-cell":
      return (await VertexCellSpace.load(spec, options)) as ArchitectureSpace<unknown>;
  }
}

/** Reads, checks and builds the space of a spec file; throws UserError naming every bad field. */
export function loadSpaceSpec(
  path: string,
  options: VertexCellLoadOptions = {},
): Promise<ArchitectureSpace<unknown>> {
  return createSpace(readSpecFile(path), options);
}
