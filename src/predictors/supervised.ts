/**
 * Predictors trained on labeled cells only: a differentiable network scores each cell's matrix
 * encoding (adjacency + one-hot operations), trained like the assessor's regression head — rank-based
 * targets, the pairwise ranking loss, Adam — and calibrated to accuracies by isotonic regression.
 * The MLP and GIN baselines are such networks.
 */
import { BadFileError, shownValue, UserError } from "../errors.js";
import { yieldToEventLoop } from "../event-loop.js";
import { Rng } from "../random.js";
import type { MatrixEncoding, SearchSpace } from "../spaces/search-space.js";
import { reorderVertices } from "../spaces/vertex-order.js";
import { initBackend, tf } from "../tensor/backend.js";
import { threads } from "../tensor/threads.js";
import { type Calibration, calibrate, fitCalibration } from "./calibration.js";
import {
  type CellInput,
  checkCellInputs,
  columnScaling,
  logCellInputs,
  requireCellInputs,
} from "./cell-inputs.js";
import { scaleLabels } from "./label-scaling.js";
import { LEARNING_RATE_SCHEDULES, learningRateAt, ScheduledAdam } from "./learning-rate.js";
import { listMleLoss } from "./listmle.js";
import {
  calibrationField,
  fieldError,
  readModelFile,
  requiredField,
  storedFloats,
  writeModelFile,
} from "./model-file.js";
import { pairwiseHingeLoss } from "./pairwise-hinge.js";
import { checkedLabels, checkIds, type FitInput, notFitted, type Predictor } from "./predictor.js";
import { rankingLoss } from "./ranking-loss.js";
import { ScoringThreadGone, scoringThread } from "./scoring-thread.js";
import type { TrainingOptions } from "./training-options.js";

/** A scoring network: its weights' shapes and its forward pass. */
export interface ScoringNetwork {
  /** Options that define the network (saved in model files). */
  readonly options: Record<string, unknown>;
  /** Shapes of the weights in order; matrices start Glorot-uniform, vectors at zero. */
  shapes(): number[][];
  /**
   * Per-cell inputs read after the encoding (cell-inputs.ts), standardised log10 values, one column
   * each in this order; absent or empty: the encoding only.
   */
  readonly inputs?: readonly CellInput[];
  /** Scores for a batch of encodings (count × (the space's encoding size + inputs)). */
  forward(weights: tf.Tensor[], x: tf.Tensor2D): tf.Tensor1D;
  /**
   * Set by networks.ts's buildNetwork: the network is that kind's, rebuilt from `options` in another
   * thread (the scoring thread shares the chunks of a large prediction). Absent (a network made otherwise,
   * e.g. in a benchmark): scored in this thread only.
   */
  readonly kind?: string;
}

/** How the per-cell inputs are standardised: log10 value − mean, over std; from the labeled cells of the fit. */
export interface InputScaling {
  mean: number[];
  std: number[];
}

// TrainingOptions lives in training-options.ts, which imports no tfjs: the library's public types
// (index.ts) reach it, and a declaration file that imports tfjs made every TypeScript consumer check
// tfjs' own declarations, which fail under `strict` without skipLibCheck
export type { TrainingOptions } from "./training-options.js";

/**
 * The most vertex orders a prediction averages. Prediction time grows with them (4, MLP_TRAINING's,
 * already takes four times as long as 1), and a cell of 7 vertices has at most 120 orders of its
 * interior, so that more orders mostly repeat ones already drawn.
 */
export const MAX_PREDICT_ORDERS = 64;

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  learningRate: 3e-3,
  batchSize: 512,
  epochs: 150,
  minSteps: 300,
  maxSteps: 1000,
  mseWeight: 1,
  rankWeight: 1,
  hingeWeight: 0,
  hingeMargin: 0.1,
  reorder: false,
  predictOrders: 1,
};

