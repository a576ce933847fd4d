/**
 * The `edge-cell` kind (NAS-Bench-201's shape): a complete DAG on `nodes` nodes, node 0 the input and
 * node nodes−1 the output, one op on every edge i→j (i < j). The `zero` op means "no edge", so an
 * output may be unreachable; such cells are members of the space like any other (NAS-Bench-201 lists
 * them, at chance accuracy). Every assignment of ops is a distinct architecture: ops^edges of them.
 *
 * Text form: the arch string, one group per node j = 1..nodes−1 with its input edges in order,
 * `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` for 4 nodes (`|op~0|` for 2).
 */
import { InvalidCellError } from "../errors.js";
import { type Rng, requireRng } from "../random.js";
import type { ArchitectureEncoding, ArchitectureSpace } from "./architecture-space.js";
import { checkSampleArgs, matrixEncoding, sampleDistinct } from "./search-space.js";
import { checkSpecOfKind, type EdgeCellSpec } from "./spec.js";

/** An edge-cell architecture: the op index (into the spec's ops) of every edge, in arch-string order. */
export type EdgeCellArch = readonly number[];

/** The column of label and results files holding the arch string. */
export const EDGE_CELL_COLUMN = "arch";
/** Other column names accepted for it on reading (NAS-Bench-201's own csv files). */
const COLUMN_ALIASES = ["arch str"];

export class EdgeCellSpace implements ArchitectureSpace<EdgeCellArch> {
  readonly name: string;
  readonly kind = "edge-cell" as const;
  readonly count: bigint;
  readonly countedBy = "computed" as const;
  readonly columns = [EDGE_CELL_COLUMN] as const;
  readonly nodes: number;
  readonly ops: readonly string[];
  /** Index of the zero op in `ops`, or -1. */
  readonly zero: number;
  /** Edges (from, to) in arch-string order: grouped by target node, sources ascending. */
  readonly edges: readonly (readonly [number, number])[];
  /**
   * The op-on-vertex DAG: vertex 0 = input, 1..edges = the edges in arch order carrying their op (the
   * zero op included, so every cell has the same shape and unreachable ones are encoded too),
   * last = output; op types `input`, `output`, then the spec's ops.
   */
  readonly encoding: ArchitectureEncoding;
  private readonly adjacency: Float32Array;
  /** Op index by the op's name in Unicode NFC (an arch string may spell "café" either way). */
  private readonly opByName: ReadonlyMap<string, number>;

  constructor(readonly spec: EdgeCellSpec) {
    checkSpecOfKind(spec, "edge-cell", "new EdgeCellSpace");
    this.name = spec.name;
    this.nodes = spec.nodes;
    this.ops = spec.ops;
    this.opByName = new Map(spec.ops.map((op, i) => [op.normalize("NFC"), i]));
    this.zero = spec.zero === undefined ? -1 : (this.opByName.get(spec.zero.normalize("NFC")) ?? -1);
    const edges: [number, number][] = [];
    for (let to = 1; to < spec.nodes; to++) for (let from = 0; from < to; from++) edges.push([from, to]);
    this.edges = edges;
    this.count = BigInt(spec.ops.length) ** BigInt(edges.length);
    this.encoding = { form: "matrix", ...matrixEncoding(edges.length + 2, ["input", "output", ...spec.ops]) };
    this.adjacency = lineGraph(edges, spec.nodes);
  }

  /** The arch string. */
  key(arch: EdgeCellArch): string {
    return this.format(arch);
  }

  /** The arch string. */
  jsonOf(arch: EdgeCellArch): string {
    return this.format(arch);
  }

  /**
   * Accepts the arch string (also JSON-quoted, see `parse`) or `{ arch }`; throws InvalidCellError
   * naming the rule broken.
   */
  fromJSON(value: unknown): EdgeCellArch {
    if (typeof value === "string") return this.parse(value);
    if (value !== null && typeof value === "object" && EDGE_CELL_COLUMN in value) {
      return this.parse(String((value as { arch: unknown }).arch));
    }
    throw new InvalidCellError("format", `expected an arch string like ${this.example()}`);
  }

  fromRow(row: Readonly<Record<string, string>>): EdgeCellArch {
    const text = [EDGE_CELL_COLUMN, ...COLUMN_ALIASES].map((c) => row[c]).find((t) => t !== undefined);
    if (text === undefined) {
      throw new InvalidCellError("format", `the row has no "${EDGE_CELL_COLUMN}" column (an arch string)`);
    }
    return this.parse(text);
  }

