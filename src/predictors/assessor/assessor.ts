/**
 * The semi-supervised assessor (Tang et al., CVPR 2020): an auto-encoder learns embeddings of labeled
 * and unlabeled cells, a relation graph links similar cells of each mini-batch, and a GCN over that graph
 * predicts accuracy; all trained end to end on batches mixing labeled and unlabeled cells.
 *
 * Training: `pretrainSteps` auto-encoder steps on unlabeled cells, then epochs × ceil(N_l /
 * labeledPerBatch) joint steps, kept within [minSteps, maxSteps]; each joint batch holds up to
 * `labeledPerBatch` labeled cells (one epoch = one pass over them in a shuffled order) and is filled up
 * to `batchSize` with cells drawn at random from the unlabeled pool.
 * Prediction: a context batch drawn like a training batch (labeledPerBatch labeled cells, the rest from
 * the pool) is fixed at fit time; each queried cell joins its relation graph as one more node, as cells
 * do in training, so a prediction depends only on the cell and the model. Raw outputs become labels
 * through an isotonic calibration fitted on the labeled cells (order-preserving).
 * Threads: when two are allowed, the auto-encoder's work on part of each batch's rows and every other
 * prediction chunk run on a helper thread (helper.ts); the numbers are the same with one thread or two.
 */
import { BadFileError, hasMembers, shownValue, UserError } from "../../errors.js";
import { yieldToEventLoop } from "../../event-loop.js";
import { Rng } from "../../random.js";
import { graphEncoding, type SearchSpace } from "../../spaces/search-space.js";
import { initBackend, tf } from "../../tensor/backend.js";
import { sigmoidCrossEntropy } from "../../tensor/sigmoid-cross-entropy.js";
import { type Calibration, calibrate, fitCalibration } from "../calibration.js";
import { scaleLabels } from "../label-scaling.js";
import {
  calibrationField,
  fieldError,
  readModelFile,
  requiredField,
  storedFloats,
  writeModelFile,
} from "../model-file.js";
import { checkedLabels, checkIds, type FitInput, notFitted, type Predictor } from "../predictor.js";
import { rankingLoss } from "../ranking-loss.js";
import { autoencoderGradients, type Images, imageRows, imageTensor, scoreImages } from "./branches.js";
import { type GraphContext, graphContext } from "./graph.js";
import { type AutoencoderPart, branches, EmbeddingsLate, HelperThreadGone, localBranches } from "./helper.js";
import { AssessorNetwork, cellImages, type ImageShape, type StoredWeight } from "./network.js";
import { type AssessorOptions, assessorOptions, trainingSteps } from "./options.js";

/** Cells encoded and assessed at once in prediction. */
const PREDICT_CHUNK = 4096;

interface Fitted {
  network: AssessorNetwork;
  /** The context batch's graph, computed once per model (each predict call would otherwise redo it). */
  graph: GraphContext;
  calibration: Calibration;
  context: Int32Array;
  labeled: number;
  seed: number;
}

export class SemiSupervisedAssessor implements Predictor {
  /** "ssa", or "ssa-noae" for the ablation without auto-encoder. */
  readonly method: "ssa" | "ssa-noae";
  readonly options: AssessorOptions;
  private fitted?: Fitted;
  private readonly image: ImageShape;

  constructor(
    readonly space: SearchSpace<unknown>,
    options: Partial<AssessorOptions> = {},
  ) {
    // no space failed with "reading 'encoding'"
    if (!hasMembers(space, { name: "string", encode: "function" }))
      throw new UserError(
        `SemiSupervisedAssessor needs a search space of numbered cells (loadBenchmark(…).space), got ${shownValue(space, 80)}`,
      );
    this.options = assessorOptions(options);
    this.method = this.options.autoencoder ? "ssa" : "ssa-noae";
    const { vertices, opTypes } = graphEncoding(space, this.method);
    this.image = { rows: vertices, cols: vertices + opTypes.length };
  }

  /** The cells' images (encoding 1,024 cells takes 0.4 ms; caching all would cost 140 MB). */
  private images(ids: ArrayLike<number>): Images {
    const { vertices, opTypes } = graphEncoding(this.space, this.method);
    return {
      data: cellImages(this.space.encode(ids), ids.length, vertices, opTypes.length),
      count: ids.length,
    };
  }