/**
 * The weighted training loss of predictions against quantile-scaled targets: mseWeight × MSE +
 * rankWeight × pairwise logistic loss + hingeWeight × pairwise hinge loss + listWeight × ListMLE
 * (terms of weight 0 skipped).
 */
export function trainingLoss(
  predicted: tf.Tensor1D,
  target: tf.Tensor1D,
  o: Pick<
    TrainingOptions,
    "mseWeight" | "rankWeight" | "hingeWeight" | "hingeMargin" | "hingeMinGap" | "listWeight"
  >,
): tf.Scalar {
  const terms: tf.Tensor[] = [];
  if (o.mseWeight > 0) terms.push(tf.mul(o.mseWeight, tf.mean(tf.square(tf.sub(predicted, target)))));
  if (o.rankWeight > 0) terms.push(tf.mul(o.rankWeight, rankingLoss(predicted, target)));
  if (o.hingeWeight > 0)
    terms.push(
      tf.mul(o.hingeWeight, pairwiseHingeLoss(predicted, target, o.hingeMargin, o.hingeMinGap ?? 0)),
    );
  if ((o.listWeight ?? 0) > 0) terms.push(tf.mul(o.listWeight ?? 0, listMleLoss(predicted, target)));
  return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Scalar;
}

/**
 * Whether `table` is absent or a by-label-count table (`epochsByLabels`, `averageFromByLabels`): [most
 * labels, value] pairs, most labels a positive integer increasing down the table, each value `valueOk`.
 */
function isLabelTable(table: unknown, valueOk: (value: unknown) => boolean): boolean {
  return (
    table === undefined ||
    (Array.isArray(table) &&
      table.every(
        (pair, k) =>
          Array.isArray(pair) &&
          pair.length === 2 &&
          Number.isInteger(pair[0]) &&
          pair[0] > 0 &&
          valueOk(pair[1]) &&
          (k === 0 || pair[0] > table[k - 1][0]),
      ))
  );
}

/**
 * Where the weight averaging of a fit on `n` labeled cells starts, as a fraction of its steps (see
 * TrainingOptions.averageFrom and averageFromByLabels); 1: no averaging.
 */
export function averageFromFor(
  o: Pick<TrainingOptions, "averageFrom" | "averageFromByLabels">,
  n: number,
): number {
  return o.averageFromByLabels?.find(([most]) => n <= most)?.[1] ?? o.averageFrom ?? 1;
}

/** The epochs of a fit on `n` labeled cells (see TrainingOptions.epochsByLabels). */
export function epochsFor(o: Pick<TrainingOptions, "epochs" | "epochsByLabels">, n: number): number {
  return o.epochsByLabels?.find(([most]) => n <= most)?.[1] ?? o.epochs;
}

/**
 * Cells encoded and scored at once: 4,096, fewer for encodings wider than 1,024 floats (a chunk holds at
 * most 4 million floats, 16 MB, in JavaScript and as much in the backend: 16,384 cells of a space of
 * 3,000 decisions took 1.2 GB). Predicting all NAS-Bench-101 cells with the transformer and the scoring
 * thread, bench child at 424 labels, alternated: 4,096 cells 20.8 / 20.8 / 22.5 / 26.3 s (peak RSS
 * 0.66 GB), 8,192 23.5 / 23.1 s (1.03 GB), 2,048 23.4 / 20.1 s (0.46 GB): within this machine's noise,
 * 4,096 the middle.
 */
const PREDICT_CHUNK = 4096;
/**
 * Predictions of at least this many cells (four chunks) share their chunks with the scoring thread:
 * for fewer, its start and first passes would cost what it saves.
 */
export const SCORING_THREAD_CELLS = 4 * PREDICT_CHUNK;
const PREDICT_CHUNK_FLOATS = PREDICT_CHUNK * 1024;

interface Fitted {
  weights: tf.Variable[];
  calibration: Calibration;
  /** Present when the network reads per-cell inputs. */
  inputScaling?: InputScaling;
}

