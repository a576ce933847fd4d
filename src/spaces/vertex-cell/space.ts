/**
 * The `vertex-cell` kind (NAS-Bench-101's shape): an upper-triangular adjacency with an input (first)
 * and an output (last) vertex, one op on each interior vertex; vertices off every input→output path
 * are pruned, and the vertex and edge limits count after pruning. An architecture's identity is the
 * NAS-Bench-101 module hash (hash.ts), invariant to vertex order; the space holds one cell per hash.
 *
 * Size: the canonical unlabelled graphs are listed (cheap up to 7 vertices) and the labelled cells
 * counted exactly by Burnside's lemma (isomorphism classes). At most ENUMERATION_LIMIT of them: the
 * cells are enumerated and hashed (as NAS-Bench-101 is), ids = positions of the sorted hashes, and
 * cached on disk when large. Above it the space is never listed: `count` is the number of
 * isomorphism classes (`countedBy` "computed"; it equals the number of distinct hashes unless two
 * non-isomorphic cells share a hash, which never happens among NAS-Bench-101's 423,624), and `sample`
 * draws uniformly over valid pruned cells up to isomorphism (each class equally likely; see sample).
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { cacheDir } from "../../data/locations.js";
import { InvalidCellError, refuseUnknownKeys, shownValue, UserError } from "../../errors.js";
import { type Rng, requireRng } from "../../random.js";
import type { ArchitectureEncoding, ArchitectureSpace } from "../architecture-space.js";
import { checkSampleArgs, type MatrixEncoding, matrixEncoding, sampleDistinct } from "../search-space.js";
import { checkSpecOfKind, type VertexCellSpec } from "../spec.js";
import { cachePath, readTableCache, specFingerprint, writeTableCache } from "./cache.js";
import {
  type CellLimits,
  cellFromCompact,
  cellFromParts,
  INPUT,
  matrixText,
  OUTPUT,
  type PrunedCell,
  parseCell,
  pruneCell,
  type VertexCell,
} from "./cell.js";
import {
  type CanonicalGraph,
  canonicalGraphs,
  edgeBit,
  labellingOrbits,
  opBits,
  packShape,
  stabiliserSize,
  unpackShape,
} from "./enumerate.js";
import { degreeSignature, digestHex, digestWordKey, ModuleHasher, parseDigestHex } from "./hash.js";
import { buildTable, type CellTable } from "./table.js";

/** Spaces of at most this many cells are enumerated (the sort key of table.ts allows 2^21). */
export const ENUMERATION_LIMIT = 2_000_000;
/** Enumerated spaces of at least this many cells are cached on disk (smaller ones take under a second). */
const CACHE_MIN_CELLS = 50_000;

/** The columns naming a cell in label and results files. */
export const VERTEX_CELL_COLUMNS = ["matrix", "ops"] as const;

/** How an enumerated space's table was obtained. */
export type TableOrigin = "cache" | "enumerated" | "rebuilt (cache invalid)";

export interface VertexCellLoadOptions {
  /** Directory of the cache file (default: cacheDir()). */
  cacheDir?: string;
  /** Worker threads for a cold enumeration (default: up to 2). */
  threads?: number;
  /** Called with a one-line note when a large space is enumerated or its cache is unusable. */
  onNote?: (note: string) => void;
  /** Enumerate spaces of at most this many cells (default ENUMERATION_LIMIT). */
  enumerationLimit?: number;
}

/**
 * Throws UserError (starting with `who`) for load options of an unknown name or the wrong kind: from
 * JavaScript, `{ cachedir: "/x" }` was dropped and the default cache used, and `{ cacheDir: 5 }` failed
 * with "The "paths[0]" argument must be of type string".
 */
