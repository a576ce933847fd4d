/**
 * Hyper-parameters of the semi-supervised assessor, with the paper's values where it gives them
 * (σ = 0.01, τ = 1e-5, λ = 0.5, Adam lr 1e-3, batch 1024) and documented choices elsewhere.
 */
import { refuseUnknownKeys, shownValue, UserError } from "../../errors.js";
import type { LabelTransform } from "../label-scaling.js";

export interface AssessorOptions {
  /**
   * Learn embeddings with the auto-encoder (the paper's model); false is the paper's Table 4 ablation:
   * the graph and the GCN on the hand-crafted representation itself (no pre-training, λ unused).
   */
  autoencoder: boolean;
  /** Embedding size of the auto-encoder. */
  embedding: number;
  /** Channels of the two encoder convolutions (the decoder mirrors them). */
  channels: [number, number];
  /** Hidden width of the two-layer GCN. */
  hidden: number;
  /**
   * How distances are scaled before s = exp(-d / 2σ²) (d: squared distance, after centring the batch on
   * its mean embedding): "normalized" L2-normalises the centred embeddings so d lies in [0, 4] and σ is
   * absolute; "median" (default) divides d by the batch's median d, so σ is relative and scale-free.
   */
  graphScale: "normalized" | "median";
  /** σ of the relation graph (absolute for "normalized", relative for "median"). */
  sigma: number;
  /** Edges with s ≤ τ are dropped. */
  tau: number;
  /** Weight of the reconstruction loss: loss = (1-λ)·regression + λ·reconstruction. */
  lambda: number;
  /** Label scale for training: "standard" (z-score) or "quantile" (normal scores of the ranks). */
  labelTransform: LabelTransform;
  /** Weight of the optional pairwise ranking loss on labeled pairs (0 = off, the paper's model). */
  rankWeight: number;
  learningRate: number;
  batchSize: number;
  /** Labeled cells per batch (at most); the rest of the batch is drawn from the unlabeled pool. */
  labeledPerBatch: number;
  /** Auto-encoder pre-training steps on unlabeled cells before the joint training. */
  pretrainSteps: number;
  /** Joint training epochs; an epoch is one pass over the labeled cells, ceil(N_l / labeledPerBatch) steps. */
  epochs: number;
  /** Minimum joint steps, so that very small label sets still train long enough. */
  minSteps: number;
  /** Maximum joint steps, so that large label sets train in bounded time. */
  maxSteps: number;
}

/**
 * Defaults: the paper's τ/λ/batch and the two-convolution auto-encoder, with measured departures
 * (NAS-Bench-101, 1k labels, 50k test cells, seed 0 unless said; Kendall tau):
 * - σ relative to the batch's median distance (s = exp(-d / (2σ²·median d))): the absolute σ = 0.01 has no
 *   meaning for a learnt embedding, and a σ tied to the raw scale drifts as the embedding grows (0.565 →
 *   0.607 at 200 steps). σ = 0.03–0.1 all give 0.607; 0.2: 0.599, 0.3: 0.563, 0.5: 0.434 (over-smoothing,
 *   as the paper's Fig. 5 and the PyTorch runs show). At 0.1 a cell has a few neighbours.
 * - quantile labels and a pairwise ranking loss (200 steps: 0.590 without it, 0.607 with it; weight 3: no gain);
 * - embedding 32 and hidden 128 (16/64: 0.658 at 400 steps; 32/128: 0.677; 64/128: 0.683 at lr 3e-3);
 * - Adam lr 3e-3 and 300 joint steps (32/128 at lr 3e-3: 0.703 at 300 steps, 0.704 and seed 1 0.682 at 400,
 *   0.683 at 800; lr 1e-3 needs about twice the steps).
 * - 512 labeled cells per batch (768: 0.644 vs 0.658); channels [4, 8] ([8, 16]: 0.687, slower).
 * - 50 auto-encoder pre-training steps: 500 steps collapse the joint training (0.378).
 * `--label-transform standard --rank-weight 0 --learning-rate 0.001` gives the paper's loss and optimiser.
 */
export const DEFAULT_ASSESSOR_OPTIONS: AssessorOptions = {
  autoencoder: true,
  embedding: 32,
  channels: [4, 8],
  hidden: 128,
  graphScale: "median",
  sigma: 0.1,
  tau: 1e-5,
  lambda: 0.5,
  labelTransform: "quantile",
  rankWeight: 1,
  learningRate: 3e-3,
  batchSize: 1024,
  labeledPerBatch: 512,
  pretrainSteps: 50,
  epochs: 150,
  minSteps: 300,
  maxSteps: 1000,
};

/**
 * The largest mini-batch: its relation graph is batchSize² float32 (8,192² = 268 MB), and larger ones
 * ran out of memory (99,999,999 took 5.3 GB before Node's heap gave out) instead of being refused.
 */
export const MAX_ASSESSOR_BATCH = 8192;
/** The widest embedding or GCN layer (the default is 32 / 128; 200,000 overran wasm memory). */
export const MAX_ASSESSOR_WIDTH = 4096;

