/**
 * The assessor's second thread. In a training step, once the encoder has produced the batch's
 * embeddings z, the decoder's branch (decode z, λ·L_rc, its gradients in z and in the decoder) runs
 * for two thirds of the batch's rows in the helper while this thread does the other third and then
 * the graph and the GCN; the backward pass waits (blocking, on shared memory) for the helper's dz
 * before it goes back through the encoder. Prediction chunks alternate between the two threads.
 * Results do not depend on whether the helper runs: without it, its part runs here, the same way
 * (`localBranches`). One helper per process, shared by every assessor, started on first use and used
 * only while `threads()` allows two; it does not keep the process alive when idle.
 */
import { Worker } from "node:worker_threads";
import { threads } from "../../tensor/backend.js";
import { decoderGradients, type Images, scoreImages } from "./branches.js";
import type { GraphContext, GraphOptions } from "./graph.js";
import type { AssessorNetwork, StoredWeight } from "./network.js";

/** A decoder branch under way: its dz (waited for synchronously) and its decoder gradients. */
export interface PendingDecoder {
  dz(): Float32Array;
  grads(): Promise<Record<string, Float32Array>>;
}

/** Where part of the decoder's branch and chunks of scores are computed: here, or in the helper thread. */
export interface Branches {
  decoder(network: AssessorNetwork, z: Float32Array, images: Images, weight: number): PendingDecoder;
  scores(
    network: AssessorNetwork,
    context: GraphContext,
    images: Images,
    options: GraphOptions,
  ): Promise<Float32Array>;
}

/** Everything in this thread. */
export const localBranches: Branches = {
  decoder: (network, z, images, weight) => {
    const { dz, grads } = decoderGradients(network, z, images, weight);
    return { dz: () => dz, grads: async () => grads };
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
  | { kind: "decoder"; z: Float32Array; weight: number; shared: SharedArrayBuffer }
  | { kind: "scores"; context: GraphContext; options: GraphOptions }
);

/** The decoder's dz in shared memory: an Int32 state (0 pending, 1 written, 2 failed), then the floats. */
export function sharedDz(shared: SharedArrayBuffer): { state: Int32Array; values: Float32Array } {
  return { state: new Int32Array(shared, 0, 1), values: new Float32Array(shared, 4) };
}

/** How long a training step waits for the helper's dz before giving up (ms). */
const DZ_TIMEOUT = 120_000;

export interface HelperReply {
  id: number;
  result?: unknown;
  error?: string;
}

class HelperThread implements Branches {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(onGone: () => void) {
    this.worker = new Worker(new URL("./helper-worker.js", import.meta.url));
    this.worker.on("message", (reply: HelperReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if (reply.error !== undefined) waiting.reject(new Error(`assessor helper thread: ${reply.error}`));
      else waiting.resolve(reply.result);
    });
    const fail = (error: Error) => {
      onGone();
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`assessor helper thread exited (${code})`)));
    // after the listeners: adding a "message" listener references the worker again
    this.worker.unref();
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
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage(message);
    });
  }

  decoder(network: AssessorNetwork, z: Float32Array, images: Images, weight: number): PendingDecoder {
    const shared = new SharedArrayBuffer(4 + 4 * z.length);
    const grads = this.request<Record<string, Float32Array>>(
      network,
      { kind: "decoder", z, images, weight, shared },
      network.autoencoderNames().filter((name) => name.startsWith("de")),
    );
    grads.catch(() => undefined); // reported by grads() below, or by dz() if it fails first
    return {
      dz: () => {
        const { state, values } = sharedDz(shared);
        Atomics.wait(state, 0, 0, DZ_TIMEOUT);
        if (Atomics.load(state, 0) !== 1)
          throw new Error("the assessor's helper thread failed or did not answer during a training step");
        return values.slice();
      },
      grads: () => grads,
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

/**
 * The decoder's branch over a batch, in two parts of its rows: the last two thirds in the helper
 * thread (or here), the first third here meanwhile, which is what balances the threads (this one also
 * runs the graph and the GCN in that time). L_rc is a mean over the batch, so each part weighs its
 * share of rows.
 */
export function decoderBranch(
  network: AssessorNetwork,
  z: Float32Array,
  images: Images,
  weight: number,
): PendingDecoder {
  const first = Math.ceil(images.count / 3);
  const width = z.length / images.count;
  const pixels = images.data.length / images.count;
  const part = (from: number, to: number) =>
    [
      z.subarray(from * width, to * width),
      { data: images.data.subarray(from * pixels, to * pixels), count: to - from },
      (weight * (to - from)) / images.count,
    ] as const;
  const second = branches().decoder(network, ...part(first, images.count));
  const local = localBranches.decoder(network, ...part(0, first));
  return {
    dz: () => {
      const out = new Float32Array(z.length);
      out.set(local.dz());
      out.set(second.dz(), first * width);
      return out;
    },
    grads: async () => {
      const sum = await local.grads();
      for (const [name, g] of Object.entries(await second.grads())) {
        const into = sum[name];
        for (let i = 0; i < g.length; i++) into[i] += g[i];
      }
      return sum;
    },
  };
}

let shared: HelperThread | undefined;

/** The helper thread when two threads are allowed, else this thread. */
export function branches(): Branches {
  if (threads() < 2) return localBranches;
  shared ??= new HelperThread(() => {
    shared = undefined;
  });
  return shared;
}
