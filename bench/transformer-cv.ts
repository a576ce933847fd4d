/**
 * Chooses the transformer's training settings by k-fold cross-validation on the labeled cells of the
 * protocol's label sets (never their test cells): for each setting of a grid, the mean held-out Kendall
 * tau over folds and label sets. Prints one JSON line per setting and label set, then a summary line.
 * Usage: node dist/bench/transformer-cv.js SPACE LABELS SEEDS FOLDS GRID [TARGET]
 *   SEEDS a comma list (label sets drawn as `evaluate` draws them), GRID a JSON list of training-option
 *   objects (each may carry "network": {...} options), e.g. '[{"epochs":50},{"epochs":200}]'
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { crossValidate } from "../src/predictors/cross-validation.js";
import { SupervisedPredictor } from "../src/predictors/supervised.js";
import { TRANSFORMER_TRAINING, transformerNetwork } from "../src/predictors/transformer.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";

const [spaceName, labelsArg, seedsArg, foldsArg, gridArg, target] = process.argv.slice(2);
if (!gridArg) {
  console.error("usage: node dist/bench/transformer-cv.js SPACE LABELS SEEDS FOLDS GRID [TARGET]");
  process.exit(1);
}
const benchmark = await loadBenchmark(spaceName as SpaceName, dataDir(undefined));
const truth = targetValues(benchmark, target);
const space = benchmark.space;
const grid = JSON.parse(gridArg) as Record<string, unknown>[];
const seeds = seedsArg.split(",").map(Number);
const summary: { setting: Record<string, unknown>; mean: number; perSeed: number[]; seconds: number }[] = [];
for (const setting of grid) {
  const { network, ...training } = setting;
  const perSeed: number[] = [];
  const started = performance.now();
  for (const seed of seeds) {
    const labeled = space.sample(new Rng(seed), space.size).subarray(0, Number(labelsArg));
    const cv = await crossValidate(
      () =>
        new SupervisedPredictor(
          "transformer",
          space,
          transformerNetwork(space, (network ?? {}) as Record<string, unknown>),
          { ...TRANSFORMER_TRAINING, ...training },
        ),
      space,
      labeled,
      Array.from(labeled, (id) => truth[id]),
      Number(foldsArg),
      seed,
    );
    perSeed.push(cv.mean);
    console.log(JSON.stringify({ setting, labels: Number(labelsArg), seed, folds: cv.folds }));
  }
  const mean = perSeed.reduce((a, b) => a + b, 0) / perSeed.length;
  summary.push({ setting, mean, perSeed, seconds: (performance.now() - started) / 1000 });
}
console.log(
  JSON.stringify({ space: spaceName, labels: Number(labelsArg), seeds, folds: Number(foldsArg), summary }),
);
