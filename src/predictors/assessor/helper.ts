/**
 * The assessor's second thread. A training step splits its batch's rows in two parts; the helper
 * takes one: it encodes its rows, hands the embeddings over (shared memory) for the relation graph and
 * the GCN that this thread runs on every row, decodes them and goes back through the decoder, then
 * waits (blocking, on shared memory) for the GCN's gradient in its embeddings before it goes back
 * through its encoder. This thread does the same for the other rows, and the two parts' gradients are
 * summed. Prediction chunks alternate between the two threads.
 * Results do not depend on whether the helper runs: without it, the helper's part runs here, the same
 * way, after the rest of the step (`localBranches`). One helper per process, shared by every assessor,
 * started on first use and used only while `threads()` allows two; it does not keep the process alive
 * when idle.
 * If the helper thread stops (killed, out of memory, a crash), replies with an error it caught, or hangs
 * (a joint part's embeddings not written, or no reply to an open request, within EXCHANGE_TIMEOUT), it
 * is stopped, every request and exchange open with it fails with HelperThreadGone, the assessor redoes those parts here, and the process warns once and
 * goes on in this thread alone: no second helper is started, so a helper that dies at start-up cannot
 * make every step pay for a new one.
 */
import { Worker } from "node:worker_threads";
import { threads } from "../../tensor/threads.js";
import { ReplyWatchdog } from "../reply-watchdog.js";
import { autoencoderGradients, embed, type Images, scoreImages } from "./branches.js";
import type { GraphContext, GraphOptions } from "./graph.js";
import type { AssessorNetwork, StoredWeight } from "./network.js";

/**
 * The helper thread stopped: a request or exchange open with it will not be answered. The assessor
 * catches it and redoes the part in this thread (the same numbers).
 */
export class HelperThreadGone extends Error {
  constructor(why: string) {
    super(`the assessor's helper thread stopped (${why})`);
    this.name = "HelperThreadGone";
  }
}

/**
 * A joint part's embeddings were not written within EMBEDDINGS_WAIT: the step waits for them without
 * blocking (`AutoencoderPart.ready`), so that the helper's exit can be noticed, then starts again.
 */
export class EmbeddingsLate extends Error {
  constructor() {
    super("the helper thread's embeddings are not written yet");
    this.name = "EmbeddingsLate";
  }
}

/**
 * How long (ms) a step blocks for a helper's embeddings before it waits without blocking: they come
 * within milliseconds of the step needing them; a blocked thread cannot hear that the helper died.
 */
export const EMBEDDINGS_WAIT = 1000;

/** A part of a batch's auto-encoder work under way. */
export interface AutoencoderPart {
  /**
   * Its embeddings (a joint step's part). Blocks up to EMBEDDINGS_WAIT, then throws EmbeddingsLate
   * (also when the helper failed the part and its error reply is not read yet: await `ready`, then ask
   * again); throws HelperThreadGone when the helper stopped.
   */
  z(): Float32Array;
  /**
   * Resolves when the embeddings are written or will never be (z() then returns or throws at once):
   * a helper that has not written them within EXCHANGE_TIMEOUT is taken for hung and stopped.
   */
  ready(): Promise<void>;
  /** Hands the part the gradient of the rest of the loss in its embeddings. */
  sendGradient(dz: Float32Array): void;
  /** The gradient handed by sendGradient (to redo the part elsewhere); throws if none was. */
  sentGradient(): Float32Array;
  /** Its gradients in every auto-encoder weight. */
  grads(): Promise<Record<string, Float32Array>>;
  /** Releases a part whose step failed before sending it its gradient. */
  abandon(): void;
}

/** Where a part of a batch's auto-encoder work and chunks of scores are computed: here, or in the helper. */
export interface Branches {
  /** weight·L_rc over the images; `joint`: a joint step's part, which exchanges its embeddings. */
  autoencoder(network: AssessorNetwork, images: Images, weight: number, joint: boolean): AutoencoderPart;
  scores(
    network: AssessorNetwork,
    context: GraphContext,
    images: Images,
    options: GraphOptions,
  ): Promise<Float32Array>;
}

/** Everything in this thread: a joint part's gradients are computed when asked for, after the step's. */
export const localBranches: Branches = {
  autoencoder: (network, images, weight, joint) => {
    const z = joint ? embed(network, images) : new Float32Array(0);
    let dz: Float32Array | undefined;
    return {
      z: () => z,
      ready: async () => {},
      sendGradient: (g) => {
        dz = g;
      },
      sentGradient: () => {
        if (!dz) throw new Error("a joint step's part was asked for its gradient before given one");
        return dz;
      },
      grads: async () => {
        if (!joint) return autoencoderGradients(network, images, weight);
        const gradient = dz;
        if (!gradient) throw new Error("a joint step's part was asked for its gradients before given dz");
        return autoencoderGradients(network, images, weight, { publish: () => {}, gradient: () => gradient });
      },
      abandon: () => {},
    };
  },
  scores: async (network, context, images, options) => scoreImages(network, context, images, options),
};

