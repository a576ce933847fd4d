/**
 * A random forest regressor on typed arrays (bootstrap samples, a random third of the features at each
 * split, squared-error splits). Written here because ml-random-forest 2.1.0, the maintained JS library,
 * took 114 s to fit 100 trees on 1,000 NAS-Bench-101 cells (56 features) on these machines, where a
 * baseline must fit 100,000. Features that only take the values 0 and 1 (all of the cell encodings) are
 * split by counting instead of sorting, which makes a node's split search linear in its size.
 */
import type { Rng } from "../random.js";

export interface ForestOptions {
  trees: number;
  /** Share of the features tried at each split. */
  featureShare: number;
  /** Smallest number of samples in a leaf. */
  minLeaf: number;
  maxDepth: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = {
  trees: 100,
  featureShare: 1 / 3,
  minLeaf: 2,
  maxDepth: 32,
};

/** One tree: node k splits on feature[k] at threshold[k] (≤ goes left) or, if feature[k] < 0, is a leaf. */
export interface Tree {
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float32Array;
}

/** Fits a forest to `x` (rows × width, row-major) and targets `y`. */
export function fitForest(
  x: Float32Array,
  width: number,
  y: ArrayLike<number>,
  options: ForestOptions,
  rng: Rng,
): Tree[] {
  const rows = y.length;
  const binary = new Uint8Array(width);
  for (let f = 0; f < width; f++) {
    binary[f] = 1;
    for (let i = 0; i < rows; i++) {
      const v = x[i * width + f];
      if (v !== 0 && v !== 1) {
        binary[f] = 0;
        break;
      }
    }
  }
  const tries = Math.max(1, Math.round(options.featureShare * width));
  const trees: Tree[] = [];
  for (let t = 0; t < options.trees; t++) {
    const sample = Int32Array.from({ length: rows }, () => rng.int(rows));
    trees.push(growTree(x, width, y, sample, binary, tries, options, rng));
  }
  return trees;
}

/** The forest's mean prediction for each row of `x`. */
export function predictForest(trees: Tree[], x: Float32Array, width: number): Float64Array {
  const rows = x.length / width;
  const out = new Float64Array(rows);
  for (const tree of trees) {
    for (let i = 0; i < rows; i++) {
      let node = 0;
      while (tree.feature[node] >= 0) {
        node = x[i * width + tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      }
      out[i] += tree.value[node];
    }
  }
  for (let i = 0; i < rows; i++) out[i] /= trees.length;
  return out;
}

interface Split {
  feature: number;
  threshold: number;
  gain: number;
}

function growTree(
  x: Float32Array,
  width: number,
  y: ArrayLike<number>,
  sample: Int32Array,
  binary: Uint8Array,
  tries: number,
  options: ForestOptions,
  rng: Rng,
): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const features = Int32Array.from({ length: width }, (_, f) => f);
  // each pending node: its index and the range of `sample` it holds
  const stack: [node: number, start: number, end: number, depth: number][] = [];
  const addNode = () => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  stack.push([addNode(), 0, sample.length, 0]);
  while (stack.length > 0) {
    const [node, start, end, depth] = stack.pop() as [number, number, number, number];
    let sum = 0;
    let squares = 0;
    for (let k = start; k < end; k++) {
      sum += y[sample[k]];
      squares += y[sample[k]] ** 2;
    }
    value[node] = sum / (end - start);
    if (end - start < 2 * options.minLeaf || depth >= options.maxDepth) continue;
    // a split must remove more squared error than rounding the sums can make up: relative to the node's
    // sum of squares, so the forest is the same whatever the labels' unit (an absolute 1e-12 let no split
    // through for labels near 1e-6: 14 distinct predictions; at the scale of accuracies, 1e-12 × Σy² is
    // far below any real gain, as it was)
    let best: Split = { feature: -1, threshold: 0, gain: 1e-12 * squares };
    // a random subset of the features: a partial Fisher–Yates shuffle
    const samples: NodeSamples = { x, width, y, sample, start, end, sum, minLeaf: options.minLeaf };
    for (let k = 0; k < tries; k++) {
      const j = k + rng.int(width - k);
      [features[k], features[j]] = [features[j], features[k]];
      const f = features[k];
      const split = binary[f] ? binarySplit(samples, f) : sortedSplit(samples, f);
      if (split && split.gain > best.gain) best = split;
    }
    if (best.feature < 0) continue;
    // partition the node's range: ≤ threshold first
    let middle = start;
    for (let k = start; k < end; k++) {
      if (x[sample[k] * width + best.feature] <= best.threshold) {
        [sample[k], sample[middle]] = [sample[middle], sample[k]];
        middle++;
      }
    }
    feature[node] = best.feature;
    threshold[node] = best.threshold;
    left[node] = addNode();
    right[node] = addNode();
    stack.push([left[node], start, middle, depth + 1], [right[node], middle, end, depth + 1]);
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float32Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float32Array.from(value),
  };
}

/** Reduction of the squared error when splitting n samples of sum s into (nl, sl) and the rest. */
function gain(n: number, s: number, nl: number, sl: number): number {
  const nr = n - nl;
  const sr = s - sl;
  return (sl * sl) / nl + (sr * sr) / nr - (s * s) / n;
}

/** The samples of one node: rows sample[start..end) of x (width columns), targets y summing to `sum`. */
interface NodeSamples {
  x: Float32Array;
  width: number;
  y: ArrayLike<number>;
  sample: Int32Array;
  start: number;
  end: number;
  sum: number;
  minLeaf: number;
}

function binarySplit(node: NodeSamples, f: number): Split | undefined {
  const { x, width, y, sample, start, end, sum, minLeaf } = node;
  let zeros = 0;
  let zeroSum = 0;
  for (let k = start; k < end; k++) {
    if (x[sample[k] * width + f] === 0) {
      zeros++;
      zeroSum += y[sample[k]];
    }
  }
  const n = end - start;
  if (zeros < minLeaf || n - zeros < minLeaf) return undefined;
  return { feature: f, threshold: 0.5, gain: gain(n, sum, zeros, zeroSum) };
}

function sortedSplit(node: NodeSamples, f: number): Split | undefined {
  const { x, width, y, sample, start, end, sum, minLeaf } = node;
  const n = end - start;
  const order = Array.from({ length: n }, (_, k) => sample[start + k]);
  order.sort((a, b) => x[a * width + f] - x[b * width + f]);
  let best: Split | undefined;
  let leftSum = 0;
  for (let k = 0; k < n - 1; k++) {
    leftSum += y[order[k]];
    const here = x[order[k] * width + f];
    const next = x[order[k + 1] * width + f];
    if (here === next || k + 1 < minLeaf || n - k - 1 < minLeaf) continue;
    const g = gain(n, sum, k + 1, leftSum);
    if (!best || g > best.gain) best = { feature: f, threshold: (here + next) / 2, gain: g };
  }
  return best;
}
