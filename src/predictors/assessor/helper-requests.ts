/**
 * The helper thread's side of a request (helper.ts): the network it describes, kept between requests,
 * and the part of a batch's work it asks for. Apart from helper-worker.ts so that a test's worker can
 * answer the same way and stop where the test says (src/testing/stopping-helper-worker.ts).
 */
import { autoencoderGradients, type EmbeddingExchange, scoreImages } from "./branches.js";
import {
  awaitSignal,
  EXCHANGE_TIMEOUT,
  type HelperReply,
  type HelperRequest,
  sharedExchange,
  signal,
} from "./helper.js";
import { AssessorNetwork } from "./network.js";

let cached: { key: string; network: AssessorNetwork } | undefined;

function networkFor(request: HelperRequest): AssessorNetwork {
  const key = JSON.stringify(request.network);
  if (cached?.key !== key) {
    cached?.network.dispose();
    const { image, sizes } = request.network;
    cached = { key, network: AssessorNetwork.fromWeights(image, sizes, request.weights) };
  } else {
    cached.network.setWeights(request.weights);
  }
  return cached.network;
}

/** The joint step's side of the exchange, over the shared memory it sent; `published` runs after z is written. */
function exchangeOver(shared: SharedArrayBuffer, size: number, published?: () => void): EmbeddingExchange {
  const { states, z, dz } = sharedExchange(shared, size);
  return {
    publish: (values) => {
      z.set(values);
      signal(states, 0, 1);
      published?.();
    },
    gradient: () => {
      if (!awaitSignal(states, 1, EXCHANGE_TIMEOUT))
        throw new Error("the training step was abandoned before it sent the embeddings' gradient");
      return dz.slice();
    },
  };
}

/**
 * The reply to one request: its result, or its error's message (a joint part's embeddings are then
 * marked failed, so that the step waiting for them goes on). `published`: for tests, run once a joint
 * part's embeddings are written.
 */
export function answer(request: HelperRequest, published?: () => void): HelperReply {
  try {
    const network = networkFor(request);
    let result: unknown;
    if (request.kind === "autoencoder") {
      const size = request.images.count * request.network.sizes.embedding;
      const exchange = request.exchange && exchangeOver(request.exchange, size, published);
      result = autoencoderGradients(network, request.images, request.weight, exchange);
    } else result = scoreImages(network, request.context, request.images, request.options);
    return { id: request.id, result };
  } catch (e) {
    // wake a step waiting for the embeddings (a no-op once they are written)
    if (request.kind === "autoencoder" && request.exchange) {
      const { states } = sharedExchange(request.exchange, 0);
      if (Atomics.load(states, 0) === 0) signal(states, 0, 2);
    }
    return { id: request.id, error: (e as Error).message };
  }
}
