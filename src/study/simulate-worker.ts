/** Worker thread: one seed of a simulation (see simulate.ts). */
import { workerData } from "node:worker_threads";
import { reportToParent } from "../seeds-in-parallel.js";
import { type SimulateSpec, simulateSeed } from "./simulate.js";

const job = workerData as { spec: SimulateSpec; seed: number };
await reportToParent((onProgress) => simulateSeed(job.spec, job.seed, onProgress));
