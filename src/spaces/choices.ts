/**
 * The `choices` kind: a fixed list of named decisions, each taking one of its options (layer types,
 * kernel sizes, widths, depth). An architecture is the option index of each decision, in spec order.
 * The space holds the product of the option counts — counted, never listed, so 10^20 members work.
 */

import { parseDecimal } from "../data/decimal.js";
import { repeatedKey } from "../data/json-keys.js";
import { InvalidCellError } from "../errors.js";
import { type Rng, requireRng } from "../random.js";
import type { ArchitectureEncoding, ArchitectureSpace } from "./architecture-space.js";
import { checkSampleArgs, sampleDistinct } from "./search-space.js";
import { type ChoicesSpec, checkSpecOfKind, type Decision } from "./spec.js";

/** A `choices` architecture: the option index of each decision, in spec order. */
export type ChoicesArch = readonly number[];

/** Below this many members per asked architecture, `sample` draws ranks without replacement. */
const DENSE_SAMPLE_FACTOR = 4n;
/**
 * A space of at most this many members is always sampled by rank without replacement, whatever the
 * number asked: the first k architectures drawn are then the same for any n ≥ k (a `simulate` of budget
 * 5 asks the first 5 of budget 10; with the choice made by n against the size, a 64-member space was
 * sampled one way for 5 and the other for 10). Larger spaces keep redrawing repeats (macro8, 1,953,125
 * members, draws as its studies always did).
 */
const DENSE_SAMPLE_MAX = 1_000_000n;

export class ChoicesSpace implements ArchitectureSpace<ChoicesArch> {
  readonly name: string;
  readonly kind = "choices" as const;
  readonly count: bigint;
  readonly countedBy = "computed" as const;
  readonly columns: readonly string[];
  /**
   * One-hot block per categorical decision (feature `decision=option`), one value per ordinal decision
   * (all options numbers; feature `decision`): (value − min) / (max − min), 0 when all are equal.
   */
  readonly encoding: ArchitectureEncoding;
  private readonly decisions: readonly Decision[];
  /** Per decision: its name, and the text of each option, in Unicode NFC (how names are compared). */
  private readonly nfc: { name: string; options: readonly string[] }[];
  /** Per decision: its first feature, and for ordinal ones each option's value in [0, 1]. */
  private readonly layout: { at: number; ordinal?: Float32Array }[];

  constructor(readonly spec: ChoicesSpec) {
    checkSpecOfKind(spec, "choices", "new ChoicesSpace");
    this.name = spec.name;
    this.decisions = spec.decisions;
    this.columns = spec.decisions.map((d) => d.name);
    this.nfc = spec.decisions.map((d) => ({
      name: d.name.normalize("NFC"),
      options: d.options.map((o) => String(o).normalize("NFC")),
    }));
    this.count = spec.decisions.reduce((n, d) => n * BigInt(d.options.length), 1n);
    const features: string[] = [];
    this.layout = spec.decisions.map((d) => {
      const at = features.length;
      if (d.options.every((o) => typeof o === "number")) {
        // halves: max − min of finite options can overflow (−1e308 and 1e308), and ∞ / ∞ is NaN
        const values = (d.options as number[]).map((v) => v / 2);
        const min = Math.min(...values);
        const span = Math.max(...values) - min;
        features.push(d.name);
        return { at, ordinal: Float32Array.from(values, (v) => (span > 0 ? (v - min) / span : 0)) };
      }
      for (const o of d.options) features.push(`${d.name}=${o}`);
      return { at };
    });
    this.encoding = { form: "flat", size: features.length, features };
  }

  /**
   * Per decision (spec order): true when it is ordinal (every option a number: encoded as one value,
   * the options keeping their order), false when categorical (one-hot). What `space FILE.json` shows.
   */
  get ordinal(): readonly boolean[] {
    return this.layout.map(({ ordinal }) => ordinal !== undefined);
  }

  /** The architecture's options joined as JSON: `{"layer1":"mb3_k3","width":32}` in spec order. */
  key(arch: ChoicesArch): string {
    return JSON.stringify(this.jsonOf(arch));
  }

  /** `{ decision: option }`, options as the spec gives them (string or number). */
  jsonOf(arch: ChoicesArch): Record<string, string | number> {
    this.check(arch);
    const out: Record<string, string | number> = {};
    this.decisions.forEach((d, i) => {
      out[d.name] = d.options[arch[i]];
    });
    return out;
  }