export function checkLoadOptions(
  options: unknown,
  who: string,
  known: readonly (keyof VertexCellLoadOptions)[] = ["cacheDir", "threads", "onNote", "enumerationLimit"],
): void {
  refuseUnknownKeys(options as object, known, who);
  const o = options as Record<string, unknown>;
  const refuse = (name: string, expected: string) => {
    throw new UserError(`${who}: ${name} must be ${expected}, got ${shownValue(o[name], 60)}`);
  };
  if (o.cacheDir !== undefined && !(typeof o.cacheDir === "string" && o.cacheDir !== ""))
    refuse("cacheDir", "a folder's path (a non-empty string)");
  if (o.threads !== undefined && !(Number.isInteger(o.threads) && (o.threads as number) >= 1))
    refuse("threads", "a positive integer");
  if (o.onNote !== undefined && typeof o.onNote !== "function")
    refuse("onNote", "a function of one line of text");
  if (
    o.enumerationLimit !== undefined &&
    !(typeof o.enumerationLimit === "number" && o.enumerationLimit >= 0 && !Number.isNaN(o.enumerationLimit))
  )
    refuse("enumerationLimit", "a number of cells ≥ 0");
}

/** Mutation rates; the defaults flip each possible edge with probability 1/(V(V-1)/2), each op with 1/(V-2). */
export interface MutationOptions {
  edgeProbability?: number;
  opProbability?: number;
}

/** Count, cells per vertex count, and sha256 of the sorted hash list (one lowercase hash + "\n" per line). */
export interface TableSummary {
  count: number;
  byVertices: Record<string, number>;
  sha256: string;
}

export class VertexCellSpace implements ArchitectureSpace<VertexCell> {
  readonly name: string;
  readonly kind = "vertex-cell" as const;
  readonly count: bigint;
  readonly countedBy: "enumerated" | "computed";
  readonly columns = VERTEX_CELL_COLUMNS;
  readonly limits: CellLimits;
  /**
   * `maxVertices`² adjacency + `maxVertices` × (ops + 2) one-hot ops per cell, op types `input`, the
   * spec's ops in name order (NAS-Bench-101's encoding order), `output`. A cell with fewer vertices
   * keeps indices 0..n-2 and puts its output last; padded rows are zero.
   */
  readonly encoding: ArchitectureEncoding;
  private readonly hasher: ModuleHasher;
  private readonly opBits: number;
  /** Per op index: its one-hot column in the encoding. */
  private readonly opColumn: Int32Array;
  /** First digest word of each id in byte order, for a fast binary search (enumerated spaces). */
  private readonly firstKeys?: Uint32Array;
  /** Cumulative sampling weights of the canonical graphs (spaces too large to enumerate). */
  private weights?: Float64Array;

  private constructor(
    readonly spec: VertexCellSpec,
    /** Every cell sorted by hash, when the space is enumerated. */
    readonly table: CellTable | undefined,
    /** How the table was obtained, when enumerated. */
    readonly origin: TableOrigin | undefined,
    /** The canonical graphs, for sampling a space too large to enumerate. */
    private readonly graphs: CanonicalGraph[] | undefined,
    count: bigint,
  ) {
    this.name = spec.name;
    this.limits = { maxVertices: spec.maxVertices, maxEdges: spec.maxEdges, ops: spec.ops };
    this.count = count;
    this.countedBy = table ? "enumerated" : "computed";
    this.hasher = new ModuleHasher(spec.maxVertices, spec.ops.length);
    this.opBits = opBits(spec.ops.length);
    const named = [...spec.ops].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const opTypes = [INPUT, ...named, OUTPUT];
    this.opColumn = Int32Array.from(spec.ops, (op) => opTypes.indexOf(op));
    this.encoding = { form: "matrix", ...matrixEncoding(spec.maxVertices, opTypes) };
    if (table)
      this.firstKeys = Uint32Array.from({ length: table.count }, (_, i) =>
        digestWordKey(table.digests[i * 4]),
      );
  }

