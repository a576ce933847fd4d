/** The predictors nas-assay offers, by method name. */
import { createHash } from "node:crypto";
import { BadFileError, hasMembers, refuseUnknownKeys, shownValue, UserError } from "../errors.js";
import { graphEncoding, type SearchSpace } from "../spaces/search-space.js";
import { SemiSupervisedAssessor } from "./assessor/assessor.js";
import { type AssessorOptions, DEFAULT_ASSESSOR_OPTIONS } from "./assessor/options.js";
import { type CellInput, checkCellInputs, requireCellInputs } from "./cell-inputs.js";
import { E2eppPredictor } from "./e2epp.js";
import { EnsemblePredictor, SEED_STRIDE } from "./ensemble.js";
import { DEFAULT_GIN_OPTIONS } from "./gin.js";
import { DEFAULT_MLP_OPTIONS, MLP_TRAINING } from "./mlp.js";
import { checkModelDigest, fieldError, type ModelFile, readModelFile } from "./model-file.js";
import { buildNetwork } from "./networks.js";
import { DEFAULT_PEEPHOLE_OPTIONS } from "./peephole.js";
import type { Predictor } from "./predictor.js";
import { DEFAULT_FOREST_OPTIONS } from "./regression-forest.js";
import { SELF_TRAINING, SelfTrainingPredictor } from "./self-training.js";
import { DEFAULT_TRAINING_OPTIONS, SupervisedPredictor } from "./supervised.js";
import type { TrainingOptions } from "./training-options.js";
import { DEFAULT_TRANSFORMER_OPTIONS, TRANSFORMER_TRAINING } from "./transformer.js";

/**
 * How each supervised baseline trains; its network is networks.ts's of the same kind (from its saved
 * options), which another thread can rebuild.
 */
const SUPERVISED: Record<"peephole" | "mlp" | "gin" | "transformer", Partial<TrainingOptions>> = {
  peephole: {},
  mlp: MLP_TRAINING,
  // the graph network reads the DAG, not the vertex order: other orders would teach it nothing
  gin: {},
  // order-invariant by design (no vertex positions): see transformer.ts
  transformer: TRANSFORMER_TRAINING,
};

export const METHODS = [
  "ssa",
  "ssa-noae",
  "ssa-ensemble",
  "e2epp",
  "peephole",
  "mlp",
  "mlp-ensemble",
  "gin",
  "transformer",
  "transformer-ensemble",
  "transformer-self-training",
] as const;
export type Method = (typeof METHODS)[number];

/**
 * Assessors in "ssa-ensemble". NAS-Bench-101, 1k labels, seeds 0–19, the best true rank among the 10
 * cells predicted best of the whole space, mean rank percentile (median rank): one assessor 0.094 %
 * (110.5), two 0.035 % (67), three 0.037 % (30.5); the Table 2 search with three: 0.029 % (26) against
 * 0.056 % (76.5) with one (seeds 20–39, three: 0.053 % (65.5)).
 */
export const SSA_ENSEMBLE_SIZE = 3;

/**
 * MLPs in "mlp-ensemble". NAS-Bench-101, 1k labels, seeds 0–39, the best true accuracy among the 10
 * cells predicted best of the whole space, mean (mean rank percentile): one MLP 94.05 % (0.134 %) or
 * 94.11 % (0.079 %) by member seed, three 94.20 % (0.036 %), five 94.22 % (0.023 %), seven 94.20 %
 * (0.025 %), ten 94.20 % (0.027 %).
 */
export const MLP_ENSEMBLE_SIZE = 5;

/**
 * Transformers in "transformer-ensemble" (each from its own seed; the mean of their calibrated
 * predictions). Measured in docs/transformer.md ("Ensembles").
 */
export const TRANSFORMER_ENSEMBLE_SIZE = 5;

/**
 * The ensembles: each the mean of `size` models of one single method, fitted from different seeds;
 * `training` replaces a supervised member's own training options where it says.
 */
const ENSEMBLES: Partial<
  Record<Method, { member: Method; size: number; training?: Partial<TrainingOptions> }>