  /**
   * Accepts `{ decision: option }` (a numeric option also as its text, in any decimal notation: 16,
   * "16", "16.0"; 0.00001 as "1e-05") or JSON text of it. Throws InvalidCellError naming the decision
   * (also one the text names twice).
   */
  fromJSON(value: unknown): ChoicesArch {
    let v = value;
    if (typeof v === "string") {
      const text = v;
      try {
        v = JSON.parse(text);
      } catch {
        throw new InvalidCellError("format", `text is not JSON; expected an object of ${this.columnList()}`);
      }
      // JSON.parse keeps the last of a repeated key: the first value given would be dropped unsaid
      const twice = repeatedKey(text, nfc);
      if (twice !== undefined)
        throw new InvalidCellError(
          "decision",
          `decision "${twice}" is given twice; expected each decision once (${this.columnList()})`,
        );
    }
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new InvalidCellError("format", `expected an object of ${this.columnList()}`);
    }
    const byName = this.byName(v as Record<string, unknown>);
    for (const field of byName.keys()) {
      if (!this.nfc.some((d) => d.name === field)) {
        throw new InvalidCellError(
          "decision",
          `"${field}" is not a decision of ${this.name} (${this.columnList()})`,
        );
      }
    }
    return this.decisions.map((d, i) => this.optionIndex(d, i, byName.get(this.nfc[i].name)));
  }

  /**
   * One results-file row: a cell per decision, numeric options in any decimal notation (as fromJSON);
   * column names and options compared in Unicode NFC. Other columns are ignored.
   */
  fromRow(row: Readonly<Record<string, string>>): ChoicesArch {
    const byName = this.byName(row);
    return this.decisions.map((d, i) => this.optionIndex(d, i, byName.get(this.nfc[i].name)));
  }

  /** One column per decision holding the option's text. */
  toRow(arch: ChoicesArch): Record<string, string> {
    this.check(arch);
    const out: Record<string, string> = {};
    this.decisions.forEach((d, i) => {
      out[d.name] = String(d.options[arch[i]]);
    });
    return out;
  }

  /**
   * `n` distinct architectures, uniform over the space: each decision's option drawn uniformly,
   * repeats redrawn; a space of at most a million members, or under 4n, is sampled by rank without
   * replacement instead (a partial Fisher-Yates: its first k draws do not depend on n).
   */
  sample(rng: Rng, n: number): ChoicesArch[] {
    checkSampleArgs(this.name, rng, n);
    const want = this.count < BigInt(n) ? Number(this.count) : n;
    if (this.count <= DENSE_SAMPLE_MAX || this.count <= BigInt(n) * DENSE_SAMPLE_FACTOR) {
      return Array.from(sampleDistinct(rng, Number(this.count), want), (rank) => this.fromRank(rank));
    }
    const seen = new Set<string>();
    const out: ChoicesArch[] = [];
    while (out.length < want) {
      const arch = this.decisions.map((d) => rng.int(d.options.length));
      const key = arch.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(arch);
    }
    return out;
  }

  /** One decision (uniform among those with 2+ options) set to another of its options (uniform). */
  mutate(rng: Rng, arch: ChoicesArch): ChoicesArch {
    requireRng(rng, `${this.name} mutate`);
    this.check(arch);
    const free = this.decisions.flatMap((d, i) => (d.options.length > 1 ? [i] : []));
    if (free.length === 0) throw new InvalidCellError("mutate", `${this.name} has a single architecture`);
    const i = free[rng.int(free.length)];
    const next = arch.slice();
    const other = rng.int(this.decisions[i].options.length - 1);
    next[i] = other >= arch[i] ? other + 1 : other;
    return next;
  }

  /** Each decision from one parent, chosen at random. */
  crossover(rng: Rng, a: ChoicesArch, b: ChoicesArch): ChoicesArch {
    requireRng(rng, `${this.name} crossover`);
    this.check(a);
    this.check(b);
    return a.map((x, i) => (rng.int(2) === 0 ? x : b[i]));
  }

  /**
   * One key per decision with 2+ options, shared by two different architectures exactly when they
   * differ in that decision alone — one `mutate` apart. The key is the decision and two 32-bit hashes
   * of every other decision's option, summed (two architectures differing in two or more decisions
   * share one with a chance of about 2⁻⁶⁴): short keys. Keys spelling out every other decision's option
   * were D numbers each, D² per architecture, and `ask` on a space of 3,000 decisions ran out of memory
   * making them.
   */
  neighbourKeys(arch: ChoicesArch): string[] {
    this.check(arch);
    let first = 0;
    let second = 0;
    // sums of at most 2^32 per decision stay exact in a double up to 2^21 decisions
    for (const [i, k] of arch.entries()) {
      first += optionHash(i, k, 1);
      second += optionHash(i, k, 2);
    }
    const keys: string[] = [];
    this.decisions.forEach((d, i) => {
      if (d.options.length < 2) return;
      keys.push(`${i}:${first - optionHash(i, arch[i], 1)}:${second - optionHash(i, arch[i], 2)}`);
    });
    return keys;
  }

  encode(archs: readonly ChoicesArch[]): Float32Array {
    const size = this.encoding.size;
    const out = new Float32Array(archs.length * size);
    archs.forEach((arch, k) => {
      this.check(arch);
      this.layout.forEach(({ at, ordinal }, i) => {
        if (ordinal) out[k * size + at] = ordinal[arch[i]];
        else out[k * size + at + arch[i]] = 1;
      });
    });
    return out;
  }

  /** The architecture of a rank 0..count-1 (mixed radix, first decision most significant). */
  private fromRank(rank: number): ChoicesArch {
    const arch = new Array<number>(this.decisions.length);
    for (let i = this.decisions.length - 1; i >= 0; i--) {
      const n = this.decisions[i].options.length;
      arch[i] = rank % n;
      rank = Math.floor(rank / n);
    }
    return arch;
  }

  /**
   * The record's own entries by key in Unicode NFC ("café" typed either way names one decision);
   * throws InvalidCellError when two keys are the same text in NFC.
   */
  private byName(record: Readonly<Record<string, unknown>>): Map<string, unknown> {
    const out = new Map<string, unknown>();
    for (const key of Object.keys(record)) {
      const name = key.normalize("NFC");
      if (out.has(name))
        throw new InvalidCellError(
          "decision",
          `decision "${key}" is given twice (written with other Unicode code points: the same text in Unicode NFC); expected each decision once`,
        );
      out.set(name, record[key]);
    }
    return out;
  }

  private optionIndex(d: Decision, at: number, value: unknown): number {
    if (value === undefined || value === null || value === "") {
      throw new InvalidCellError(
        "decision",
        `decision "${d.name}" has no option; expected one of ${optionList(d)}`,
      );
    }
    if (typeof value === "number") {
      const numeric = d.options.findIndex((o) => typeof o === "number" && o === value);
      if (numeric >= 0) return numeric;
      // a JSON number names a string option by its value: 1.10 is 1.1, which "1.10" and "1.1" both are
      const strings = d.options.flatMap((o, k) =>
        typeof o === "string" && parseDecimal(o) === value ? [k] : [],
      );
      if (strings.length > 1)
        throw new InvalidCellError(
          "option",
          `${value} is a number, and the options ${strings.map((k) => JSON.stringify(d.options[k])).join(" and ")} of ` +
            `decision "${d.name}" both read as it; write the option as a string`,
        );
      if (strings.length === 1) return strings[0];
    }
    // an option is a string or a number: an object or array is not shown whole (a deeply nested one
    // overflowed the stack writing it into the message)
    if (typeof value === "object")
      throw new InvalidCellError(
        "option",
        `decision "${d.name}" holds ${Array.isArray(value) ? "an array" : "an object"}; expected one of ${optionList(d)}`,
      );
    const text = typeof value === "string" ? value.trim() : value;
    // options compare as text in Unicode NFC: "café" typed as c-a-f-e + combining accent is "café"
    let index = this.nfc[at].options.indexOf(String(text).normalize("NFC"));
    if (index < 0 && typeof text === "string") {
      // a number written otherwise than JavaScript prints it: "16.0" (pandas), "1e-05" (Python) for 0.00001
      const number = parseDecimal(text);
      index = d.options.findIndex((o) => typeof o === "number" && o === number);
    }
    if (index < 0) {
      throw new InvalidCellError(
        "option",
        `${JSON.stringify(value)} is not an option of decision "${d.name}"; expected one of ${optionList(d)}`,
      );
    }
    return index;
  }

  /**
   * Throws RangeError when `arch` is not an architecture (one option index per decision), saying why:
   * a bare "not an architecture: [9,0,…]" left the caller to guess which index was wrong.
   */
  private check(arch: ChoicesArch): void {
    const fail = (why: string) => {
      throw new RangeError(
        `not an architecture of ${this.name}: ${clipped(JSON.stringify(arch) ?? String(arch))} (${why})`,
      );
    };
    if (!Array.isArray(arch))
      fail(`expected a list of ${this.decisions.length} option indexes, one per decision`);
    if (arch.length !== this.decisions.length)
      fail(`${arch.length} entries; expected ${this.decisions.length}, one option index per decision`);
    const i = arch.findIndex(
      (x, k) => !Number.isInteger(x) || x < 0 || x >= this.decisions[k].options.length,
    );
    if (i >= 0)
      fail(
        `entry ${i}, ${JSON.stringify(arch[i]) ?? String(arch[i])}, is no option index of decision "${this.decisions[i].name}"; expected an integer in 0..${this.decisions[i].options.length - 1}`,
      );
  }

  private columnList(): string {
    return `decision → option (${this.columns.join(", ")})`;
  }
}

function nfc(text: string): string {
  return text.normalize("NFC");
}

function optionList(d: Decision): string {
  const text = d.options.map((o) => JSON.stringify(o)).join(", ");
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** A 32-bit hash (0 … 2³² − 1) of option `k` of decision `i`, one of independent families by `salt`. */
function optionHash(i: number, k: number, salt: number): number {
  // murmur3's 32-bit finaliser over the three numbers mixed in turn
  let h = Math.imul(salt, 0x9e3779b1) ^ i;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ k, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** JSON of an architecture cut for a message (a list of 3,000 decisions would fill the screen). */
function clipped(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