  /**
   * The space of a checked spec: from its cache, enumerated (and cached when large), or counted only
   * (see the module comment). A cold NAS-Bench-101 enumeration takes about 10 s.
   */
  static async load(spec: VertexCellSpec, options: VertexCellLoadOptions = {}): Promise<VertexCellSpace> {
    checkSpecOfKind(spec, "vertex-cell", "VertexCellSpace.load");
    checkLoadOptions(options, "VertexCellSpace.load");
    const fingerprint = specFingerprint(spec);
    const path = cachePath(options.cacheDir ?? cacheDir(), spec);
    const cached = readTableCache(path, fingerprint);
    if (cached && !("invalid" in cached)) {
      return new VertexCellSpace(spec, cached, "cache", undefined, BigInt(cached.count));
    }
    const graphs = canonicalGraphs(spec.maxVertices, spec.maxEdges);
    const classes = graphs.reduce((sum, g) => sum + labellingOrbits(g, spec.ops.length), 0n);
    if (classes > BigInt(options.enumerationLimit ?? ENUMERATION_LIMIT)) {
      return new VertexCellSpace(spec, undefined, undefined, graphs, classes);
    }
    const large = classes >= BigInt(CACHE_MIN_CELLS);
    if (large) {
      options.onNote?.(
        cached
          ? `space cache ${path} is invalid (${cached.invalid}); enumerating ${spec.name} again`
          : `no space cache at ${path}; enumerating ${spec.name} (${classes} cells, once)`,
      );
    }
    const table = await buildTable(
      graphs,
      spec.ops.length,
      options.threads ?? Math.min(2, availableParallelism()),
    );
    if (large) {
      try {
        writeTableCache(path, table, fingerprint);
      } catch (e) {
        // a read-only or full disk costs the next run an enumeration, not this one its result
        options.onNote?.(`could not write the space cache ${path}: ${(e as Error).message}`);
      }
    }
    const origin = cached ? "rebuilt (cache invalid)" : "enumerated";
    return new VertexCellSpace(spec, table, origin, undefined, BigInt(table.count));
  }

  /** The module hash (32 lowercase hex characters) of the pruned cell. */
  key(arch: VertexCell): string {
    const kept = this.keys.get(arch);
    if (kept !== undefined) return kept;
    const key = this.hasher.hashHex(pruneCell(arch, this.limits));
    if (this.made.has(arch)) this.keys.set(arch, key);
    return key;
  }

  /**
   * The cells this space made (pruned, frozen: prunedCell, frozen) and the hashes known of them. A
   * table of 5,000 cells (study/table-space.ts) redraws a mutation up to 64 times until it lands in the
   * table, and the key of the parent (asked again by every mutate) and of each mutation (asked again by
   * the table) were three hashes a draw, most of its time; a cell made here cannot change, so its key,
   * once known, is kept.
   */
  private readonly made = new WeakSet<VertexCell>();
  private readonly keys = new WeakMap<VertexCell, string>();
  private readonly quickKeys = new WeakMap<VertexCell, string>();

  /**
   * The pruned cell's degree signature (its vertices' op, in- and out-degree, sorted: hash.ts): equal
   * for cells of one hash, so cells of different signatures differ (ArchitectureSpace.quickKey).
   */
  quickKey(arch: VertexCell): string {
    const kept = this.quickKeys.get(arch);
    if (kept !== undefined) return kept;
    const quick = degreeSignature(pruneCell(arch, this.limits));
    if (this.made.has(arch)) this.quickKeys.set(arch, quick);
    return quick;
  }

  /** `{ matrix, ops }` of the pruned cell (ops with "input" first and "output" last). */
  jsonOf(arch: VertexCell): { matrix: number[][]; ops: string[] } {
    return this.prunedCell(pruneCell(arch, this.limits));
  }

  /**
   * Any accepted form — `{ matrix, ops }` (matrix as nested 0/1 arrays or a row-major 0/1 string, ops as
   * a list or comma-separated), a `[matrix, ops]` pair, or JSON text of these — validated and pruned.
   * An object with a key besides `matrix` and `ops` is refused (InvalidCellError), as `choices` refuses
   * a key that is not a decision.
   */
  fromJSON(value: unknown): VertexCell {
    return this.prunedCell(pruneCell(parseCell(value, true), this.limits));
  }

  fromRow(row: Readonly<Record<string, string>>): VertexCell {
    return this.prunedCell(pruneCell(this.rowCell(row), this.limits));
  }

