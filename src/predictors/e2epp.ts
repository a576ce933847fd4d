/**
 * E2EPP (Sun et al. 2019) as the paper compares with it: a random forest regressor on a fixed-length
 * encoding of the cell (the space's flattened adjacency matrix + one-hot operations).
 */
import { BadFileError } from "../errors.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { readModelFile, writeModelFile } from "./model-file.js";
import { checkedLabels, checkIds, type FitInput, type Predictor } from "./predictor.js";
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
    if (!trees) throw new Error("predict() before fit() or load()");
    checkIds(ids, this.space);
    const out = new Float64Array(ids.length);
    for (let start = 0; start < ids.length; start += PREDICT_CHUNK) {
      const chunk = Array.prototype.slice.call(ids, start, Math.min(ids.length, start + PREDICT_CHUNK));
      out.set(predictForest(trees, this.space.encode(chunk), this.space.encoding.size), start);
      onProgress?.((start + chunk.length) / ids.length);
    }
    return out;
  }

  save(path: string): void {
    const trees = this.trees;
    if (!trees) throw new Error("save() before fit()");
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

  /** Reads a model file written by `save` for this space. */
  static load(path: string, space: SearchSpace<unknown>): E2eppPredictor {
    const file = readModelFile(path, space);
    if (file.method !== "e2epp") throw new BadFileError(path, `holds a "${file.method}" model, not e2epp`);
    try {
      const predictor = new E2eppPredictor(space, file.options as Partial<ForestOptions>);
      const bytes = (s: string) => {
        const b = Buffer.from(s, "base64");
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      };
      predictor.trees = (file.trees as Record<keyof Tree, string>[]).map((t) => {
        const tree = {
          feature: new Int32Array(bytes(t.feature)),
          threshold: new Float32Array(bytes(t.threshold)),
          left: new Int32Array(bytes(t.left)),
          right: new Int32Array(bytes(t.right)),
          value: new Float32Array(bytes(t.value)),
        };
        const nodes = tree.feature.length;
        const sizes = [tree.threshold, tree.left, tree.right, tree.value].map((a) => a.length);
        if (nodes === 0 || sizes.some((s) => s !== nodes))
          throw new Error("tree arrays of different lengths");
        for (let k = 0; k < nodes; k++) {
          if (tree.feature[k] >= space.encoding.size)
            throw new Error(`feature ${tree.feature[k]} out of range`);
          if (
            tree.feature[k] >= 0 &&
            !(tree.left[k] > k && tree.left[k] < nodes && tree.right[k] > k && tree.right[k] < nodes)
          )
            throw new Error("a node points outside its tree");
        }
        return tree;
      });
      return predictor;
    } catch (e) {
      throw new BadFileError(path, `damaged model file: ${(e as Error).message}`);
    }
  }
}