  toRow(arch: EdgeCellArch): Record<string, string> {
    return { [EDGE_CELL_COLUMN]: this.format(arch) };
  }

  /**
   * Parses and validates an arch string; throws InvalidCellError naming the rule broken. The string may
   * come JSON-quoted (`"|op~0|+|…|"`, what `jq -c '.[0].arch'` prints of `ask --json`): text that parses
   * as a JSON string is read as the string inside.
   */
  parse(text: string): EdgeCellArch {
    if (typeof text !== "string") throw new InvalidCellError("format", "an arch string is expected");
    // spaces beside "|", "+" and "~" are padding (an op name holds none: the spec refuses it), as in
    // "| nor_conv_3x3~0 | + | …", written for reading: it was refused as 'node 1 group "| nor_conv_3x3~0 | "
    // must start and end with "|"'. A space inside an op name stays, and is refused as no op.
    const trimmed = unquoted(text.trim())
      .trim()
      .replace(/\s*([|+~])\s*/g, "$1");
    const groups = trimmed.split("+");
    const expected = this.nodes - 1;
    if (groups.length !== expected) {
      throw new InvalidCellError(
        "format",
        `"${clip(trimmed)}" has ${groups.length} node groups; expected ${expected} separated by "+", like ${this.example()}`,
      );
    }
    const arch: number[] = [];
    groups.forEach((group, g) => {
      const node = g + 1;
      if (!group.startsWith("|") || !group.endsWith("|")) {
        throw new InvalidCellError(
          "format",
          `node ${node} group "${clip(group)}" must start and end with "|"`,
        );
      }
      const inputs = group.slice(1, -1).split("|");
      if (inputs.length !== node) {
        throw new InvalidCellError(
          "format",
          `node ${node} has ${inputs.length} input edge${inputs.length === 1 ? "" : "s"}; expected ${node} (one from each earlier node)`,
        );
      }
      inputs.forEach((edge, from) => {
        const m = /^(.+)~(\d+)$/.exec(edge);
        if (!m)
          throw new InvalidCellError("format", `edge "${clip(edge)}" into node ${node} is not op~index`);
        if (Number(m[2]) !== from) {
          throw new InvalidCellError(
            "edge-order",
            `edge "${edge}" into node ${node} should come from node ${from}`,
          );
        }
        const op = this.opByName.get(m[1].normalize("NFC")) ?? -1;
        if (op < 0)
          throw new InvalidCellError("op", `op "${clip(m[1])}" is not one of ${this.ops.join(", ")}`);
        arch.push(op);
      });
    });
    return arch;
  }

  /** The arch string of an architecture. */
  format(arch: EdgeCellArch): string {
    this.check(arch);
    const groups: string[] = [];
    let e = 0;
    for (let to = 1; to < this.nodes; to++) {
      const inputs: string[] = [];
      for (let from = 0; from < to; from++) inputs.push(`${this.ops[arch[e++]]}~${from}`);
      groups.push(`|${inputs.join("|")}|`);
    }
    return groups.join("+");
  }

  /** True when some input→output path has no zero edge (else the cell outputs zeros). */
  outputReachable(arch: EdgeCellArch): boolean {
    this.check(arch);
    const reached = new Uint8Array(this.nodes);
    reached[0] = 1;
    this.edges.forEach(([from, to], e) => {
      if (reached[from] && arch[e] !== this.zero) reached[to] = 1;
    });
    return reached[this.nodes - 1] === 1;
  }

  /** The rank of an architecture: its op indices as base-ops digits, first edge most significant. */
  rank(arch: EdgeCellArch): bigint {
    this.check(arch);
    const k = BigInt(this.ops.length);
    return arch.reduce((r, op) => r * k + BigInt(op), 0n);
  }

  /** The architecture of a rank 0..count−1 (see `rank`). */
  fromRank(rank: bigint | number): EdgeCellArch {
    let r = BigInt(rank);
    if (r < 0n || r >= this.count) throw new RangeError(`rank ${rank} is outside 0..${this.count - 1n}`);
    const k = BigInt(this.ops.length);
    const arch = new Array<number>(this.edges.length);
    for (let e = this.edges.length - 1; e >= 0; e--) {
      arch[e] = Number(r % k);
      r /= k;
    }
    return arch;
  }

