/** What `nas-assay space FILE.json` reports about a space described by a spec file. */
import { hasMembers, shownValue, UserError } from "../errors.js";
import type { ArchitectureSpace } from "./architecture-space.js";
import { VertexCellSpace } from "./vertex-cell/space.js";

export interface SpecSpaceSummary {
  name: string;
  kind: string;
  /** Exact number of architectures, as a decimal string (a `choices` space may hold 10^20). */
  size: string;
  /** "enumerated" (listed one by one, and cached when large) or "computed" (by a formula). */
  countedBy: "enumerated" | "computed";
  /** Enumerated vertex-cell spaces: cells per vertex count. */
  byVertices?: Record<string, number>;
  /**
   * Enumerated spaces: sha256 of the sorted hash list, one lowercase hash + "\n" per line (for
   * NAS-Bench-101 the fingerprint `nas-assay space nb101` prints).
   */
  sha256?: string;
  /** Floats per architecture in the encoding predictors read, and its form. */
  encoding: { form: "matrix" | "flat"; size: number };
}

/** The summary of a space built from a spec (see kinds.ts createSpace). */
export function summariseSpace(space: ArchitectureSpace<unknown>): SpecSpaceSummary {
  if (!hasMembers(space, { count: "bigint" }))
    throw new UserError(
      `summariseSpace needs a space made from a spec (loadSpaceSpec, createSpace), got ${shownValue(space)}`,
    );
  const summary: SpecSpaceSummary = {
    name: space.name,
    kind: space.kind,
    size: space.count.toString(),
    countedBy: space.countedBy,
    encoding: { form: space.encoding.form, size: space.encoding.size },
  };
  if (space instanceof VertexCellSpace && space.table) {
    const { byVertices, sha256 } = space.summary();
    summary.byVertices = byVertices;
    summary.sha256 = sha256;
  }
  return summary;
}