> = {
  "ssa-ensemble": { member: "ssa", size: SSA_ENSEMBLE_SIZE },
  // Its MLPs read the stored vertex order only. At the top of the space, where a search looks, that
  // did as well as MLP_TRAINING's orders or better (Table 2 protocol, seeds 0–39: 94.21 % against
  // 94.18 %, rank 52 against 71), though reordered members rank the whole space better (Kendall tau
  // on a 20k-cell sample, seeds 0–19: 0.717 against 0.755), and it predicts four times faster.
  "mlp-ensemble": {
    member: "mlp",
    size: MLP_ENSEMBLE_SIZE,
    training: { reorder: false, predictOrders: 1 },
  },
  "transformer-ensemble": { member: "transformer", size: TRANSFORMER_ENSEMBLE_SIZE },
};

/**
 * The most accurate predictor measured, `evaluate`'s default (docs/transformer.md, "Ensembles" and
 * "evaluate's default predictor"): N random labels, Kendall tau-b, seeds 0–4, all test cells, paired by
 * seed, with the transformer's current training defaults. Against one transformer: NAS-Bench-101 +0.031
 * at 100 labels and +0.022 at 424; NAS-Bench-201 +0.031 / +0.038 / +0.025 / +0.032 / +0.023 at 78 / 156 /
 * 469 / 781 / 1,563 (4 or 5 of 5 seeds each). Against the MLP it is ahead everywhere measured
 * (NAS-Bench-101 0.677 against 0.594 at 100 labels; NAS-Bench-201 +0.037 at 78, +0.043 at 156). The
 * assessor (ssa) is behind all of them.
 */
export const MOST_ACCURATE_METHOD: Method = "transformer-ensemble";

/**
 * The predictor that picked the best cells measured on the paper's Table 2 protocol (NAS-Bench-101,
 * 1,000 labels, regularized evolution over 5,000 predicted cells, the 10 trained chosen by the
 * neighbourhood rule; docs/searching.md): `transformer-ensemble`, the best true accuracy of the 10
 * 94.33 ± 0.13 % over seeds 0–39 (its mean ranks 19th of 423,624, top 0.0045 %; 33 of 40 seeds in the
 * top 0.01 %), +0.082 ± 0.034 points (standard error) over `mlp-ensemble` paired by seed (23 better,
 * 10 worse; seeds 0–19 +0.134, seeds 20–39 +0.030), which met the rule fixed before seeds 20–39 were
 * run (ahead on 20–39, and over 0–39 by more than two standard errors). `mlp-ensemble` was the
 * default before (94.25 % over seeds 0–79); the assessor (ssa) found 94.24 % on seeds 0–19.
 * `search`'s default predictor and nas-assay's column in `paper`.
 */
export const SEARCH_METHOD: Method = "transformer-ensemble";

/** The methods whose networks read per-cell inputs (`PredictorExtras.inputs`). */
export const METHODS_WITH_INPUTS: readonly Method[] = [
  "transformer",
  "transformer-ensemble",
  "transformer-self-training",
];

/** Options of createPredictor beyond the assessor's. */
export interface PredictorExtras {
  /** Per-cell inputs the network reads beside the graph (cell-inputs.ts); only METHODS_WITH_INPUTS. */
  inputs?: CellInput[];
  /**
   * Training options replacing the method's own where they say (steps, learning rate, loss weights:
   * training-options.ts TrainingOptions); only the single supervised methods (peephole, mlp, gin,
   * transformer). Values are checked when the predictor is made (RangeError).
   */
  training?: Partial<TrainingOptions>;
}

/** The keys of TrainingOptions, the optional ones included. */
const TRAINING_KEYS: readonly string[] = [
  ...Object.keys(DEFAULT_TRAINING_OPTIONS),
  "epochsByLabels",
  "hingeMinGap",
  "listWeight",
  "schedule",
  "weightDecay",
  "averageFrom",
  "averageFromByLabels",
];

/**
 * Self-trained ensembles (self-training.ts): the method whose ensemble teaches, then learns from its
 * own pseudo-labels on unlabeled cells.
 */
