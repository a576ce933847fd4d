/**
 * A supervised multi-layer perceptron on the cell's flat encoding (adjacency + one-hot operations),
 * no graph and no unlabeled cells: the baseline users ask about first. Trained like the assessor's
 * regression head (rank-based targets, the pairwise ranking loss, Adam) and calibrated the same way.
 */
import { BadFileError } from "../errors.js";
import { yieldToEventLoop } from "../event-loop.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { initBackend, tf } from "../tensor/backend.js";
import { addBias } from "../tensor/bias.js";
import { matMul } from "../tensor/matmul.js";
import { type Calibration, calibrate, fitCalibration } from "./calibration.js";
import { scaleLabels } from "./label-scaling.js";
import { readModelFile, writeModelFile } from "./model-file.js";
import { checkedLabels, checkIds, type FitInput, type Predictor } from "./predictor.js";
import { rankingLoss } from "./ranking-loss.js";

export interface MlpOptions {
  /** Widths of the hidden layers. */
  hidden: number[];
  learningRate: number;
  /** Labeled cells per step (at most). */
  batchSize: number;
  /** Passes over the labeled cells, kept within [minSteps, maxSteps] steps. */
  epochs: number;
  minSteps: number;
  maxSteps: number;
  rankWeight: number;
}

export const DEFAULT_MLP_OPTIONS: MlpOptions = {
  hidden: [128, 128],
  learningRate: 3e-3,
  batchSize: 512,
  epochs: 150,
  minSteps: 300,
  maxSteps: 1000,
  rankWeight: 1,
};

/** Cells encoded and predicted at once. */
const PREDICT_CHUNK = 16384;

interface Fitted {
  weights: tf.Variable[];
  calibration: Calibration;
}

export class MlpPredictor implements Predictor {
  readonly method = "mlp";
  readonly options: MlpOptions;
  private fitted?: Fitted;

  constructor(
    readonly space: SearchSpace<unknown>,
    options: Partial<MlpOptions> = {},
  ) {
    this.options = { ...DEFAULT_MLP_OPTIONS, ...options };
  }

  private layerShapes(): [number, number][] {
    const widths = [this.space.encoding.size, ...this.options.hidden, 1];
    return widths.slice(1).map((w, k) => [widths[k], w]);
  }

