/** The predictors nas-assay offers, by method name. */
import { UserError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { SemiSupervisedAssessor } from "./assessor/assessor.js";
import type { AssessorOptions } from "./assessor/options.js";
import type { Predictor } from "./predictor.js";

export const METHODS = ["ssa"] as const;
export type Method = (typeof METHODS)[number];

/** Checks a method name given by a user. */
export function methodName(name: string): Method {
  if (!(METHODS as readonly string[]).includes(name)) {
    throw new UserError(`unknown method "${name}"; expected one of ${METHODS.join(", ")}`);
  }
  return name as Method;
}

/** A fresh, unfitted predictor. */
export function createPredictor(
  method: Method,
  space: SearchSpace<unknown>,
  options: Partial<AssessorOptions> = {},
): Predictor {
  switch (method) {
    case "ssa":
      return new SemiSupervisedAssessor(space, options);
  }
}

/** Reads a saved model for `space`. */
export function loadPredictor(path: string, space: SearchSpace<unknown>): Promise<Predictor> {
  return SemiSupervisedAssessor.load(path, space);
}
