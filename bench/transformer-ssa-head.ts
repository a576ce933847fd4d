/**
 * The assessor's relation-graph GCN head on the transformer's encoder (issue 21, 4c), measured paired by
 * seed against the plain transformer on the same labeled cells. Per seed, the space's cells in the seed's
 * order (as `evaluate` and bench/transformer-ablation.ts draw them): for each label count N the first N
 * cells are labeled and the next TEST are scored (Kendall tau-b); POOL unlabeled cells from after the
 * largest label count's test sample (never a labeled or scored cell) are the unlabeled pool.
 *
 * Variants, all on the same labeled cells and seed:
 * - plain: the `transformer` predictor (its defaults; its numbers are bench/transformer-ablation.ts's
 *   `default` variant on the same TEST sample).
 * - e2e: the transformer's encoder (`transformerNetwork(...).embed`, the pooled vector its output layer
 *   would read) and the assessor's two-layer GCN (assessor/graph.ts: relation graph s = exp(-d/2σ²) over
 *   the batch's embeddings, edges above τ, ŷ = Â·ReLU(Â·z·W0)·W1 + b) trained end to end from the same
 *   initial encoder as plain's fit, with the transformer's loss, learning rate and steps
 *   (TRANSFORMER_TRAINING); each batch is the plain fit's up to 256 labeled cells filled to BATCH with
 *   cells drawn at random from the pool, and the loss reads the labeled nodes only.
 * - frozen: plain's fitted encoder, frozen; the GCN head alone fitted on its embeddings over the same
 *   kind of batches, with the assessor's learning rate and step count.
 * Prediction as the assessor predicts: a context batch drawn like a training batch is fixed after the
 * fit; each scored cell joins its relation graph as one more node (assessQueries); scores are
 * calibrated to labels by isotonic regression on the labeled cells, as every predictor here does.
 * Settings fixed before any test score: σ, τ and the distance scale are the assessor's defaults
 * (relative to the batch's median distance, so free of the embedding's scale), BATCH its batch size,
 * the GCN's hidden width its `hidden`. SIGMA 0.03 and 1e-4 (no edges: a control without the graph)
 * were run after seed 0's scores were seen (docs/transformer.md).
 *
 * Usage: node dist/bench/transformer-ssa-head.js SPACE LABELS SEEDS [TARGET] [TEST] [VARIANTS] [SIGMA]
 *   LABELS, SEEDS comma lists; TEST scored cells per label count (default 20000); VARIANTS a comma list
 *   of e2e, frozen (default both); SIGMA the graph's σ (default the assessor's, relative to the median
 *   distance). One JSON line per seed and label count (Kendall tau of each variant,
 *   wall and CPU seconds of each fit and prediction, the context graph's mean neighbours per node and
 *   the share of scored cells with a neighbour in it), then a summary per label count.
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { meanStd } from "../src/eval/evaluate.js";
import { kendallTau } from "../src/eval/metrics.js";
import {
  assessQueries,
  distanceSpace,
  type GcnWeights,
  type GraphContext,
  type GraphOptions,
  graphContext,
  graphConvolution,
  selfDistances,
  squaredDistances,
} from "../src/predictors/assessor/graph.js";
import { DEFAULT_ASSESSOR_OPTIONS } from "../src/predictors/assessor/options.js";
import { SparseGraph } from "../src/predictors/assessor/sparse-graph.js";
import { calibrate, fitCalibration } from "../src/predictors/calibration.js";
import { scaleLabels } from "../src/predictors/label-scaling.js";
import { createPredictor } from "../src/predictors/registry.js";
import {
  DEFAULT_TRAINING_OPTIONS,
  epochsFor,
  type SupervisedPredictor,
  type TrainingOptions,
  trainingLoss,
} from "../src/predictors/supervised.js";
import {
  TRANSFORMER_TRAINING,
  type TransformerNetwork,
  transformerNetwork,
} from "../src/predictors/transformer.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";
import { initBackend, tf } from "../src/tensor/backend.js";
import { timed } from "./timed.js";

/** Nodes of a training batch's graph and of the prediction context (the assessor's batch size). */
const BATCH = DEFAULT_ASSESSOR_OPTIONS.batchSize;
const HIDDEN = DEFAULT_ASSESSOR_OPTIONS.hidden;
/** Unlabeled cells the batches draw from. */
const POOL = 20000;
/** The frozen variant's head: the assessor's learning rate and (minimum) joint steps. */
const FROZEN_STEPS = DEFAULT_ASSESSOR_OPTIONS.minSteps;
const FROZEN_RATE = DEFAULT_ASSESSOR_OPTIONS.learningRate;
/** Cells embedded and scored at once. */
const CHUNK = 4096;
const TRAINING: TrainingOptions = { ...DEFAULT_TRAINING_OPTIONS, ...TRANSFORMER_TRAINING };

