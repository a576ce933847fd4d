/** Seeded random numbers: every random choice in nas-assay goes through an `Rng`. */
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { shownValue, UserError } from "./errors.js";

/**
 * The largest seed a user gives (a flag, a study's seed): the generator takes 32 bits and keyed
 * generators hash 32-bit parts (2³² would repeat seed 0), and code may add small offsets to a seed.
 */
export const MAX_SEED = 2 ** 31 - 1;

/** A seeded generator (xoroshiro128+): the same seed gives the same sequence on every machine. */
export class Rng {
  private readonly gen: RandomGenerator;

  /**
   * `seed`: any safe integer. Seeds in -2³¹..2³²−1 give pure-rand's `xoroshiro128plus(seed)`, which reads
   * 32 bits; beyond, the bits above the low 32 go into the state word it leaves 0, so 2³² is not seed 0.
   * Throws RangeError for a non-integer or unsafe seed.
   */
  constructor(seed: number) {
    // shown as a value: new Rng("0") said "seed must be a safe integer, got 0"
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`seed must be a safe integer, got ${shownValue(seed, 60)}`);
    if (seed >= -(2 ** 31) && seed < 2 ** 32) this.gen = xoroshiro128plus(seed);
    else {
      const low = (seed % 2 ** 32) | 0;
      const high = Math.floor(seed / 2 ** 32) | 0;
      this.gen = xoroshiro128plusFromState([-1, ~low, low, high]);
    }
  }

  /**
   * A generator for a key of integers (say a cell id and a pass), the same for the same key on every
   * machine. The key is hashed first: the generator's first outputs follow its seed closely, so seeds
   * 0, 1, 2, … would give related sequences.
   */
  static keyed(...key: number[]): Rng {
    let h = 0x9e3779b9;
    for (const part of key) {
      h = Math.imul(h ^ (part | 0), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
    return new Rng(h);
  }

  /**
   * Uniform integer in [0, n). @throws RangeError for `n` that is no integer ≥ 1: there is no such
   * integer, and pure-rand returned NaN for 0 and 0 for -3, which a caller would have used as an index.
   */
  int(n: number): number {
    if (!(Number.isSafeInteger(n) && n >= 1))
      throw new RangeError(`Rng.int(n) draws from 0..n-1 and needs a whole n >= 1, got ${n}`);
    return uniformInt(this.gen, 0, n - 1);
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** A uniformly random order of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const a = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}

/**
 * Throws UserError unless `rng` is an Rng (anything with an `int` method): a space's sample, mutate and
 * crossover called from plain JavaScript without one said "Cannot read properties of undefined
 * (reading 'int')". `where` names the call, e.g. "nb201 sample".
 */
export function requireRng(rng: unknown, where: string): void {
  if (typeof (rng as { int?: unknown } | null | undefined)?.int !== "function")
    throw new UserError(`${where} needs a random generator (new Rng(seed)), got ${shownValue(rng, 80)}`);
}
