/** The scoring thread (scoring-thread.ts): scores the batches it is sent with the network it holds. */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend, tf } from "../tensor/backend.js";
import { buildNetwork } from "./networks.js";
import type { ScoringReply, ScoringRequest } from "./scoring-thread.js";
import type { ScoringNetwork } from "./supervised.js";

const backend = await initBackend();
const wanted = (workerData as { backend?: string } | null)?.backend;
if (wanted !== undefined && backend !== wanted)
  throw new Error(
    `its numeric backend is ${backend}, the predicting thread's ${wanted}: its scores would differ`,
  );
let held: { key: string; network: ScoringNetwork; weights: tf.Tensor[] } | undefined;

function heldFor(request: ScoringRequest): NonNullable<typeof held> {
  const sent = request.network;
  if (sent) {
    for (const w of held?.weights ?? []) w.dispose();
    held = undefined;
    const network = buildNetwork(sent.kind, sent.space, sent.options);
    held = { key: request.key, network, weights: sent.weights.map((w) => tf.tensor(w.values, w.shape)) };
  }
  if (!held || held.key !== request.key)
    throw new Error(`asked to score with network ${request.key}, which it was not sent`);
  return held;
}

parentPort?.on("message", (request: ScoringRequest) => {
  let reply: ScoringReply;
  const moved: ArrayBuffer[] = [];
  try {
    const { network, weights } = heldFor(request);
    const scores = request.batches.map((batch) => {
      // as SupervisedPredictor scores a chunk in its own thread: the same kernels on the same values
      const values = tf.tidy(() =>
        network.forward(weights, tf.tensor2d(batch, [request.rows, request.width])),
      );
      // a copy of its own: its buffer is moved back, never a view of the backend's memory
      const data = (values.dataSync() as Float32Array).slice();
      values.dispose();
      moved.push(data.buffer as ArrayBuffer);
      return data;
    });
    reply = { id: request.id, scores };
  } catch (e) {
    reply = { id: request.id, error: (e as Error).message };
    moved.length = 0;
  }
  parentPort?.postMessage(reply, moved);
});
