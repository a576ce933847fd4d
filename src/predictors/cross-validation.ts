/**
 * k-fold cross-validation on labeled cells only: how settings are chosen without looking at test cells.
 * The labeled cells are dealt at random into k folds; for each fold a fresh predictor is fitted on the
 * others and scored (Kendall tau-b) on it.
 */
import { shownValue } from "../errors.js";
import { kendallTau } from "../eval/metrics.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import type { Predictor } from "./predictor.js";

export interface CrossValidation {
  /** Kendall tau-b of each fold's held-out predictions. */
  folds: number[];
  /** Their mean. */
  mean: number;
}

/**
 * Cross-validates predictors made by `make` on `labeled` cells with `labels` (same order): `k` folds
 * dealt by `seed`, each fit seeded with `seed` + fold. Throws RangeError when k is not an integer in
 * 2..labeled/2 (each fold needs 2 cells to score), or ids and labels differ in length.
 */
export async function crossValidate(
  make: () => Predictor,
  space: SearchSpace<unknown>,
  labeled: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  seed: number,
): Promise<CrossValidation> {
  const n = labeled.length;
  if (labels.length !== n) throw new RangeError(`${n} labeled cells but ${labels.length} labels`);
  if (!Number.isInteger(k) || k < 2 || k > Math.floor(n / 2))
    throw new RangeError(
      `the number of folds must be an integer in 2..${Math.floor(n / 2)}, got ${shownValue(k)}`,
    );
  const dealt = new Rng(seed).permutation(n);
  const folds: number[] = [];
  for (let fold = 0; fold < k; fold++) {
    const train: number[] = [];
    const held: number[] = [];
    dealt.forEach((i, position) => {
      (position % k === fold ? held : train).push(i);
    });
    const predictor = make();
    await predictor.fit({
      space,
      labeled: train.map((i) => labeled[i]),
      labels: train.map((i) => labels[i]),
      seed: seed + fold,
    });
    const predicted = await predictor.predict(held.map((i) => labeled[i]));
    folds.push(
      kendallTau(
        predicted,
        held.map((i) => labels[i]),
      ),
    );
  }
  return { folds, mean: folds.reduce((a, b) => a + b, 0) / k };
}