const [spaceName, labelsArg, seedsArg, targetArg, testArg, variantsArg, sigmaArg] = process.argv.slice(2);
if (!seedsArg) {
  console.error(
    "usage: node dist/bench/transformer-ssa-head.js SPACE LABELS SEEDS [TARGET] [TEST] [VARIANTS] [SIGMA]",
  );
  process.exit(1);
}
const GRAPH: GraphOptions = {
  graphScale: DEFAULT_ASSESSOR_OPTIONS.graphScale,
  sigma: sigmaArg ? Number(sigmaArg) : DEFAULT_ASSESSOR_OPTIONS.sigma,
  tau: DEFAULT_ASSESSOR_OPTIONS.tau,
};
if (!(GRAPH.sigma > 0)) throw new Error(`SIGMA must be a number > 0, got ${sigmaArg}`);
await initBackend();
const benchmark = await loadBenchmark(spaceName as SpaceName, dataDir(undefined));
const truth = targetValues(benchmark, targetArg || undefined);
const space = benchmark.space;
const size = space.encoding.size;
const labelCounts = labelsArg.split(",").map(Number);
const testSize = Number(testArg || 20000);
const variants = (variantsArg || "e2e,frozen").split(",");
for (const v of variants)
  if (v !== "e2e" && v !== "frozen") throw new Error(`unknown variant ${v}: expected e2e or frozen`);
const poolStart = Math.max(...labelCounts) + testSize;

/** A Glorot-uniform matrix (or zero vector) of `shape` drawn from `rng`, as supervised.ts draws weights. */
function drawn(shape: number[], rng: Rng): tf.Variable {
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 2) return tf.variable(tf.zeros(shape));
  const limit = Math.sqrt(6 / (shape[shape.length - 2] + shape[shape.length - 1]));
  return tf.variable(
    tf.tensor(
      Float32Array.from({ length: count }, () => (rng.float() * 2 - 1) * limit),
      shape,
    ),
  );
}

/** Where a batch's embeddings come from: the encoder (trainable or not), or stored rows. */
interface Features {
  /** Embeddings (count, width) of the encoded cells `x` (count × size). */
  embed(x: Float32Array, count: number): tf.Tensor2D;
  /** The variables a fit trains besides the GCN's (none when frozen). */
  variables: tf.Variable[];
  /** Columns of an embedding. */
  width: number;
}

/** The relation-graph head's fit and what it predicts with. */
interface Head {
  gcn: GcnWeights;
  context: GraphContext;
  features: Features;
}

/**
 * Fits the GCN head (and the encoder, when `features` has variables) on batches of up to the transformer's
 * batch size of labeled cells (their scaled labels `y`), filled to BATCH nodes from `pool`, for `steps`
 * Adam steps at `rate`; the loss is the transformer's on the labeled nodes. Then fixes the context batch.
 */
