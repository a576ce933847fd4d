/** What `nas-assay space FILE.json|nb101|nb201` reports about a space. */
import { hasMembers, shownValue, UserError } from "../errors.js";
import type { ArchitectureSpace } from "./architecture-space.js";
import { ChoicesSpace } from "./choices.js";
import type { Nb101Space } from "./nb101/space.js";
import { NB201_EDGE_CELL } from "./nb201/cell.js";
import type { Nb201Space } from "./nb201/space.js";
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
  /**
   * `choices` spaces: each decision with its options and how the predictors read it: "ordinal" (every
   * option a number: one value, in the options' order) or "one-hot" (categorical). A width written as
   * strings ("16") is categorical; this is where a user sees which their spec gave.
   */
  decisions?: { name: string; options: readonly (string | number)[]; encoded: "ordinal" | "one-hot" }[];
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
  if (space instanceof ChoicesSpace) {
    const ordinal = space.ordinal;
    summary.decisions = space.spec.decisions.map((d, i) => ({
      name: d.name,
      options: d.options,
      encoded: ordinal[i] ? "ordinal" : "one-hot",
    }));
  }
  if (space instanceof VertexCellSpace && space.table) {
    const { byVertices, sha256 } = space.summary();
    summary.byVertices = byVertices;
    summary.sha256 = sha256;
  }
  return summary;
}

/**
 * What `nas-assay space nb101|nb201` reports: the summary of the spec space the built-in is an
 * instance of (as `space docs/spaces/nb101.json` prints it: name, kind, size, countedBy, encoding,
 * and for NAS-Bench-101 byVertices and sha256), then the built-in's own figures as before: `count`
 * (a number) and, for NAS-Bench-201, the sha256 of its cell list and the cells whose output is
 * unreachable.
 */
export function summariseBuiltIn(
  space: Nb101Space | Nb201Space,
): SpecSpaceSummary & { count: number; outputUnreachable?: number } {
  // from JavaScript, summariseBuiltIn("x") failed with "space.summary is not a function"
  if (!hasMembers(space, { summary: "function" }))
    throw new UserError(
      `summariseBuiltIn needs a built-in space (Nb101Space or Nb201Space, e.g. await loadSpace("nb201")), got ${shownValue(space, 60)}`,
    );
  const own = space.summary();
  const general = summariseSpace("kind" in space ? space.kind : NB201_EDGE_CELL);
  return { ...general, ...own };
}
