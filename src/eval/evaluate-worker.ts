/** Worker thread: one seed of `evaluate`. */
import { parentPort, workerData } from "node:worker_threads";
import { setThreads } from "../tensor/backend.js";
import { type EvaluationSpec, evaluateSeed } from "./evaluate.js";

// this worker is one of several jobs sharing the cores: no helper thread of its own
setThreads(1);

const { spec, seed } = workerData as { spec: EvaluationSpec; seed: number };
try {
  const result = await evaluateSeed(spec, seed, (progress) => parentPort?.postMessage({ progress }));
  parentPort?.postMessage({ result });
} catch (e) {
  parentPort?.postMessage({ error: (e as Error).message });
}
