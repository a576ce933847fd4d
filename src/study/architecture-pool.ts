/**
 * The architectures one `ask` deals with (those told, the candidates, and the mutations the
 * neighbourhood rule draws around the best candidates) as a SearchSpace of ids, id = order of arrival.
 * Unlike spaces/ArchitectureList (a fixed list) it grows: `mutate` adds the neighbour it draws, so that
 * a predictor fitted on the told architectures can then score mutations drawn after the fit, and the
 * id-based neighbourhood rule (search/neighbourhood.ts) runs unchanged on any kind of space.
 */
import { InvalidCellError } from "../errors.js";
import type { Rng } from "../random.js";
import type { ArchitectureSpace } from "../spaces/architecture-space.js";
import { type SearchSpace, sampleDistinct } from "../spaces/search-space.js";

export class ArchitecturePool<A> implements SearchSpace<A> {
  readonly name: string;
  readonly encoding: SearchSpace<A>["encoding"];
  private readonly archs: A[] = [];
  private readonly idByKey = new Map<string, number>();

  constructor(readonly space: ArchitectureSpace<A>) {
    this.name = space.name;
    this.encoding = space.encoding as SearchSpace<A>["encoding"];
  }

  /** Architectures held so far (ids 0..size-1). */
  get size(): number {
    return this.archs.length;
  }

  /** The id of `arch`, adding it when new (the same architecture, by key, keeps its id). */
  add(arch: A, key = this.space.key(arch)): number {
    let id = this.idByKey.get(key);
    if (id === undefined) {
      id = this.archs.length;
      this.archs.push(arch);
      this.idByKey.set(key, id);
    }
    return id;
  }

  cell(id: number): A {
    if (!Number.isInteger(id) || id < 0 || id >= this.archs.length)
      throw new RangeError(
        `architecture id ${id} is out of range; the pool holds 0..${this.archs.length - 1}`,
      );
    return this.archs[id];
  }

  /** The id of an architecture given in its JSON form; throws InvalidCellError when it is not held. */
  idOf(value: unknown): number {
    const key = this.space.key(this.space.fromJSON(value));
    const id = this.idByKey.get(key);
    if (id === undefined)
      throw new InvalidCellError("pool", `${key} is not among the architectures of this ask`);
    return id;
  }

  /** `n` distinct ids among those held. */
  sample(rng: Rng, n: number): Int32Array {
    return sampleDistinct(rng, this.archs.length, n);
  }

  /** The space's mutation of the architecture, added to the pool. */
  mutate(rng: Rng, id: number): number {
    return this.add(this.space.mutate(rng, this.cell(id)));
  }

  /** The space's crossover of the two, added to the pool. */
  crossover(rng: Rng, a: number, b: number): number {
    return this.add(this.space.crossover(rng, this.cell(a), this.cell(b)));
  }

  encode(ids: ArrayLike<number>): Float32Array {
    return this.space.encode(Array.from(ids, (id) => this.cell(id)));
  }

  describe(id: number): { id: number; key: string; arch: unknown } {
    const arch = this.cell(id);
    return { id, key: this.space.key(arch), arch: this.space.jsonOf(arch) };
  }
}
