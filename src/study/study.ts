/**
 * A study: a search space, every architecture suggested or told with its state, and the settings —
 * the ask/tell loop practitioners know from hyper-parameter tools (Optuna's study.ask / study.tell),
 * driven by our predictors. `ask(n)` hands out `n` architectures never handed out or told before;
 * `tell` records a trained architecture's value (or its failure) under the rules of tell-rules.ts.
 * Everything lives in a StudyStore, so several processes (or machines, with a server store) can ask
 * and tell at once.
 */
import { BadFileError, hasMembers, refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { MAX_SEED, Rng } from "../random.js";
import type { ArchitectureSpace } from "../spaces/architecture-space.js";
import { parseSpec, specDifference, unshownName } from "../spaces/spec.js";
import {
  type AskOptions,
  askOptions,
  checkAskMethod,
  maxAskCount,
  predictTold,
  propose,
  type Told,
} from "./ask-strategy.js";
import { checkPendingTimeout, DEFAULT_PENDING_TIMEOUT_MS } from "./pending.js";
import type {
  Direction,
  DoneRange,
  Outcome,
  StudySettings,
  StudyStore,
  Trial,
  TrialReason,
  TrialResult,
  TrialState,
} from "./store.js";
import {
  accuracyLike,
  type BatchScale,
  batchScale,
  earlierSlips,
  highRange,
  type Repeat,
  type Retry,
  repeatInCall,
  sameCellNote,
  tellCheck,
  type ValueScale,
} from "./tell-rules.js";

/** An architecture handed out by `ask`. */
export interface Asked<A> {
  arch: A;
  /** Its JSON form (see ArchitectureSpace.jsonOf). */
  json: unknown;
  key: string;
  /** The predictor's value for it on the study's scale; null when drawn before the first fit. */
  predicted: number | null;
  reason: TrialReason;
  /** True when it was handed out before and stayed pending longer than the pending timeout (pending.ts). */
  again: boolean;
}

/** Options of `tell` / `tellMany`. */
export interface TellOptions {
  /**
   * Let a result replace the different one told before for the same architecture (a value told by
   * mistake, or `failed` for a run that was in fact fine); default false: such a result is refused.
   */
  replace?: boolean;
}

/** A result told over another: where it was told from, and the result before and after. */
export interface Replacement {
  source: string;
  was: number | "failed";
  now: number | "failed";
}

/**
 * What `tell` did: results written, results skipped (told again the same: before, or earlier in the same
 * call), `repeated` how many of those skipped repeat an item of this very call (a row twice in a
 * file), and with `replace` what changed.
 */
export interface TellResult {
  written: number;
  skipped: number;
  repeated?: number;
  /** The items of `repeated`: each with the item it repeats; absent when none. */
  repeats?: Repeat[];
  /**
   * Failures replaced by a value (a retry that worked): later in the same call, or told failed by an
   * earlier call (not under `replace`, whose `replaced` lists it); absent when none.
   */
  retried?: Retry[];
  replaced?: Replacement[];
  /**
   * Results kept that look like a slip, one line each naming the result (a value of 1 or less told to
   * a study declared in percent, where read as a fraction it belongs with the study's percents: 0.931
   * among 60–94 %, kept as 0.931 %); absent when none.
   */
  warnings?: string[];
}

/** A result for `tellMany`: the architecture, its value or failure, and how to name it in messages. */
export interface TellItem<A> {
  arch: A;
  outcome: Outcome;
  /** E.g. "results.csv line 7"; default: the architecture's JSON form. */
  source?: string;
  /**
   * The architecture as the user wrote it (`--arch`'s text, a file row's columns), when `arch` was read
   * from it: a message then says when it is the same cell as one told under another text (pruned).
   */
  written?: unknown;
}

/** The study as `study show --json` prints it. */
export interface StudySummary {
  done: number;
  pending: number;
  failed: number;
  /** The best told value and its architecture (JSON form); null while nothing is done. */
  best: { arch: unknown; value: number } | null;
  trials: { arch: unknown; state: Trial["state"]; value: number | null }[];
}

/** Settings given when a study is made. */
export interface NewStudy {
  /** The space spec (JSON), stored in the study so that it can be reopened alone. */
  spec: unknown;
  target: string;
  direction?: Direction;
  /** Scale of an accuracy-like target (default "auto": inferred; see tell-rules.ts). */
  scale?: ValueScale;
  /** Seed of the study's random choices (default 0). */
  seed?: number;
}

export class Study<A> {
  private constructor(
    readonly store: StudyStore,
    readonly space: ArchitectureSpace<A>,
    readonly settings: StudySettings,
    private readonly options: AskOptions,
  ) {}

  /** Set by close(): a call after it gets a UserError, not the store's own error (a raw TypeError). */
  private closed = false;

  private checkOpen(): void {
    if (this.closed)
      throw new UserError(`the study ${this.store.location} is closed; open it again (openStudyFile)`);
  }

  /**
   * The settings a new store is made with (checked: a space spec, as parseSpec checks one, a target
   * name, a direction, an integer seed; an unknown key is refused, as `minimize: true` for `direction: "minimize"` would be dropped unsaid).
   */
  static settings(given: NewStudy): StudySettings {
    if (given === null || typeof given !== "object")
      throw new UserError("a study's settings must be an object");
    refuseUnknownKeys(given, ["spec", "target", "direction", "scale", "seed"], "study settings");
    // the spec is what reopens the study (openStudyFile builds its space from it): none made a store
    // refuse with SQLite's "NOT NULL constraint failed", a wrong one a study file read back as damaged
    if (given.spec === undefined)
      throw new UserError("a study needs its space's spec (spec: parseSpec(json) or readSpaceSpec(file))");
    parseSpec(given.spec, "the study's spec");
    if (given.target !== undefined && typeof given.target !== "string")
      throw new UserError(`a study's target must be a name (text), got ${JSON.stringify(given.target)}`);
    const target = given.target?.trim();
    if (!target) throw new UserError("a study needs a target name (the value told, e.g. val_acc)");
    // the name is a column of the results files told and a line of every printout: a line end or a tab
    // inside it split `study create`'s "made" line in two
    if (/\p{Cc}/u.test(target))
      throw new UserError(
        `a study's target must be a column name on one line, without control characters (line ends, tabs), got ${JSON.stringify(target)}`,
      );
    // as a spec's names (unshownName): an override (U+202E) reversed the name in every printout and page
    // and a name of 100,000 characters made each message 100 kB; a study made before still opens
    const notShown = unshownName(target, "a column name");
    if (notShown) throw new UserError(`a study's target must be ${notShown}, got ${shownValue(target, 60)}`);
    const direction = given.direction ?? "maximize";
    if (direction !== "maximize" && direction !== "minimize")
      throw new UserError(`direction must be maximize or minimize, got "${direction}"`);
    const seed = given.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > MAX_SEED)
      throw new UserError(
        `the study's seed must be an integer in 0..${MAX_SEED} (2^31 - 1), got ${shownValue(seed)}`,
      );
    const scale = given.scale ?? "auto";
    if (!["fraction", "percent", "auto", "none"].includes(scale))
      throw new UserError(`the scale must be fraction, percent, none or auto, got "${scale}"`);
    // fraction/percent on any name (an accuracy the name does not show: top_1, "val"), none on any name
    // (a latency named recall_ms): the scale given overrides what the name suggests
    return { space: given.spec, target, direction, scale, seed, createdAt: new Date().toISOString() };
  }

  /**
   * A study over an opened store; `space` must be the one its spec describes (same name). `options`
   * tune the ask strategy (see ask-strategy.ts; UserError for an unknown option or a bad value).
   */
  static async open<A>(
    store: StudyStore,
    space: ArchitectureSpace<A>,
    options: Partial<AskOptions> = {},
  ): Promise<Study<A>> {
    if (!hasMembers(store, { settings: "function" }))
      throw new UserError(
        typeof (store as { then?: unknown } | null)?.then === "function"
          ? "Study.open got a Promise, not a study store: await openStore, createStore or SqliteStudyStore.memory first"
          : "Study.open needs a study store (openStore, createStore or SqliteStudyStore.memory)",
      );
    if (!hasMembers(space, { name: "string", key: "function" }))
      throw new UserError(
        typeof (space as { then?: unknown } | null)?.then === "function"
          ? "Study.open got a Promise, not a space: await createSpace(spec) first"
          : `Study.open needs the study's space (createSpace(spec)), got ${space === null ? "null" : typeof space}`,
      );
    const settings = await store.settings();
    const name = (settings.space as { name?: unknown } | null)?.name;
    // a spec saved again in another Unicode form ("módulo" decomposed) names the same space
    if (typeof name !== "string" || name.normalize("NFC") !== space.name.normalize("NFC"))
      throw new UserError(`${store.location} is a study of the space "${String(name)}", not "${space.name}"`);
    const differs = specDifference(settings.space, space.spec);
    if (differs !== undefined) {
      const shown = (value: unknown) => {
        const text = value === undefined ? "absent" : JSON.stringify(value);
        return text.length > 60 ? `${text.slice(0, 57)}...` : text;
      };
      throw new UserError(
        `${store.location} is a study of another spec of the space "${space.name}": its ${differs.field} is ` +
          `${shown(differs.a)}, the space given has ${shown(differs.b)}; a study keeps its spec ` +
          "(open it with openStudyFile, or make a new study for the new spec)",
      );
    }
    const o = askOptions(options);
    checkAskMethod(space, o.method);
    return new Study(store, space, settings, o);
  }

  /** +1 when higher values are better, −1 for a minimized target: strategies always maximize. */
  private get sign(): number {
    return this.settings.direction === "minimize" ? -1 : 1;
  }

  /** The most architectures one `ask` hands out (see maxAskCount: 6,666 with the default options). */
  get maxAsk(): number {
    return maxAskCount(this.options);
  }

  /**
   * `n` distinct architectures never handed out nor told before, reserved as pending in one
   * transaction (another process asking at the same time gets others). Pending architectures asked
   * for longer ago than `pendingTimeoutMs` (default 24 h; their worker presumably died, see
   * pending.ts) come first, handed out again (`again: true`). Fewer come back only when the space has
   * no other member left. Throws UserError for `n` not a positive integer, `n` above `maxAsk`, or a
   * timeout not above zero.
   */
  async ask(n: number, given: { pendingTimeoutMs?: number } = {}): Promise<Asked<A>[]> {
    return this.track(() => this.askNow(n, given));
  }

  private async askNow(n: number, given: { pendingTimeoutMs?: number }): Promise<Asked<A>[]> {
    this.checkOpen();
    refuseUnknownKeys(given, ["pendingTimeoutMs"], "ask");
    if (!Number.isInteger(n) || n < 1)
      throw new UserError(`ask needs a positive integer count, got ${shownValue(n)}`);
    if (n > this.maxAsk)
      throw new UserError(
        `ask hands out at most ${this.maxAsk} architectures at once (its ${this.options.candidates} candidates, ` +
          `${this.options.spare} per architecture asked), got ${n}; ask again for more`,
      );
    const timeout = checkPendingTimeout(given.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS);
    const again = await this.store.reclaim(timeout, n);
    const out: Trial[] = [...again];
    for (let attempt = 0; out.length < n && attempt < 10; attempt++) {
      const trials = await this.store.trials();
      const taken = new Set(trials.map((t) => t.key));
      const told: Told<A>[] = trials
        .filter((t) => t.state === "done")
        .map((t) => ({ arch: this.stored(t), value: this.sign * (t.value as number) }));
      // the same study state gives the same proposals: a second process asking at once takes the spares
      const seed = Rng.keyed(this.settings.seed, trials.length, attempt).int(2 ** 31);
      const pending = trials.filter((t) => t.state === "pending").map((t) => this.stored(t));
      const proposals = await propose(this.space, told, taken, n - out.length, seed, this.options, pending);
      if (proposals.length === 0) break;
      const reserved = await this.store.reserve(
        proposals.map((p) => ({
          key: p.key,
          arch: this.space.jsonOf(p.arch),
          predicted: p.predicted === null ? null : this.sign * p.predicted,
          reason: p.reason,
        })),
        n - out.length,
      );
      out.push(...reserved);
    }
    return out.map((t, k) => ({
      arch: this.stored(t),
      json: t.arch,
      key: t.key,
      predicted: t.predicted,
      reason: t.reason as TrialReason,
      again: k < again.length,
    }));
  }

  /**
   * What the study's predictor expects for each of `archs` (architectures of the space, as `tell` takes
   * them), in their order, on the study's scale (as its values are told; a minimized target's too): its
   * ask method fitted on every done trial as an ask fits it (predictTold, ask-strategy.ts), seeded by the
   * study's seed and its count of told values, so that the same told values give the same numbers
   * (an ask, a pending or a failed trial changes nothing; ask's own fit is keyed on every trial, so that
   * two asks at once differ, and its `predicted` may differ slightly from these). Reserves nothing:
   * the architectures stay free for ask. Throws UserError for an architecture not of the space, or fewer
   * than 2 done trials.
   */
  async predict(archs: readonly A[]): Promise<number[]> {
    return (await this.predictWithStates(archs)).predicted;
  }

  /**
   * `predict`, with what the study holds of each architecture, all from one read of its trials (a
   * tell between two reads would make the count fitted on and the states disagree): `told`, the done
   * trials fitted on; per architecture its told value (null unless done) and its trial's state (null
   * when the study has no trial of it). Throws as `predict`.
   */
  async predictWithStates(archs: readonly A[]): Promise<{
    predicted: number[];
    told: number;
    states: { toldValue: number | null; state: TrialState | null }[];
  }> {
    this.checkOpen();
    if (!Array.isArray(archs))
      throw new UserError(`predict takes an array of architectures, got ${shownValue(archs, 60)}`);
    const checked = archs.map((arch, i) => {
      try {
        return this.space.fromJSON(this.space.jsonOf(arch));
      } catch (e) {
        // one architecture of a space whose architectures are arrays, not wrapped: its first member was
        // read as architecture 0 (tester Y)
        if (i === 0 && this.isArchitecture(archs))
          throw new UserError(
            "predict takes an array of architectures, and was given one architecture: wrap it, predict([arch])",
          );
        // tell's hint for the same slip (tester X: predict said only "not an architecture", twice)
        if (this.isJsonForm(arch))
          throw new UserError(
            `predict's architecture ${i}, ${JSON.stringify(arch)}, is the JSON form of an architecture of ${this.space.name}; ` +
              "predict takes the architecture itself (`arch` of ask, or study.parseArch(json, source))",
          );
        throw new UserError(
          `predict's architecture ${i} is not an architecture of ${this.space.name}: ` +
            (e as Error).message.replace(/^not an architecture of \S+: /, ""),
        );
      }
    });
    const trials = await this.track(() => this.store.trials());
    const told: Told<A>[] = trials
      .filter((t) => t.state === "done")
      .map((t) => ({ arch: this.stored(t), value: this.sign * (t.value as number) }));
    // keyed on the told values only: pending and failed trials carry no value, so they must not move
    // the numbers (tester X: an ask between two predicts moved Kendall tau to 0.58)
    const seed = Rng.keyed(this.settings.seed, told.length, 0).int(2 ** 31);
    const predicted = await predictTold(this.space, told, checked, seed, this.options);
    // a failed or pending candidate looked like any untold one, and would be picked or trained twice
    // (tester X): its state is given beside it
    const byKey = new Map(trials.map((t) => [t.key, t]));
    return {
      predicted: predicted.map((v) => this.sign * v),
      told: told.length,
      states: checked.map((arch) => {
        const trial = byKey.get(this.space.key(arch));
        return {
          toldValue: trial?.state === "done" ? (trial.value as number) : null,
          state: trial?.state ?? null,
        };
      }),
    };
  }

  /**
   * Hands back architectures asked for and not going to be trained (`ask`'s output never reached anyone;
   * fewer machines than asked for): those still pending are removed from the study, so that a later
   * ask may suggest them again at once instead of after the pending timeout; one told meanwhile stays.
   * `asked`: what `ask` returned (their `key`s name them). Returns how many were removed.
   * Throws UserError after close(), and for `asked` not a list of `ask`'s items (each with its `key`).
   */
  async release(asked: readonly Pick<Asked<A>, "key">[]): Promise<number> {
    this.checkOpen();
    if (!Array.isArray(asked))
      throw new UserError(`release takes the list ask returned, got ${shownValue(asked, 80)}`);
    asked.forEach((a, i) => {
      // from JavaScript an item without its key (an arch, a row of one's own) released nothing, unsaid
      if (a === null || typeof a !== "object" || typeof a.key !== "string")
        throw new UserError(
          `release's item ${i} must be one of ask's items (with its key), got ${shownValue(a, 80)}`,
        );
    });
    return this.track(() => this.store.release(asked.map((a) => a.key)));
  }

  /**
   * An architecture of the study's space from its JSON form or text (what `--arch` takes: for `choices`
   * an object of decision → option, for `edge-cell` the arch string, for `vertex-cell` `{ matrix, ops }`).
   * `source` names it in the message (e.g. "--arch"). Throws UserError: "<source> <text>: not an
   * architecture of <space> (<kind>): <why>".
   */
  parseArch(value: unknown, source = "the architecture"): A {
    try {
      return this.space.fromJSON(value);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const text = typeof value === "string" ? value : shownValue(value, Number.POSITIVE_INFINITY);
      const shown = text === "" ? '""' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
      throw new UserError(
        `${source} ${shown}: not an architecture of ${this.space.name} (${this.space.kind}): ${e.message}`,
      );
    }
  }

  /**
   * Records one result: `tell(arch, 0.931)` or `tell(arch, { failed: true })`; tellMany's outcome form,
   * `tell(arch, { value: 0.931 })`, is the same. See `tellMany`.
   */
  async tell(arch: A, result: number | Outcome, options: TellOptions = {}): Promise<TellResult> {
    return this.track(() =>
      this.tellManyNow(
        [{ arch, outcome: typeof result === "number" ? { value: result } : result }],
        options,
        true,
      ),
    );
  }

  /**
   * Records results, all or none. Refuses (UserError naming the item): an architecture outside the
   * space, a value that is not finite, a value on another scale than the study's (accuracy-like
   * targets; with an inferred scale also a value above 1 among a batch of mostly fractions, wherever
   * it stands: tableScale), a second different value for an architecture already told (see
   * tell-rules.ts). The
   * same value told again is skipped; a value after `failed` for one architecture (a retry that worked,
   * here or in an earlier call) replaces the failure and is listed in `retried`; `failed` after
   * a value is refused, here as across calls. With `options.replace`, a result different from
   * the one told before (a value, or failed) replaces it — a correction — and is listed in `replaced`.
   * Returns how many were written and skipped (and, with `replace`, what was replaced).
   */
  async tellMany(items: readonly TellItem<A>[], options: TellOptions = {}): Promise<TellResult> {
    return this.track(() => this.tellManyNow(items, options));
  }

  /** `single`: called by tell, whose result is a number or { failed: true } (tellMany's outcome is { value } or that). */
  private async tellManyNow(
    items: readonly TellItem<A>[],
    options: TellOptions,
    single = false,
  ): Promise<TellResult> {
    this.checkOpen();
    if (options === null || typeof options !== "object")
      throw new UserError(
        `tell options must be an object such as { replace: true }, got ${JSON.stringify(options)}`,
      );
    refuseUnknownKeys(options, ["replace"], "tell options");
    if (options.replace !== undefined && typeof options.replace !== "boolean")
      throw new UserError(
        `tell option replace must be true or false, got ${JSON.stringify(options.replace)}`,
      );
    if (!Array.isArray(items))
      throw new UserError(
        `tellMany takes an array of { arch, outcome } items, got ${typeof items === "object" && items !== null ? "an object" : JSON.stringify(items)}`,
      );
    items.forEach((item, i) => {
      if (item === null || typeof item !== "object" || !("arch" in item) || !("outcome" in item))
        throw new UserError(
          `tellMany's item ${i} must be { arch, outcome } (an outcome: { value } or { failed: true }), got ${JSON.stringify(item) ?? String(item)}`,
        );
    });
    const sources = new Map<string, string>();
    // what reading each architecture's text dropped (a pruned cell), for messages naming it
    const reductions = new Map<string, string | undefined>();
    const firstOutcome = new Map<
      string,
      { source: string; outcome: Outcome; json: string; reduced: string | undefined }
    >();
    const repeats: Repeat[] = [];
    const retried: { key: string; retry: Retry }[] = [];
    const results: TrialResult[] = items.map((item) => {
      let json: unknown;
      let key: string;
      try {
        json = this.space.jsonOf(item.arch);
        key = this.space.key(this.space.fromJSON(json));
      } catch (e) {
        const what = item.source ?? "the architecture";
        // a common slip in a program: the JSON form (`json` of ask, a row of one's own records) for `arch`
        if (this.isJsonForm(item.arch))
          throw new UserError(
            `${what} ${JSON.stringify(item.arch)} is the JSON form of an architecture of ${this.space.name}; ` +
              "tell takes the architecture itself (`arch` of ask, or study.parseArch(json, source))",
          );
        let why = (e as Error).message.replace(/^not an architecture of \S+: /, "");
        // an object that is no valid JSON form either: say what is wrong with it as one (a misspelt option)
        if (item.arch !== null && typeof item.arch === "object" && !Array.isArray(item.arch))
          try {
            this.space.fromJSON(item.arch);
          } catch (f) {
            why += `; read as the JSON form of one (study.parseArch turns that into the architecture): ${(f as Error).message}`;
          }
        throw new UserError(`${what} is not an architecture of ${this.space.name}: ${why}`);
      }
      if (!isOutcome(item.outcome))
        throw new UserError(
          `${item.source ?? JSON.stringify(json)}: got ${shownValue(item.outcome)}; ` +
            // tellMany([{ arch, outcome: 0.5 }]) was told "got 0.5; expected a number"
            (single
              ? "expected a number (the value) or { failed: true }"
              : "expected an outcome { value: <number> } or { failed: true } (tell takes the number alone)"),
        );
      const source = item.source ?? JSON.stringify(json);
      // one call telling an architecture twice, differently (two rows of a file): name both rows, not
      // "was told" at a time that is this very call's
      const earlier = firstOutcome.get(key);
      const reduced =
        item.written !== undefined ? this.space.reduction?.call(this.space, item.written) : undefined;
      const text = JSON.stringify(json);
      const sameCell = earlier
        ? sameCellNote(
            [
              { who: earlier.source, reduced: earlier.reduced },
              { who: source, reduced },
            ],
            earlier.json !== text,
          )
        : undefined;
      const verdict = earlier ? repeatInCall(earlier, source, item.outcome, sameCell) : undefined;
      // `failed`, then a value: a retry that worked, as when told in two calls (the value replaces it;
      // reported, or the failed row would vanish unsaid)
      if (verdict === "retry" && earlier) retried.push({ key, retry: { source, failed: earlier.source } });
      if (verdict !== "repeat") firstOutcome.set(key, { source, outcome: item.outcome, json: text, reduced });
      else if (earlier) repeats.push({ source, of: earlier.source, ...(sameCell ? { sameCell } : {}) });
      // messages about the architecture name the row whose result is kept: the first of repeats (the
      // last was named, and fixing it left the first clashing: tester V), a retry's value
      const kept = firstOutcome.get(key) ?? { source, reduced };
      sources.set(key, kept.source);
      reductions.set(key, kept.reduced);
      return { key, arch: json, outcome: item.outcome };
    });
    // a failed try and its retry in one call are one architecture with one result, the value: only it is
    // written (else "told 2 results" for one stored), and `retried` says what became of the failure
    const valued = new Set(results.filter((r) => "value" in r.outcome).map((r) => r.key));
    const kept = results.filter((r) => !("failed" in r.outcome && valued.has(r.key)));
    // a batch is known whole: a value on another scale than the rest is refused wherever it stands (told
    // in order into a study of nothing yet, a percent first made the fractions after it chance-level cells)
    // a study in percent already settles a batch of mostly fractions: its fractions are refused (tellCheck),
    // not its percents (read outside the write transaction, this only chooses which row a message names)
    // Read only when it can matter (an accuracy-like target, a batch with values on both sides of 1):
    // it reads every trial, and most tells (one value, or a latency) need none of them.
    const values = kept.flatMap((r) => ("value" in r.outcome ? [r.outcome.value] : []));
    const mixed =
      (this.settings.scale ?? "auto") === "auto" &&
      accuracyLike(this.settings.target) &&
      values.some((v) => v > 1) &&
      values.some((v) => v <= 1);
    const studyValues = mixed
      ? (await this.store.trials()).flatMap((t) => (t.state === "done" ? [t.value as number] : []))
      : [];
    const studyPercent = studyValues.some((v) => v > 1);
    // a study of fractions settles a mixed batch too: tellCheck refuses its percents, naming the study's
    // values (values all 0 settle nothing)
    const studyFraction = !studyPercent && studyValues.some((v) => v > 0);
    const batch: BatchScale =
      (this.settings.scale ?? "auto") === "auto"
        ? batchScale(
            this.settings.target,
            // values that are no accuracy at all are refused one by one by tellCheck, with its messages
            kept.flatMap((r, k) =>
              "value" in r.outcome &&
              typeof r.outcome.value === "number" &&
              r.outcome.value >= 0 &&
              r.outcome.value <= 100
                ? [{ line: k, value: r.outcome.value }]
                : [],
            ),
            (k) => sources.get(kept[k].key) ?? JSON.stringify(kept[k].arch),
            {
              studyPercent,
              studyFraction,
              direction: this.settings.direction,
              study: true,
            },
          )
        : { scale: "auto", high: highRange(values.map((value) => ({ value }))) };
    // keyed by architecture: a store that runs its transaction again calls the check again
    const replaced = new Map<string, Replacement>();
    // the keys the store skipped (told before with the same value): a retry among them replaced nothing
    // (the same file told twice printed "replaces the failure" again, written 0); keyed, as above
    const skippedKeys = new Set<string>();
    const earlierFailures = new Map<string, Retry>();
    const warnings = new Map<string, string>();
    // the study held a value of 1 or less before this call (what earlierSlips needs to read the trials)
    let lowBefore: DoneRange | undefined;
    const check = tellCheck(
      this.settings.target,
      (r) => sources.get(r.key) ?? JSON.stringify(r.arch),
      this.settings.scale ?? "auto",
      batch,
      this.settings.direction,
      options.replace
        ? (result, existing) =>
            replaced.set(result.key, {
              source: sources.get(result.key) ?? JSON.stringify(result.arch),
              was: existing.state === "failed" ? "failed" : (existing.value as number),
              now: "failed" in result.outcome ? "failed" : result.outcome.value,
            })
        : undefined,
      false,
      (r) => reductions.get(r.key),
      (r, warning) => warnings.set(r.key, warning),
    );
    const told = await this.store.record(
      kept,
      (r, context) => {
        // (keyed by architecture: a transaction run again judges the result again; a row repeating an
        // earlier one of the call is skipped before it is judged, and keeps that row's warning: tester B)
        if (!Number.isNaN(context.before.maxUpToOne)) lowBefore = context.before;
        const verdict = check(r, context);
        if (verdict === "skip") skippedKeys.add(r.key);
        else skippedKeys.delete(r.key);
        // a value over a failure told by an earlier call: a retry that worked, said as one in a call is
        // (it replaced the failure in silence); not under --replace, which lists it among its changes
        const existing = context.existing;
        if (verdict === "write" && !options.replace && existing?.state === "failed" && "value" in r.outcome)
          earlierFailures.set(r.key, {
            source: sources.get(r.key) ?? JSON.stringify(r.arch),
            failed: `trial ${existing.number}, told failed${existing.toldAt ? ` ${existing.toldAt}` : ""}`,
          });
        else earlierFailures.delete(r.key);
        return verdict;
      },
      { replacing: options.replace === true },
    );
    // values of 1 or less kept before this call that its percents put among them (declared percent,
    // maximized): read from the trials only then, to name each one
    if (
      this.settings.scale === "percent" &&
      this.settings.direction === "maximize" &&
      lowBefore &&
      told.written > 0 &&
      values.some((v) => v > 1)
    )
      for (const warning of earlierSlips(
        await this.store.trials(),
        new Set(kept.filter((r) => !skippedKeys.has(r.key)).map((r) => r.key)),
        this.settings.target,
        lowBefore,
      ))
        warnings.set(`earlier ${warning}`, warning);
    const inCall = retried.filter((r) => !skippedKeys.has(r.key));
    const worked = [
      // a key retried within the call too is said once, naming the call's own failed row
      ...[...earlierFailures].filter(([key]) => !inCall.some((r) => r.key === key)).map(([, retry]) => retry),
      ...inCall.map((r) => r.retry),
    ];
    const result: TellResult = {
      ...told,
      ...(repeats.length > 0 ? { repeated: repeats.length, repeats } : {}),
      ...(worked.length > 0 ? { retried: worked } : {}),
      ...(warnings.size > 0 ? { warnings: [...warnings.values()] } : {}),
    };
    return options.replace ? { ...result, replaced: [...replaced.values()] } : result;
  }

  /**
   * The architecture of a trial read from the store. Throws BadFileError naming the study and the
   * trial when it is no architecture of the space (a hand-edited file): the bare cell error named
   * neither.
   */
  private stored(trial: Trial): A {
    try {
      return this.space.fromJSON(trial.arch);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      const text = JSON.stringify(trial.arch) ?? String(trial.arch);
      throw new BadFileError(
        this.store.location,
        `trial ${trial.number} holds ${text.length > 200 ? `${text.slice(0, 200)}…` : text}, not an architecture ` +
          `of ${this.space.name} (${e.message}); the study file was edited or is damaged`,
      );
    }
  }

  /** Whether `value` is an architecture of the space itself (not its JSON form). */
  private isArchitecture(value: unknown): boolean {
    try {
      this.space.fromJSON(this.space.jsonOf(value as A));
      return true;
    } catch {
      return false;
    }
  }

  /** Whether `value` reads as an architecture in its JSON form (see parseArch). */
  private isJsonForm(value: unknown): boolean {
    try {
      this.space.fromJSON(value);
      return true;
    } catch {
      return false;
    }
  }

  /** Every trial in order of arrival. */
  async trials(): Promise<Trial[]> {
    this.checkOpen();
    return this.track(() => this.store.trials());
  }

  /** The best done trial (highest value, or lowest for a minimized target; the earliest on ties); undefined while no trial is done (`summary().best` is null then: it is written as JSON). */
  async best(): Promise<{ arch: A; json: unknown; value: number } | undefined> {
    this.checkOpen();
    return this.bestOf(await this.track(() => this.store.trials()));
  }

  private bestOf(trials: readonly Trial[]): { arch: A; json: unknown; value: number } | undefined {
    let best: Trial | undefined;
    for (const t of trials)
      if (
        t.state === "done" &&
        (!best || this.sign * (t.value as number) > this.sign * (best.value as number))
      )
        best = t;
    return best && { arch: this.stored(best), json: best.arch, value: best.value as number };
  }

  /** Counts, the best and every trial (the JSON of `study show --json`). */
  async summary(): Promise<StudySummary> {
    this.checkOpen();
    const [trials, counts] = await this.track(() => Promise.all([this.store.trials(), this.store.counts()]));
    const best = this.bestOf(trials);
    return {
      done: counts.done,
      pending: counts.pending,
      failed: counts.failed,
      best: best ? { arch: best.json, value: best.value } : null,
      trials: trials.map((t) => ({ arch: t.arch, state: t.state, value: t.value })),
    };
  }

  /**
   * Closes the store once the calls under way have finished (an `ask` started before `close` completes);
   * later calls throw UserError (a second close does nothing).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.running]);
    await this.store.close();
  }

  /** Calls under way on the store: close() waits for them (it closed the database under them: a TypeError). */
  private readonly running = new Set<Promise<unknown>>();

  private track<T>(operation: () => Promise<T>): Promise<T> {
    const call = operation();
    this.running.add(call);
    const done = () => this.running.delete(call);
    call.then(done, done);
    return call;
  }
}

/**
 * Whether a told outcome has one of the two shapes: `{ value }` (any value: tell-rules.ts checks it is a
 * finite number) or exactly `{ failed: true }`. `{ failed: false }` or `{ failed: run.crashed }` is no
 * outcome: read as a failure it would mark a run that worked as failed.
 */
function isOutcome(outcome: unknown): outcome is Outcome {
  if (typeof outcome !== "object" || outcome === null) return false;
  const keys = Object.keys(outcome);
  if (keys.length !== 1) return false;
  return keys[0] === "value" || (keys[0] === "failed" && (outcome as { failed: unknown }).failed === true);
}
