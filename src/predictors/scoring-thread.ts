/**
 * A second thread for large predictions of the supervised networks (supervised.ts): its own wasm
 * backend and a copy of the fitted network, rebuilt from the network's kind and options (networks.ts)
 * with the fitted weights sent once. The wasm backend runs one thread, so without it a prediction of
 * every NAS-Bench-101 cell used one of two cores. The predictor hands it whole chunks of encodings; it
 * scores them as this thread would (the same kernels on the same values: bit-identical, tested). One
 * per process, started on the first large prediction while `threads()` allows two; it does not keep
 * the process alive when idle. Should it fail to start or stop, reply an error it caught, or answer
 * nothing for SCORING_TIMEOUT while asked (then it is stopped: ScoringThreadGone), the process warns
 * once and scores in its own thread from then on: the same values, only slower.
 */
import { Worker } from "node:worker_threads";
import type { SearchSpace } from "../spaces/search-space.js";
import { tf } from "../tensor/backend.js";
import { ReplyWatchdog } from "./reply-watchdog.js";

/** A network the scoring thread can rebuild: its kind and options, and the space layout it reads. */
export interface ScoringNetworkDescription {
  kind: string;
  options: Record<string, unknown>;
  /** What the network reads of its space (networks.ts NetworkSpace). */
  space: Pick<SearchSpace<unknown>, "name" | "encoding">;
}

/** One request: the network (with its weights when the thread may not hold them), then encodings. */
export interface ScoringRequest {
  id: number;
  /** Identifies network and weights: the thread keeps the last ones it was sent. */
  key: string;
  network?: ScoringNetworkDescription & { weights: { shape: number[]; values: Float32Array }[] };
  /** Each a batch of `rows` encodings of `width` floats, row-major. */
  batches: Float32Array[];
  rows: number;
  width: number;
}

export interface ScoringReply {
  id: number;
  /** The raw scores of each batch. */
  scores?: Float32Array[];
  error?: string;
}

/** The scoring thread could not start or stopped: what it was asked is to be scored in this thread. */
export class ScoringThreadGone extends Error {
  override name = "ScoringThreadGone";
}

/**
 * How long (ms) the thread may answer nothing while asked before it is taken for hung and stopped: a
 * chunk of 4,096 NAS-Bench-101 cells takes it about 0.2 s (docs/transformer.md, "Speed"), so two
 * minutes is only ever a thread that will not answer.
 */
export const SCORING_TIMEOUT = 120_000;

/** Weights of a fitted network as read for the thread (each tensor's shape and values). */
export type ScoringWeights = { shape: number[]; values: () => Float32Array }[];

export class ScoringThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  /** The key of the network and weights the thread holds. */
  private held = "";
  /** Requests answered (a test checks that a large prediction used the thread). */
  answered = 0;
  /** Why the thread stopped, once it has (a request then is refused at once: no one would answer). */
  private stopped: ScoringThreadGone | undefined;

  /** Gives the thread up: every request open fails with ScoringThreadGone (the caller scores it here). */
  private readonly fail: (cause: string) => void;
  /** Gives up on a thread silent for `timeout` while asked. */
  private readonly watchdog: ReplyWatchdog;

  constructor(
    onGone: (error: ScoringThreadGone) => void,
    script: URL = workerScript,
    timeout = SCORING_TIMEOUT,
  ) {
    this.watchdog = new ReplyWatchdog(
      timeout,
      () => this.pending.size > 0 && !this.stopped,
      (why) => {
        this.fail(why);
        void this.worker.terminate();
      },
    );
    // the thread must score with this thread's backend: another (wasm failing there only) would not
    // give the same values; it stops at start if it cannot
    this.worker = new Worker(script, { workerData: { backend: tf.getBackend() } });
    this.worker.on("message", (reply: ScoringReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.answered++;
      if (reply.error !== undefined || !reply.scores) {
        // an error it caught (wasm out of memory in its own heap, a bug) leaves it in an unknown state:
        // stopped like a dead one (this request, still open, fails with the rest), and the chunks are
        // scored here, where a real bug fails again with this thread's stack and a transient one does not
        this.fail(`error: ${reply.error ?? "no scores in its reply"}`);
        void this.worker.terminate();
        return;
      }
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      this.watchdog.watch(true);
      waiting.resolve(reply.scores);
    });
    this.fail = (cause: string) => {
      if (this.stopped) return; // "exit" after "error"
      this.watchdog.stop();
      const error = new ScoringThreadGone(`the scoring thread stopped: ${cause.split("\n")[0]}`);
      this.stopped = error;
      onGone(error);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", (error) => this.fail(error.message));
    this.worker.on("exit", (code) => this.fail(`it exited (${code})`));
    // after the listeners: adding a "message" listener references the worker again
    this.worker.unref();
  }

  /**
   * The raw scores of each of `batches` (each `rows` × `width` floats; their buffers are moved to the
   * thread, not copied: unusable here afterwards) by the network `description` with `weights`; `key`
   * names that pair (the weights travel only when it changes). Rejects with the thread's message when
   * it cannot score them, with ScoringThreadGone when it fails to start, fails or exits.
   */
  scores(
    key: string,
    description: ScoringNetworkDescription,
    weights: ScoringWeights,
    batches: Float32Array[],
    rows: number,
    width: number,
  ): Promise<Float32Array[]> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    const network =
      key === this.held
        ? undefined
        : { ...description, weights: weights.map((w) => ({ shape: w.shape, values: w.values() })) };
    this.held = key;
    const request: ScoringRequest = { id, key, network, batches, rows, width };
    return new Promise<Float32Array[]>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.watchdog.watch();
      this.worker.postMessage(
        request,
        batches.map((b) => b.buffer as ArrayBuffer),
      );
    });
  }
}

const DEFAULT_SCRIPT = new URL("./scoring-worker.js", import.meta.url);
let workerScript = DEFAULT_SCRIPT;
let shared: ScoringThread | undefined;
/** Set when the scoring thread failed: the process no longer starts one. */
let gone: ScoringThreadGone | undefined;

/**
 * The process's scoring thread (started on first use); undefined once one has failed to start or
 * stopped (the first such failure is warned of, once: process.emitWarning).
 */
export function scoringThread(): ScoringThread | undefined {
  if (gone) return undefined;
  const thread: ScoringThread =
    shared ??
    new ScoringThread(
      (error) => {
        if (shared === thread) shared = undefined;
        if (gone) return;
        gone = error;
        process.emitWarning(`${error.message}; large predictions go on in one thread`);
      },
      workerScript,
      scoringTimeout,
    );
  shared = thread;
  return shared;
}

/** How long the next scoring thread may answer nothing while asked (tests shorten it). */
let scoringTimeout = SCORING_TIMEOUT;

/**
 * For tests: the scoring thread's script (a missing one stands for a thread that cannot start) and how
 * long it may answer nothing while asked (ms, SCORING_TIMEOUT unless given). With `fresh`, a failed
 * thread is forgotten, so that the next large prediction starts one again.
 */
export function setScoringWorkerScript(
  script: URL | undefined,
  timeout = SCORING_TIMEOUT,
  fresh = false,
): void {
  workerScript = script ?? DEFAULT_SCRIPT;
  scoringTimeout = timeout;
  if (fresh) {
    shared = undefined;
    gone = undefined;
  }
}