/** A request to the helper; the network's description and weights travel with each one. */
export type HelperRequest = {
  id: number;
  network: AssessorNetwork["description"];
  weights: Record<string, StoredWeight>;
  images: Images;
} & (
  | { kind: "autoencoder"; weight: number; exchange?: SharedArrayBuffer }
  | { kind: "scores"; context: GraphContext; options: GraphOptions }
);

/** States of each half of an exchange. */
const PENDING = 0;
const WRITTEN = 1;
const FAILED = 2;

/**
 * A joint part's embeddings and their gradient in shared memory: two Int32 states (z, then dz: 0
 * pending, 1 written, 2 failed or abandoned), then z's floats, then dz's.
 */
export function sharedExchange(
  shared: SharedArrayBuffer,
  size: number,
): {
  states: Int32Array;
  z: Float32Array;
  dz: Float32Array;
} {
  return {
    states: new Int32Array(shared, 0, 2),
    z: new Float32Array(shared, 8, size),
    dz: new Float32Array(shared, 8 + 4 * size, size),
  };
}

/** Marks one half of an exchange (0: z, 1: dz) and wakes its reader. */
export function signal(states: Int32Array, half: 0 | 1, state: typeof WRITTEN | typeof FAILED): void {
  Atomics.store(states, half, state);
  Atomics.notify(states, half);
}

/** Waits for one half of an exchange; false if it failed, was abandoned or took longer than `timeout` ms. */
export function awaitSignal(states: Int32Array, half: 0 | 1, timeout: number): boolean {
  Atomics.wait(states, half, PENDING, timeout);
  return Atomics.load(states, half) === WRITTEN;
}

/** How long either thread waits for the other's half of an exchange before giving up (ms). */
export const EXCHANGE_TIMEOUT = 120_000;

export interface HelperReply {
  id: number;
  result?: unknown;
  error?: string;
}

class HelperThread implements Branches {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** The states of exchanges whose halves are not both settled: failed when the helper stops. */
  private readonly open = new Set<Int32Array>();
  /** Why the helper stopped, once it has. */
  private gone?: string;

  constructor(script: URL, onGone: (why: string) => void) {
    this.worker = new Worker(script);
    this.worker.on("message", (reply: HelperReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      if (reply.error !== undefined) {
        // an error the helper caught (wasm out of memory in its own heap, a bug) leaves it in an unknown
        // state: it is stopped like a dead one, and this part, like every open one, is redone here, where
        // a real bug fails again with this thread's stack and a transient one does not
        this.stop(`error: ${reply.error}`);
        return;
      }
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      this.watchdog.watch(true);
      waiting.resolve(reply.result);
    });
    this.onGone = onGone;
    this.worker.on("error", (e) => this.fail(e.message));
    this.worker.on("exit", (code) => this.fail(`exit code ${code}`));
    // after the listeners: adding a "message" listener references the worker again
    this.worker.unref();
  }

  private readonly onGone: (why: string) => void;
  /** Gives up on a helper silent for `exchangeTimeout` with requests open (a pre-training part or a chunk
   * of scores never answered; a joint part's embeddings have their own wait, `ready`). */
  private readonly watchdog = new ReplyWatchdog(
    exchangeTimeout,
    () => this.pending.size > 0 && this.gone === undefined,
    (why) => this.stop(why),
  );

  /** Gives the helper up (every open part redone here, the process warned once) and ends its thread. */
  private stop(why: string): void {
    this.fail(why);
    void this.worker.terminate();
  }

  /** The helper stopped, or is given up on: every open request and exchange fails with HelperThreadGone. */
  private fail(why: string): void {
    if (this.gone !== undefined) return; // "error" is followed by "exit"
    this.gone = why;
    this.watchdog.stop();
    this.onGone(why);
    for (const states of this.open) {
      for (const half of [0, 1] as const)
        if (Atomics.load(states, half) === PENDING) signal(states, half, FAILED);
    }
    this.open.clear();
    for (const waiting of this.pending.values()) waiting.reject(new HelperThreadGone(why));
    this.pending.clear();
  }

  /** The description last sent: the helper holds a network like it, so only changed weights travel. */
  private lastNetwork = "";

