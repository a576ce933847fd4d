/**
 * Maps a model's raw scores to labels. A network trained on rank-based targets and a ranking loss
 * orders cells well but its raw scale is arbitrary; isotonic regression (pool adjacent violators) of the
 * training labels on the training scores gives E[label | score] without changing the order: the map is
 * strictly increasing (linear between block means, and with a slope of 1e-9 beyond the ends, so cells
 * scored beyond every training cell still keep their order).
 */
export interface Calibration {
  /** Increasing knot positions on the score scale. */
  scores: number[];
  /** Strictly increasing label at each knot. */
  labels: number[];
}

const END_SLOPE = 1e-9;

/**
 * Labels above this magnitude are summed at 2^-64 of their size: the block sums of two labels near
 * 1e308 overflowed to Infinity and every prediction became NaN (a target such as a cost in raw units,
 * told in a study). Scaling by a power of two is exact, so ordinary labels give the same bits as before.
 */
const LARGE_LABEL = 2 ** 960;
const LARGE_SCALE = 2 ** -64;

/** Isotonic regression of `labels` on `scores` (same length, at least one pair). */
export function fitCalibration(scores: ArrayLike<number>, labels: ArrayLike<number>): Calibration {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let largest = 0;
  for (let i = 0; i < labels.length; i++) largest = Math.max(largest, Math.abs(labels[i]));
  const k = largest > LARGE_LABEL ? LARGE_SCALE : 1;
  // blocks of (sum score, sum label, count); equal scores start in one block
  const blockScore: number[] = [];
  const blockLabel: number[] = [];
  const blockCount: number[] = [];
  for (const i of order) {
    const last = blockCount.length - 1;
    if (last >= 0 && blockScore[last] / blockCount[last] === scores[i]) {
      blockScore[last] += scores[i];
      blockLabel[last] += labels[i] * k;
      blockCount[last] += 1;
    } else {
      blockScore.push(scores[i]);
      blockLabel.push(labels[i] * k);
      blockCount.push(1);
    }
    // pool while the last block's mean label does not exceed the one before it
    for (let b = blockCount.length - 1; b > 0; b--) {
      if (blockLabel[b] / blockCount[b] > blockLabel[b - 1] / blockCount[b - 1]) break;
      blockScore[b - 1] += blockScore[b];
      blockLabel[b - 1] += blockLabel[b];
      blockCount[b - 1] += blockCount[b];
      blockScore.pop();
      blockLabel.pop();
      blockCount.pop();
    }
  }
  return {
    scores: blockScore.map((s, b) => s / blockCount[b]),
    labels: blockLabel.map((y, b) => y / blockCount[b] / k),
  };
}

/** The calibrated label of a raw score. */
export function calibrate(c: Calibration, score: number): number {
  const { scores, labels } = c;
  const last = scores.length - 1;
  if (score <= scores[0]) return labels[0] + END_SLOPE * (score - scores[0]);
  if (score >= scores[last]) return labels[last] + END_SLOPE * (score - scores[last]);
  let low = 0;
  let high = last;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (scores[mid] <= score) low = mid;
    else high = mid;
  }
  const t = (score - scores[low]) / (scores[high] - scores[low]);
  const gap = labels[high] - labels[low];
  // a gap beyond the largest double (labels of both signs near 1e308) is taken in halves
  if (!Number.isFinite(gap)) return (labels[low] / 2 + t * (labels[high] / 2 - labels[low] / 2)) * 2;
  return labels[low] + t * gap;
}