const SELF_TRAINED: Partial<Record<Method, Method>> = { "transformer-self-training": "transformer-ensemble" };

/** The single models (every method but the ensembles of them and the self-trained ones). */
export const SINGLE_METHODS: readonly Method[] = METHODS.filter(
  (method) => ENSEMBLES[method] === undefined && SELF_TRAINED[method] === undefined,
);

/** Checks a method name given by a user. */
export function methodName(name: string): Method {
  if (!(METHODS as readonly string[]).includes(name)) {
    throw new UserError(`unknown method "${name}"; expected one of ${METHODS.join(", ")}`);
  }
  return name as Method;
}

/**
 * Checks `extras` for `method` on `space` before any work; returns the inputs (none when absent).
 * Throws UserError for inputs given to a method without them or that the space cannot compute.
 */
export function checkExtras(
  method: Method,
  space: SearchSpace<unknown>,
  extras: PredictorExtras,
): CellInput[] {
  // ["bogus"] or "params" failed deep inside with "Cannot destructure property 'method' of 'SOURCES[name]'"
  let inputs: CellInput[];
  try {
    inputs = checkCellInputs(extras.inputs ?? []);
  } catch (e) {
    throw new UserError(`createPredictor's extras: ${(e as Error).message}`);
  }
  if (inputs.length === 0) return [];
  if (!METHODS_WITH_INPUTS.includes(method))
    throw new UserError(
      `per-cell inputs (${inputs.join(", ")}) apply to the methods ${METHODS_WITH_INPUTS.join(", ")}, not ${method}`,
    );
  requireCellInputs(space, inputs);
  return inputs;
}

/**
 * A fresh, unfitted predictor: "ssa" the semi-supervised assessor, "ssa-noae" its ablation without
 * auto-encoder (paper, Table 4), "e2epp" a random forest, "peephole" an LSTM over the layers,
 * "mlp" a perceptron on the flat encoding, "gin" a graph network on the cell's DAG,
 * "transformer" a structure-aware graph transformer (transformer.ts), "ssa-ensemble"
 * the mean of SSA_ENSEMBLE_SIZE assessors fitted from different seeds, "mlp-ensemble" the mean of
 * MLP_ENSEMBLE_SIZE MLPs on the stored vertex order, "transformer-ensemble" the mean of
 * TRANSFORMER_ENSEMBLE_SIZE transformers, "transformer-self-training" that ensemble self-trained on
 * unlabeled cells (self-training.ts, SELF_TRAINING). `options` are the assessor's; `extras.inputs` the per-cell
 * inputs of a transformer (UserError for another method, or a space that cannot compute them);
 * `extras.training` training options of a single supervised method (UserError for another method or an
 * unknown option, RangeError for a value out of range).
 */
