/**
 * A list of architectures of an ArchitectureSpace seen as a SearchSpace of ids (id = position in the
 * list), so that every predictor — which fits and predicts ids — works on any kind of space: a study
 * lists the architectures it knows (told ones, candidates), hands the list to a predictor, and maps
 * the ids back.
 */
import { hasMembers, InvalidCellError, shownValue, UserError } from "../errors.js";
import { type Rng, requireRng } from "../random.js";
import type { ArchitectureSpace } from "./architecture-space.js";
import {
  checkSampleArgs,
  requireIdArray,
  type SearchSpace,
  type SpaceEncoding,
  sampleDistinct,
} from "./search-space.js";

/** Mutations tried for one that stays in the list before a random other member is returned. */
const MUTATION_TRIES = 64;

export class ArchitectureList<A> implements SearchSpace<A> {
  readonly name: string;
  readonly size: number;
  readonly encoding: SpaceEncoding;
  private readonly idByKey = new Map<string, number>();

  /**
   * `archs` must be distinct architectures of `space`: no list, one holding what is no architecture of
   * `space`, or two equal architectures (equal keys) are refused in one UserError naming the positions.
   * `name` defaults to the space's name (it is written into model files and checked on load).
   */
  constructor(
    readonly space: ArchitectureSpace<A>,
    readonly archs: readonly A[],
    name?: string,
  ) {
    // no space (a caller's slip) failed with "reading 'name'"
    if (!hasMembers(space, { name: "string", key: "function", encode: "function" }))
      throw new UserError(
        `ArchitectureList needs the architectures' space (createSpace(spec)), got ${shownValue(space, 80)}`,
      );
    // no list (a caller's slip) failed with "archs.forEach is not a function"
    if (!Array.isArray(archs))
      throw new UserError(
        `ArchitectureList needs a list of architectures of ${space.name}, got ${shownValue(archs, 80)}`,
      );
    this.name = name ?? space.name;
    this.size = archs.length;
    this.encoding = space.encoding;
    archs.forEach((arch, id) => {
      let key: string;
      try {
        key = space.key(arch);
      } catch (e) {
        // the spaces' own check (their callers pass what they made) said neither the list nor the
        // position: a RangeError "not an architecture of e: "zz" (…)" from inside the space
        if (!(e instanceof RangeError || e instanceof UserError)) throw e;
        throw new UserError(
          `ArchitectureList: architecture ${id} is not an architecture of ${space.name}: ${e.message.replace(/^not an architecture of \S+: /, "")} ` +
            "(a JSON form is read with the space's fromJSON first)",
        );
      }
      const before = this.idByKey.get(key);
      // a caller's list (a user's file read into it) repeating a cell: a RangeError read as an internal
      // fault, where every other refusal of the constructor is a UserError
      if (before !== undefined)
        throw new UserError(
          `ArchitectureList: architectures ${before} and ${id} are the same (${key}); expected each architecture once`,
        );
      this.idByKey.set(key, id);
    });
  }

  cell(id: number): A {
    this.checkId(id);
    return this.archs[id];
  }

  /** The id of an architecture given as a value of the space or in its JSON form; -1 when not listed. */
  indexOf(arch: A): number {
    return this.idByKey.get(this.space.key(arch)) ?? -1;
  }

  /** Accepts the space's JSON form; throws InvalidCellError when invalid or not in the list. */
  idOf(cell: unknown): number {
    const key = this.space.key(this.space.fromJSON(cell));
    const id = this.idByKey.get(key);
    if (id === undefined)
      throw new InvalidCellError("listed", `${key} is not among the ${this.size} listed architectures`);
    return id;
  }

  sample(rng: Rng, n: number): Int32Array {
    // "10" said "cannot draw 10 distinct cells from a space of 15625", as the spec spaces' sample did
    checkSampleArgs(this.name, rng, n);
    return sampleDistinct(rng, this.size, n);
  }

  /**
   * The space's mutation, retried until it lands in the list (up to 64 tries); a list too sparse for
   * that gives a uniformly random other member instead. Throws RangeError on a list of one.
   */
  mutate(rng: Rng, id: number): number {
    requireRng(rng, `${this.name} mutate`);
    const arch = this.cell(id);
    if (this.size < 2) throw new RangeError("a list of one architecture has no neighbour");
    for (let t = 0; t < MUTATION_TRIES; t++) {
      const next = this.idByKey.get(this.space.key(this.space.mutate(rng, arch)));
      if (next !== undefined && next !== id) return next;
    }
    const other = rng.int(this.size - 1);
    return other >= id ? other + 1 : other;
  }

  /** The space's crossover, retried until it lands in the list (up to 64 tries), else parent `a`'s mutation. */
  crossover(rng: Rng, a: number, b: number): number {
    requireRng(rng, `${this.name} crossover`);
    const [x, y] = [this.cell(a), this.cell(b)];
    for (let t = 0; t < MUTATION_TRIES; t++) {
      const child = this.idByKey.get(this.space.key(this.space.crossover(rng, x, y)));
      if (child !== undefined) return child;
    }
    return this.mutate(rng, a);
  }

  encode(ids: ArrayLike<number>): Float32Array {
    requireIdArray(ids, `${this.name} encode`);
    const archs = Array.from(ids, (id) => this.cell(id));
    return this.space.encode(archs);
  }

  describe(id: number): { id: number; key: string; arch: unknown } {
    const arch = this.cell(id);
    return { id, key: this.space.key(arch), arch: this.space.jsonOf(arch) };
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new RangeError(
        `architecture id ${shownValue(id)} is ${Number.isInteger(id) ? "out of range" : "not an integer"}; the list holds 0..${this.size - 1}`,
      );
    }
  }
}
