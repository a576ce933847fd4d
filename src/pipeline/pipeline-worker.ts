/**
 * Worker thread: one column of `runSideBySide` (a pipeline). It starts on one thread; the message
 * `{ threads: 2 }` from the parent (the other column is done) lets the assessor use its helper thread
 * and the supervised predictors their scoring thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import { reportToParent } from "../seeds-in-parallel.js";
import { setThreads } from "../tensor/threads.js";
import { type PipelineSpec, runPaperPipeline } from "./paper-pipeline.js";

parentPort?.on("message", (message: { threads?: number }) => {
  if (message.threads) setThreads(message.threads);
});
await reportToParent((onProgress) =>
  runPaperPipeline({ ...(workerData as PipelineSpec), onProgress: (stage, done) => onProgress(done, stage) }),
);