export function createPredictor(
  method: Method,
  space: SearchSpace<unknown>,
  options: Partial<AssessorOptions> = {},
  extras: PredictorExtras = {},
): Predictor {
  if (!(METHODS as readonly unknown[]).includes(method))
    throw new UserError(
      `createPredictor: unknown method ${shownValue(method)}; expected one of ${METHODS.join(", ")}`,
    );
  if (space === null || typeof space !== "object" || !("encoding" in space) || !("size" in space))
    throw new UserError(
      `createPredictor("${method}", space): the space must be a search space of numbered cells (e.g. ` +
        "loadBenchmark(…).space, or new ArchitectureList(spaceOfASpec, architectures)), got " +
        // a spec's space has architectures, not cell ids; written out whole it would be the message
        (space !== null && typeof space === "object" && "count" in space && "key" in space
          ? `the architecture space ${String((space as { name?: unknown }).name)}, whose members have no ids`
          : typeof space === "object" && space !== null
            ? "an object without encoding and size"
            : shownValue(space)),
    );
  // said under the name the user gave (a self-training or ensemble method builds transformers, whose
  // own refusal would name "transformer")
  if (GRAPH_READERS.has(singleMethod(method))) graphEncoding(space, method);
  const ensemble = ENSEMBLES[method];
  const member = ensemble?.member ?? method;
  if (options === null || typeof options !== "object" || Array.isArray(options))
    throw new UserError(
      `createPredictor: the assessor options must be an object (e.g. {} for none), got ${shownValue(options, 80)}`,
    );
  const given = Object.keys(options);
  if (given.length > 0 && !takesAssessorOptions(method))
    throw new UserError(`assessor options (${given.join(", ")}) do not apply to the method ${method}`);
  // the ablation has no auto-encoder: its options would be taken, recorded in model files and ignored
  const autoencoderOnly = given.filter((k) => AUTOENCODER_OPTIONS.includes(k));
  if (member === "ssa-noae" && autoencoderOnly.length > 0)
    throw new UserError(
      `assessor options (${autoencoderOnly.join(", ")}) set the auto-encoder, which ${method} does not have; leave them out, or use ssa`,
    );
  refuseUnknownKeys(extras, ["inputs", "training"], "createPredictor's extras");
  const training = extras.training ?? {};
  refuseUnknownKeys(training, TRAINING_KEYS, "createPredictor's training options");
  const inputs = checkExtras(method, space, extras);
  if (Object.keys(training).length > 0) {
    if (!(method in SUPERVISED))
      throw new UserError(
        `training options apply to the methods ${Object.keys(SUPERVISED).join(", ")}, not ${method}`,
      );
  }
  const teacher = SELF_TRAINED[method];
  if (teacher) {
    const make = () => renamed(createPredictor(teacher, space, {}, { inputs }) as EnsemblePredictor, method);
    // one made now: a space its networks cannot read is refused here, as for the ensemble itself
    make();
    return new SelfTrainingPredictor(method, space, make);
  }
  if (ensemble) {
    const members = Array.from({ length: ensemble.size }, () =>
      createSingle(member, space, options, ensemble.training, inputs),
    );
    return new EnsemblePredictor(method, space, members);
  }
  return createSingle(method, space, options, training, inputs);
}

/** Assessor options that only the auto-encoder reads (AssessorOptions: λ weighs its loss). */
const AUTOENCODER_OPTIONS: readonly string[] = [
  "autoencoder",
  "embedding",
  "channels",
  "lambda",
  "pretrainSteps",
];

/** The single methods whose networks read a cell's graph (a matrix encoding), not a flat encoding. */
const GRAPH_READERS: ReadonlySet<Method> = new Set<Method>([
  "ssa",
  "ssa-noae",
  "peephole",
  "gin",
  "transformer",
]);

/** True when `method` is the paper's assessor or made of it (ssa, ssa-noae, ssa-ensemble): the methods assessor options set. */
export function takesAssessorOptions(method: Method): boolean {
  const member = ENSEMBLES[method]?.member ?? method;
  return member === "ssa" || member === "ssa-noae";
}

/** The single method a method's models are made of (itself for a single method). */
function singleMethod(method: Method): Method {
  const teacher = SELF_TRAINED[method];
  if (teacher) return singleMethod(teacher);
  return ENSEMBLES[method]?.member ?? method;
}

/** The same members under another method name (the name model files record). */
function renamed(ensemble: EnsemblePredictor, method: Method): EnsemblePredictor {
  return new EnsemblePredictor(method, ensemble.space, ensemble.members);
}

/** One model of a single method; `training` replaces a supervised model's training options where it says. */
function createSingle(
  method: Method,
  space: SearchSpace<unknown>,
  options: Partial<AssessorOptions>,
  training: Partial<TrainingOptions> = {},
  inputs: CellInput[] = [],
): Predictor {
  switch (method) {
    case "ssa":
      return new SemiSupervisedAssessor(space, options);
    case "ssa-noae":
      return new SemiSupervisedAssessor(space, { ...options, autoencoder: false });
    case "e2epp":
      return new E2eppPredictor(space);
    case "peephole":
    case "mlp":
    case "gin":
    case "transformer":
      return new SupervisedPredictor(
        method,
        space,
        buildNetwork(method, space, inputs.length > 0 ? { inputs } : {}),
        {
          ...SUPERVISED[method],
          ...training,
        },
      );
    default:
      throw new Error(`no predictor for the method ${method}`);
  }
}

