/**
 * How labels are put on the scale a network trains on. "standard" is (y - mean) / std. "quantile" maps
 * each label to the normal quantile of its rank among the training labels, so that the few broken cells
 * of NAS-Bench-101 (accuracy ≈ 0.1) do not dominate a squared loss. Outputs go back to labels through a
 * calibration fitted after training (calibration.ts).
 */
import { averageRanks } from "../eval/metrics.js";

export type LabelTransform = "standard" | "quantile";

/** Training targets for the labels. */
export function scaleLabels(labels: ArrayLike<number>, transform: LabelTransform): Float32Array {
  const n = labels.length;
  if (transform === "standard") {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += labels[i] / n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (labels[i] - mean) ** 2 / n;
    const std = Math.sqrt(variance) || 1;
    return Float32Array.from(labels, (y) => (y - mean) / std);
  }
  // mid-rank of each label (ties share it), as a probability in (0, 1), to a normal score
  return Float32Array.from(averageRanks(labels), (rank) => normalQuantile((rank - 0.5) / n));
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