export class SupervisedPredictor implements Predictor {
  readonly training: TrainingOptions;
  private fitted?: Fitted;
  /**
   * Weights the next fits start from instead of their random draw, by index into the network's
   * `shapes()` (each row-major, of that shape's size; undefined or absent entries keep the draw) — e.g.
   * an encoder pre-trained on unlabeled cells (bench/transformer-pretrain.ts). The random draw still
   * happens, so the batches are those of a fit without them. Not saved in model files. A wrong count
   * or size throws RangeError at `fit`.
   */
  initialWeights?: readonly (Float32Array | undefined)[];

  constructor(
    readonly method: string,
    readonly space: SearchSpace<unknown>,
    readonly network: ScoringNetwork,
    training: Partial<TrainingOptions> = {},
  ) {
    this.training = { ...DEFAULT_TRAINING_OPTIONS, ...training };
    const { predictOrders, reorder } = this.training;
    for (const name of [
      "mseWeight",
      "rankWeight",
      "hingeWeight",
      "hingeMargin",
      "hingeMinGap",
      "listWeight",
    ] as const) {
      const value = this.training[name];
      if ((name === "listWeight" || name === "hingeMinGap") && value === undefined) continue;
      if (!(typeof value === "number" && Number.isFinite(value) && value >= 0))
        throw new RangeError(`${name} must be a number ≥ 0, got ${shownValue(value)}`);
    }
    const { mseWeight, rankWeight, hingeWeight, listWeight = 0 } = this.training;
    if (mseWeight + rankWeight + hingeWeight + listWeight === 0)
      throw new RangeError(
        "mseWeight, rankWeight, hingeWeight and listWeight are all 0: there is no loss to train on",
      );
    if (!isLabelTable(this.training.epochsByLabels, (v) => Number.isInteger(v) && (v as number) > 0))
      throw new RangeError(
        `epochsByLabels must be [most labels, epochs] pairs of positive integers in increasing label order, got ${JSON.stringify(this.training.epochsByLabels)}`,
      );
    for (const name of ["learningRate", "batchSize", "epochs", "minSteps", "maxSteps"] as const) {
      const value = this.training[name];
      const integer = name !== "learningRate";
      if (
        !(typeof value === "number" && value > 0 && Number.isFinite(value)) ||
        (integer && !Number.isInteger(value))
      )
        throw new RangeError(
          `${name} must be a positive ${integer ? "integer" : "number"}, got ${shownValue(value)}`,
        );
    }
    if (this.training.minSteps > this.training.maxSteps)
      throw new RangeError(
        `minSteps (${this.training.minSteps}) must not exceed maxSteps (${this.training.maxSteps}): the fit stops at maxSteps`,
      );
    if (!Number.isInteger(predictOrders) || predictOrders < 1 || predictOrders > MAX_PREDICT_ORDERS)
      throw new RangeError(
        `predictOrders must be an integer from 1 to ${MAX_PREDICT_ORDERS}, got ${JSON.stringify(predictOrders)}`,
      );
    if (typeof reorder !== "boolean")
      throw new RangeError(`reorder must be true or false, got ${JSON.stringify(reorder)}`);
    const { schedule, weightDecay, averageFrom, averageFromByLabels } = this.training;
    const fraction = (v: unknown) => typeof v === "number" && v >= 0 && v <= 1;
    if (averageFrom !== undefined && !fraction(averageFrom))
      throw new RangeError(`averageFrom must be a fraction in [0, 1], got ${shownValue(averageFrom)}`);
    if (!isLabelTable(averageFromByLabels, fraction))
      throw new RangeError(
        `averageFromByLabels must be [most labels, fraction in [0, 1]] pairs in increasing label order, got ${JSON.stringify(averageFromByLabels)}`,
      );
    if (schedule !== undefined && !LEARNING_RATE_SCHEDULES.includes(schedule))
      throw new RangeError(
        `schedule must be one of ${LEARNING_RATE_SCHEDULES.join(", ")}, got ${JSON.stringify(schedule)}`,
      );
    if (
      weightDecay !== undefined &&
      !(typeof weightDecay === "number" && Number.isFinite(weightDecay) && weightDecay >= 0)
    )
      throw new RangeError(`weightDecay must be a number ≥ 0, got ${shownValue(weightDecay)}`);
    const inputs = checkCellInputs(network.inputs ?? []);
    if (inputs.length > 0) {
      requireCellInputs(space, inputs);
      if (reorder || predictOrders > 1)
        throw new RangeError(
          "per-cell inputs go with the stored vertex order only (reorder false, predictOrders 1)",
        );
    }
  }