/** The network options each supervised kind is built with when none are given (networks.ts). */
const NETWORK_DEFAULTS: Record<keyof typeof SUPERVISED, object> = {
  peephole: DEFAULT_PEEPHOLE_OPTIONS,
  mlp: DEFAULT_MLP_OPTIONS,
  gin: DEFAULT_GIN_OPTIONS,
  transformer: DEFAULT_TRANSFORMER_OPTIONS,
};

/**
 * What `method` is made of when nothing is given (createPredictor's defaults): its network and training
 * options, the assessor's or the forest's options, an ensemble's size and member, a self-trained
 * method's settings and teacher. A JSON value, for methodFingerprint.
 */
export function methodDefaults(method: Method): unknown {
  const teacher = SELF_TRAINED[method];
  if (teacher) return { selfTraining: SELF_TRAINING, teacher: methodDefaults(teacher) };
  const ensemble = ENSEMBLES[method];
  if (ensemble)
    return {
      size: ensemble.size,
      seedStride: SEED_STRIDE,
      member: singleDefaults(ensemble.member, ensemble.training),
    };
  return singleDefaults(method);
}

function singleDefaults(method: Method, training: Partial<TrainingOptions> = {}): unknown {
  if (method === "ssa") return { assessor: DEFAULT_ASSESSOR_OPTIONS };
  if (method === "ssa-noae") return { assessor: { ...DEFAULT_ASSESSOR_OPTIONS, autoencoder: false } };
  if (method === "e2epp") return { forest: DEFAULT_FOREST_OPTIONS };
  if (method in SUPERVISED) {
    const kind = method as keyof typeof SUPERVISED;
    return {
      network: NETWORK_DEFAULTS[kind],
      training: { ...DEFAULT_TRAINING_OPTIONS, ...SUPERVISED[kind], ...training },
    };
  }
  throw new Error(`no defaults for the method ${method}`);
}

/**
 * A fingerprint (16 hex digits of a sha256) of `method`'s defaults (methodDefaults): results kept
 * between runs record it, so that runs made by a nas-assay whose defaults were other (an older or newer
 * version: the transformer's learning rate, epochs and flow layers changed between versions) are never
 * mixed into one table with this one's. It sees defaults only, not a change of code that keeps them.
 */
