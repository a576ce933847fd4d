/**
 * A second thread for large predictions of the supervised networks (supervised.ts): its own wasm
 * backend and a copy of the fitted network, rebuilt from the network's kind and options (networks.ts)
 * with the fitted weights sent once. The wasm backend runs one thread, so without it a prediction of
 * every NAS-Bench-101 cell used one of two cores. The predictor hands it whole chunks of encodings; it
 * scores them as this thread would (the same kernels on the same values: bit-identical, tested). One
 * per process, started on the first large prediction while `threads()` allows two; it does not keep
 * the process alive when idle.
 */
import { Worker } from "node:worker_threads";
import type { SearchSpace } from "../spaces/search-space.js";

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

  constructor(onGone: () => void) {
    this.worker = new Worker(new URL("./scoring-worker.js", import.meta.url));
    this.worker.on("message", (reply: ScoringReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      this.answered++;
      if (reply.error !== undefined || !reply.scores) {
        this.held = ""; // it may have dropped its network
        waiting.reject(new Error(`scoring thread: ${reply.error ?? "no scores in its reply"}`));
      } else waiting.resolve(reply.scores);
    });
    const fail = (error: Error) => {
      onGone();
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the scoring thread exited (${code})`)));
    // after the listeners: adding a "message" listener references the worker again
    this.worker.unref();
  }

  /**
   * The raw scores of each of `batches` (each `rows` × `width` floats; their buffers are moved to the
   * thread, not copied: unusable here afterwards) by the network `description` with `weights`; `key`
   * names that pair (the weights travel only when it changes). Rejects with the thread's message when
   * it fails or exits.
   */
  scores(
    key: string,
    description: ScoringNetworkDescription,
    weights: ScoringWeights,
    batches: Float32Array[],
    rows: number,
    width: number,
  ): Promise<Float32Array[]> {
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
      this.worker.postMessage(
        request,
        batches.map((b) => b.buffer as ArrayBuffer),
      );
    });
  }
}

let shared: ScoringThread | undefined;

/** The process's scoring thread (started on first use). */
export function scoringThread(): ScoringThread {
  shared ??= new ScoringThread(() => {
    shared = undefined;
  });
  return shared;
}
