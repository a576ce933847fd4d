/**
 * For tests: a scoring thread (predictors/scoring-worker.ts) that fails its first request as
 * NAS_ASSAY_TEST_SCORING_FAIL says: "errs" (replies an error, as the real thread replies one it
 * caught) or "hangs" (never replies, the thread left running).
 */
import { parentPort } from "node:worker_threads";
import type { ScoringRequest } from "../predictors/scoring-thread.js";

const how = process.env.NAS_ASSAY_TEST_SCORING_FAIL ?? "errs";
parentPort?.on("message", (request: ScoringRequest) => {
  if (how === "errs")
    parentPort?.postMessage({ id: request.id, error: "the test scoring thread errs, as told" });
});
