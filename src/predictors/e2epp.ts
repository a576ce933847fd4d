/**
 * E2EPP (Sun et al. 2019) as the paper compares with it: a random forest regressor on a fixed-length
 * encoding of the cell (the space's flattened adjacency matrix + one-hot operations).
 */
import { BadFileError } from "../errors.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import {
  fieldError,
  readModelFile,
  requiredField,
  storedFloats,
  storedInts,
  writeModelFile,
} from "./model-file.js";
import { checkedLabels, checkIds, type FitInput, notFitted, type Predictor } from "./predictor.js";
import {
  DEFAULT_FOREST_OPTIONS,
  type ForestOptions,
  fitForest,
  predictForest,
  type Tree,
} from "./regression-forest.js";

/** Cells encoded at once in prediction (bounds memory). */
const PREDICT_CHUNK = 16384;

export class E2eppPredictor implements Predictor {
  readonly method = "e2epp";
  readonly options: ForestOptions;
  private trees?: Tree[];

  constructor(
    readonly space: SearchSpace<unknown>,
    options: Partial<ForestOptions> = {},
  ) {
    this.options = { ...DEFAULT_FOREST_OPTIONS, ...options };
  }

  async fit(input: FitInput): Promise<void> {
    const { labeled, labels } = checkedLabels(input, this.space, 2);
    const x = this.space.encode(labeled);
    input.onProgress?.(0);
    this.trees = fitForest(x, this.space.encoding.size, labels, this.options, new Rng(input.seed));
    input.onProgress?.(1);
  }

  async predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array> {
    const trees = this.trees;
    if (!trees) throw notFitted(this.method, "predict");
    checkIds(ids, this.space);
    const out = new Float64Array(ids.length);
    for (let start = 0; start < ids.length; start += PREDICT_CHUNK) {
      const chunk = Array.prototype.slice.call(ids, start, Math.min(ids.length, start + PREDICT_CHUNK));
      out.set(predictForest(trees, this.space.encode(chunk), this.space.encoding.size), start);
      onProgress?.((start + chunk.length) / ids.length);
    }
    return out;
  }

  /** Drops the trees (plain arrays: nothing for tfjs to free). */
  dispose(): void {
    this.trees = undefined;
  }

  save(path: string): void {
    const trees = this.trees;
    if (!trees) throw notFitted(this.method, "save");
    const base64 = (a: Int32Array | Float32Array) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
    writeModelFile(path, this.method, this.space, {
      options: this.options,
      trees: trees.map((t) => ({
        feature: base64(t.feature),
        threshold: base64(t.threshold),
        left: base64(t.left),
        right: base64(t.right),
        value: base64(t.value),
      })),
    });
  }

  /**
   * Reads a model file written by `save` for this space. Throws BadFileError naming the field when the
   * forest is empty, a value is not finite, or a tree is malformed (arrays of different lengths, a
   * feature outside the encoding, a node pointing outside its tree or back up).
   */
  static load(path: string, space: SearchSpace<unknown>): E2eppPredictor {
    const file = readModelFile(path, space);
    if (file.method !== "e2epp") throw new BadFileError(path, `holds a "${file.method}" model, not e2epp`);
    const options = requiredField(path, file, "options", "object") as Partial<ForestOptions>;
    const stored = requiredField(path, file, "trees", "array") as unknown[];
    if (stored.length === 0) throw fieldError(path, "trees", "is empty; a forest has at least one tree");
    const predictor = new E2eppPredictor(space, options);
    predictor.trees = stored.map((t, i) => {
      const field = `trees[${i}]`;
      if (typeof t !== "object" || t === null) throw fieldError(path, field, "is not an object");
      const arrays = t as Record<keyof Tree, unknown>;
      const tree: Tree = {
        feature: storedInts(path, `${field}.feature`, arrays.feature),
        threshold: storedFloats(path, `${field}.threshold`, arrays.threshold),
        left: storedInts(path, `${field}.left`, arrays.left),
        right: storedInts(path, `${field}.right`, arrays.right),
        value: storedFloats(path, `${field}.value`, arrays.value),
      };
      const nodes = tree.feature.length;
      const sizes = [tree.threshold, tree.left, tree.right, tree.value].map((a) => a.length);
      if (nodes === 0 || sizes.some((s) => s !== nodes))
        throw fieldError(path, field, "has no nodes, or arrays of different lengths");
      for (let k = 0; k < nodes; k++) {
        if (tree.feature[k] >= space.encoding.size)
          throw fieldError(
            path,
            `${field}.feature`,
            `names feature ${tree.feature[k]}, outside the encoding`,
          );
        if (
          tree.feature[k] >= 0 &&
          !(tree.left[k] > k && tree.left[k] < nodes && tree.right[k] > k && tree.right[k] < nodes)
        )
          throw fieldError(path, field, `node ${k} points outside its tree`);
      }
      return tree;
    });
    return predictor;
  }
}
