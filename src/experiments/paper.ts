/**
 * The paper's reported numbers (Tang et al., CVPR 2020; NAS-Bench-101, mean ± std) and the published
 * state of the art the budget experiment compares with, to print beside ours.
 */
import type { Summary } from "../eval/evaluate.js";

type Metric = "ktau" | "mse" | "pearson";

const s = (mean: number, std: number): Summary => ({ mean, std });

/** Table 1: method → N_l → metric. The paper's "assessor" is our "ssa". */
export const PAPER_TABLE1: Record<string, Record<number, Record<Metric, Summary>>> = {
  peephole: {
    1000: { ktau: s(0.4373, 0.0112), mse: s(0.0071, 0.0005), pearson: s(0.4013, 0.0092) },
    10000: { ktau: s(0.487, 0.0096), mse: s(0.0037, 0.0004), pearson: s(0.4672, 0.0075) },
    100000: { ktau: s(0.4976, 0.0055), mse: s(0.0036, 0.0003), pearson: s(0.4804, 0.0074) },
  },
  e2epp: {
    1000: { ktau: s(0.5705, 0.0082), mse: s(0.0042, 0.0003), pearson: s(0.4467, 0.0071) },
    10000: { ktau: s(0.6941, 0.0058), mse: s(0.0032, 0.0003), pearson: s(0.6164, 0.0063) },
    100000: { ktau: s(0.7004, 0.0051), mse: s(0.0024, 0.0002), pearson: s(0.5874, 0.0051) },
  },
  ssa: {
    1000: { ktau: s(0.6541, 0.0078), mse: s(0.0031, 0.0003), pearson: s(0.524, 0.0068) },
    10000: { ktau: s(0.7814, 0.0042), mse: s(0.0026, 0.0002), pearson: s(0.6812, 0.0051) },
    100000: { ktau: s(0.8456, 0.0031), mse: s(0.0016, 0.0002), pearson: s(0.8047, 0.0049) },
  },
};

/** Table 4: Kendall tau without ("ssa-noae") and with ("ssa") the auto-encoder. */
export const PAPER_TABLE4: Record<string, Record<number, Summary>> = {
  "ssa-noae": { 1000: s(0.5302, 0.0081), 10000: s(0.7188, 0.0025), 100000: s(0.7578, 0.0038) },
  ssa: { 1000: s(0.6541, 0.0078), 10000: s(0.7814, 0.0042), 100000: s(0.8456, 0.0031) },
};

/** Published Kendall tau on NAS-Bench-101 (test on all cells) by number of labels, since the paper. */
export const STATE_OF_THE_ART: { labels: number; method: string; ktau: number }[] = [
  { labels: 100, method: "PINAT", ktau: 0.679 },
  { labels: 100, method: "PINAT with a ranking loss", ktau: 0.717 },
  { labels: 424, method: "Neural Predictor", ktau: 0.679 },
  { labels: 424, method: "GATES", ktau: 0.691 },
  { labels: 424, method: "TNASP", ktau: 0.705 },
  { labels: 424, method: "GMAE-NAS", ktau: 0.732 },
  { labels: 424, method: "PINAT", ktau: 0.772 },
  { labels: 424, method: "PINAT with a ranking loss", ktau: 0.812 },
  { labels: 4236, method: "PINAT", ktau: 0.846 },
];

/** Table 2 (NAS-Bench-101, N_l = 1k, 20 seeds): best true test accuracy (%) of the top-10 found, and its rank percentile. */
export const PAPER_TABLE2: Record<string, { accuracy: Summary; rankPercent: number }> = {
  peephole: { accuracy: s(93.41, 0.34), rankPercent: 1.64 },
  e2epp: { accuracy: s(93.77, 0.13), rankPercent: 0.15 },
  ssa: { accuracy: s(94.01, 0.12), rankPercent: 0.01 },
};

/** Table 3 (1k NAS-Bench-101 cells the authors trained on CIFAR-100, not public): top-1 accuracy (%) found. */
export const PAPER_TABLE3: Record<string, Summary> = {
  peephole: s(74.21, 0.32),
  e2epp: s(75.86, 0.19),
  ssa: s(78.64, 0.16),
};
