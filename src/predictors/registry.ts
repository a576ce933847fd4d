/** The predictors nas-assay offers, by method name. */
import { BadFileError, UserError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { SemiSupervisedAssessor } from "./assessor/assessor.js";
import type { AssessorOptions } from "./assessor/options.js";
import { E2eppPredictor } from "./e2epp.js";
import { MlpPredictor } from "./mlp.js";
import { readModelFile } from "./model-file.js";
import type { Predictor } from "./predictor.js";

export const METHODS = ["ssa", "ssa-noae", "e2epp", "mlp"] as const;
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
 * auto-encoder (paper, Table 4), "e2epp" a random forest, "mlp" a supervised perceptron on the flat
 * encoding. `options` are the assessor's.
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
    case "e2epp":
    case "mlp": {
      const given = Object.keys(options);
      if (given.length > 0)
        throw new UserError(`assessor options (${given.join(", ")}) do not apply to the method ${method}`);
      return method === "e2epp" ? new E2eppPredictor(space) : new MlpPredictor(space);
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
    case "mlp":
      return MlpPredictor.load(path, space);
    default:
      throw new BadFileError(path, `holds a model of the unknown method "${method}"`);
  }
}