  private request<T>(network: AssessorNetwork, body: Record<string, unknown>, names?: string[]): Promise<T> {
    const id = this.nextId++;
    const key = JSON.stringify(network.description);
    const weights = network.weights(key === this.lastNetwork ? names : undefined);
    this.lastNetwork = key;
    const message = { id, network: network.description, weights, ...body };
    return new Promise<T>((resolve, reject) => {
      if (this.gone !== undefined) return reject(new HelperThreadGone(this.gone));
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.size === 1) this.watchdog.watch();
      this.worker.postMessage(message);
    });
  }

  autoencoder(network: AssessorNetwork, images: Images, weight: number, joint: boolean): AutoencoderPart {
    const size = images.count * network.description.sizes.embedding;
    const shared = joint ? new SharedArrayBuffer(8 + 8 * size) : undefined;
    const grads = this.request<Record<string, Float32Array>>(
      network,
      { kind: "autoencoder", images, weight, exchange: shared },
      network.autoencoderNames(),
    );
    grads.catch(() => undefined); // reported by grads() below, or by z() if it fails first
    const exchange = shared && sharedExchange(shared, size);
    if (exchange) {
      // settled (both halves written or failed) when the reply comes, whatever it is
      this.open.add(exchange.states);
      grads.finally(() => this.open.delete(exchange.states)).catch(() => undefined);
      if (this.gone !== undefined) signal(exchange.states, 0, FAILED);
    }
    const noExchange = () => {
      throw new Error("an auto-encoder pre-training part has no embeddings to exchange");
    };
    return {
      z: () => {
        if (!exchange) return noExchange();
        Atomics.wait(exchange.states, 0, PENDING, EMBEDDINGS_WAIT);
        const state = Atomics.load(exchange.states, 0);
        if (state === PENDING) throw new EmbeddingsLate();
        if (state === FAILED) {
          if (this.gone !== undefined) throw new HelperThreadGone(this.gone);
          // the helper failed the part itself; its error reply, on its way, stops it: `ready` waits for it
          throw new EmbeddingsLate();
        }
        return exchange.z.slice();
      },
      ready: async () => {
        if (!exchange) return;
        // the helper writes the embeddings, or its exit handler (this thread's event loop) fails them
        const waited = Atomics.waitAsync(exchange.states, 0, PENDING, exchangeTimeout);
        if (waited.async && (await waited.value) === "timed-out") {
          // alive but hung: given up on (the step then redoes its part here), and stopped
          this.fail(`no embeddings within ${exchangeTimeout / 1000} s`);
          await this.worker.terminate();
        }
        if (Atomics.load(exchange.states, 0) === FAILED && this.gone === undefined) {
          // failed by the helper: its error reply stops it; a reply of any other kind would leave z()
          // failing without a cause, so the helper is given up on then too
          await grads.catch(() => undefined);
          if (this.gone === undefined) this.stop("a joint part failed without an error");
        }
      },
      sendGradient: (dz) => {
        if (!exchange) return noExchange();
        exchange.dz.set(dz);
        signal(exchange.states, 1, WRITTEN);
      },
      sentGradient: () => {
        if (!exchange || Atomics.load(exchange.states, 1) !== WRITTEN)
          throw new Error("a joint step's part was asked for its gradient before given one");
        return exchange.dz.slice();
      },
      grads: () => grads,
      abandon: () => {
        if (exchange && Atomics.load(exchange.states, 1) === PENDING) signal(exchange.states, 1, FAILED);
      },
    };
  }

  scores(
    network: AssessorNetwork,
    context: GraphContext,
    images: Images,
    options: GraphOptions,
  ): Promise<Float32Array> {
    const graph: GraphOptions = { graphScale: options.graphScale, sigma: options.sigma, tau: options.tau };
    return this.request(network, { kind: "scores", images, context, options: graph });
  }
}

let shared: HelperThread | undefined;
/** Set once a helper stopped: the process goes on in one thread. */
let stopped = false;
let script = new URL("./helper-worker.js", import.meta.url);
/** How long a step waits for a helper's embeddings before it gives the helper up (tests shorten it). */
let exchangeTimeout = EXCHANGE_TIMEOUT;

/** The helper thread when two threads are allowed and no helper has stopped, else this thread. */
export function branches(): Branches {
  if (threads() < 2 || stopped) return localBranches;
  shared ??= new HelperThread(script, (why) => {
    shared = undefined;
    stopped = true;
    process.emitWarning(
      `the assessor's helper thread stopped (${why}); the assessor goes on in one thread, with the same results`,
      { code: "NAS_ASSAY_HELPER_STOPPED" },
    );
  });
  return shared;
}

/**
 * For tests only: the worker script the next helper runs (undefined: the real one), and a fresh start
 * (a helper may be started again, the next one with `worker`). A helper still running is left to stop
 * by itself when idle. `embeddingsTimeout` (ms): how long a step waits for the helper's embeddings, or
 * for any reply to an open request, before it gives the helper up (EXCHANGE_TIMEOUT unless given).
 */
export function setHelperWorkerScript(worker: URL | undefined, embeddingsTimeout = EXCHANGE_TIMEOUT): void {
  script = worker ?? new URL("./helper-worker.js", import.meta.url);
  exchangeTimeout = embeddingsTimeout;
  shared = undefined;
  stopped = false;
}
