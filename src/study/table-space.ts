/**
 * The architectures of an evaluated table seen as a space of their own: what `simulate` searches when
 * the table does not hold every member of the space (a strategy may only suggest what the table can
 * answer). Keys, text forms and encodings are the space's; sampling draws table members; a mutation is
 * the space's, redrawn until it lands in the table.
 */
import { InvalidCellError } from "../errors.js";
import type { Rng } from "../random.js";
import type { ArchitectureSpace } from "../spaces/architecture-space.js";
import { sampleDistinct } from "../spaces/search-space.js";

/** Mutations tried for one that lands in the table before a random other member is taken. */
const TRIES = 64;

export class TableSpace<A> implements ArchitectureSpace<A> {
  readonly name: string;
  readonly kind: ArchitectureSpace<A>["kind"];
  readonly spec: ArchitectureSpace<A>["spec"];
  readonly count: bigint;
  readonly countedBy = "enumerated" as const;
  readonly columns: readonly string[];
  readonly encoding: ArchitectureSpace<A>["encoding"];
  private readonly index = new Map<string, number>();
  /** The space's exact neighbour keys, where it has them (choices): table members are its members. */
  readonly neighbourKeys?: (arch: A) => string[];
  /** The space's quick keys, where it has them (vertex-cell), and those of the table's members. */
  readonly quickKey?: (arch: A) => string;
  private readonly quickKeys?: Set<string>;

  /** `archs`: distinct architectures of `space` (by key). */
  constructor(
    readonly space: ArchitectureSpace<A>,
    readonly archs: readonly A[],
  ) {
    this.name = space.name;
    this.kind = space.kind;
    this.spec = space.spec;
    this.count = BigInt(archs.length);
    this.columns = space.columns;
    this.encoding = space.encoding;
    if (space.neighbourKeys)
      this.neighbourKeys = (arch) => (space.neighbourKeys as (a: A) => string[]).call(space, arch);
    archs.forEach((arch, k) => {
      this.index.set(space.key(arch), k);
    });
    if (space.quickKey) {
      const quickKey = (arch: A) => (space.quickKey as (a: A) => string).call(space, arch);
      this.quickKey = quickKey;
      this.quickKeys = new Set(archs.map(quickKey));
    }
  }

  key(arch: A): string {
    return this.space.key(arch);
  }

  jsonOf(arch: A): unknown {
    return this.space.jsonOf(arch);
  }

  fromJSON(value: unknown): A {
    return this.member(this.space.fromJSON(value));
  }

  fromRow(row: Readonly<Record<string, string>>): A {
    return this.member(this.space.fromRow(row));
  }

  toRow(arch: A): Record<string, string> {
    return this.space.toRow(arch);
  }

  sample(rng: Rng, n: number): A[] {
    return Array.from(
      sampleDistinct(rng, this.archs.length, Math.min(n, this.archs.length)),
      (k) => this.archs[k],
    );
  }

  /**
   * The table index of `arch`, or undefined when it is not in the table: most architectures outside
   * it are told by their quick key, without their key (a module hash, for cells).
   */
  private indexOf(arch: A): number | undefined {
    if (this.quickKey && !this.quickKeys?.has(this.quickKey(arch))) return undefined;
    return this.index.get(this.space.key(arch));
  }

  mutate(rng: Rng, arch: A): A {
    const from = this.index.get(this.space.key(arch));
    for (let t = 0; t < TRIES; t++) {
      const k = this.indexOf(this.space.mutate(rng, arch));
      if (k !== undefined && k !== from) return this.archs[k];
    }
    if (this.archs.length < 2) throw new RangeError("a table of one architecture has no neighbour");
    let k = rng.int(this.archs.length - 1);
    if (from !== undefined && k >= from) k++;
    return this.archs[k];
  }

  crossover(rng: Rng, a: A, b: A): A {
    for (let t = 0; t < TRIES; t++) {
      const k = this.indexOf(this.space.crossover(rng, a, b));
      if (k !== undefined) return this.archs[k];
    }
    return this.mutate(rng, a);
  }

  encode(archs: readonly A[]): Float32Array {
    return this.space.encode(archs);
  }

  private member(arch: A): A {
    if (!this.index.has(this.space.key(arch)))
      throw new InvalidCellError("table", `${this.space.key(arch)} is not in the evaluated table`);
    return arch;
  }
}