  async fit(input: FitInput): Promise<void> {
    await initBackend();
    const o = this.options;
    const { labeled, labels, pool: given } = checkedLabels(input, this.space, 2);
    const n = labeled.length;
    const pool = given ?? complement(this.space.size, labeled);
    if (pool.length === 0) throw new UserError("the unlabeled pool is empty");
    const y = scaleLabels(labels, o.labelTransform);

    const rng = new Rng(input.seed);
    this.fitted?.network.dispose();
    const network = AssessorNetwork.initial(this.image, o, rng);
    const trainer = new Trainer(network, o);
    const perBatch = Math.min(o.labeledPerBatch, n);
    const { pretrain: pretrainSteps, joint: jointSteps } = trainingSteps(o, n);
    const totalSteps = pretrainSteps + jointSteps;
    const report = (step: number) => input.onProgress?.(step / totalSteps);

    try {
      for (let step = 0; step < pretrainSteps; step++) {
        const ids = Int32Array.from({ length: o.batchSize }, () => pool[rng.int(pool.length)]);
        await trainer.pretrainStep(this.images(ids));
        if (step % 10 === 0) report(step);
        if (step % 10 === 9) await yieldToEventLoop();
      }
      let order = rng.permutation(n);
      let cursor = 0;
      for (let step = 0; step < jointSteps; step++) {
        if (cursor + perBatch > n) {
          order = rng.permutation(n);
          cursor = 0;
        }
        const picked = order.subarray(cursor, cursor + perBatch);
        cursor += perBatch;
        const ids = new Int32Array(o.batchSize);
        const target = new Float32Array(perBatch);
        picked.forEach((k, i) => {
          ids[i] = labeled[k];
          target[i] = y[k];
        });
        for (let i = perBatch; i < o.batchSize; i++) ids[i] = pool[rng.int(pool.length)];
        await trainer.jointStep(this.images(ids), target);
        if (step % 10 === 0) report(pretrainSteps + step);
        if (step % 10 === 9) await yieldToEventLoop();
      }
    } catch (e) {
      network.dispose();
      throw e;
    } finally {
      trainer.dispose();
    }
    report(totalSteps);
    const context = new Int32Array(o.batchSize);
    rng
      .permutation(n)
      .subarray(0, perBatch)
      .forEach((k, i) => {
        context[i] = labeled[k];
      });
    for (let i = perBatch; i < o.batchSize; i++) context[i] = pool[rng.int(pool.length)];
    const graph = this.contextGraph(network, context);
    const calibration = fitCalibration(await this.scores(network, graph, labeled), labels);
    this.fitted = { network, graph, calibration, context, labeled: n, seed: input.seed };
  }

  async predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array> {
    await initBackend();
    const fitted = this.fitted;
    if (!fitted) throw notFitted(this.method, "predict");
    checkIds(ids, this.space);
    const scores = await this.scores(fitted.network, fitted.graph, ids, onProgress);
    return Float64Array.from(scores, (score) => calibrate(fitted.calibration, score));
  }

  /** The relation graph of the context batch, which queried cells join. */
  private contextGraph(network: AssessorNetwork, contextIds: Int32Array): GraphContext {
    const z = tf.tidy(() => {
      const { data, count } = this.images(contextIds);
      return network.encode(tf.tensor4d(data, [count, this.image.rows, this.image.cols, 1]));
    });
    const context = graphContext(z, network.gcn(), this.options);
    z.dispose();
    return context;
  }

  /**
   * The network's raw outputs for cells that join the context batch's graph one at a time, chunks
   * alternating between this thread and the helper.
   */
  private async scores(
    network: AssessorNetwork,
    context: GraphContext,
    ids: ArrayLike<number>,
    onProgress?: (done: number) => void,
  ): Promise<Float32Array> {
    const other = branches();
    const out = new Float32Array(ids.length);
    const chunk = (start: number) =>
      Array.prototype.slice.call(ids, start, start + PREDICT_CHUNK) as number[];
    for (let start = 0; start < ids.length; start += 2 * PREDICT_CHUNK) {
      const second = start + PREDICT_CHUNK;
      const remote =
        second < ids.length
          ? other.scores(network, context, this.images(chunk(second)), this.options)
          : undefined;
      out.set(scoreImages(network, context, this.images(chunk(start)), this.options), start);
      if (remote)
        out.set(
          await orHere(remote, () => scoreImages(network, context, this.images(chunk(second)), this.options)),
          second,
        );
      onProgress?.(Math.min(ids.length, start + 2 * PREDICT_CHUNK) / ids.length);
      await yieldToEventLoop();
    }
    return out;
  }

  dispose(): void {
    this.fitted?.network.dispose();
    this.fitted = undefined;
  }