  /** The per-cell inputs the network reads (none for most). */
  private get inputs(): readonly CellInput[] {
    return this.network.inputs ?? [];
  }

  /** Floats per cell the network reads: the encoding, then one per input. */
  private get width(): number {
    return this.space.encoding.size + this.inputs.length;
  }

  /** The encodings of `ids`, each followed by its standardised inputs (when the network reads any). */
  private encodeCells(ids: ArrayLike<number>, scaling: InputScaling | undefined): Float32Array {
    const encoded = this.space.encode(ids);
    const f = this.inputs.length;
    if (f === 0 || !scaling) return encoded;
    const size = this.space.encoding.size;
    const values = logCellInputs(this.space, this.inputs, ids);
    const x = new Float32Array(ids.length * (size + f));
    for (let i = 0; i < ids.length; i++) {
      x.set(encoded.subarray(i * size, (i + 1) * size), i * (size + f));
      for (let k = 0; k < f; k++)
        x[i * (size + f) + size + k] = (values[i * f + k] - scaling.mean[k]) / scaling.std[k];
    }
    return x;
  }

  /** The matrix layout whose vertex orders reorder/predictOrders vary; none for a flat encoding (no vertices). */
  private vertexOrders(): MatrixEncoding | undefined {
    const e = this.space.encoding;
    return "vertices" in e ? e : undefined;
  }

