/**
 * For tests: an assessor helper thread (predictors/assessor/helper-worker.ts) that answers as the real
 * one until its request number `STOP_AT` (counted from 0, env NAS_ASSAY_TEST_HELPER_STOP_AT), then
 * stops where NAS_ASSAY_TEST_HELPER_STOP says: "on-request" (exit code 3, before doing anything),
 * "throws" (an uncaught exception, before doing anything: an 'error' event, then exit code 1),
 * "hangs" (never answered nor a joint part's embeddings written, the thread left running),
 * "errs" (an error caught and replied, as the real helper replies one: its request made to fail
 * inside `answer`, before any embeddings are written),
 * "after-embeddings" (exit code 3; a joint part: once its embeddings are written, before its
 * gradients), or, at the first scores request from then on, "on-scores" (exit code 3),
 * "hangs-on-scores" or "errs-on-scores".
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
  const scores = request.kind === "scores";
  if (due && where === "on-scores" && scores) process.exit(3);
  if (due && (where === "hangs" || (where === "hangs-on-scores" && scores))) return;
  // a request without its images fails inside answer(), which replies the error as for any other
  const failing = due && (where === "errs" || (where === "errs-on-scores" && scores));
  const joint = request.kind === "autoencoder" && request.exchange !== undefined;
  const stop = due && where === "after-embeddings" && joint ? () => process.exit(3) : undefined;
  parentPort?.postMessage(
    answer(failing ? { ...request, images: undefined as unknown as HelperRequest["images"] } : request, stop),
  );
});