  /**
   * `n` distinct architectures, uniform over the space: every edge's op drawn uniformly, repeats
   * redrawn; a space under 4n members is sampled by rank without replacement instead.
   */
  sample(rng: Rng, n: number): EdgeCellArch[] {
    checkSampleArgs(this.name, rng, n);
    const want = this.count < BigInt(n) ? Number(this.count) : n;
    if (this.count <= BigInt(n) * 4n) {
      return Array.from(sampleDistinct(rng, Number(this.count), want), (r) => this.fromRank(r));
    }
    const seen = new Set<string>();
    const out: EdgeCellArch[] = [];
    while (out.length < want) {
      const arch = this.edges.map(() => rng.int(this.ops.length));
      const key = arch.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(arch);
    }
    return out;
  }

  /** One edge (uniform) set to another op (uniform among the others). Throws on a one-op space. */
  mutate(rng: Rng, arch: EdgeCellArch): EdgeCellArch {
    requireRng(rng, `${this.name} mutate`);
    this.check(arch);
    if (this.ops.length < 2) throw new InvalidCellError("mutate", `${this.name} has a single architecture`);
    const next = arch.slice();
    const e = rng.int(next.length);
    const other = rng.int(this.ops.length - 1);
    next[e] = other >= arch[e] ? other + 1 : other;
    return next;
  }

  /** Each edge takes its op from one parent, chosen at random. */
  crossover(rng: Rng, a: EdgeCellArch, b: EdgeCellArch): EdgeCellArch {
    requireRng(rng, `${this.name} crossover`);
    this.check(a);
    this.check(b);
    return a.map((op, e) => (rng.int(2) === 0 ? op : b[e]));
  }

  encode(archs: readonly EdgeCellArch[]): Float32Array {
    const { vertices: V, size, opTypes } = this.encoding as ArchitectureEncoding & { form: "matrix" };
    const K = opTypes.length;
    const out = new Float32Array(archs.length * size);
    archs.forEach((arch, k) => {
      this.check(arch);
      const base = k * size;
      out.set(this.adjacency, base);
      const opBase = base + V * V;
      out[opBase] = 1; // input
      arch.forEach((op, e) => {
        out[opBase + (e + 1) * K + 2 + op] = 1;
      });
      out[opBase + (V - 1) * K + 1] = 1; // output
    });
    return out;
  }

  /** Throws RangeError when `arch` is not one op index per edge, saying which entry is wrong and why. */
  private check(arch: EdgeCellArch): void {
    const fail = (why: string) => {
      throw new RangeError(
        `not an architecture of ${this.name}: ${clip(JSON.stringify(arch) ?? String(arch))} (${why})`,
      );
    };
    if (!Array.isArray(arch)) fail(`expected a list of ${this.edges.length} op indexes, one per edge`);
    if (arch.length !== this.edges.length)
      fail(`${arch.length} entries; expected ${this.edges.length}, one op index per edge`);
    const i = arch.findIndex((op) => !Number.isInteger(op) || op < 0 || op >= this.ops.length);
    if (i >= 0)
      fail(
        `entry ${i}, ${JSON.stringify(arch[i]) ?? String(arch[i])}, is no op index; expected an integer in 0..${this.ops.length - 1} (${this.ops.join(", ")})`,
      );
  }

  /** The arch-string pattern with "op" for every op, for messages. */
  private example(): string {
    const groups: string[] = [];
    for (let to = 1; to < this.nodes; to++) {
      groups.push(`|${Array.from({ length: to }, (_, from) => `op~${from}`).join("|")}|`);
    }
    return groups.join("+");
  }
}

/**
 * The adjacency shared by every cell (row-major V×V, V = edges + 2): input → each edge leaving node 0,
 * each edge entering the output node → output, edge a → edge b when a ends where b starts.
 */
function lineGraph(edges: readonly (readonly [number, number])[], nodes: number): Float32Array {
  const V = edges.length + 2;
  const a = new Float32Array(V * V);
  edges.forEach(([from, to], e) => {
    if (from === 0) a[e + 1] = 1;
    if (to === nodes - 1) a[(e + 1) * V + (V - 1)] = 1;
    edges.forEach(([from2], e2) => {
      if (from2 === to) a[(e + 1) * V + (e2 + 1)] = 1;
    });
  });
  return a;
}

/** The string inside `text` when it is a JSON string (`"…"` with JSON escapes), else `text`. */
function unquoted(text: string): string {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  try {
    const inner: unknown = JSON.parse(text);
    return typeof inner === "string" ? inner : text;
  } catch {
    return text;
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