  /**
   * Raw scores, each the mean over `predictOrders` vertex orders of the cell (fixed per cell). A
   * prediction of at least SCORING_THREAD_CELLS cells shares its chunks with the scoring thread when
   * two threads are allowed and the network can be rebuilt there (it has a kind): each chunk is scored
   * whole in one thread or the other, its orders summed here in one order, so the values do not depend
   * on which thread scored what.
   */
  private async scores(
    weights: tf.Variable[],
    ids: ArrayLike<number>,
    scaling: InputScaling | undefined,
  ): Promise<Float32Array> {
    const out = new Float32Array(ids.length);
    const width = this.width;
    const matrix = this.vertexOrders();
    const orders = matrix ? this.training.predictOrders : 1;
    const rows = Math.max(1, Math.min(PREDICT_CHUNK, Math.floor(PREDICT_CHUNK_FLOATS / width)));
    const chunks = Math.ceil(ids.length / rows);
    /** The encodings of chunk k in each vertex order. */
    const batches = (k: number): { start: number; batches: Float32Array[] } => {
      const start = k * rows;
      const chunk = Array.prototype.slice.call(ids, start, Math.min(ids.length, start + rows));
      const stored = this.encodeCells(chunk, scaling);
      const all = [stored];
      for (let order = 1; order < orders; order++) {
        const x = stored.slice();
        for (const [row, id] of chunk.entries())
          reorderVertices(x, matrix as MatrixEncoding, row, Rng.keyed(id, order));
        all.push(x);
      }
      return { start, batches: all };
    };
    const here = async (batch: Float32Array[], count: number) => {
      const scores: Float32Array[] = [];
      for (const x of batch) {
        const values = tf.tidy(() => this.network.forward(weights, tf.tensor2d(x, [count, width])));
        scores.push((await values.data()) as Float32Array);
        values.dispose();
        await yieldToEventLoop();
      }
      return scores;
    };
    /** Chunk scorers: this thread, and the scoring thread where it takes part. */
    const scorers = [here];
    const kind = this.network.kind;
    const thread =
      kind !== undefined && ids.length >= SCORING_THREAD_CELLS && threads() >= 2
        ? scoringThread()
        : undefined;
    if (kind !== undefined && thread) {
      const key = `${kind}:${JSON.stringify(this.network.options)}:${weights.map((w) => w.id).join(",")}`;
      // what the network reads of the space, not the space (its tables stay here)
      const description = {
        kind,
        options: this.network.options,
        space: { name: this.space.name, encoding: this.space.encoding },
      };
      const read = weights.map((w) => ({ shape: w.shape, values: () => w.dataSync() as Float32Array }));
      scorers.push(async (batch: Float32Array[], count: number) =>
        // copies, moved to the thread: a space's encode may hand out arrays it keeps
        thread.scores(
          key,
          description,
          read,
          batch.map((x) => x.slice()),
          count,
          width,
        ),
      );
    }
    // both threads take the next chunk when done with theirs; a failure stops both, but for the
    // scoring thread's stopping (ScoringThreadGone): its chunk and the next ones are scored here
    // (the thread was sent copies), the same values
    let next = 0;
    let failed = false;
    const take = async (score: (batch: Float32Array[], count: number) => Promise<Float32Array[]>) => {
      while (next < chunks && !failed) {
        const { start, batches: batch } = batches(next++);
        const count = Math.min(rows, ids.length - start);
        let scores: Float32Array[];
        try {
          scores = await score(batch, count).catch((e: unknown) => {
            if (score === here || !(e instanceof ScoringThreadGone)) throw e;
            score = here;
            return here(batch, count);
          });
        } catch (e) {
          failed = true;
          throw e;
        }
        for (const data of scores) for (let i = 0; i < count; i++) out[start + i] += data[i] / orders;
      }
    };
    await Promise.all(scorers.map(take));
    return out;
  }

