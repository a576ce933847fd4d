/** Worker thread: one seed of `evaluate`. */
import { parentPort, workerData } from "node:worker_threads";
import { type EvaluationSpec, evaluateSeed } from "./evaluate.js";

const { spec, seed } = workerData as { spec: EvaluationSpec; seed: number };
try {
  const result = await evaluateSeed(spec, seed, (progress) => parentPort?.postMessage({ progress }));
  parentPort?.postMessage({ result });
} catch (e) {
  parentPort?.postMessage({ error: (e as Error).message });
}
