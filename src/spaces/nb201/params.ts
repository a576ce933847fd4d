/**
 * Trainable parameter count of the full NAS-Bench-201 network for a cell, CIFAR-10 (10 classes), as the
 * benchmark builds it (NAS-Bench-201 paper, §2; its TinyNetwork): a 3×3 conv + batch norm stem with 16
 * channels; 3 stages of 5 cells at 16, 32 and 64 channels, with a residual reduction block between
 * stages (ReLU-conv3×3-BN with stride 2, ReLU-conv3×3-BN, and a 1×1 conv shortcut); batch norm, global
 * pooling and a dense layer. In a cell, nor_conv_3x3 / nor_conv_1x1 are ReLU-conv-BN (no conv bias,
 * batch norm with scale and shift); skip_connect, avg_pool_3x3 and none have no parameters.
 * The all-none cell gives 73,306 (the benchmark's 0.0733 M), the all-3×3 cell 1,531,546 (1.53 M).
 */
import type { Nb201Cell } from "./cell.js";

const CHANNELS = [16, 32, 64];
const CELLS_PER_STAGE = 5;
const CLASSES = 10;

/** ReLU-conv (k×k, no bias)-batch norm. */
const convBn = (kernel: number, inChannels: number, outChannels: number) =>
  kernel * kernel * inChannels * outChannels + 2 * outChannels;

/** Parameters outside the cells. */
function fixedParameters(): number {
  let params = convBn(3, 3, CHANNELS[0]);
  for (let s = 1; s < CHANNELS.length; s++) {
    const [a, b] = [CHANNELS[s - 1], CHANNELS[s]];
    params += convBn(3, a, b) + convBn(3, b, b) + a * b;
  }
  const last = CHANNELS[CHANNELS.length - 1];
  return params + 2 * last + last * CLASSES + CLASSES;
}

const PER_EDGE: Record<string, number> = {
  nor_conv_3x3: CHANNELS.reduce((sum, c) => sum + CELLS_PER_STAGE * convBn(3, c, c), 0),
  nor_conv_1x1: CHANNELS.reduce((sum, c) => sum + CELLS_PER_STAGE * convBn(1, c, c), 0),
};

/** Trainable parameters of the CIFAR-10 network built from the cell. */
export function nb201Parameters(cell: Nb201Cell): number {
  return cell.ops.reduce((sum, op) => sum + (PER_EDGE[op] ?? 0), fixedParameters());
}
