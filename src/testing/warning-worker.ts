/** Test worker for seeds-in-parallel.test.ts: a job that emits the same process warning twice and returns its data. */
import { workerData } from "node:worker_threads";
import { reportToParent } from "../seeds-in-parallel.js";

await reportToParent(async () => {
  process.emitWarning("the test worker's warning");
  process.emitWarning("the test worker's warning");
  return workerData as number;
});
