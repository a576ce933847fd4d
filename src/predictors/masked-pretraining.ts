/**
 * Masked-operation pre-training of the transformer's encoder on unlabeled cells (issue 21, 4a): some
 * interior vertices' ops are hidden behind a mask token and a linear head on the encoder's tokens
 * predicts them (softmax cross-entropy); the encoder's weights can then start a supervised fit
 * (`SupervisedPredictor.initialWeights`). Measured in bench/transformer-pretrain.ts; not a product
 * option (docs/transformer.md says what it gave).
 */
import { Rng } from "../random.js";
import { initBackend, tf } from "../tensor/backend.js";
import { matMul } from "../tensor/matmul.js";
import type { TransformerNetwork } from "./transformer.js";

/** Op types that are never masked: a cell's input and output vertices are fixed by the space. */
const UNMASKED_OPS = new Set(["input", "output"]);

/** Encodings of cells with some ops masked, and what was masked. */
export interface MaskedOps {
  /**
   * The encodings (count × size, the matrix layout) with each masked vertex's one-hot op replaced by
   * the mask token, 1/K in every op column (still one op's worth, so the vertex stays a real vertex).
   */
  x: Float32Array;
  /** Rows cell·V + vertex of the masked vertices, ascending. */
  positions: Int32Array;
  /** Their true op, a column index into the encoding's op types. */
  targets: Int32Array;
  /** Vertices that could have been masked (an op other than input/output). */
  candidates: number;
}

/**
 * Masks the ops of `count` cells' encodings `x` (count × size; V vertices, `opTypes` op columns): every
 * vertex whose op is not input or output is masked independently with probability `rate` (0..1), drawn
 * from `rng` in cell, then vertex order — so the same rng state masks the same vertices. `x` is not
 * changed. Throws RangeError when `rate` is outside [0, 1] or `x` is shorter than count × size.
 */
export function maskOps(
  x: Float32Array,
  count: number,
  vertices: number,
  opTypes: readonly string[],
  rate: number,
  rng: Rng,
  size = vertices * vertices + vertices * opTypes.length,
): MaskedOps {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`mask rate must be in [0, 1], got ${rate}`);
  if (x.length < count * size)
    throw new RangeError(`encodings hold ${x.length} floats; ${count} cells of ${size} need ${count * size}`);
  const V = vertices;
  const K = opTypes.length;
  const maskable = opTypes.map((op) => !UNMASKED_OPS.has(op));
  const out = x.slice(0, count * size);
  const positions: number[] = [];
  const targets: number[] = [];
  let candidates = 0;
  for (let c = 0; c < count; c++)
    for (let v = 0; v < V; v++) {
      const row = c * size + V * V + v * K;
      let op = -1;
      for (let k = 0; k < K; k++) if (out[row + k] > 0) op = k;
      if (op < 0 || !maskable[op]) continue;
      candidates++;
      if (rng.float() >= rate) continue;
      out.fill(1 / K, row, row + K);
      positions.push(c * V + v);
      targets.push(op);
    }
  return { x: out, positions: Int32Array.from(positions), targets: Int32Array.from(targets), candidates };
}

export interface PretrainingOptions {
  /** Passes over the unlabeled cells. */
  epochs: number;
  /** Probability that an interior vertex's op is masked, drawn afresh each time a cell enters a batch. */
  maskRate: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the encoder's and head's initial weights, the batch order and the masks. */
  seed: number;
}

export const DEFAULT_PRETRAINING_OPTIONS: PretrainingOptions = {
  epochs: 5,
  maskRate: 0.25,
  batchSize: 256,
  learningRate: 2e-3,
  seed: 0,
};

export interface Pretrained {
  /** The encoder's weights (the network's first `encoderWeights` shapes), row-major. */
  weights: Float32Array[];
  /** Mean masked-op cross-entropy (nats per masked vertex) of each epoch's batches, in training order. */
  losses: number[];
}