export function methodFingerprint(method: Method): string {
  return createHash("sha256")
    .update(JSON.stringify([method, methodDefaults(method)]))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Reads a saved model of any method for `space`, the search space of cell ids it was trained on (a
 * benchmark's `space`, from loadBenchmark or loadSpace). Throws UserError when `space` is missing or
 * no such space (an ArchitectureSpace made from a spec has no ids), BadFileError for a file that is no
 * model of this space.
 */
export async function loadPredictor(path: string, space: SearchSpace<unknown>): Promise<Predictor> {
  // a number would be read as a file descriptor: 0 waited for standard input forever
  if (typeof path !== "string" || path.trim() === "")
    throw new UserError(`loadPredictor: the model file's path must be a file name, got ${shownValue(path)}`);
  if (!hasMembers(space, { size: "number", cell: "function" }))
    throw new UserError(
      `loadPredictor(${JSON.stringify(path)}, space): space must be the search space of cell ids the model was ` +
        `trained on (a benchmark's space, from loadBenchmark or loadSpace), got ${space === undefined ? "nothing" : shownValue(space, 80)}`,
    );
  const file = readModelFile(path, space);
  const predictor = await loadChecked(path, space, file.method);
  try {
    checkModelDigest(path, file);
  } catch (e) {
    predictor.dispose();
    throw e;
  }
  return predictor;
}

/** The predictor of a model file of `method`, each field checked by its method's loader. */
async function loadChecked(path: string, space: SearchSpace<unknown>, method: string): Promise<Predictor> {
  const teacher = Object.hasOwn(SELF_TRAINED, method) ? SELF_TRAINED[method as Method] : undefined;
  if (teacher) {
    // the file holds the students, an ensemble of the teacher's kind saved under this method's name
    const students = await loadEnsemble(path, space, ENSEMBLES[teacher]?.member as Method, method);
    // a later fit makes ensembles that read what the students read, as a loaded ensemble's refit does
    const inputs = [...((students.members[0] as SupervisedPredictor).network.inputs ?? [])];
    return SelfTrainingPredictor.fitted(students, () =>
      renamed(createPredictor(teacher, space, {}, { inputs }) as EnsemblePredictor, method as Method),
    );
  }
  const ensemble = Object.hasOwn(ENSEMBLES, method) ? ENSEMBLES[method as Method] : undefined;
  if (ensemble) return loadEnsemble(path, space, ensemble.member, method);
  switch (method) {
    case "ssa":
    case "ssa-noae":
      return SemiSupervisedAssessor.load(path, space);
    case "e2epp":
      return E2eppPredictor.load(path, space);
    case "peephole":
    case "mlp":
    case "gin":
    case "transformer":
      checkKnownOptions(path, method, readModelFile(path, space));
      return SupervisedPredictor.load(path, space, method, (options) =>
        buildNetwork(
          method,
          space,
          // a transformer saved before the flow layer existed (2026-12-02) has none: not today's default
          method === "transformer" && !("flowLayers" in options) ? { ...options, flowLayers: 0 } : options,
        ),
      );
    default:
      throw new BadFileError(
        path,
        `field "method" is "${method}", not a method of this nas-assay (${METHODS.join(", ")})`,
      );
  }
}

/**
 * Network options that model files of earlier versions hold and this one no longer has, each at the
 * value that is today's behaviour (the transformer's variants of 2026-12-01, never a default).
 */
const RETIRED_NETWORK_OPTIONS: Partial<Record<keyof typeof SUPERVISED, Record<string, unknown>>> = {
  transformer: { pooling: "mean", degreeTokens: false, siblings: false },
};

/**
 * Refuses (BadFileError naming the field) a supervised model file whose network or training options
 * hold one this nas-assay does not know: the network and training are rebuilt from their defaults and
 * the file's options, so an option of a newer version (a network variant, a prediction-time setting)
 * was dropped in silence and the model predicted as another network would.
 */
function checkKnownOptions(path: string, method: keyof typeof SUPERVISED, file: ModelFile): void {
  const refuse = (field: string, value: unknown) =>
    fieldError(
      path,
      field,
      `is ${shownValue(value, 40)}; this nas-assay's ${method} has no such option (a model of a newer nas-assay ` +
        "version, or an edit): predict with the nas-assay that trained it, or train it again with this one",
    );
  const retired = RETIRED_NETWORK_OPTIONS[method] ?? {};
  if (isOptionsObject(file.network))
    for (const [name, value] of Object.entries(file.network))
      if (
        !Object.hasOwn(NETWORK_DEFAULTS[method], name) &&
        !(Object.hasOwn(retired, name) && retired[name] === value)
      )
        throw refuse(`network.${name}`, value);
  if (isOptionsObject(file.training))
    for (const [name, value] of Object.entries(file.training))
      if (!TRAINING_KEYS.includes(name)) throw refuse(`training.${name}`, value);
}

/** A JSON object (the loader names any other shape of an options field). */
function isOptionsObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Reads an ensemble's model file whose members must all be `member` models. A member's method is
 * checked before the member is read, so that a member whose "method" was edited is refused for its
 * method, not for a field the other method reads differently.
 */
function loadEnsemble(
  path: string,
  space: SearchSpace<unknown>,
  member: Method,
  method: string,
): Promise<EnsemblePredictor> {
  return EnsemblePredictor.load(path, space, async (memberPath, s) => {
    const stated = readModelFile(memberPath, s).method;
    if (stated !== member)
      throw new BadFileError(
        memberPath,
        `field "method" is "${stated}"; the members of ${method} are ${member} models`,
      );
    return loadPredictor(memberPath, s);
  });
}