  /**
   * What reading `written` (a form fromJSON reads, or a row's columns as fromRow reads them) prunes:
   * "pruning 2 vertices off every input→output path", or undefined when it prunes nothing (or is no
   * cell). Messages say it when two texts are one cell: a study told one refuses a second value for
   * the other, and "was told" alone named a text the user never told.
   */
  reduction(written: unknown): string | undefined {
    let raw: VertexCell;
    let kept: number;
    try {
      const row = written as Record<string, unknown> | null;
      // a row's columns are text (a matrix as JSON text too), which fromRow reads as fromJSON does and more
      raw =
        row !== null &&
        typeof row === "object" &&
        typeof row.matrix === "string" &&
        typeof row.ops === "string"
          ? this.rowCell(row as Record<string, string>)
          : parseCell(written);
      kept = pruneCell(raw, this.limits).vertices;
    } catch {
      return undefined;
    }
    const pruned = raw.ops.length - kept;
    return pruned > 0
      ? `pruning ${pruned} ${pruned === 1 ? "vertex" : "vertices"} off every input→output path`
      : undefined;
  }

  /** The cell of a row's `matrix` and `ops` columns, not yet pruned. */
  private rowCell(row: Readonly<Record<string, string>>): VertexCell {
    if (row.matrix === undefined || row.ops === undefined) {
      throw new InvalidCellError("format", 'the row needs a "matrix" and an "ops" column');
    }
    let matrix: unknown = row.matrix;
    const text = row.matrix.trim();
    if (text.startsWith("[")) {
      try {
        matrix = JSON.parse(text);
      } catch {
        throw new InvalidCellError("matrix-format", `matrix ${shown(text)} ${notJsonMatrix(text)}`);
      }
    }
    let ops: unknown = row.ops;
    if (row.ops.trim().startsWith("[")) {
      try {
        ops = JSON.parse(row.ops);
      } catch {
        throw new InvalidCellError(
          "ops-format",
          `ops ${shown(row.ops.trim())} ${notJsonOps(row.ops.trim())}`,
        );
      }
    }
    return cellFromParts(matrix, ops);
  }

  /** `matrix` as the row-major 0/1 string NAS-Bench-101 files use, `ops` comma-separated. */
  toRow(arch: VertexCell): Record<string, string> {
    const cell = this.jsonOf(arch);
    return { matrix: matrixText(cell.matrix), ops: cell.ops.join(",") };
  }

