/** The assessor's helper thread (helper.ts): computes the parts of batches it is sent. */
import { parentPort } from "node:worker_threads";
import { initBackend } from "../../tensor/backend.js";
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

await initBackend();
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

/** The joint step's side of the exchange, over the shared memory it sent. */
function exchangeOver(shared: SharedArrayBuffer, size: number): EmbeddingExchange {
  const { states, z, dz } = sharedExchange(shared, size);
  return {
    publish: (values) => {
      z.set(values);
      signal(states, 0, 1);
    },
    gradient: () => {
      if (!awaitSignal(states, 1, EXCHANGE_TIMEOUT))
        throw new Error("the training step was abandoned before it sent the embeddings' gradient");
      return dz.slice();
    },
  };
}

parentPort?.on("message", (request: HelperRequest) => {
  let reply: HelperReply;
  try {
    const network = networkFor(request);
    let result: unknown;
    if (request.kind === "autoencoder") {
      const size = request.images.count * request.network.sizes.embedding;
      const exchange = request.exchange && exchangeOver(request.exchange, size);
      result = autoencoderGradients(network, request.images, request.weight, exchange);
    } else result = scoreImages(network, request.context, request.images, request.options);
    reply = { id: request.id, result };
  } catch (e) {
    // wake a step waiting for the embeddings (a no-op once they are written)
    if (request.kind === "autoencoder" && request.exchange) {
      const { states } = sharedExchange(request.exchange, 0);
      if (Atomics.load(states, 0) === 0) signal(states, 0, 2);
    }
    reply = { id: request.id, error: (e as Error).message };
  }
  parentPort?.postMessage(reply);
});
