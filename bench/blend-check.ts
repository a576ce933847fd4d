/**
 * A feasibility check, not a product option: does averaging `transformer-ensemble` with a predictor
 * of another family (their quantile ranks, weight w on the other one) add Kendall tau on NAS-Bench-101
 * (label test_accuracy_run0, LABELS random cells by seed, scored on the next TEST_SAMPLE cells of the
 * seed's order, default 20,000: the ablations' sample)? Prints one JSON line per seed with the tau at
 * w = 0, 0.1, 0.2, 0.3, 0.5, 1. The weights are read on test cells, so a gain here would still need a
 * weight chosen by cross-validation before it could become an option (docs/transformer.md, "Ensembles").
 * Usage: node dist/bench/blend-check.js LABELS SEEDS OTHER [TEST_SAMPLE]   (OTHER: mlp, gin, …)
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { kendallTau } from "../src/eval/metrics.js";
import { createPredictor, type Method } from "../src/predictors/registry.js";
import { Rng } from "../src/random.js";

const [labelsArg, seedsArg, other, sampleArg] = process.argv.slice(2);
const benchmark = await loadBenchmark("nb101", dataDir(undefined));
const truth = targetValues(benchmark, undefined);
const space = benchmark.space;
const N = Number(labelsArg);
const S = Number(sampleArg ?? 20000);
const ranks = (v: Float32Array | number[]) => {
  const idx = Array.from(v.keys()).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  idx.forEach((i, k) => {
    r[i] = k / (v.length - 1);
  });
  return r;
};
for (const seed of seedsArg.split(",").map(Number)) {
  const order = space.sample(new Rng(seed), space.size);
  const labeled = order.subarray(0, N);
  const test = order.subarray(N, N + S);
  const actual = Float64Array.from(test, (id) => truth[id]);
  const preds: Float64Array[] = [];
  for (const m of ["transformer-ensemble", other] as Method[]) {
    const p = createPredictor(m, space);
    await p.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed });
    preds.push(ranks(Array.from(await p.predict(test))));
    p.dispose();
  }
  const out: Record<string, number> = {};
  for (const w of [0, 0.1, 0.2, 0.3, 0.5, 1]) {
    const b = preds[0].map((x, i) => (1 - w) * x + w * preds[1][i]);
    out[`w${w}`] = kendallTau(b, actual);
  }
  console.log(JSON.stringify({ labels: N, seed, other, ...out }));
}
