/** The predictors nas-assay offers, by method name. */
import { BadFileError, UserError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { SemiSupervisedAssessor } from "./assessor/assessor.js";
import type { AssessorOptions } from "./assessor/options.js";
import { E2eppPredictor } from "./e2epp.js";
import { ginNetwork } from "./gin.js";
import { mlpNetwork } from "./mlp.js";
import { readModelFile } from "./model-file.js";
import { peepholeNetwork } from "./peephole.js";
import type { Predictor } from "./predictor.js";
import { type ScoringNetwork, SupervisedPredictor } from "./supervised.js";

/** The networks of the supervised baselines, from their saved options. */
const SUPERVISED: Record<
  "peephole" | "mlp" | "gin",
  (space: SearchSpace<unknown>, options: Record<string, unknown>) => ScoringNetwork
> = {
  peephole: peepholeNetwork,
  mlp: mlpNetwork,
  gin: ginNetwork,
};

export const METHODS = ["ssa", "ssa-noae", "e2epp", "peephole", "mlp", "gin"] as const;
export type Method = (typeof METHODS)[number];

/** Checks a method name given by a user. */
export function methodName(name: string): Method {
  if (!(METHODS as readonly string[]).includes(name)) {
    throw new UserError(`unknown method "${name}"; expected one of ${METHODS.join(", ")}`);
  }
  return name as Method;
}

/**
 * A fresh, unfitted predictor: "ssa" the semi-supervised assessor, "ssa-noae" its ablation without
 * auto-encoder (paper, Table 4), "e2epp" a random forest, "peephole" an LSTM over the layers,
 * "mlp" a perceptron on the flat encoding, "gin" a graph network on the cell's DAG. `options` are the
 * assessor's.
 */
export function createPredictor(
  method: Method,
  space: SearchSpace<unknown>,
  options: Partial<AssessorOptions> = {},
): Predictor {
  switch (method) {
    case "ssa":
      return new SemiSupervisedAssessor(space, options);
    case "ssa-noae":
      return new SemiSupervisedAssessor(space, { ...options, autoencoder: false });
    default: {
      const given = Object.keys(options);
      if (given.length > 0)
        throw new UserError(`assessor options (${given.join(", ")}) do not apply to the method ${method}`);
      if (method === "e2epp") return new E2eppPredictor(space);
      return new SupervisedPredictor(method, space, SUPERVISED[method](space, {}));
    }
  }
}

/** Reads a saved model of any method for `space`. */
export async function loadPredictor(path: string, space: SearchSpace<unknown>): Promise<Predictor> {
  const method = readModelFile(path, space).method;
  switch (method) {
    case "ssa":
    case "ssa-noae":
      return SemiSupervisedAssessor.load(path, space);
    case "e2epp":
      return E2eppPredictor.load(path, space);
    case "peephole":
    case "mlp":
    case "gin":
      return SupervisedPredictor.load(path, space, method, (options) => SUPERVISED[method](space, options));
    default:
      throw new BadFileError(path, `holds a model of the unknown method "${method}"`);
  }
}
