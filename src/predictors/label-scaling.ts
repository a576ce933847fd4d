/**
 * How labels are put on the scale a network trains on, and back. "standard" is (y - mean) / std.
 * "quantile" maps each label to the normal quantile of its rank among the training labels, so that
 * the few broken cells of NAS-Bench-101 (accuracy ≈ 0.1) do not dominate a squared loss; predictions
 * are mapped back through the training labels' empirical quantiles, which keeps their order.
 */
import { averageRanks } from "../eval/metrics.js";

export type LabelTransform = "standard" | "quantile";

export interface LabelScaling {
  transform: LabelTransform;
  mean: number;
  std: number;
  /** Sorted training labels (quantile transform only). */
  sorted?: number[];
}

/** Fits a scaling to the training labels. */
export function fitScaling(labels: ArrayLike<number>, transform: LabelTransform): LabelScaling {
  const values = Array.from(labels);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
  return transform === "quantile"
    ? { transform, mean, std, sorted: values.sort((a, b) => a - b) }
    : { transform, mean, std };
}

/** Training targets for the labels. */
export function scaleLabels(scaling: LabelScaling, labels: ArrayLike<number>): Float32Array {
  if (scaling.transform === "standard")
    return Float32Array.from(labels, (y) => (y - scaling.mean) / scaling.std);
  const n = labels.length;
  // mid-rank of each label (ties share it), as a probability in (0, 1), to a normal score
  return Float32Array.from(averageRanks(labels), (rank) => normalQuantile((rank - 0.5) / n));
}

/** A network output back on the labels' scale. */
export function unscale(scaling: LabelScaling, value: number): number {
  if (scaling.transform === "standard") return value * scaling.std + scaling.mean;
  const sorted = scaling.sorted as number[];
  const position = normalCdf(value) * sorted.length - 0.5;
  if (position <= 0) return sorted[0];
  if (position >= sorted.length - 1) return sorted[sorted.length - 1];
  const low = Math.floor(position);
  return sorted[low] + (position - low) * (sorted[low + 1] - sorted[low]);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
