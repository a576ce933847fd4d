/** Worker thread: one seed of the predictor-guided search. */
import { parentPort, workerData } from "node:worker_threads";
import { setThreads } from "../tensor/backend.js";
import { type PredictorSearchSpec, predictorSearchSeed } from "./predictor-search.js";

// this worker is one of several jobs sharing the cores: no helper thread of its own
setThreads(1);
const { spec, seed } = workerData as { spec: PredictorSearchSpec; seed: number };
try {
  const result = await predictorSearchSeed(spec, seed, (progress) => parentPort?.postMessage({ progress }));
  parentPort?.postMessage({ result });
} catch (e) {
  parentPort?.postMessage({ error: (e as Error).message });
}
