/**
 * Running one search per seed, up to `jobs` at once; seeds in parallel run in worker threads
 * (search-worker.ts), one numeric backend each and no helper thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ActiveSearchSpec } from "./active-search.js";
import type { PredictorSearchSpec } from "./predictor-search.js";

export type SeedJob =
  | { kind: "evolution"; spec: PredictorSearchSpec; seed: number }
  | { kind: "active"; spec: ActiveSearchSpec; seed: number };

/** Results of `run` for every seed, in the order of `seeds`. */
export async function forEachSeed<T>(
  seeds: number[],
  jobs: number,
  run: (seed: number) => Promise<T>,
): Promise<T[]> {
  const workers = Math.max(1, Math.min(jobs, seeds.length, availableParallelism()));
  const results = new Map<number, T>();
  const queue = seeds.slice();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let seed = queue.shift(); seed !== undefined; seed = queue.shift())
        results.set(seed, await run(seed));
    }),
  );
  return seeds.map((seed) => results.get(seed) as T);
}

/** One seed's job in a worker thread of its own. */
export function inWorker<T>(job: SeedJob, onProgress: (d: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./search-worker.js", import.meta.url), { workerData: job });
    worker.on("message", (message: { progress?: number; result?: T; error?: string }) => {
      if (message.progress !== undefined) onProgress(message.progress);
      if (message.result) {
        resolve(message.result);
        void worker.terminate();
      }
      if (message.error) reject(new Error(message.error));
    });
    worker.once("error", reject);
  });
}