  /**
   * `n` distinct cells (fewer only when the space has fewer), uniform over valid pruned cells up to
   * isomorphism. Enumerated: uniform ids. Otherwise: a canonical graph drawn with probability ∝
   * ops^(interior vertices) and a labelling drawn uniformly (every (graph, labelling) pair equally
   * likely), kept with probability |stabiliser| / |automorphisms| so that every isomorphism class is
   * equally likely; repeats (same hash) redrawn.
   */
  sample(rng: Rng, n: number): VertexCell[] {
    checkSampleArgs(this.name, rng, n);
    const want = this.count < BigInt(n) ? Number(this.count) : n;
    if (this.table) return Array.from(sampleDistinct(rng, this.table.count, want), (id) => this.cellAt(id));
    const graphs = this.graphs as CanonicalGraph[];
    const k = this.limits.ops.length;
    const cumulative = this.graphWeights(graphs);
    const total = cumulative[cumulative.length - 1];
    const seen = new Set<string>();
    const out: VertexCell[] = [];
    while (out.length < want) {
      const r = rng.float() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid] <= r) lo = mid + 1;
        else hi = mid;
      }
      const graph = graphs[lo];
      const labels = new Int32Array(graph.vertices);
      for (let v = 1; v < graph.vertices - 1; v++) labels[v] = rng.int(k);
      const stabiliser = stabiliserSize(graph, labels);
      const group = graph.automorphisms.length + 1;
      if (stabiliser < group && rng.float() * group >= stabiliser) continue;
      const cell = this.frozen(
        cellFromCompact(graph.vertices, graph.bits, labels.subarray(1, graph.vertices - 1), this.limits.ops),
      );
      const key = this.key(cell);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(cell);
    }
    return out;
  }

  /**
   * NAS-Bench-101's mutation: on the cell padded to maxVertices, flip each possible edge with
   * probability `edgeProbability` and change each interior op with probability `opProbability` (to
   * one of the others, uniformly); retried until the result is a valid cell with another hash.
   * Throws InvalidCellError when the space has a single cell.
   */
  mutate(rng: Rng, arch: VertexCell, options: MutationOptions = {}): VertexCell {
    requireRng(rng, `${this.name} mutate`);
    const V = this.limits.maxVertices;
    if (this.count < 2n) throw new InvalidCellError("mutate", `${this.name} has a single architecture`);
    const edgeP = options.edgeProbability ?? 1 / ((V * (V - 1)) / 2);
    const opP = options.opProbability ?? 1 / (V - 2);
    const original = this.key(arch);
    const originalQuick = this.quickKey(arch);
    const base = this.padded(this.jsonOf(arch), rng);
    for (let attempt = 0; attempt < 100_000; attempt++) {
      const matrix = base.matrix.map((row) => row.slice());
      const ops = base.ops.slice();
      for (let i = 0; i < V - 1; i++) {
        for (let j = i + 1; j < V; j++) if (rng.float() < edgeP) matrix[i][j] = 1 - matrix[i][j];
      }
      for (let v = 1; v < V - 1; v++) {
        if (rng.float() < opP) {
          const others = this.limits.ops.filter((o) => o !== ops[v]);
          if (others.length > 0) ops[v] = others[rng.int(others.length)];
        }
      }
      const next = this.tryPrune({ matrix, ops });
      if (!next) continue;
      // a cell of another signature is another cell: told without hashing it (its key, when asked)
      const quick = degreeSignature(next);
      const key = quick === originalQuick ? this.hasher.hashHex(next) : undefined;
      if (key === original) continue;
      const cell = this.prunedCell(next);
      this.quickKeys.set(cell, quick);
      if (key !== undefined) this.keys.set(cell, key);
      return cell;
    }
    throw new Error(`mutation of cell ${original} found no valid neighbour in 100,000 attempts`);
  }

  /**
   * Uniform crossover on the cells padded to maxVertices: each vertex takes its op and its outgoing
   * edges from one parent, chosen at random; retried until the child is a valid cell (after 1,000
   * failures, a mutation of the first parent).
   */
  crossover(rng: Rng, a: VertexCell, b: VertexCell): VertexCell {
    requireRng(rng, `${this.name} crossover`);
    const V = this.limits.maxVertices;
    const parents = [this.padded(this.jsonOf(a), rng), this.padded(this.jsonOf(b), rng)];
    for (let attempt = 0; attempt < 1000; attempt++) {
      const from = Array.from({ length: V }, () => parents[rng.int(2)]);
      const matrix = from.map((parent, v) => parent.matrix[v].slice());
      const ops = from.map((parent, v) => parent.ops[v]);
      const child = this.tryPrune({ matrix, ops });
      if (child) return this.prunedCell(child);
    }
    return this.mutate(rng, a);
  }

  encode(archs: readonly VertexCell[]): Float32Array {
    const size = this.encoding.size;
    const out = new Float32Array(archs.length * size);
    archs.forEach((arch, k) => {
      const p = pruneCell(arch, this.limits);
      this.encodeCompact(out, k * size, p.vertices, p.bits, p.interiorOps);
    });
    return out;
  }

  // --- enumerated spaces: cells by id (id = position of the sorted hash) ---

  /** Number of listed cells (enumerated spaces; RangeError otherwise). */
  get size(): number {
    return this.listed().count;
  }

  /** The official representative of id `id` (smallest edge bits, then first labelling). */
  cellAt(id: number): VertexCell {
    const table = this.listed();
    this.checkId(id);
    const { vertices, interiorOps } = unpackShape(table.shape[id], this.opBits);
    return this.frozen(cellFromCompact(vertices, table.bits[id], interiorOps, this.limits.ops));
  }

  /** The stored compact form of a cell: official edge bits and packed shape. */
  compactAt(id: number): { bits: number; shape: number } {
    const table = this.listed();
    this.checkId(id);
    return { bits: table.bits[id], shape: table.shape[id] };
  }

  /** The module hash (lowercase hex) of id `id`. */
  hashAt(id: number): string {
    const table = this.listed();
    this.checkId(id);
    return digestHex(table.digests, id * 4);
  }

  /** The id of a module hash (32 hex characters, any case), or -1 when no cell has it. */
  idOfKey(hash: string): number {
    const words = new Int32Array(4);
    if (!parseDigestHex(hash, words)) {
      throw new InvalidCellError("hash-format", `"${hash}" is not a 32-character hex md5 hash`);
    }
    return this.findDigest(words);
  }

  /** The id of a cell in any accepted form (validated and pruned; InvalidCellError when invalid). */
  idOf(cell: unknown): number {
    const p = pruneCell(parseCell(cell), this.limits);
    const words = new Int32Array(4);
    this.hasher.hashInto(p, words);
    const id = this.findDigest(words);
    // Every valid pruned cell within the limits is enumerated, so this cannot miss.
    if (id < 0) throw new Error(`valid cell with hash ${digestHex(words, 0)} is not in the enumerated space`);
    return id;
  }

  /** The encodings of ids (enumerated spaces), as `encode` lays them out. */
  encodeIds(ids: ArrayLike<number>): Float32Array {
    const table = this.listed();
    const size = this.encoding.size;
    const out = new Float32Array(ids.length * size);
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      this.checkId(id);
      const { vertices, interiorOps } = unpackShape(table.shape[id], this.opBits);
      this.encodeCompact(out, k * size, vertices, table.bits[id], interiorOps);
    }
    return out;
  }

  /** Count, cells per vertex count, and sha256 of the sorted hash list (enumerated spaces). */
  summary(): TableSummary {
    const table = this.listed();
    const byVertices: Record<string, number> = {};
    const sha = createHash("sha256");
    for (let id = 0; id < table.count; id++) {
      const v = String(table.shape[id] & 7);
      byVertices[v] = (byVertices[v] ?? 0) + 1;
      sha.update(`${digestHex(table.digests, id * 4)}\n`);
    }
    return { count: table.count, byVertices, sha256: sha.digest("hex") };
  }

  /** Writes one cell's encoding at `base`: vertex i < n-1 at row i, the output at the last row. */
  private encodeCompact(
    out: Float32Array,
    base: number,
    n: number,
    bits: number,
    interiorOps: ArrayLike<number>,
  ): void {
    const { vertices: V, opTypes } = this.encoding as MatrixEncoding;
    const K = opTypes.length;
    const at = (v: number) => (v === n - 1 ? V - 1 : v);
    for (let j = 1; j < n; j++) {
      for (let i = 0; i < j; i++) if (bits & (1 << edgeBit(i, j))) out[base + at(i) * V + at(j)] = 1;
    }
    const opBase = base + V * V;
    out[opBase] = 1; // input
    for (let v = 1; v < n - 1; v++) out[opBase + v * K + this.opColumn[interiorOps[v - 1]]] = 1;
    out[opBase + (V - 1) * K + K - 1] = 1; // output
  }

  /** Cumulative ops^(interior vertices) over the graphs (computed once). */
  private graphWeights(graphs: CanonicalGraph[]): Float64Array {
    if (!this.weights) {
      const k = this.limits.ops.length;
      let sum = 0;
      this.weights = Float64Array.from(graphs, (g) => {
        sum += k ** (g.vertices - 2);
        return sum;
      });
    }
    return this.weights;
  }

  /** The pruned cell as a matrix and op names. */
  /** The cell of `p`, frozen. */
  private prunedCell(p: PrunedCell): VertexCell {
    return this.frozen(cellFromCompact(p.vertices, p.bits, p.interiorOps, this.limits.ops));
  }

  /** `cell` (made here, pruned) frozen, its arrays too, and marked made here: its key may be kept. */
  private frozen(cell: VertexCell): VertexCell {
    for (const row of cell.matrix) Object.freeze(row);
    Object.freeze(cell.matrix);
    Object.freeze(cell.ops);
    this.made.add(Object.freeze(cell));
    return cell;
  }

  /** The pruned cell, or undefined when it is not a valid cell of the space. */
  private tryPrune(cell: VertexCell): PrunedCell | undefined {
    try {
      return pruneCell(cell, this.limits);
    } catch (e) {
      if (e instanceof InvalidCellError) return undefined;
      throw e;
    }
  }

  /**
   * The cell as a maxVertices matrix, so that mutation can add vertices: the missing vertices are
   * inserted unconnected just before the output, with random ops (pruning removes them again until an
   * edge reaches them).
   */
  private padded(cell: VertexCell, rng: Rng): VertexCell {
    const V = this.limits.maxVertices;
    const n = cell.matrix.length;
    const extra = V - n;
    if (extra === 0) return cell;
    const matrix = Array.from({ length: V }, () => new Array<number>(V).fill(0));
    const at = (v: number) => (v === n - 1 ? V - 1 : v);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (cell.matrix[i][j]) matrix[at(i)][at(j)] = 1;
    const ops = this.limits.ops;
    const fillers = Array.from({ length: extra }, () => ops[rng.int(ops.length)]);
    return { matrix, ops: [...cell.ops.slice(0, -1), ...fillers, OUTPUT] };
  }

  private findDigest(words: Int32Array): number {
    const table = this.listed();
    const firstKeys = this.firstKeys as Uint32Array;
    const key = digestWordKey(words[0]);
    let lo = 0;
    let hi = table.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (firstKeys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    const d = table.digests;
    for (let i = lo; i < table.count && firstKeys[i] === key; i++) {
      if (
        d[i * 4] === words[0] &&
        d[i * 4 + 1] === words[1] &&
        d[i * 4 + 2] === words[2] &&
        d[i * 4 + 3] === words[3]
      ) {
        return i;
      }
    }
    return -1;
  }

  private listed(): CellTable {
    if (!this.table) {
      throw new RangeError(`${this.name} has ${this.count} cells, too many to enumerate: it has no ids`);
    }
    return this.table;
  }

  private checkId(id: number): void {
    const count = this.listed().count;
    if (!Number.isInteger(id) || id < 0 || id >= count) {
      throw new RangeError(
        `cell id ${shownValue(id)} is ${Number.isInteger(id) ? "out of range" : "not an integer"}; ${this.name} ids are 0..${count - 1}`,
      );
    }
  }
}

