/** The assessor's helper thread (helper.ts): computes the parts of batches it is sent. */
import { parentPort } from "node:worker_threads";
import { initBackend } from "../../tensor/backend.js";
import { decoderGradients, scoreImages } from "./branches.js";
import { type HelperReply, type HelperRequest, sharedDz } from "./helper.js";
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

parentPort?.on("message", (request: HelperRequest) => {
  let reply: HelperReply;
  try {
    const network = networkFor(request);
    let result: unknown;
    if (request.kind === "decoder") {
      const { dz, grads } = decoderGradients(network, request.z, request.images, request.weight);
      const { state, values } = sharedDz(request.shared);
      values.set(dz);
      Atomics.store(state, 0, 1);
      Atomics.notify(state, 0);
      result = grads;
    } else result = scoreImages(network, request.context, request.images, request.options);
    reply = { id: request.id, result };
  } catch (e) {
    if (request.kind === "decoder") {
      const { state } = sharedDz(request.shared);
      Atomics.store(state, 0, 2);
      Atomics.notify(state, 0);
    }
    reply = { id: request.id, error: (e as Error).message };
  }
  parentPort?.postMessage(reply);
});
