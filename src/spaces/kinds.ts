/** A spec, checked, becomes the space of its kind: the one place that knows every kind's module. */
import type { ArchitectureSpace } from "./architecture-space.js";
import { ChoicesSpace } from "./choices.js";
import { readSpecFile, type SpaceSpec } from "./spec.js";

/** The space a checked spec describes (see spec.ts for the kinds). */
export function createSpace(spec: SpaceSpec): ArchitectureSpace<unknown> {
  switch (spec.kind) {
    case "choices":
      return new ChoicesSpace(spec) as ArchitectureSpace<unknown>;
    default:
      throw new Error(`the kind ${spec.kind} is not built yet`);
  }
}

/** Reads, checks and builds the space of a spec file; throws UserError naming every bad field. */
export function loadSpaceSpec(path: string): ArchitectureSpace<unknown> {
  return createSpace(readSpecFile(path));
}