/** Edge bits and packed shape of a pruned cell (see enumerate.ts packShape). */
export function compactOf(cell: PrunedCell, opCount: number): { bits: number; shape: number } {
  return { bits: cell.bits, shape: packShape(cell.vertices, cell.interiorOps, opBits(opCount)) };
}

/** A cell's text in a message: quoted, on one line (a line break shown as \\n), cut at 60 characters. */
function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text).replace(/\\"/g, '"');
}

/**
 * Why a matrix cell starting with "[" is not JSON, and how to write it: NumPy's array text (what pandas
 * writes for an array, "[[0 1 1]\n [0 0 1]\n [0 0 0]]") gets its row-major 0/1 string and JSON form.
 */
export function notJsonMatrix(text: string): string {
  if (/^\[\s*(\[[\s01]*\]\s*)+\]$/.test(text)) {
    const rows = [...text.matchAll(/\[([\s01]*)\]/g)].map((m) => m[1].trim().split(/\s+/).map(Number));
    return (
      "is NumPy's array text (no commas), not JSON; write it as " +
      `${rows.map((r) => r.join("")).join("")} (row-major) or ${JSON.stringify(rows)}`
    );
  }
  return "is not JSON nor a 0/1 string";
}

/**
 * Why an ops cell starting with "[" is not JSON, and how to write it: Python's list text (what pandas
 * writes for a list, "['input', 'conv', 'output']") gets its JSON form and comma list.
 */
export function notJsonOps(text: string): string {
  if (/^\[\s*'[^']*'(\s*,\s*'[^']*')*\s*\]$/.test(text)) {
    const names = [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    return (
      "is Python's list text (single quotes), not JSON; write " +
      `${JSON.stringify(names)} or ${names.join(",")}`
    );
  }
  return "is not JSON nor a comma list";
}
