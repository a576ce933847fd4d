/** What every predictor's tests share: NAS-Bench-201 with its labels, and a held-out score. */
import { loadBenchmark, targetValues } from "../benchmark.js";
import { kendallTau } from "../eval/metrics.js";
import type { Predictor } from "../predictors/predictor.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { testData } from "./fixtures.js";

/** NAS-Bench-201 (15,625 cells, small enough for quick fits) and its default target's labels. */
export async function nb201WithLabels(): Promise<{ space: SearchSpace<unknown>; truth: Float64Array }> {
  const benchmark = await loadBenchmark("nb201", testData());
  return { space: benchmark.space, truth: targetValues(benchmark) };
}

/** Fits `predictor` on `labels` random cells and returns its Kendall tau on `testSize` other random cells. */
export async function heldOutKendallTau(
  predictor: Predictor,
  space: SearchSpace<unknown>,
  truth: Float64Array,
  { labels, seed, testSize }: { labels: number; seed: number; testSize: number },
): Promise<{ tau: number; test: Int32Array; predicted: Float64Array }> {
  const labeled = space.sample(new Rng(seed), labels);
  await predictor.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed });
  const test = space.sample(new Rng(seed + 1000), testSize);
  const predicted = await predictor.predict(test);
  const tau = kendallTau(
    predicted,
    Array.from(test, (id) => truth[id]),
  );
  return { tau, test, predicted };
}