async function fitHead(
  features: Features,
  labeledX: Float32Array,
  y: Float32Array,
  poolX: Float32Array,
  steps: number,
  rate: number,
  rng: Rng,
): Promise<Head> {
  const n = y.length;
  const poolCount = poolX.length / size;
  const width = features.width;
  const gcnVariables = [drawn([width, HIDDEN], rng), drawn([HIDDEN, 1], rng), drawn([1], rng)];
  const gcn: GcnWeights = {
    w0: gcnVariables[0] as tf.Tensor2D,
    w1: gcnVariables[1] as tf.Tensor2D,
    bias: gcnVariables[2] as tf.Tensor1D,
  };
  const perBatch = Math.min(TRAINING.batchSize, n);
  const batchX = new Float32Array(BATCH * size);
  const batchY = new Float32Array(perBatch);
  /** A batch: `labeled` rows of labeledX first, the rest drawn from the pool. */
  const fill = (labeled: ArrayLike<number>) => {
    for (let i = 0; i < perBatch; i++)
      batchX.set(labeledX.subarray(labeled[i] * size, (labeled[i] + 1) * size), i * size);
    for (let i = perBatch; i < BATCH; i++) {
      const k = rng.int(poolCount);
      batchX.set(poolX.subarray(k * size, (k + 1) * size), i * size);
    }
  };
  const optimizer = tf.train.adam(rate);
  const variables = [...features.variables, ...gcnVariables];
  let order = rng.permutation(n);
  let cursor = 0;
  for (let step = 0; step < steps; step++) {
    if (cursor + perBatch > n) {
      order = rng.permutation(n);
      cursor = 0;
    }
    const picked = order.subarray(cursor, cursor + perBatch);
    cursor += perBatch;
    fill(picked);
    for (let i = 0; i < perBatch; i++) batchY[i] = y[picked[i]];
    tf.tidy(() => {
      const yt = tf.tensor1d(batchY);
      optimizer.minimize(
        () => {
          const z = features.embed(batchX, BATCH);
          const predicted = tf.slice(graphConvolution(z, gcn, GRAPH), 0, perBatch) as tf.Tensor1D;
          return trainingLoss(predicted, yt, TRAINING);
        },
        false,
        variables,
      );
    });
    if (step % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  optimizer.dispose();
  // the context batch, drawn like a training batch
  fill(rng.permutation(n).subarray(0, perBatch));
  const z = features.embed(batchX, BATCH);
  const context = graphContext(z, gcn, GRAPH);
  z.dispose();
  return { gcn, context, features };
}

/** The head's raw scores of encoded cells `x` (count × size), each one more node of the context graph. */
function headScores(head: Head, x: Float32Array): Float32Array {
  const count = x.length / size;
  const out = new Float32Array(count);
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const values = tf.tidy(() =>
      assessQueries(
        head.context,
        head.features.embed(x.subarray(start * size, end * size), end - start),
        head.gcn,
        GRAPH,
      ),
    );
    out.set(values.dataSync(), start);
    values.dispose();
  }
  return out;
}

/** The context graph's mean neighbours per node, and the share of the first CHUNK of `x` with a neighbour in it. */
function graphShape(
  head: Head,
  x: Float32Array,
): { contextNeighbours: number; queriesWithNeighbour: number } {
  const { context } = head;
  const n = context.secondMessages.length;
  const width = context.center.length;
  const e = tf.tensor2d(context.e, [n, width]);
  const graph = SparseGraph.fromDistances(selfDistances(e), n, context.scale, GRAPH.tau);
  const count = Math.min(CHUNK, x.length / size);
  const d = tf.tidy(() =>
    squaredDistances(
      distanceSpace(
        head.features.embed(x.subarray(0, count * size), count),
        tf.tensor2d(context.center, [1, width]),
        GRAPH,
      ),
      e,
    ),
  );
  const distances = d.dataSync();
  tf.dispose([d, e]);
  const cutoff = -Math.log(GRAPH.tau);
  let linked = 0;
  for (let q = 0; q < count; q++) {
    for (let j = 0; j < n; j++)
      if (context.scale * distances[q * n + j] < cutoff) {
        linked++;
        break;
      }
  }
  return { contextNeighbours: (2 * graph.edges) / n, queriesWithNeighbour: linked / count };
}

/** Calibrated predictions of the test cells and the head's Kendall tau. */
function scoreHead(
  head: Head,
  labeledX: Float32Array,
  labels: number[],
  testX: Float32Array,
  actual: Float64Array,
) {
  const calibration = fitCalibration(headScores(head, labeledX), labels);
  const predicted = Float64Array.from(headScores(head, testX), (s) => calibrate(calibration, s));
  return kendallTau(predicted, actual);
}

type Row = Record<string, number>;
const results = new Map<number, Row[]>(labelCounts.map((n) => [n, []]));
for (const seed of seedsArg.split(",").map(Number)) {
  const order = space.sample(new Rng(seed), space.size);
  const pool = order.subarray(poolStart, poolStart + POOL);
  if (pool.length < POOL) throw new Error(`only ${pool.length} cells left for the pool of ${POOL}`);
  const poolX = space.encode(pool);
  for (const n of labelCounts) {
    const labeled = order.subarray(0, n);
    const test = order.subarray(n, n + testSize);
    const labels = Array.from(labeled, (id) => truth[id]);
    const actual = Float64Array.from(test, (id) => truth[id]);
    const labeledX = space.encode(labeled);
    const testX = space.encode(test);
    const y = scaleLabels(labels, "quantile");
    const row: Row = {};
    const details: Record<string, unknown> = {};

    const plain = createPredictor("transformer", space) as SupervisedPredictor;
    const [, plainFit] = await timed(() => plain.fit({ space, labeled, labels, seed }));
    const [plainPredicted, plainPredict] = await timed(() => plain.predict(test));
    row.plain = kendallTau(plainPredicted, actual);
    details.plainSeconds = { fit: plainFit, predict: plainPredict };
    const network: TransformerNetwork = transformerNetwork(space);
    const encoderShapes = network.shapes().slice(0, network.encoderWeights);

    if (variants.includes("e2e")) {
      // the plain fit's draw of the encoder (same seed, same order of draws), trained with the head
      const rng = new Rng(seed);
      const encoder = encoderShapes.map((shape) => drawn(shape, rng));
      const features: Features = {
        embed: (x, count) => network.embed(encoder, tf.tensor2d(x, [count, size])),
        variables: encoder,
        width: network.width,
      };
      const steps = Math.min(
        TRAINING.maxSteps,
        Math.max(TRAINING.minSteps, epochsFor(TRAINING, n) * Math.ceil(n / Math.min(TRAINING.batchSize, n))),
      );
      const [head, fit] = await timed(() =>
        fitHead(features, labeledX, y, poolX, steps, TRAINING.learningRate, rng),
      );
      const [tau, predict] = await timed(async () => scoreHead(head, labeledX, labels, testX, actual));
      row.e2e = tau;
      details.e2eRun = { steps, ...graphShape(head, testX), fit, predict };
      tf.dispose([...encoder, head.gcn.w0, head.gcn.w1, head.gcn.bias]);
    }
    if (variants.includes("frozen")) {
      const rng = new Rng(seed);
      const encoder = plain
        .fittedWeights()
        .slice(0, network.encoderWeights)
        .map((data, k) => tf.tensor(data, encoderShapes[k]));
      const features: Features = {
        embed: (x, count) => network.embed(encoder, tf.tensor2d(x, [count, size])),
        variables: [],
        width: network.width,
      };
      const [head, fit] = await timed(() =>
        fitHead(features, labeledX, y, poolX, FROZEN_STEPS, FROZEN_RATE, rng),
      );
      const [tau, predict] = await timed(async () => scoreHead(head, labeledX, labels, testX, actual));
      row.frozen = tau;
      details.frozenRun = { steps: FROZEN_STEPS, ...graphShape(head, testX), fit, predict };
      tf.dispose([...encoder, head.gcn.w0, head.gcn.w1, head.gcn.bias]);
    }
    results.get(n)?.push(row);
    console.log(JSON.stringify({ seed, labels: n, ...row, ...details }));
  }
}
for (const [n, rows] of results) {
  const plain = rows.map((r) => r.plain);
  const summary: Record<string, unknown> = {
    space: spaceName,
    labels: n,
    testCells: testSize,
    pool: POOL,
    batch: BATCH,
    graph: GRAPH,
    hidden: HIDDEN,
    seeds: seedsArg,
    plain: meanStd(plain),
  };
  for (const v of variants) {
    const taus = rows.map((r) => r[v]);
    summary[v] = {
      ktau: meanStd(taus),
      difference: meanStd(taus.map((t, i) => t - plain[i])),
      seedsAhead: taus.filter((t, i) => t > plain[i]).length,
    };
  }
  console.log(JSON.stringify(summary));
}
