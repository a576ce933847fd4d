/** Worker thread: one seed of `evaluate`. */
import { workerData } from "node:worker_threads";
import { reportToParent } from "../seeds-in-parallel.js";
import { type EvaluationSpec, evaluateSeed } from "./evaluate.js";

const { spec, seed } = workerData as { spec: EvaluationSpec; seed: number };
await reportToParent((onProgress) => evaluateSeed(spec, seed, onProgress));