/**
 * Pre-trains `network`'s encoder on the encodings `x` of `count` unlabeled cells (count × the space's
 * encoding size): Adam on the mean softmax cross-entropy of the masked ops (`maskOps`), predicted by a
 * linear head (width → op types) on the encoder's tokens; matrices start Glorot-uniform and vectors at
 * zero, as in a supervised fit. Batches with no masked vertex are skipped. Throws RangeError on an
 * option out of range (epochs, batch size not positive integers; learning rate not > 0; rate outside
 * [0, 1]) or when the network reads per-cell inputs.
 */
export async function pretrainMaskedOps(
  network: TransformerNetwork,
  x: Float32Array,
  count: number,
  options: Partial<PretrainingOptions> = {},
): Promise<Pretrained> {
  await initBackend();
  const o = { ...DEFAULT_PRETRAINING_OPTIONS, ...options };
  for (const name of ["epochs", "batchSize"] as const)
    if (!(Number.isInteger(o[name]) && o[name] > 0))
      throw new RangeError(`${name} must be a positive integer, got ${o[name]}`);
  if (!(o.learningRate > 0)) throw new RangeError(`learningRate must be > 0, got ${o.learningRate}`);
  if ((network.inputs ?? []).length > 0)
    throw new RangeError(
      "masked-op pre-training reads the graph only: the network must have no per-cell inputs",
    );
  const V = network.vertices;
  const K = network.opTypes.length;
  const size = V * V + V * K;
  const rng = new Rng(o.seed);
  const glorot = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (shape.length < 2) return tf.variable(tf.zeros(shape));
    const limit = Math.sqrt(6 / (shape[shape.length - 2] + shape[shape.length - 1]));
    return tf.variable(
      tf.tensor(
        Float32Array.from({ length: n }, () => (rng.float() * 2 - 1) * limit),
        shape,
      ),
    );
  };
  // tidy: each variable shares its initial tensor's data, and that tensor would outlive the fit
  const encoder = tf.tidy(() => network.shapes().slice(0, network.encoderWeights).map(glorot));
  const head = tf.tidy(() => [glorot([network.width, K]), glorot([K])]);
  const trained = [...encoder, ...head];
  const optimizer = tf.train.adam(o.learningRate);
  const losses: number[] = [];
  const batch = new Float32Array(Math.min(o.batchSize, count) * size);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = rng.permutation(count);
    let sum = 0;
    let batches = 0;
    for (let start = 0; start < count; start += o.batchSize) {
      const m = Math.min(o.batchSize, count - start);
      for (let i = 0; i < m; i++)
        batch.set(x.subarray(order[start + i] * size, (order[start + i] + 1) * size), i * size);
      const masked = maskOps(batch, m, V, network.opTypes, o.maskRate, rng, size);
      if (masked.positions.length === 0) continue;
      const weight = new Float32Array(m * V);
      const target = new Float32Array(m * V * K);
      masked.positions.forEach((p, i) => {
        weight[p] = 1 / masked.positions.length;
        target[p * K + masked.targets[i]] = 1;
      });
      const loss = tf.tidy(() => {
        const xt = tf.tensor2d(masked.x, [m, size]);
        const w = tf.tensor1d(weight);
        const t = tf.tensor2d(target, [m * V, K]);
        return optimizer.minimize(
          () => {
            const tokens = network.encode(encoder, xt);
            const logits = tf.add(matMul(tokens, head[0]), head[1]);
            const perVertex = tf.neg(tf.sum(tf.mul(t, tf.logSoftmax(logits)), 1));
            return tf.sum(tf.mul(perVertex, w)) as tf.Scalar;
          },
          true,
          trained,
        ) as tf.Scalar;
      });
      sum += (await loss.data())[0];
      loss.dispose();
      batches++;
    }
    losses.push(batches > 0 ? sum / batches : Number.NaN);
  }
  optimizer.dispose();
  const weights = encoder.map((v) => v.dataSync().slice() as Float32Array);
  tf.dispose(trained);
  return { weights, losses };
}
