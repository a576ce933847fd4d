/**
 * An ensemble: several predictors fitted on the same labels from different seeds, whose predictions
 * (each on the label scale) are averaged. Averaging cancels part of each member's error, and that
 * matters most where a search looks: the few cells predicted best among hundreds of thousands are
 * those whose errors happen to be largest.
 */
import { BadFileError, UserError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";
import {
  fieldError,
  modelFileContent,
  readModelFile,
  requiredField,
  withModelFileContent,
  writeModelFile,
} from "./model-file.js";
import type { FitInput, Predictor } from "./predictor.js";

/** Member k is fitted with seed + k·SEED_STRIDE, so members of nearby seeds never share a seed. */
export const SEED_STRIDE = 1000;

export class EnsemblePredictor implements Predictor {
  constructor(
    readonly method: string,
    readonly space: SearchSpace<unknown>,
    readonly members: Predictor[],
  ) {
    if (members.length < 1) throw new RangeError("an ensemble needs at least one member");
  }

  async fit(input: FitInput): Promise<void> {
    const k = this.members.length;
    for (const [i, member] of this.members.entries()) {
      await member.fit({
        ...input,
        seed: input.seed + i * SEED_STRIDE,
        onProgress: (d) => input.onProgress?.((i + d) / k),
      });
    }
  }

  async predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array> {
    const k = this.members.length;
    const sum = new Float64Array(ids.length);
    for (const [i, member] of this.members.entries()) {
      let values: Float64Array;
      try {
        values = await member.predict(ids, (d) => onProgress?.((i + d) / k));
      } catch (e) {
        throw this.asOwn(e, member);
      }
      for (let j = 0; j < sum.length; j++) sum[j] += values[j];
    }
    return sum.map((v) => v / k);
  }

  /**
   * A member's refusal said under the ensemble's name: "mlp: predict needs a fitted model" named a
   * method the caller never made (mlp-ensemble).
   */
  private asOwn(e: unknown, member: Predictor): unknown {
    if (!(e instanceof UserError) || !e.message.startsWith(`${member.method}: `)) return e;
    return new UserError(`${this.method}${e.message.slice(member.method.length)}`);
  }

  dispose(): void {
    for (const member of this.members) member.dispose();
  }

  /** One file: each member's own model file, embedded. */
  save(path: string): void {
    const members = this.members.map((member) => {
      try {
        return modelFileContent((file) => member.save(file));
      } catch (e) {
        throw this.asOwn(e, member);
      }
    });
    writeModelFile(path, this.method, this.space, { members });
  }

  /**
   * Reads a model file written by `save`; `loadMember` reads one member's model file (the registry's
   * loader, passed in so that this module does not depend on every method).
   */
  static async load(
    path: string,
    space: SearchSpace<unknown>,
    loadMember: (path: string, space: SearchSpace<unknown>) => Promise<Predictor>,
  ): Promise<EnsemblePredictor> {
    const file = readModelFile(path, space);
    const stored = requiredField(path, file, "members", "array") as unknown[];
    if (stored.length === 0)
      throw fieldError(path, "members", "is empty; an ensemble has at least one member");
    const members: Predictor[] = [];
    for (const [i, member] of stored.entries()) {
      let memberPath = "";
      try {
        members.push(
          await withModelFileContent(`members[${i}]`, member, (held) => {
            memberPath = held;
            return loadMember(held, space);
          }),
        );
      } catch (e) {
        // the member's message names its made-up path: name the field of this file instead
        const message = (e as Error).message.replaceAll(`${memberPath}: `, "");
        throw new BadFileError(path, `members[${i}]: ${message}`);
      }
    }
    return new EnsemblePredictor(file.method, space, members);
  }
}
