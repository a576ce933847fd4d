/**
 * For tests: an assessor helper thread (predictors/assessor/helper-worker.ts) that answers as the real
 * one until its request number `STOP_AT` (counted from 0, env NAS_ASSAY_TEST_HELPER_STOP_AT), then
 * stops where NAS_ASSAY_TEST_HELPER_STOP says: "on-request" (exit code 3, before doing anything),
 * "throws" (an uncaught exception, before doing anything: an 'error' event, then exit code 1),
 * "hangs" (a joint part: never answered nor its embeddings written, the thread left running),
 * "after-embeddings" (exit code 3; a joint part: once its embeddings are written, before its
 * gradients), or "on-scores" (exit code 3, at the first scores request from then on).
 */
import { parentPort } from "node:worker_threads";
import type { HelperRequest } from "../predictors/assessor/helper.js";
import { answer } from "../predictors/assessor/helper-requests.js";
import { initBackend } from "../tensor/backend.js";

const stopAt = Number(process.env.NAS_ASSAY_TEST_HELPER_STOP_AT ?? "0");
const where = process.env.NAS_ASSAY_TEST_HELPER_STOP ?? "on-request";
let count = 0;
await initBackend();
parentPort?.on("message", (request: HelperRequest) => {
  const due = count++ >= stopAt;
  if (due && where === "on-request") process.exit(3);
  if (due && where === "throws") throw new Error("the test helper thread throws, as told");
  if (due && where === "on-scores" && request.kind === "scores") process.exit(3);
  const joint = request.kind === "autoencoder" && request.exchange !== undefined;
  if (due && where === "hangs" && joint) return;
  const stop = due && where === "after-embeddings" && joint ? () => process.exit(3) : undefined;
  parentPort?.postMessage(answer(request, stop));
});