  /** Raw outputs for rows of the flat encoding. */
  private forward(weights: tf.Variable[], x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      const layers = weights.length / 2;
      for (let k = 0; k < layers; k++) {
        h = addBias(matMul(h, weights[2 * k]), weights[2 * k + 1] as tf.Tensor1D);
        if (k < layers - 1) h = tf.relu(h);
      }
      return tf.reshape(h, [-1]) as tf.Tensor1D;
    });
  }

  private async scores(weights: tf.Variable[], ids: ArrayLike<number>): Promise<Float32Array> {
    const out = new Float32Array(ids.length);
    const width = this.space.encoding.size;
    for (let start = 0; start < ids.length; start += PREDICT_CHUNK) {
      const chunk = Array.prototype.slice.call(ids, start, Math.min(ids.length, start + PREDICT_CHUNK));
      const values = tf.tidy(() =>
        this.forward(weights, tf.tensor2d(this.space.encode(chunk), [chunk.length, width])),
      );
      out.set(await values.data(), start);
      values.dispose();
      await yieldToEventLoop();
    }
    return out;
  }

  async fit(input: FitInput): Promise<void> {
    await initBackend();
    const o = this.options;
    const { labeled, labels } = checkedLabels(input, this.space, 2);
    const n = labeled.length;
    const y = scaleLabels(labels, "quantile");
    const x = this.space.encode(labeled);
    const width = this.space.encoding.size;
    const rng = new Rng(input.seed);
    const weights: tf.Variable[] = [];
    for (const [fanIn, fanOut] of this.layerShapes()) {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = Float32Array.from({ length: fanIn * fanOut }, () => (rng.float() * 2 - 1) * limit);
      weights.push(tf.variable(tf.tensor2d(w, [fanIn, fanOut])), tf.variable(tf.zeros([fanOut])));
    }
    const perBatch = Math.min(o.batchSize, n);
    const steps = Math.min(o.maxSteps, Math.max(o.minSteps, o.epochs * Math.ceil(n / perBatch)));
    const optimizer = tf.train.adam(o.learningRate);
    let order = rng.permutation(n);
    let cursor = 0;
    const batchX = new Float32Array(perBatch * width);
    const batchY = new Float32Array(perBatch);
    for (let step = 0; step < steps; step++) {
      if (cursor + perBatch > n) {
        order = rng.permutation(n);
        cursor = 0;
      }
      for (let i = 0; i < perBatch; i++) {
        const k = order[cursor + i];
        batchX.set(x.subarray(k * width, (k + 1) * width), i * width);
        batchY[i] = y[k];
      }
      cursor += perBatch;
      tf.tidy(() => {
        const xt = tf.tensor2d(batchX, [perBatch, width]);
        const yt = tf.tensor1d(batchY);
        optimizer.minimize(
          () => {
            const predicted = this.forward(weights, xt);
            const loss = tf.mean(tf.square(tf.sub(predicted, yt)));
            return (
              o.rankWeight > 0 ? tf.add(loss, tf.mul(o.rankWeight, rankingLoss(predicted, yt))) : loss
            ) as tf.Scalar;
          },
          false,
          weights,
        );
      });
      if (step % 10 === 0) input.onProgress?.(step / steps);
      if (step % 10 === 9) await yieldToEventLoop();
    }
    optimizer.dispose();
    const calibration = fitCalibration(await this.scores(weights, labeled), labels);
    if (this.fitted) tf.dispose(this.fitted.weights);
    this.fitted = { weights, calibration };
    input.onProgress?.(1);
  }

  async predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array> {
    await initBackend();
    const fitted = this.fitted;
    if (!fitted) throw new Error("predict() before fit() or load()");
    checkIds(ids, this.space);
    const scores = await this.scores(fitted.weights, ids);
    onProgress?.(1);
    return Float64Array.from(scores, (s) => calibrate(fitted.calibration, s));
  }

  save(path: string): void {
    const fitted = this.fitted;
    if (!fitted) throw new Error("save() before fit()");
    writeModelFile(path, this.method, this.space, {
      options: this.options,
      calibration: fitted.calibration,
      weights: fitted.weights.map((w) => {
        const data = w.dataSync() as Float32Array;
        return {
          shape: w.shape,
          data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
        };
      }),
    });
  }

  /** Reads a model file written by `save` for this space. */
  static async load(path: string, space: SearchSpace<unknown>): Promise<MlpPredictor> {
    await initBackend();
    const file = readModelFile(path, space);
    if (file.method !== "mlp") throw new BadFileError(path, `holds a "${file.method}" model, not mlp`);
    try {
      const predictor = new MlpPredictor(space, file.options as Partial<MlpOptions>);
      const stored = file.weights as { shape: number[]; data: string }[];
      const shapes = predictor.layerShapes().flatMap(([i, o]) => [[i, o], [o]]);
      if (stored.length !== shapes.length)
        throw new Error(`${stored.length} weights, expected ${shapes.length}`);
      const weights = stored.map((w, k) => {
        if (w.shape.join("x") !== shapes[k].join("x"))
          throw new Error(`weight ${k} is not of shape ${shapes[k]}`);
        const bytes = Buffer.from(w.data, "base64");
        const data = new Float32Array(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        );
        if (data.length !== shapes[k].reduce((a, b) => a * b, 1))
          throw new Error(`weight ${k} has ${data.length} values`);
        return tf.variable(tf.tensor(data, w.shape));
      });
      const calibration = file.calibration as Calibration;
      if (!calibration?.scores?.length || calibration.labels?.length !== calibration.scores.length)
        throw new Error("no output calibration");
      predictor.fitted = { weights, calibration };
      return predictor;
    } catch (e) {
      throw new BadFileError(path, `damaged model file: ${(e as Error).message}`);
    }
  }
}
