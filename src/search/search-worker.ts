/** Worker thread: one seed of a search. */
import { workerData } from "node:worker_threads";
import { reportToParent } from "../seeds-in-parallel.js";
import type { ActiveSearchSpec } from "./active-search.js";
import { compareStrategies } from "./active-search.js";
import type { PredictorSearchSpec } from "./predictor-search.js";
import { predictorSearchSeed } from "./predictor-search.js";

/** What a search worker is given. */
export type SearchJob =
  | { kind: "evolution"; spec: PredictorSearchSpec; seed: number }
  | { kind: "active"; spec: ActiveSearchSpec; seed: number };

const job = workerData as SearchJob;
await reportToParent<unknown>((onProgress) =>
  job.kind === "evolution"
    ? predictorSearchSeed(job.spec, job.seed, onProgress)
    : compareStrategies(job.spec, job.seed, onProgress),
);
