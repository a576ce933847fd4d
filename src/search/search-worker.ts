/** Worker thread: one seed of a search (see seeds.ts). */
import { parentPort, workerData } from "node:worker_threads";
import { setThreads } from "../tensor/backend.js";
import { compareStrategies } from "./active-search.js";
import { predictorSearchSeed } from "./predictor-search.js";
import type { SeedJob } from "./seeds.js";

// this worker is one of several jobs sharing the cores: no helper thread of its own
setThreads(1);
const job = workerData as SeedJob;
const onProgress = (progress: number) => parentPort?.postMessage({ progress });
try {
  const result =
    job.kind === "evolution"
      ? await predictorSearchSeed(job.spec, job.seed, onProgress)
      : await compareStrategies(job.spec, job.seed, onProgress);
  parentPort?.postMessage({ result });
} catch (e) {
  parentPort?.postMessage({ error: (e as Error).message });
}
