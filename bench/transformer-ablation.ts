/**
 * What each part of the transformer adds, on the evaluation protocol (N random labels by seed, test = all
 * remaining cells, Kendall tau-b): every variant (network and training options replacing the defaults)
 * fitted on the same labeled cells per seed; prints one JSON line per run, then each variant's mean ± std
 * and its per-seed difference from the first variant.
 * Usage: node dist/bench/transformer-ablation.js SPACE LABELS SEEDS VARIANTS [TARGET] [TEST_SAMPLE]
 *   SEEDS a comma list; VARIANTS a JSON list of {"name", "network"?, "training"?}; TEST_SAMPLE scores on
 *   that many of the remaining cells (the first of the seed's random order) instead of all of them
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { meanStd } from "../src/eval/evaluate.js";
import { kendallTau } from "../src/eval/metrics.js";
import { SupervisedPredictor } from "../src/predictors/supervised.js";
import { TRANSFORMER_TRAINING, transformerNetwork } from "../src/predictors/transformer.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";

interface Variant {
  name: string;
  network?: Record<string, unknown>;
  training?: Record<string, unknown>;
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
    const model = new SupervisedPredictor(
      "transformer",
      space,
      transformerNetwork(space, variant.network ?? {}),
      {
        ...TRANSFORMER_TRAINING,
        ...variant.training,
      },
    );
    await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed });
    const tau = kendallTau(await model.predict(test), actual);
    taus[k].push(tau);
    console.log(JSON.stringify({ variant: variant.name, labels: Number(labelsArg), seed, ktau: tau }));
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
