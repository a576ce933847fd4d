/** Shared set-up of the scoring thread's tests: a small fitted MLP, and predictions with one thread then two. */

import type { Predictor } from "../predictors/predictor.js";
import { createPredictor } from "../predictors/registry.js";
import type { TrainingOptions } from "../predictors/supervised.js";
import { Rng } from "../random.js";
import type { Nb101Space } from "../spaces/nb101/space.js";
import { setThreads } from "../tensor/threads.js";

/** An MLP fitted on `labels` random cells of `space` with made-up labels (a fitted model, not a good one). */
export async function smallFittedMlp(
  space: Nb101Space,
  labels: number,
  training: Partial<TrainingOptions>,
): Promise<Predictor> {
  const rng = new Rng(5);
  const labeled = space.sample(rng, labels);
  const model = createPredictor("mlp", space, {}, { training });
  await model.fit({ space, labeled, labels: Array.from(labeled, () => 0.8 + 0.15 * rng.float()), seed: 1 });
  return model;
}

/**
 * `model`'s predictions of `ids` with one thread, then `runs` times with two allowed (after
 * `beforeShared`), and the process warnings emitted meanwhile. Leaves the process at one thread.
 */
export async function oneThreadThenTwo(
  model: Predictor,
  ids: Int32Array,
  runs = 1,
  beforeShared?: () => void,
): Promise<{ alone: Float64Array; shared: Float64Array[]; warnings: string[] }> {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on("warning", onWarning);
  try {
    setThreads(1);
    const alone = await model.predict(ids);
    setThreads(2);
    beforeShared?.();
    const shared: Float64Array[] = [];
    for (let r = 0; r < runs; r++) shared.push(await model.predict(ids));
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    return { alone, shared, warnings };
  } finally {
    process.off("warning", onWarning);
    setThreads(1);
  }
}
