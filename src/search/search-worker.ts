/** Worker thread: one seed of a search (the job types belong to the strategies that send them). */
import { workerData } from "node:worker_threads";
import { reportToParent } from "../seeds-in-parallel.js";
import { type ActiveSearchJob, compareStrategies } from "./active-search.js";
import { type PredictorSearchJob, predictorSearchSeed } from "./predictor-search.js";

const job = workerData as PredictorSearchJob | ActiveSearchJob;
await reportToParent<unknown>((onProgress) =>
  job.kind === "evolution"
    ? predictorSearchSeed(job.spec, job.seed, onProgress)
    : compareStrategies(job.spec, job.seed, onProgress),
);
