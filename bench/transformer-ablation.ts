/**
 * What each part of the transformer adds, on the evaluation protocol (N random labels by seed, test = all
 * remaining cells, Kendall tau-b): every variant (network and training options replacing the defaults)
 * fitted on the same labeled cells per seed; prints one JSON line per run, then each variant's mean ± std
 * and its per-seed difference from the first variant.
 * Usage: node dist/bench/transformer-ablation.js SPACE LABELS SEEDS VARIANTS [TARGET] [TEST_SAMPLE]
 *   SEEDS a comma list; VARIANTS a JSON list of {"name", "network"?, "training"?, "members"?}; "members"
 *   k > 1 makes the variant an ensemble of k such transformers (member i from seed + i·SEED_STRIDE, as
 *   transformer-ensemble); TEST_SAMPLE scores on that many of the remaining cells (the first of the
 *   seed's random order) instead of all of them. Each run's line has its fit and predict seconds.
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { meanStd } from "../src/eval/evaluate.js";
import { kendallTau } from "../src/eval/metrics.js";
import { EnsemblePredictor } from "../src/predictors/ensemble.js";
import type { Predictor } from "../src/predictors/predictor.js";
import { SupervisedPredictor } from "../src/predictors/supervised.js";
import { TRANSFORMER_TRAINING, transformerNetwork } from "../src/predictors/transformer.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";

interface Variant {
  name: string;
  network?: Record<string, unknown>;
  training?: Record<string, unknown>;
  members?: number;
}

const [spaceName, labelsArg, seedsArg, variantsArg, targetArg, sampleArg] = process.argv.slice(2);
const target = targetArg || undefined;
if (!variantsArg) {
  console.error("usage: node dist/bench/transformer-ablation.js SPACE LABELS SEEDS VARIANTS [TARGET]");
  process.exit(1);
}
const benchmark = await loadBenchmark(spaceName as SpaceName, dataDir(undefined));
const truth = targetValues(benchmark, target);
const space = benchmark.space;
const variants = JSON.parse(variantsArg) as Variant[];
const seeds = seedsArg.split(",").map(Number);
const taus = variants.map(() => [] as number[]);
for (const seed of seeds) {
  const order = space.sample(new Rng(seed), space.size);
  const labeled = order.subarray(0, Number(labelsArg));
  const test = order.subarray(
    Number(labelsArg),
    sampleArg ? Number(labelsArg) + Number(sampleArg) : order.length,
  );
  const actual = Float64Array.from(test, (id) => truth[id]);
  for (const [k, variant] of variants.entries()) {
    const single = () =>
      new SupervisedPredictor("transformer", space, transformerNetwork(space, variant.network ?? {}), {
        ...TRANSFORMER_TRAINING,
        ...variant.training,
      });
    const members = variant.members ?? 1;
    const model: Predictor =
      members > 1
        ? new EnsemblePredictor("transformer-ensemble", space, Array.from({ length: members }, single))
        : single();
    let started = performance.now();
    await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed });
    const fitSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const predicted = await model.predict(test);
    const predictSeconds = (performance.now() - started) / 1000;
    const tau = kendallTau(predicted, actual);
    taus[k].push(tau);
    console.log(
      JSON.stringify({
        variant: variant.name,
        labels: Number(labelsArg),
        seed,
        ktau: tau,
        fitSeconds,
        predictSeconds,
      }),
    );
  }
}
console.log(
  JSON.stringify({
    space: spaceName,
    labels: Number(labelsArg),
    testCells: sampleArg ? Number(sampleArg) : "all remaining",
    seeds,
    variants: variants.map((v, k) => ({
      ...v,
      ktau: meanStd(taus[k]),
      differenceFromFirst: meanStd(taus[k].map((t, i) => t - taus[0][i])),
      winsOverFirst: taus[k].filter((t, i) => t > taus[0][i]).length,
    })),
  }),
);
