/**
 * A search space described by the user (or a built-in benchmark seen the same way): architectures as
 * values, not ids, so that spaces too large to enumerate (a `choices` space of 10^20 members) work.
 * Three kinds, named as in the spec file format: `choices`, `edge-cell` (NAS-Bench-201's shape) and
 * `vertex-cell` (NAS-Bench-101's shape). A study keys its trials by `key`; predictors read `encode`.
 *
 * This is the contract between `spaces/` (which implements the kinds) and `study/` (which asks and
 * tells): neither imports the other's internals.
 */
import type { Rng } from "../random.js";
import type { FlatEncoding, MatrixEncoding } from "./search-space.js";

/** The kinds of search space a spec file may name. */
export const SPACE_KINDS = ["choices", "edge-cell", "vertex-cell"] as const;
export type SpaceKind = (typeof SPACE_KINDS)[number];

/**
 * How `encode` lays out one architecture: `matrix` for cells (the op-on-vertex DAG every predictor
 * reads, see MatrixEncoding), `flat` for `choices` (one-hot per categorical decision, one value in
 * [0, 1] per ordinal decision: predictors that need a graph refuse it with a clear error).
 */
export type ArchitectureEncoding = ({ form: "matrix" } & MatrixEncoding) | FlatEncoding;

export interface ArchitectureSpace<A = unknown> {
  /** The spec's name, e.g. "macro8", "nb201". */
  readonly name: string;
  readonly kind: SpaceKind;
  /**
   * The spec this space was made from, as parsed (a SpaceSpec of spaces/spec.ts): a study stores it,
   * and a study refuses a space whose spec differs from the stored one, name alike or not (keys and
   * encodings follow the spec: reordered ops would give another architecture's key).
   */
  readonly spec: { readonly name: string; readonly kind: SpaceKind };
  /** Number of valid architectures (exact; bigint because a `choices` space may hold 10^20). */
  readonly count: bigint;
  /** How `count` was obtained: listed one by one (and cached), or computed by a formula. */
  readonly countedBy: "enumerated" | "computed";
  /**
   * The identity of an architecture: equal keys ⇔ the same architecture (for cells: invariant to
   * vertex order and to pruned vertices, e.g. the NAS-Bench-101 module hash). Stable across versions:
   * studies store it.
   */
  key(arch: A): string;
  /**
   * The JSON form of an architecture: `choices` → `{ decision: option }`; `edge-cell` → the arch
   * string `|op~0|+|op~0|op~1|+|…|`; `vertex-cell` → `{ matrix: number[][], ops: string[] }`. (Not
   * named toJSON: JSON.stringify calls a toJSON method of the object it writes, so a space written as
   * JSON threw "not an architecture".)
   */
  jsonOf(arch: A): unknown;
  /** Parses the JSON form (or, for cells, the text forms); throws InvalidCellError naming the rule. */
  fromJSON(value: unknown): A;
  /**
   * Columns that name an architecture in a label or results file: `choices` → one per decision;
   * `edge-cell` → `arch`; `vertex-cell` → `matrix`, `ops` (as the `cell` command prints them).
   */
  readonly columns: readonly string[];
  /** An architecture from those columns of one row (other columns are ignored). */
  fromRow(row: Readonly<Record<string, string>>): A;
  /** The columns of one architecture, as text. */
  toRow(arch: A): Record<string, string>;
  /**
   * `n` distinct architectures, uniformly over valid ones (fewer only when the space has fewer).
   * Throws UserError for an `rng` that is no Rng or an `n` that is no integer ≥ 0 (checkSampleArgs).
   */
  sample(rng: Rng, n: number): A[];
  /** A random valid neighbour, different from `arch` (one decision / one op / one edge changed). */
  mutate(rng: Rng, arch: A): A;
  /** A valid architecture taking each part from one parent at random. */
  crossover(rng: Rng, a: A, b: A): A;
  /**
   * Optional, where one-mutation neighbours can be told exactly rather than by sampling `mutate`
   * (`choices`: architectures differing in exactly one decision): keys such that two different
   * architectures are one mutation apart exactly when they share a key. `ask`'s spread step
   * (study/batch-spread.ts) uses it when present; cell kinds leave it out and are sampled.
   */
  neighbourKeys?(arch: A): string[];
  /**
   * Optional, where `key` is costly (`vertex-cell`: a module hash): a cheap function of the key, so that
   * architectures of different quick keys have different keys. A table short of the space
   * (study/table-space.ts) tells most mutations outside it by their quick key alone.
   */
  quickKey?(arch: A): string;
  /**
   * Optional, where reading an architecture may drop part of what was written (`vertex-cell`: vertices
   * off every input→output path are pruned): what reading `written` (fromJSON's or fromRow's input)
   * dropped, e.g. "pruning 2 vertices off every input→output path"; undefined when nothing. `tell`
   * says it when a text names an architecture told before under another text.
   */
  reduction?(written: unknown): string | undefined;
  readonly encoding: ArchitectureEncoding;
  /** The encodings of `archs`, concatenated: `archs.length × encoding.size` float32. */
  encode(archs: readonly A[]): Float32Array;
}