  save(path: string): void {
    const fitted = this.fitted;
    if (!fitted) throw notFitted(this.method, "save");
    const weights: Record<string, { shape: number[]; data: string }> = {};
    for (const [name, w] of Object.entries(fitted.network.weights())) {
      weights[name] = {
        shape: w.shape,
        data: Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength).toString("base64"),
      };
    }
    writeModelFile(path, this.method, this.space, {
      options: this.options,
      calibration: fitted.calibration,
      trainedOn: { labels: fitted.labeled, seed: fitted.seed },
      context: Array.from(fitted.context),
      weights,
    });
  }

  /**
   * Reads a model file written by `save` for this space. Throws BadFileError naming the field when one
   * is missing or malformed, an option is out of range, a weight is not finite or not of the network's
   * shape, or a context cell is not a cell of the space.
   */
  static async load(path: string, space: SearchSpace<unknown>): Promise<SemiSupervisedAssessor> {
    await initBackend();
    const file = readModelFile(path, space);
    if (file.method !== "ssa" && file.method !== "ssa-noae")
      throw new BadFileError(path, `holds a "${file.method}" model, not the assessor (ssa, ssa-noae)`);
    const options = requiredField(path, file, "options", "object") as Partial<AssessorOptions>;
    const calibration = calibrationField(path, file);
    const trained = requiredField(path, file, "trainedOn", "object") as { labels: unknown; seed: unknown };
    if (!Number.isInteger(trained.labels) || !Number.isInteger(trained.seed))
      throw fieldError(path, "trainedOn", "must hold the integers labels and seed");
    const storedWeights = requiredField(path, file, "weights", "object") as Record<string, unknown>;
    const storedContext = requiredField(path, file, "context", "array") as unknown[];
    let assessor: SemiSupervisedAssessor;
    try {
      assessor = new SemiSupervisedAssessor(space, options);
    } catch (e) {
      throw fieldError(path, "options", (e as Error).message);
    }
    if (assessor.method !== file.method)
      throw fieldError(path, "method", `is "${file.method}" but options.autoencoder says ${assessor.method}`);
    const weights: Record<string, StoredWeight> = {};
    for (const [name, w] of Object.entries(storedWeights)) {
      const { shape, data } = (w ?? {}) as { shape?: unknown; data?: unknown };
      if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n > 0))
        throw fieldError(path, `weights.${name}.shape`, "must be an array of positive integers");
      weights[name] = { shape, data: storedFloats(path, `weights.${name}.data`, data) };
    }
    if (
      storedContext.length === 0 ||
      storedContext.some(
        (id) => !(Number.isInteger(id) && (id as number) >= 0 && (id as number) < space.size),
      )
    )
      throw fieldError(path, "context", `must be a non-empty array of cell ids from 0 to ${space.size - 1}`);
    const context = Int32Array.from(storedContext as number[]);
    let network: AssessorNetwork;
    try {
      network = AssessorNetwork.fromWeights(assessor.image, assessor.options, weights);
    } catch (e) {
      throw fieldError(path, "weights", `does not fit the network: ${(e as Error).message}`);
    }
    assessor.fitted = {
      network,
      graph: assessor.contextGraph(network, context),
      calibration,
      context,
      labeled: trained.labels as number,
      seed: trained.seed as number,
    };
    return assessor;
  }
}

/**
 * Shares of a batch's rows whose auto-encoder work this thread does (the helper does the rest): in a
 * joint step this thread also runs the graph, the GCN and the optimiser, so it takes fewer rows.
 */
const PRETRAIN_SHARE = 0.5;
const JOINT_SHARE = 0.4;

/**
 * One optimiser over the network, and the training steps. A joint step's loss is
 * (1-λ)·L_rg + rankWeight·L_rank + λ·L_rc. The auto-encoder's work is split by rows between this
 * thread and the helper (helper.ts): each encodes and decodes its rows; this thread joins the helper's
 * embeddings to its own for the graph and the GCN, and sends back their gradient.
 */
class Trainer {
  private readonly optimizer: tf.Optimizer;

  constructor(
    private readonly network: AssessorNetwork,
    private readonly o: AssessorOptions,
  ) {
    this.optimizer = tf.train.adam(o.learningRate);
  }

  /** An auto-encoder step on reconstruction alone. */
  async pretrainStep(images: Images): Promise<void> {
    const n = images.count;
    const split = Math.round(n * PRETRAIN_SHARE);
    const rows = imageRows(images, split, n);
    const weight = (n - split) / n;
    const part = branches().autoencoder(this.network, rows, weight, false);
    const here = autoencoderGradients(this.network, imageRows(images, 0, split), split / n);
    const there = await orHere(part.grads(), () =>
      localBranches.autoencoder(this.network, rows, weight, false).grads(),
    );
    this.apply(addInto(here, there));
  }

