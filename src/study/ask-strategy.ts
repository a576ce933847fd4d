/**
 * Which architectures `ask` suggests: the active search of search/active-search.ts, generalised to any
 * kind of space and to architectures as values. While fewer than `initial` architectures are told,
 * they are drawn uniformly at random among the valid ones. Then, at every ask, the predictor is fitted
 * on every told architecture; the candidates are every never-suggested member of a space small enough
 * (at most `candidates` members, counted by enumeration), else 50 mutations of each of the 10 best told
 * filled up with random members to `candidates` in all (fewer for wide encodings: sampledCandidates); most of the asked architectures are chosen among those
 * predicted best by the neighbourhood rule (own prediction + the mean prediction of their mutations,
 * search/neighbourhood.ts) and a share (`exploration`) is drawn at random among the other candidates.
 * With `spread`, the exploited ones are kept apart from one another and from the pending architectures
 * (no two within one mutation while others remain; batch-spread.ts).
 *
 * Values here are "higher is better" (a minimized target is negated by the caller).
 */

import { refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { type Predictor, usePredictor } from "../predictors/predictor.js";
import { createPredictor, METHODS, type Method } from "../predictors/registry.js";
import type { TrainingOptions } from "../predictors/training-options.js";
import { Rng } from "../random.js";
import { chooseByNeighbourhood, type NeighbourhoodOptions } from "../search/neighbourhood.js";
import type { ArchitectureSpace } from "../spaces/architecture-space.js";
import { ArchitecturePool } from "./architecture-pool.js";
import { spreadOut } from "./batch-spread.js";
import type { TrialReason } from "./store.js";

export interface AskOptions {
  /** Predictor refitted at every ask. */
  method: Method;
  /** Told architectures needed before the predictor is used (random suggestions until then). */
  initial: number;
  /** Share of each ask drawn at random among the candidates (rounded; 0..1). */
  exploration: number;
  /**
   * Most candidates scored per ask (a larger space is sampled; for encodings wider than 1,250 floats
   * fewer: sampledCandidates).
   */
  candidates: number;
  /** The neighbourhood rule's options (weight 0: by own prediction only). */
  neighbourhood: Partial<NeighbourhoodOptions>;
  /**
   * Keep the exploited architectures of a batch apart from one another and from the pending ones: no
   * candidate one mutation away from one already chosen or pending while others remain (batch-spread.ts).
   */
  spread: boolean;
  /** Proposals made per architecture asked for, so that a process that lost some to another still has enough. */
  spare: number;
}

/**
 * Defaults, chosen by the simulations of docs/own-space.md (NAS-Bench-201, validation accuracy, dev
 * seeds 1000–1019, batch 10, never the reporting seeds or target). By the measure, the median
 * rank of the best found at 50 (ImageNet16-120 / cifar10-valid / cifar100): exploration 0 gave 8 / 3 / 2,
 * exploration 0.2 (the earlier default) 13.5 / 3 / 2, exploration 0.1 10 / 2 / 4; exploration 0 with
 * neighbourhood weight 0 11.5 / 3 / 5, or without spread 11.5 / 2 / 1.5; `mlp-ensemble`, `e2epp`, a
 * Gaussian process and a local search share around the best told did worse. With every batch chosen
 * by the predictor, the random share only delays the climb at these budgets; `spread` keeps a batch
 * apart from itself and from the pending ones instead.
 */
export const DEFAULT_ASK: AskOptions = {
  method: "mlp",
  initial: 10,
  exploration: 0,
  candidates: 20000,
  neighbourhood: { weight: 1, draws: 50, candidates: 200 },
  spread: true,
  spare: 3,
};

/**
 * How `ask` trains its predictor where that differs from the method's own: the MLP for 150 epochs
 * without the floor of 300 steps (supervised.ts minSteps) — 150 steps while fewer than 513 are told,
 * half the time of each refit. Dev simulations (NAS-Bench-201 validation accuracy, seeds 1000–1019,
 * budget 100, docs/own-space.md), paired by seed against 300 steps, best found at 50: −0.07 ± 0.21 /
 * −0.04 ± 0.20 / +0.01 ± 0.76 (ImageNet16-120 / cifar10-valid / cifar100), median ranks 8.5 / 3 / 2.5
 * against 8 / 3 / 2; at 25 +0.11 / −0.07 / +0.18: no measurable loss.
 */
export const ASK_TRAINING: Partial<Record<Method, Partial<TrainingOptions>>> = { mlp: { minSteps: 150 } };

/** The entries of `object` whose value is not undefined. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The most encoding floats the random candidates of one ask may hold: 25 million (100 MB of float32).
 * Scoring them costs time and memory in proportion (the MLP scores 4 vertex orders of each): a 12-node
 * edge-cell space (68 vertices, 4,964 floats per architecture) took 18 s and 1.9 GB for `ask -n 1` with
 * 20,000 candidates. Spaces of up to 1,250 floats per architecture (NAS-Bench-101 84, NAS-Bench-201's
 * op-on-vertex DAG, choices of up to 1,250 options in all) keep all 20,000.
 */
export const CANDIDATE_FLOATS = 25_000_000;

/** How many random candidates an ask samples for architectures of `floats` encoding floats (at least 1,000). */
export function sampledCandidates(floats: number): number {
  return Math.max(1000, Math.floor(CANDIDATE_FLOATS / Math.max(1, floats)));
}

/**
 * The neighbourhood rule's settings with its mutations' encodings kept within CANDIDATE_FLOATS: fewer
 * mutations per candidate for wide encodings (a space of 3,000 decisions, 9,000 floats each: 13 instead
 * of 50). Unchanged up to 2,500 floats with the defaults (every space of docs/results).
 */
export function neighbourhoodWithin(
  options: AskOptions["neighbourhood"],
  floats: number,
): AskOptions["neighbourhood"] {
  const draws = options.draws ?? DEFAULT_ASK.neighbourhood.draws ?? 1;
  const candidates = options.candidates ?? DEFAULT_ASK.neighbourhood.candidates ?? 1;
  const most = Math.max(1, Math.floor(CANDIDATE_FLOATS / (Math.max(1, floats) * Math.max(1, candidates))));
  return draws <= most ? options : { ...options, draws: most };
}

/**
 * The most architectures one ask hands out: its candidates, `spare` proposals per architecture asked
 * (6,666 with the defaults). More would come back short of what was asked, the shortfall looking like a
 * space run out, and drawing `spare` × n fresh members of a large space runs out of memory.
 */
export function maxAskCount(options: Pick<AskOptions, "candidates" | "spare">): number {
  return Math.floor(options.candidates / options.spare);
}

/** Mutations drawn per architecture to recognise its neighbours for `spread` (see batch-spread.ts). */
const SPREAD_DRAWS = 100;
/** Key part of the generator of those draws (apart from the neighbourhood rule's). */
const SPREAD_KEY = 0x5bd1;

/**
 * Checks options given by a caller, filling the rest from the defaults. Throws UserError for an unknown
 * option (a misspelt one would be dropped in silence), a value of the wrong type or out of range.
 */
export function askOptions(options: Partial<AskOptions> = {}): AskOptions {
  if (options === null || typeof options !== "object") throw new UserError("ask options must be an object");
  refuseUnknownKeys(options, Object.keys(DEFAULT_ASK), "ask options");
  // a key given as undefined is a key not given (a spread of optional settings), as createStudyFile reads it
  const given = defined(options);
  if (
    given.neighbourhood !== undefined &&
    (given.neighbourhood === null || typeof given.neighbourhood !== "object")
  )
    throw new UserError("ask options' neighbourhood must be an object");
  if (given.neighbourhood !== undefined)
    refuseUnknownKeys(given.neighbourhood, ["weight", "draws", "candidates"], "ask options' neighbourhood");
  const o = {
    ...DEFAULT_ASK,
    ...given,
    neighbourhood: { ...DEFAULT_ASK.neighbourhood, ...defined(given.neighbourhood ?? {}) },
  };
  if (!(METHODS as readonly unknown[]).includes(o.method))
    throw new UserError(
      `ask options: unknown method ${JSON.stringify(o.method)}; expected one of ${METHODS.join(", ")}`,
    );
  for (const name of ["initial", "candidates", "spare"] as const)
    if (!Number.isInteger(o[name]) || o[name] < (name === "initial" ? 2 : 1))
      throw new UserError(
        `ask options: ${name} must be ${name === "initial" ? "an integer ≥ 2 (a predictor needs two values)" : "a positive integer"}, got ${JSON.stringify(o[name])}`,
      );
  // an ask hands out at most candidates / spare architectures: fewer candidates than spare made none
  if (o.candidates < o.spare)
    throw new UserError(
      `ask options: candidates (${o.candidates}) must be at least spare (${o.spare}): one ask hands out at most candidates / spare architectures`,
    );
  if (!(typeof o.exploration === "number" && o.exploration >= 0 && o.exploration <= 1))
    throw new UserError(
      `ask options: exploration must be a number in [0, 1], got ${shownValue(o.exploration)}`,
    );
  if (typeof o.spread !== "boolean")
    throw new UserError(`ask options: spread must be true or false, got ${JSON.stringify(o.spread)}`);
  // draws and candidates as the rule takes them (search/neighbourhood.ts): 0 was let through here and
  // refused as a RangeError by the first ask with 10 told, once the study had run that far
  for (const [name, value] of Object.entries(o.neighbourhood))
    if (
      !(
        typeof value === "number" &&
        Number.isFinite(value) &&
        (name === "weight" ? value >= 0 : Number.isInteger(value) && value >= 1)
      )
    )
      throw new UserError(
        `ask options' neighbourhood: ${name} must be ${name === "weight" ? "a number ≥ 0" : "an integer ≥ 1"}, got ${shownValue(value)}`,
      );
  return o;
}

/**
 * Throws UserError when the predictor `method` cannot read `space` (a graph predictor on a space of
 * choices): said when the study opens, not at the first fit, after the random first asks were trained.
 */
export function checkAskMethod<A>(space: ArchitectureSpace<A>, method: Method): void {
  createPredictor(method, new ArchitecturePool(space)).dispose();
}

/** An architecture `ask` would hand out, with the predictor's value for it (null before any fit). */
export interface Suggestion<A> {
  arch: A;
  key: string;
  predicted: number | null;
  reason: TrialReason;
}

/** A told architecture with its value, higher is better. */
export interface Told<A> {
  arch: A;
  value: number;
}

/** Members of the space not in `taken`, drawn at random: up to `n` (fewer only when the space runs out). */
function freshSample<A>(space: ArchitectureSpace<A>, rng: Rng, taken: ReadonlySet<string>, n: number): A[] {
  const out: A[] = [];
  const seen = new Set<string>();
  const room = space.count - BigInt(taken.size);
  const want = room < BigInt(n) ? Number(room < 0n ? 0n : room) : n;
  // each draw is a distinct set; repeat with more while taken architectures crowd it out
  for (let draw = want + taken.size; out.length < want; draw *= 2) {
    const size = space.count < BigInt(draw) ? Number(space.count) : draw;
    for (const arch of space.sample(rng, size)) {
      const key = space.key(arch);
      if (taken.has(key) || seen.has(key)) continue;
      seen.add(key);
      out.push(arch);
      if (out.length >= want) break;
    }
    if (BigInt(size) >= space.count) break;
  }
  return out;
}

/**
 * Architectures to suggest, best first: up to `spare` × `n` of them, never one whose key is in
 * `taken`, ordered so that the first `n` hold the intended share of explored ones. `pending`: the
 * architectures handed out and not yet told (also in `taken`), kept apart from with `spread`. Fewer
 * come back only when the space runs out of untaken members.
 */
export async function propose<A>(
  space: ArchitectureSpace<A>,
  told: readonly Told<A>[],
  taken: ReadonlySet<string>,
  n: number,
  seed: number,
  given: Partial<AskOptions> = {},
  pending: readonly A[] = [],
): Promise<Suggestion<A>[]> {
  const o = askOptions(given);
  const rng = new Rng(seed);
  const want = n * o.spare;
  if (told.length < o.initial)
    return freshSample(space, rng, taken, want).map((arch) => ({
      arch,
      key: space.key(arch),
      predicted: null,
      reason: "explore",
    }));

  const pool = new ArchitecturePool(space);
  for (const t of told) pool.add(t.arch);
  // candidates: every untaken member of a small space, else random members and mutations of the best told
  const candidateKeys = new Map<number, string>();
  const consider = (arch: A) => {
    const key = space.key(arch);
    if (taken.has(key)) return;
    const id = pool.add(arch, key);
    if (id >= told.length) candidateKeys.set(id, key);
  };
  if (space.countedBy === "enumerated" && space.count <= BigInt(o.candidates)) {
    for (const arch of space.sample(rng, Number(space.count))) consider(arch);
  } else {
    const best = told
      .map((t, id) => ({ id, value: t.value }))
      .sort((a, b) => b.value - a.value || a.id - b.id)
      .slice(0, 10);
    for (const { id } of best) for (let k = 0; k < 50; k++) consider(space.mutate(rng, told[id].arch));
    const sampled = Math.min(o.candidates, sampledCandidates(space.encoding.size));
    for (const arch of freshSample(space, rng, taken, Math.max(0, sampled - candidateKeys.size)))
      consider(arch);
  }
  const candidates = Int32Array.from(candidateKeys.keys());
  if (candidates.length === 0) return [];

  const total = Math.min(want, candidates.length);
  const exploreShare = Math.round(n * o.exploration) / n;
  const exploreCount = Math.min(Math.round(total * exploreShare), total);
  const exploitCount = total - exploreCount;
  // with spread, the neighbourhood rule orders its whole shortlist, and the batch is picked down it
  const shortlist = o.spread
    ? Math.max(exploitCount, o.neighbourhood.candidates ?? DEFAULT_ASK.neighbourhood.candidates ?? 0)
    : exploitCount;

  const predicted = new Map<number, number>();
  // a predictor per ask, freed after its last use: a long-lived study asks many times
  const byRule = await withAskPredictor(pool, told, o.method, seed, async (predictor) => {
    const scored = await predictor.predict(candidates);
    candidates.forEach((id, k) => {
      predicted.set(id, scored[k]);
    });
    const ranked = Int32Array.from(candidates).sort(
      (a, b) => (predicted.get(b) as number) - (predicted.get(a) as number) || a - b,
    );
    if (exploitCount === 0) return new Int32Array(0);
    // the rule rescores the shortlist and its mutations: those among the candidates (in a small space,
    // every one) keep the prediction just made (a cell's prediction does not depend on the cells scored
    // with it), only the others are scored
    const rescore = async (ids: Int32Array) => {
      const fresh = ids.filter((id) => !predicted.has(id));
      const scoredNow = fresh.length > 0 ? await predictor.predict(fresh) : [];
      const at = new Map(Array.from(fresh, (id, k) => [id, scoredNow[k]]));
      return Float64Array.from(ids, (id) => predicted.get(id) ?? (at.get(id) as number));
    };
    const rule = await chooseByNeighbourhood(
      pool,
      ranked,
      rescore,
      seed,
      shortlist,
      neighbourhoodWithin(o.neighbourhood, space.encoding.size),
    );
    return rule.top;
  });
  const exploit = o.spread && exploitCount > 0 ? spread(pool, byRule, exploitCount, pending, seed) : byRule;
  const chosen = new Set(exploit);
  const rest = Array.from(candidates).filter((id) => !chosen.has(id));
  const explore: number[] = [];
  while (explore.length < exploreCount && rest.length > 0)
    explore.push(rest.splice(rng.int(rest.length), 1)[0]);

  // the first n: their shares of exploited and explored; then the spares in the same proportions
  const firstExploit = n - Math.round(n * o.exploration);
  const order = [
    ...Array.from(exploit.subarray(0, firstExploit), (id) => ({ id, reason: "exploit" as const })),
    ...explore
      .slice(0, n - Math.min(firstExploit, exploit.length))
      .map((id) => ({ id, reason: "explore" as const })),
  ];
  const placed = new Set(order.map((p) => p.id));
  for (const id of exploit) if (!placed.has(id)) order.push({ id, reason: "exploit" });
  for (const id of explore) if (!placed.has(id)) order.push({ id, reason: "explore" });
  const shown = withinTold(told);
  return order.map(({ id, reason }) => ({
    arch: pool.cell(id),
    key: candidateKeys.get(id) as string,
    predicted: shown(predicted.get(id) as number),
    reason,
  }));
}

/**
 * Runs `use` with ask's predictor for `method` fitted on `told` (the first `told.length` members of
 * `pool`), seeded by `seed`, and frees it after (a long-lived study asks many times).
 */
async function withAskPredictor<A, T>(
  pool: ArchitecturePool<A>,
  told: readonly Told<A>[],
  method: Method,
  seed: number,
  use: (predictor: Predictor) => Promise<T>,
): Promise<T> {
  return usePredictor(
    createPredictor(method, pool, {}, { training: ASK_TRAINING[method] }),
    async (predictor) => {
      await predictor.fit({
        space: pool,
        labeled: Int32Array.from(told.keys()),
        labels: told.map((t) => t.value),
        seed,
      });
      return use(predictor);
    },
  );
}

/**
 * A prediction held within the told values' range: the calibration extends past them with a tiny slope
 * to keep the order of cells scored beyond them; shown, that read as values never told (-9e-11 below a
 * told 0, 0.9500000002 above 0.95).
 */
function withinTold<A>(told: readonly Told<A>[]): (value: number) => number {
  let lowest = Number.POSITIVE_INFINITY;
  let highest = Number.NEGATIVE_INFINITY;
  for (const t of told) {
    lowest = Math.min(lowest, t.value);
    highest = Math.max(highest, t.value);
  }
  return (value) => Math.min(highest, Math.max(lowest, value));
}

/**
 * What `ask`'s predictor expects for each of `archs` (higher is better, as `told`): the predictor of
 * `given.method` fitted on every told architecture exactly as an ask fits it (same training, seed
 * `seed`), then read on `archs`, in their order. Clamped to the told values' range, as ask's
 * suggestions are (the calibration extends past them with a tiny slope: -9e-11 below a told 0 read as a
 * value). For predictions of architectures one chose (`predict --study`), not only those ask picks.
 * Throws UserError for fewer than 2 told architectures.
 */
export async function predictTold<A>(
  space: ArchitectureSpace<A>,
  told: readonly Told<A>[],
  archs: readonly A[],
  seed: number,
  given: Partial<AskOptions> = {},
): Promise<number[]> {
  const o = askOptions(given);
  if (told.length < 2)
    throw new UserError(
      `predictions need at least 2 told values to fit on, and the study has ${told.length}; tell more first`,
    );
  if (archs.length === 0) return [];
  const pool = new ArchitecturePool(space);
  for (const t of told) pool.add(t.arch);
  // an architecture told, or given twice, is the pool's one member: predicted like any other
  const ids = Int32Array.from(archs, (arch) => pool.add(arch));
  const scored = await withAskPredictor(pool, told, o.method, seed, (predictor) => predictor.predict(ids));
  return Array.from(scored, withinTold(told));
}

/**
 * The `count` exploited ids picked down `ranked` apart from each other and from `pending` (batch-spread.ts).
 * Neighbours are told exactly where the space offers `neighbourKeys` (choices), else by SPREAD_DRAWS
 * sampled mutations of each architecture.
 */
function spread<A>(
  pool: ArchitecturePool<A>,
  ranked: Int32Array,
  count: number,
  pending: readonly A[],
  seed: number,
): Int32Array {
  const pendingIds = pending.map((arch) => pool.add(arch));
  if (pool.space.neighbourKeys)
    return spreadOut(ranked, count, exactNeighbours(pool, [...ranked, ...pendingIds]), pendingIds);
  const cache = new Map<number, ReadonlySet<number>>();
  const neighbours = (id: number): ReadonlySet<number> => {
    let set = cache.get(id);
    if (!set) {
      const rng = Rng.keyed(seed, SPREAD_KEY, id);
      const found = new Set<number>();
      for (let k = 0; k < SPREAD_DRAWS; k++) found.add(pool.mutate(rng, id));
      set = found;
      cache.set(id, set);
    }
    return set;
  };
  return spreadOut(ranked, count, neighbours, pendingIds);
}

/**
 * The neighbours function spreadOut needs, exact, over `ids` (every id it will ask about): the other
 * ids sharing a key of the space's `neighbourKeys`. In a space of 40 decisions × 10 options an
 * architecture has 360 neighbours, which 100 sampled mutations mostly miss.
 */
function exactNeighbours<A>(
  pool: ArchitecturePool<A>,
  ids: readonly number[],
): (id: number) => ReadonlySet<number> {
  const keysOf = (id: number) =>
    (pool.space.neighbourKeys as (arch: A) => string[]).call(pool.space, pool.cell(id));
  const byKey = new Map<string, number[]>();
  const keys = new Map<number, string[]>();
  for (const id of ids) {
    if (keys.has(id)) continue;
    const own = keysOf(id);
    keys.set(id, own);
    for (const key of own) {
      const members = byKey.get(key);
      if (members) members.push(id);
      else byKey.set(key, [id]);
    }
  }
  return (id) => {
    const found = new Set<number>();
    for (const key of keys.get(id) ?? keysOf(id))
      for (const n of byKey.get(key) ?? []) if (n !== id) found.add(n);
    return found;
  };
}
