/** The assessor's helper thread (helper.ts): computes the parts of batches it is sent. */
import { parentPort } from "node:worker_threads";
import { initBackend } from "../../tensor/backend.js";
import type { HelperRequest } from "./helper.js";
import { answer } from "./helper-requests.js";

await initBackend();
parentPort?.on("message", (request: HelperRequest) => {
  parentPort?.postMessage(answer(request));
});
