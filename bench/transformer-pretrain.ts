/**
 * Masked-op pre-training of the transformer's encoder (issue 21, 4a), measured paired by seed on the
 * evaluation protocol: per seed, the space's cells in the seed's order (as `evaluate` draws them); POOL
 * unlabeled cells from after the largest label count's test sample (so never a labeled or a scored
 * cell) pre-train the encoder (masked-pretraining.ts: EPOCHS passes, mask rate OBJECTIVE, seed = the seed);
 * then, for each label count N, the first N cells fit (1) the plain transformer and (2) the same
 * transformer starting from the pre-trained encoder (everything else as `transformer`'s defaults: same
 * seed, so the same output-layer draw and batches); both are scored (Kendall tau-b) on the next TEST
 * cells of the order. Prints one JSON line per seed and label count (with wall and CPU seconds of the
 * pre-training and of each fit), then a summary per label count with the paired differences.
 * OBJECTIVE "params" replaces the masked ops by a proxy with something to learn: the transformer's own
 * fit (its default loss, EPOCHS passes) to the pool cells' parameter counts, which every cell of
 * NAS-Bench-101 has without training; its encoder then starts the fits in the same way.
 * Usage: node dist/bench/transformer-pretrain.js SPACE LABELS SEEDS POOL EPOCHS OBJECTIVE [TARGET] [TEST]
 * (LABELS and SEEDS comma-separated; OBJECTIVE a mask rate in [0, 1] for the masked ops, or "params").
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { meanStd } from "../src/eval/evaluate.js";
import { kendallTau } from "../src/eval/metrics.js";
import { logCellInputs, requireCellInputs } from "../src/predictors/cell-inputs.js";
import { maskOps, type Pretrained, pretrainMaskedOps } from "../src/predictors/masked-pretraining.js";
import { createPredictor } from "../src/predictors/registry.js";
import { SupervisedPredictor } from "../src/predictors/supervised.js";
import { TRANSFORMER_TRAINING, transformerNetwork } from "../src/predictors/transformer.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";
import type { MatrixEncoding } from "../src/spaces/search-space.js";
import { timed } from "./timed.js";

const [spaceName, labelsArg, seedsArg, poolArg, epochsArg, objectiveArg, targetArg, testArg] =
  process.argv.slice(2);
if (!objectiveArg) {
  console.error(
    "usage: node dist/bench/transformer-pretrain.js SPACE LABELS SEEDS POOL EPOCHS OBJECTIVE [TARGET] [TEST]",
  );
  process.exit(1);
}
const benchmark = await loadBenchmark(spaceName as SpaceName, dataDir(undefined));
const truth = targetValues(benchmark, targetArg || undefined);
const space = benchmark.space;
const encoding = space.encoding as MatrixEncoding;
const labelCounts = labelsArg.split(",").map(Number);
const [poolSize, epochs] = [Number(poolArg), Number(epochsArg)];
const objective = objectiveArg === "params" ? "params" : "masked-op";
const maskRate = Number(objectiveArg);
const testSize = Number(testArg || 20000);
const poolStart = Math.max(...labelCounts) + testSize;
const hasParams = (() => {
  try {
    requireCellInputs(space, ["params"]);
    return true;
  } catch {
    return false;
  }
})();

const results = new Map<number, { plain: number[]; pretrained: number[] }>(
  labelCounts.map((n) => [n, { plain: [], pretrained: [] }]),
);
for (const seed of seedsArg.split(",").map(Number)) {
  const order = space.sample(new Rng(seed), space.size);
  const pool = order.subarray(poolStart, poolStart + poolSize);
  if (pool.length < poolSize) throw new Error(`only ${pool.length} cells left for the pool of ${poolSize}`);
  const encoded = space.encode(pool);
  let details: Record<string, unknown>;
  let encoderWeights: Float32Array[];
  let pretrainTime: { wall: number; cpu: number };
  if (objective === "params") {
    // the transformer's own fit (hinge loss on ranks) to the pool's parameter counts, EPOCHS passes
    const network = transformerNetwork(space);
    const proxy = new SupervisedPredictor("transformer", space, network, {
      ...TRANSFORMER_TRAINING,
      epochs,
      epochsByLabels: [],
    });
    const params = logCellInputs(space, ["params"], pool);
    [, pretrainTime] = await timed(() =>
      proxy.fit({ space, labeled: pool, labels: Array.from(params), seed }),
    );
    encoderWeights = proxy.fittedWeights().slice(0, network.encoderWeights);
    // how well it ranks the parameter counts of cells it did not see (the first 2,000 of the test sample)
    const held = order.subarray(poolStart - testSize, poolStart - testSize + 2000);
    details = {
      paramsTau: kendallTau(await proxy.predict(held), logCellInputs(space, ["params"], held)),
    };
  } else {
    let pretrained: Pretrained;
    [pretrained, pretrainTime] = await timed(() =>
      pretrainMaskedOps(transformerNetwork(space), encoded, pool.length, { epochs, maskRate, seed }),
    );
    encoderWeights = pretrained.weights;
    // the loss a head that knows only the ops' frequencies reaches: the entropy of a maskable vertex's op
    const all = maskOps(encoded, pool.length, encoding.vertices, encoding.opTypes, 1, new Rng(0));
    const counts = new Map<number, number>();
    for (const op of all.targets) counts.set(op, (counts.get(op) ?? 0) + 1);
    const marginalEntropy = -[...counts.values()].reduce(
      (s, c) => s + (c / all.targets.length) * Math.log(c / all.targets.length),
      0,
    );
    details = { pretrainLosses: pretrained.losses, marginalEntropy };
  }
  for (const n of labelCounts) {
    const labeled = order.subarray(0, n);
    const test = order.subarray(n, n + testSize);
    const labels = Array.from(labeled, (id) => truth[id]);
    const actual = Float64Array.from(test, (id) => truth[id]);
    const plain = createPredictor("transformer", space);
    const [, plainFit] = await timed(() => plain.fit({ space, labeled, labels, seed }));
    const tauPlain = kendallTau(await plain.predict(test), actual);
    const tuned = createPredictor("transformer", space) as SupervisedPredictor;
    tuned.initialWeights = encoderWeights;
    const [, tunedFit] = await timed(() => tuned.fit({ space, labeled, labels, seed }));
    const tauTuned = kendallTau(await tuned.predict(test), actual);
    // a reference with no fit at all, where every cell has a parameter count: the count's own ranking
    const paramsAlone = hasParams ? kendallTau(logCellInputs(space, ["params"], test), actual) : undefined;
    results.get(n)?.plain.push(tauPlain);
    results.get(n)?.pretrained.push(tauTuned);
    console.log(
      JSON.stringify({
        seed,
        labels: n,
        plain: tauPlain,
        pretrained: tauTuned,
        ...(paramsAlone === undefined ? {} : { paramsAlone }),
        ...details,
        pretrainSeconds: pretrainTime,
        plainFitSeconds: plainFit,
        pretrainedFitSeconds: tunedFit,
      }),
    );
  }
}
for (const [n, { plain, pretrained }] of results)
  console.log(
    JSON.stringify({
      space: spaceName,
      labels: n,
      pool: poolSize,
      epochs,
      objective,
      ...(objective === "masked-op" ? { maskRate } : {}),
      testCells: testSize,
      plain: meanStd(plain),
      pretrained: meanStd(pretrained),
      difference: meanStd(pretrained.map((t, i) => t - plain[i])),
      seedsAhead: pretrained.filter((t, i) => t > plain[i]).length,
    }),
  );