/** Merges options over the defaults and checks every value (UserError naming the option and its range). */
export function assessorOptions(given: Partial<AssessorOptions> = {}): AssessorOptions {
  if (given === null || typeof given !== "object" || Array.isArray(given))
    throw new UserError(`the assessor options must be an object, got ${shownValue(given, 80)}`);
  // a misspelt key (sigmaa) was fitted with the default and recorded in the model file as given
  refuseUnknownKeys(given, Object.keys(DEFAULT_ASSESSOR_OPTIONS), "assessor options");
  // a key given as undefined is a key not given (a spread of optional flags)
  const set = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const o = { ...DEFAULT_ASSESSOR_OPTIONS, ...set } as AssessorOptions;
  // numbers as numbers: "0.1" compared as one and was stored as text; Infinity passed "> 0"
  for (const k of NUMBER_OPTIONS)
    if (typeof o[k] !== "number" || !Number.isFinite(o[k]))
      throw new UserError(`assessor option ${k} must be a finite number, got ${shownValue(o[k], 40)}`);
  if (!Array.isArray(o.channels) || o.channels.length !== 2 || o.channels.some((c) => typeof c !== "number"))
    throw new UserError(
      `assessor option channels must be two numbers (the encoder's two convolutions, e.g. [4, 8]), got ${shownValue(o.channels, 40)}`,
    );
  const positiveInt = (name: keyof AssessorOptions, v: number) => {
    if (!Number.isInteger(v) || v < 1)
      throw new UserError(`assessor option ${name} must be a positive integer, got ${v}`);
  };
  const nonNegative = (name: keyof AssessorOptions, v: number) => {
    if (!Number.isFinite(v) || v < 0)
      throw new UserError(`assessor option ${name} must be a number ≥ 0, got ${v}`);
  };
  for (const k of ["embedding", "hidden", "batchSize", "labeledPerBatch", "epochs"] as const)
    positiveInt(k, o[k]);
  for (const [k, most] of [
    ["batchSize", MAX_ASSESSOR_BATCH],
    ["labeledPerBatch", MAX_ASSESSOR_BATCH - 1],
    ["embedding", MAX_ASSESSOR_WIDTH],
    ["hidden", MAX_ASSESSOR_WIDTH],
  ] as const)
    if (o[k] > most) throw new UserError(`assessor option ${k} must be at most ${most}, got ${o[k]}`);
  for (const c of o.channels)
    if (c > MAX_ASSESSOR_WIDTH)
      throw new UserError(`assessor option channels must be at most ${MAX_ASSESSOR_WIDTH} each, got ${c}`);
  for (const k of ["pretrainSteps", "minSteps"] as const) nonNegative(k, o[k]);
  positiveInt("maxSteps", o.maxSteps);
  if (o.minSteps > o.maxSteps)
    throw new UserError(`minSteps (${o.minSteps}) must not exceed maxSteps (${o.maxSteps})`);
  for (const c of o.channels) positiveInt("channels", c);
  if (typeof o.autoencoder !== "boolean")
    throw new UserError(`assessor option autoencoder must be true or false, got ${o.autoencoder}`);
  if (o.graphScale !== "normalized" && o.graphScale !== "median") {
    throw new UserError(
      `assessor option graphScale must be "normalized" or "median", got ${JSON.stringify(o.graphScale)}`,
    );
  }
  if (!(o.sigma > 0)) throw new UserError(`assessor option sigma must be > 0, got ${o.sigma}`);
  if (!(o.tau >= 0 && o.tau < 1)) throw new UserError(`assessor option tau must be in [0, 1), got ${o.tau}`);
  if (!(o.lambda >= 0 && o.lambda <= 1))
    throw new UserError(`assessor option lambda must be in [0, 1], got ${o.lambda}`);
  nonNegative("rankWeight", o.rankWeight);
  if (o.labelTransform !== "standard" && o.labelTransform !== "quantile") {
    throw new UserError(
      `assessor option labelTransform must be "standard" or "quantile", got ${JSON.stringify(o.labelTransform)}`,
    );
  }
  if (!(o.learningRate > 0))
    throw new UserError(`assessor option learningRate must be > 0, got ${o.learningRate}`);
  if (o.labeledPerBatch >= o.batchSize) {
    throw new UserError(
      `labeledPerBatch (${o.labeledPerBatch}, --labeled-per-batch) must be smaller than batchSize (${o.batchSize}, --batch-size)`,
    );
  }
  return o;
}

/** The options that are numbers: those whose default is one. */
const NUMBER_OPTIONS = (Object.keys(DEFAULT_ASSESSOR_OPTIONS) as (keyof AssessorOptions)[]).filter(
  (k) => typeof DEFAULT_ASSESSOR_OPTIONS[k] === "number",
);

/** Auto-encoder pre-training and joint training steps for `labeled` labeled cells. */
export function trainingSteps(o: AssessorOptions, labeled: number): { pretrain: number; joint: number } {
  const stepsPerEpoch = Math.ceil(labeled / Math.min(o.labeledPerBatch, labeled));
  return {
    pretrain: o.autoencoder ? o.pretrainSteps : 0,
    joint: Math.min(o.maxSteps, Math.max(o.minSteps, o.epochs * stepsPerEpoch)),
  };
}