  async fit(input: FitInput): Promise<void> {
    await initBackend();
    const o = this.training;
    const { labeled, labels } = checkedLabels(input, this.space, 2);
    const n = labeled.length;
    const y = scaleLabels(labels, "quantile");
    const inputScaling =
      this.inputs.length > 0
        ? columnScaling(logCellInputs(this.space, this.inputs, labeled), this.inputs.length)
        : undefined;
    const x = this.encodeCells(labeled, inputScaling);
    const width = this.width;
    const rng = new Rng(input.seed);
    const reorder = o.reorder ? this.vertexOrders() : undefined;
    const shapes = this.network.shapes();
    const start = this.initialWeights ?? [];
    if (start.length > shapes.length)
      throw new RangeError(`initialWeights holds ${start.length} weights; the network has ${shapes.length}`);
    // tidy: each variable shares its initial tensor's data, and that tensor would outlive the model
    const weights = tf.tidy(() =>
      shapes.map((shape, k) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const given = start[k];
        if (given !== undefined && given.length !== size)
          throw new RangeError(
            `initialWeights[${k}] holds ${given.length} values; the network's weight ${k} is [${shape}] (${size})`,
          );
        if (shape.length < 2) return tf.variable(tf.tensor(given ?? new Float32Array(size), shape));
        const limit = Math.sqrt(6 / (shape[shape.length - 2] + shape[shape.length - 1]));
        const drawn = Float32Array.from({ length: size }, () => (rng.float() * 2 - 1) * limit);
        return tf.variable(tf.tensor(given ?? drawn, shape));
      }),
    );
    const perBatch = Math.min(o.batchSize, n);
    const steps = Math.min(o.maxSteps, Math.max(o.minSteps, epochsFor(o, n) * Math.ceil(n / perBatch)));
    const schedule = o.schedule ?? "constant";
    const optimizer = new ScheduledAdam(o.learningRate, o.weightDecay ?? 0);
    let order = rng.permutation(n);
    let cursor = 0;
    const batchX = new Float32Array(perBatch * width);
    const batchY = new Float32Array(perBatch);
    // the running mean of the weights from step `averageStart` on (stochastic weight averaging)
    const averageStart = Math.floor(averageFromFor(o, n) * steps);
    const averaged = averageStart < steps ? weights.map((w) => tf.variable(tf.zerosLike(w), false)) : [];
    for (let step = 0; step < steps; step++) {
      if (cursor + perBatch > n) {
        order = rng.permutation(n);
        cursor = 0;
      }
      for (let i = 0; i < perBatch; i++) {
        const k = order[cursor + i];
        batchX.set(x.subarray(k * width, (k + 1) * width), i * width);
        batchY[i] = y[k];
        if (reorder) reorderVertices(batchX, reorder, i, rng);
      }
      cursor += perBatch;
      optimizer.setLearningRate(learningRateAt(schedule, o.learningRate, step, steps));
      tf.tidy(() => {
        const xt = tf.tensor2d(batchX, [perBatch, width]);
        const yt = tf.tensor1d(batchY);
        optimizer.minimize(() => trainingLoss(this.network.forward(weights, xt), yt, o), weights);
      });
      if (step >= averageStart) {
        const share = 1 / (step - averageStart + 1);
        tf.tidy(() => {
          for (let k = 0; k < weights.length; k++)
            averaged[k].assign(tf.add(averaged[k], tf.mul(tf.sub(weights[k], averaged[k]), share)));
        });
      }
      if (step % 10 === 0) input.onProgress?.(step / steps);
      if (step % 10 === 9) await yieldToEventLoop();
    }
    optimizer.dispose();
    if (averaged.length > 0)
      for (let k = 0; k < weights.length; k++) {
        weights[k].assign(averaged[k]);
        averaged[k].dispose();
      }
    const fittedScores = await this.scores(weights, labeled, inputScaling);
    // a diverged fit (a learning rate far too high) scores NaN: said here, not as NaN predictions later
    if (!fittedScores.every(Number.isFinite)) {
      tf.dispose(weights);
      throw new UserError(
        `${this.method}: the fit diverged (its scores of the labeled cells are not finite numbers); ` +
          `lower the learning rate (${o.learningRate})`,
      );
    }
    const calibration = fitCalibration(fittedScores, labels);
    if (this.fitted) tf.dispose(this.fitted.weights);
    this.fitted = { weights, calibration, ...(inputScaling ? { inputScaling } : {}) };
    input.onProgress?.(1);
  }

  dispose(): void {
    if (this.fitted) tf.dispose(this.fitted.weights);
    this.fitted = undefined;
  }

  /**
   * Copies of the fitted weights, row-major, in the network's `shapes()` order (what `initialWeights`
   * takes). Throws before `fit` or `load`.
   */
  fittedWeights(): Float32Array[] {
    if (!this.fitted) throw new Error("fittedWeights() before fit() or load()");
    return this.fitted.weights.map((w) => (w.dataSync() as Float32Array).slice());
  }

  async predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array> {
    await initBackend();
    const fitted = this.fitted;
    if (!fitted) throw notFitted(this.method, "predict");
    checkIds(ids, this.space);
    const scores = await this.scores(fitted.weights, ids, fitted.inputScaling);
    onProgress?.(1);
    return Float64Array.from(scores, (s) => calibrate(fitted.calibration, s));
  }

  save(path: string): void {
    const fitted = this.fitted;
    if (!fitted) throw notFitted(this.method, "save");
    writeModelFile(path, this.method, this.space, {
      network: this.network.options,
      training: this.training,
      calibration: fitted.calibration,
      ...(fitted.inputScaling ? { inputScaling: fitted.inputScaling } : {}),
      weights: fitted.weights.map((w) => {
        const data = w.dataSync() as Float32Array;
        return {
          shape: w.shape,
          data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64"),
        };
      }),
    });
  }

  /**
   * Reads a model file of `method`, rebuilding its network from the saved network options. Throws
   * BadFileError naming the field when one is missing or malformed, a weight is not finite or not of
   * the network's shape, or the training options are out of range (predictOrders above
   * MAX_PREDICT_ORDERS, say).
   */
  static async load(
    path: string,
    space: SearchSpace<unknown>,
    method: string,
    network: (options: Record<string, unknown>) => ScoringNetwork,
  ): Promise<SupervisedPredictor> {
    await initBackend();
    const file = readModelFile(path, space);
    if (file.method !== method) throw new BadFileError(path, `holds a "${file.method}" model, not ${method}`);
    const networkOptions = requiredField(path, file, "network", "object") as Record<string, unknown>;
    const training = requiredField(path, file, "training", "object") as Partial<TrainingOptions>;
    const stored = requiredField(path, file, "weights", "array") as unknown[];
    const calibration = calibrationField(path, file);
    const { predictOrders, reorder } = { ...DEFAULT_TRAINING_OPTIONS, ...training };
    if (!(Number.isInteger(predictOrders) && predictOrders >= 1 && predictOrders <= MAX_PREDICT_ORDERS))
      throw fieldError(
        path,
        "training.predictOrders",
        `is ${JSON.stringify(predictOrders)}; expected an integer from 1 to ${MAX_PREDICT_ORDERS} (the vertex orders each prediction averages)`,
      );
    if (typeof reorder !== "boolean")
      throw fieldError(path, "training.reorder", `is ${JSON.stringify(reorder)}; expected true or false`);
    let scoring: ScoringNetwork;
    try {
      scoring = network(networkOptions);
    } catch (e) {
      throw fieldError(path, "network", (e as Error).message);
    }
    const predictor = new SupervisedPredictor(method, space, scoring, training);
    const shapes = predictor.network.shapes();
    if (stored.length !== shapes.length)
      throw fieldError(path, "weights", `holds ${stored.length} weights; the network has ${shapes.length}`);
    const values = stored.map((w, k) => {
      const { shape, data } = (w ?? {}) as { shape?: unknown; data?: unknown };
      if (!Array.isArray(shape) || shape.join("x") !== shapes[k].join("x"))
        throw fieldError(path, `weights[${k}].shape`, `is ${JSON.stringify(shape)}; expected [${shapes[k]}]`);
      return storedFloats(
        path,
        `weights[${k}].data`,
        data,
        shapes[k].reduce((a, b) => a * b, 1),
      );
    });
    const inputs = predictor.network.inputs ?? [];
    let inputScaling: InputScaling | undefined;
    if (inputs.length > 0) {
      const stored = requiredField(path, file, "inputScaling", "object") as Record<string, unknown>;
      const column = (name: "mean" | "std") => {
        const v = stored[name];
        if (
          !Array.isArray(v) ||
          v.length !== inputs.length ||
          v.some((x) => typeof x !== "number" || !Number.isFinite(x) || (name === "std" && x <= 0))
        )
          throw fieldError(
            path,
            `inputScaling.${name}`,
            `is ${JSON.stringify(v)}; expected ${inputs.length} finite numbers${name === "std" ? " > 0" : ""} (one per input: ${inputs.join(", ")})`,
          );
        return v as number[];
      };
      inputScaling = { mean: column("mean"), std: column("std") };
    }
    predictor.fitted = {
      weights: tf.tidy(() => values.map((data, k) => tf.variable(tf.tensor(data, shapes[k])))),
      calibration,
      ...(inputScaling ? { inputScaling } : {}),
    };
    return predictor;
  }
}