  /**
   * A joint step on a batch whose first `target.length` cells are labeled with `target` (scaled). The
   * helper's part is redone here when the helper stops during the step (the same numbers).
   */
  async jointStep(images: Images, target: Float32Array): Promise<void> {
    const o = this.o;
    const n = images.count;
    const split = o.autoencoder ? Math.round(n * JOINT_SHARE) : n;
    const rows = imageRows(images, split, n);
    const weight = (o.lambda * (n - split)) / n;
    const local = () => localBranches.autoencoder(this.network, rows, weight, true);
    let part = o.autoencoder ? branches().autoencoder(this.network, rows, weight, true) : undefined;
    let gradients: Record<string, Float32Array>;
    for (;;) {
      try {
        gradients = this.jointGradients(images, target, split, part);
        break;
      } catch (e) {
        if (part && e instanceof EmbeddingsLate) await part.ready();
        else if (part && e instanceof HelperThreadGone) part = local();
        else {
          part?.abandon();
          throw e;
        }
      }
    }
    if (!part) return this.apply(gradients);
    const sent = part;
    const there = await orHere(sent.grads(), () => {
      // the helper stopped after this thread sent it the embeddings' gradient: the same part, here
      const again = local();
      again.sendGradient(sent.sentGradient());
      return again.grads();
    });
    this.apply(addInto(gradients, there));
  }

  /**
   * The gradients of a joint step's loss in every weight, this thread's rows (the first `split`)
   * through the whole network and `part`'s rows through the graph and the GCN; sends `part` the
   * gradient in its embeddings. Throws what `part.z()` throws (EmbeddingsLate, HelperThreadGone)
   * before anything is sent, so that the step can be tried again.
   */
  jointGradients(
    images: Images,
    target: Float32Array,
    split: number,
    part: AutoencoderPart | undefined,
  ): Record<string, Float32Array> {
    const o = this.o;
    const network = this.network;
    const n = images.count;
    const gradients: Record<string, Float32Array> = {};
    tf.tidy(() => {
      const x = imageTensor(network, imageRows(images, 0, split));
      const yt = tf.tensor1d(target);
      const variables = network.variables;
      const names = Object.keys(variables);
      const { grads } = tf.variableGrads(
        () => {
          let z = network.encode(x);
          let loss = tf.scalar(0);
          if (part) {
            const reconstruction = sigmoidCrossEntropy(x, network.decode(z));
            loss = tf.mul((o.lambda * split) / n, reconstruction);
            z = joinedWith(z, part);
          }
          const predicted = tf.slice(network.assess(z, o), 0, target.length);
          const regressionWeight = o.autoencoder ? 1 - o.lambda : 1;
          loss = tf.add(loss, tf.mul(regressionWeight, tf.mean(tf.square(tf.sub(predicted, yt)))));
          if (o.rankWeight > 0) loss = tf.add(loss, tf.mul(o.rankWeight, rankingLoss(predicted, yt)));
          return loss as tf.Scalar;
        },
        names.map((name) => variables[name]),
      );
      for (const name of names) gradients[name] = grads[variables[name].name].dataSync() as Float32Array;
    });
    return gradients;
  }

  private apply(gradients: Record<string, Float32Array>): void {
    const variables = this.network.variables;
    tf.tidy(() => {
      const named: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(gradients)) {
        const variable = variables[name];
        named[variable.name] = tf.tensor(g, variable.shape);
      }
      this.optimizer.applyGradients(named);
    });
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}

/**
 * The embeddings of this thread's rows followed by the part's; on the way back, the gradient in the
 * part's rows goes to the part, and this thread's rows keep theirs.
 */
function joinedWith(z: tf.Tensor2D, part: AutoencoderPart): tf.Tensor2D {
  const rows = z.shape[0];
  const width = z.shape[1];
  const op = tf.customGrad((...args) => {
    const [input] = args as unknown as [tf.Tensor2D];
    const other = part.z();
    return {
      value: tf.concat([input, tf.tensor2d(other, [other.length / width, width])]),
      gradFunc: (dy: tf.Tensor) => {
        part.sendGradient(tf.slice(dy, [rows, 0]).dataSync() as Float32Array);
        return tf.slice(dy, [0, 0], [rows, width]);
      },
    };
  });
  return op(z) as tf.Tensor2D;
}

/**
 * What `there` (work sent to the helper) resolves to, or, when the helper stopped before answering
 * (HelperThreadGone), the same work done here by `here`.
 */
async function orHere<T>(there: Promise<T>, here: () => T | Promise<T>): Promise<T> {
  try {
    return await there;
  } catch (e) {
    if (e instanceof HelperThreadGone) return here();
    throw e;
  }
}

/** Adds b's arrays into a's of the same names; returns a. */
function addInto(
  a: Record<string, Float32Array>,
  b: Record<string, Float32Array>,
): Record<string, Float32Array> {
  for (const [name, g] of Object.entries(b)) {
    const into = a[name];
    for (let i = 0; i < g.length; i++) into[i] += g[i];
  }
  return a;
}

function complement(size: number, ids: Int32Array): Int32Array {
  const taken = new Uint8Array(size);
  for (const id of ids) taken[id] = 1;
  const out = new Int32Array(size - new Set(ids).size);
  let k = 0;
  for (let id = 0; id < size; id++) if (!taken[id]) out[k++] = id;
  return out;
}
