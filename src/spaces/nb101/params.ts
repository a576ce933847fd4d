/**
 * Trainable parameter count of the full NAS-Bench-101 network for a cell, following the benchmark's
 * model builder: a 3×3 conv-BN-ReLU stem with 128 channels; 3 stacks of 3 cells, with 2×2 max-pool
 * down-sampling and channel doubling before stacks 2 and 3; global average pooling; a dense layer to
 * 10 classes. Convolutions have no bias; each batch norm trains a scale and a shift per channel.
 */
import { shownValue, UserError } from "../../errors.js";
import { INTERIOR_OPS } from "./cell.js";

const STEM_CHANNELS = 128;
const NUM_STACKS = 3;
const CELLS_PER_STACK = 3;
const NUM_CLASSES = 10;
const KERNEL_SIZE: Record<string, number> = { "conv3x3-bn-relu": 3, "conv1x1-bn-relu": 1, maxpool3x3: 0 };

/** Parameters of a conv (no bias) + batch norm. */
function convBn(kernel: number, inChannels: number, outChannels: number): number {
  return kernel * kernel * inChannels * outChannels + 2 * outChannels;
}

/**
 * Output channels of every vertex (the benchmark's `compute_vertex_channels`): the cell's output
 * channels are split evenly over the vertices feeding the output (remainder to the first ones), and
 * every other vertex takes the largest width among its successors.
 */
export function vertexChannels(matrix: number[][], inChannels: number, outChannels: number): number[] {
  const n = matrix.length;
  const channels = new Array<number>(n).fill(0);
  channels[0] = inChannels;
  channels[n - 1] = outChannels;
  if (n === 2) return channels;
  let inDegreeOfOutput = 0;
  for (let v = 1; v < n - 1; v++) inDegreeOfOutput += matrix[v][n - 1];
  const share = Math.floor(outChannels / inDegreeOfOutput);
  let remainder = outChannels % inDegreeOfOutput;
  for (let v = 1; v < n - 1; v++) {
    if (matrix[v][n - 1]) {
      channels[v] = share + (remainder > 0 ? 1 : 0);
      if (remainder > 0) remainder--;
    }
  }
  for (let v = n - 3; v > 0; v--) {
    if (!matrix[v][n - 1]) {
      for (let dst = v + 1; dst < n - 1; dst++)
        if (matrix[v][dst]) channels[v] = Math.max(channels[v], channels[dst]);
    }
  }
  return channels;
}

/** Trainable parameters of one cell (module) with the given input and output channels. */
function cellParameters(matrix: number[][], ops: string[], inChannels: number, outChannels: number): number {
  const n = matrix.length;
  const channels = vertexChannels(matrix, inChannels, outChannels);
  let params = 0;
  let feedsOutput = false;
  for (let t = 1; t < n - 1; t++) {
    // the input reaches interior vertices through a 1×1 projection; other inputs are truncated (free)
    if (matrix[0][t]) params += convBn(1, inChannels, channels[t]);
    const kernel = KERNEL_SIZE[ops[t]];
    if (kernel) params += convBn(kernel, channels[t], channels[t]);
    if (matrix[t][n - 1]) feedsOutput = true;
  }
  if (!feedsOutput || matrix[0][n - 1]) params += convBn(1, inChannels, outChannels);
  return params;
}

/** Trainable parameters of the whole network built from a (pruned) cell. */
export function networkParameters(matrix: number[][], ops: string[]): number {
  // from JavaScript, networkParameters(5) failed with "Cannot read properties of undefined (reading 'slice')"
  const n = Array.isArray(ops) ? ops.length : -1;
  if (
    n < 2 ||
    !Array.isArray(matrix) ||
    matrix.length !== n ||
    matrix.some((row) => !Array.isArray(row) || row.length !== n)
  )
    throw new UserError(
      `networkParameters needs a pruned cell: its matrix (n lists of n 0/1 entries) and its n ops, got ${shownValue(matrix, 60)} and ${shownValue(ops, 60)}`,
    );
  for (const op of ops.slice(1, -1)) {
    if (!(INTERIOR_OPS as readonly string[]).includes(op))
      throw new UserError(
        `networkParameters: unknown op ${shownValue(op, 40)}; expected one of ${INTERIOR_OPS.join(", ")} between input and output`,
      );
  }
  let params = convBn(3, 3, STEM_CHANNELS);
  let channels = STEM_CHANNELS;
  let inChannels = STEM_CHANNELS;
  for (let stack = 0; stack < NUM_STACKS; stack++) {
    if (stack > 0) channels *= 2;
    for (let c = 0; c < CELLS_PER_STACK; c++) {
      params += cellParameters(matrix, ops, inChannels, channels);
      inChannels = channels;
    }
  }
  return params + channels * NUM_CLASSES + NUM_CLASSES;
}

/** Multiply-accumulates of the cell's convolutions (1×1 projections included) at `pixels` per channel map. */
function cellMultiplyAccumulates(
  matrix: number[][],
  ops: string[],
  inChannels: number,
  outChannels: number,
  pixels: number,
): number {
  const n = matrix.length;
  const channels = vertexChannels(matrix, inChannels, outChannels);
  let macs = 0;
  let feedsOutput = false;
  for (let t = 1; t < n - 1; t++) {
    if (matrix[0][t]) macs += inChannels * channels[t] * pixels;
    const kernel = KERNEL_SIZE[ops[t]];
    if (kernel) macs += kernel * kernel * channels[t] * channels[t] * pixels;
    if (matrix[t][n - 1]) feedsOutput = true;
  }
  if (!feedsOutput || matrix[0][n - 1]) macs += inChannels * outChannels * pixels;
  return macs;
}

/**
 * Multiply-accumulates of the whole network built from a (pruned) cell on a 32×32 image: the stem,
 * every convolution of the 9 cells (32×32, 16×16 and 8×8 maps by stack) and the dense layer. The
 * benchmark's `flops.npy` (a profiler's count, which adds batch norms, poolings and additions) is
 * 0.1–2.7 % higher cell by cell; this count needs no data file.
 */
export function networkMultiplyAccumulates(matrix: number[][], ops: string[]): number {
  for (const op of ops.slice(1, -1)) {
    if (!(INTERIOR_OPS as readonly string[]).includes(op)) throw new Error(`unknown op ${op}`);
  }
  let pixels = 32 * 32;
  let macs = 3 * 3 * 3 * STEM_CHANNELS * pixels;
  let channels = STEM_CHANNELS;
  let inChannels = STEM_CHANNELS;
  for (let stack = 0; stack < NUM_STACKS; stack++) {
    if (stack > 0) {
      channels *= 2;
      pixels /= 4;
    }
    for (let c = 0; c < CELLS_PER_STACK; c++) {
      macs += cellMultiplyAccumulates(matrix, ops, inChannels, channels, pixels);
      inChannels = channels;
    }
  }
  return macs + channels * NUM_CLASSES;
}
