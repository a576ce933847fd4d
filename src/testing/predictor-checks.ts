/** A check every predictor's tests share: fit on labeled cells, score on held-out ones. */
import { kendallTau } from "../eval/metrics.js";
import type { Predictor } from "../predictors/predictor.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";

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
