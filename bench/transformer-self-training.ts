/**
 * Self-training of the transformer (issue 21, 4b), measured paired by seed on the evaluation protocol:
 * per seed, N random labeled cells; (1) one transformer fitted on them (the baseline); (2) an ensemble
 * of K transformers (member i from seed + i·SEED_STRIDE) predicts POOL random unlabeled cells (drawn from
 * the cells after the test sample in the seed's order, so never a scored cell); the KEEP share of them
 * on which the members agree best (smallest spread of the members' predictions, each member's
 * predictions as quantile ranks) get the ensemble mean as pseudo-label; (3) a transformer fitted on the
 * labeled plus pseudo-labeled cells (same seed as the baseline). Both are scored (Kendall tau-b) on the
 * first TEST cells of the seed's order after the labeled ones. Prints one JSON line per seed, then a
 * summary with the paired differences.
 * Usage: node dist/bench/transformer-self-training.js SPACE LABELS SEEDS K POOL KEEP [TARGET] [TEST]
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { meanStd } from "../src/eval/evaluate.js";
import { kendallTau } from "../src/eval/metrics.js";
import { SEED_STRIDE } from "../src/predictors/ensemble.js";
import { createPredictor } from "../src/predictors/registry.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";

const [spaceName, labelsArg, seedsArg, kArg, poolArg, keepArg, targetArg, testArg] = process.argv.slice(2);
if (!keepArg) {
  console.error(
    "usage: node dist/bench/transformer-self-training.js SPACE LABELS SEEDS K POOL KEEP [TARGET] [TEST]",
  );
  process.exit(1);
}
const benchmark = await loadBenchmark(spaceName as SpaceName, dataDir(undefined));
const truth = targetValues(benchmark, targetArg || undefined);
const space = benchmark.space;
const [n, k, poolSize, keep] = [Number(labelsArg), Number(kArg), Number(poolArg), Number(keepArg)];
const testSize = Number(testArg || 20000);

/** Quantile ranks (0..1) of values. */
function ranks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  order.forEach((i, r) => {
    out[i] = r / Math.max(values.length - 1, 1);
  });
  return out;
}

const baseline: number[] = [];
const selfTrained: number[] = [];
for (const seed of seedsArg.split(",").map(Number)) {
  const order = space.sample(new Rng(seed), space.size);
  const labeled = order.subarray(0, n);
  const test = order.subarray(n, n + testSize);
  const pool = order.subarray(n + testSize, n + testSize + poolSize);
  const labels = Array.from(labeled, (id) => truth[id]);
  const actual = Float64Array.from(test, (id) => truth[id]);
  const single = createPredictor("transformer", space);
  await single.fit({ space, labeled, labels, seed });
  const tauBaseline = kendallTau(await single.predict(test), actual);
  // the ensemble's pseudo-labels on the pool
  const memberPredictions: Float64Array[] = [];
  for (let i = 0; i < k; i++) {
    const member = createPredictor("transformer", space);
    await member.fit({ space, labeled, labels, seed: seed + i * SEED_STRIDE });
    memberPredictions.push(await member.predict(pool));
  }
  const rankings = memberPredictions.map(ranks);
  const mean = Float64Array.from(pool, (_, j) => memberPredictions.reduce((s, p) => s + p[j], 0) / k);
  const spread = Float64Array.from(pool, (_, j) => {
    const m = rankings.reduce((s, r) => s + r[j], 0) / k;
    return Math.sqrt(rankings.reduce((s, r) => s + (r[j] - m) ** 2, 0) / k);
  });
  const chosen = Array.from(pool.keys())
    .sort((a, b) => spread[a] - spread[b])
    .slice(0, Math.round(keep * pool.length));
  const pseudoIds = Int32Array.from(chosen, (j) => pool[j]);
  const pseudoTau = kendallTau(
    Float64Array.from(chosen, (j) => mean[j]),
    Float64Array.from(pseudoIds, (id) => truth[id]),
  );
  const student = createPredictor("transformer", space);
  await student.fit({
    space,
    labeled: Int32Array.from([...labeled, ...pseudoIds]),
    labels: [...labels, ...chosen.map((j) => mean[j])],
    seed,
  });
  const tauSelf = kendallTau(await student.predict(test), actual);
  baseline.push(tauBaseline);
  selfTrained.push(tauSelf);
  console.log(
    JSON.stringify({
      seed,
      labels: n,
      pseudoLabels: pseudoIds.length,
      pseudoLabelTau: pseudoTau,
      baseline: tauBaseline,
      selfTrained: tauSelf,
    }),
  );
}
console.log(
  JSON.stringify({
    space: spaceName,
    labels: n,
    members: k,
    pool: poolSize,
    keep,
    testCells: testSize,
    baseline: meanStd(baseline),
    selfTrained: meanStd(selfTrained),
    difference: meanStd(selfTrained.map((t, i) => t - baseline[i])),
    seedsAhead: selfTrained.filter((t, i) => t > baseline[i]).length,
  }),
);
