/**
 * How well predictions rank and fit the truth: Kendall tau-b (O(n log n), Knight's algorithm, as
 * SciPy computes it), Spearman rho, Pearson r, MSE, precision@k, and the true value of the predicted best.
 */
import { hasMembers, shownValue } from "../errors.js";

/**
 * Kendall tau-b between two equally long arrays, ties handled; NaN when either array is constant (or
 * has fewer than 2 values) or holds a NaN (sorting cannot place a NaN: [NaN, NaN, NaN, 1] against
 * [1, 2, 3, 4] scored 1). Throws RangeError when either is no array of numbers (an entry of another
 * type included) or their lengths differ.
 */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkLengths(x, y);
  if (n < 2 || holdsNaN(x) || holdsNaN(y)) return Number.NaN;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  let tiedX = 0; // pairs tied in x
  let tiedXY = 0; // pairs tied in both
  let runX = 1;
  let runXY = 1;
  for (let i = 1; i <= n; i++) {
    const sameX = i < n && x[order[i]] === x[order[i - 1]];
    if (sameX && y[order[i]] === y[order[i - 1]]) runXY++;
    else {
      tiedXY += pairs(runXY);
      runXY = 1;
    }
    if (sameX) runX++;
    else {
      tiedX += pairs(runX);
      runX = 1;
    }
  }
  // discordant pairs = inversions of y in this order (ties in y are not inversions)
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = y[order[i]];
  const swaps = countInversions(ys);
  let tiedY = 0;
  for (let i = 1, run = 1; i <= n; i++) {
    if (i < n && ys[i] === ys[i - 1]) run++;
    else {
      tiedY += pairs(run);
      run = 1;
    }
  }
  const total = pairs(n);
  const denominator = Math.sqrt((total - tiedX) * (total - tiedY));
  if (denominator === 0) return Number.NaN;
  return (total - tiedX - tiedY + tiedXY - 2 * swaps) / denominator;
}

function pairs(k: number): number {
  return (k * (k - 1)) / 2;
}

/** Sorts `a` in place and returns the number of strict inversions (i < j, a[i] > a[j]). */
function countInversions(a: Float64Array): number {
  const n = a.length;
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j] < src[i]) {
          inversions += mid - i;
          dst[k++] = src[j++];
        } else dst[k++] = src[i++];
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
  return inversions;
}

/**
 * Pearson correlation coefficient; NaN when either array is constant (every value equal, tested
 * exactly: the centred sums of a constant array are rounding noise, not zero), has fewer than 2 values,
 * or holds a NaN or an infinity. Throws RangeError as kendallTau does.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = checkLengths(x, y);
  if (isConstant(x) || isConstant(y)) return Number.NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n, ties given their average rank. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && x[order[j]] === x[order[i]]) j++;
    const rank = (i + j + 1) / 2; // mean of ranks i+1..j
    for (let k = i; k < j; k++) ranks[order[k]] = rank;
    i = j;
  }
  return ranks;
}

/** Rank of each value, 1 = the largest (the best accuracy), ties broken by position (for rank plots). */
export function ranksBestFirst(values: ArrayLike<number>): number[] {
  const order = Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => values[b] - values[a] || a - b,
  );
  const out = new Array<number>(values.length);
  order.forEach((i, r) => {
    out[i] = r + 1;
  });
  return out;
}

/**
 * Spearman's rho: Pearson correlation of the average ranks; NaN when either array is constant or holds
 * a NaN. Throws RangeError as kendallTau does.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkLengths(x, y);
  if (holdsNaN(x) || holdsNaN(y)) return Number.NaN;
  return pearson(averageRanks(x), averageRanks(y));
}

/** Mean squared error; NaN for empty arrays. Throws RangeError as kendallTau does. */
export function mse(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  const n = checkLengths(predicted, truth);
  let s = 0;
  for (let i = 0; i < n; i++) s += (predicted[i] - truth[i]) ** 2;
  return s / n;
}

/** Indices of the k largest values (ties broken by lower index). */
export function topK(values: ArrayLike<number>, k: number): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => values[b] - values[a] || a - b);
  return order.slice(0, Math.min(k, values.length));
}

/**
 * Share of the true top-k among the predicted top-k; NaN when either array holds a NaN. Throws
 * RangeError for a k that is no positive integer, and as kendallTau does.
 */
export function precisionAtK(predicted: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  checkLengths(predicted, truth);
  if (!Number.isInteger(k) || k < 1)
    throw new RangeError(`k must be a positive integer, got ${shownValue(k)}`);
  if (holdsNaN(predicted) || holdsNaN(truth)) return Number.NaN;
  const trueTop = new Set(topK(truth, k));
  let hits = 0;
  for (const i of topK(predicted, k)) if (trueTop.has(i)) hits++;
  return hits / Math.min(k, predicted.length);
}

/**
 * The true value of the cell predicted best; NaN when the predictions hold a NaN or are empty (no best
 * is defined). Throws RangeError as kendallTau does.
 */
export function trueValueOfPredictedBest(predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (checkLengths(predicted, truth) === 0 || holdsNaN(predicted)) return Number.NaN;
  return truth[topK(predicted, 1)[0]];
}

/** True when `x` has fewer than 2 values or all its values are equal: no correlation is defined. */
export function isConstant(x: ArrayLike<number>): boolean {
  for (let i = 1; i < x.length; i++) if (x[i] !== x[0]) return false;
  return true;
}

/**
 * Why the correlations (Kendall tau, Spearman, Pearson) of `predicted` against `truth` are NaN, in words
 * for the user, or undefined when they are defined.
 */
export function undefinedCorrelationReason(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
): string | undefined {
  checkLengths(predicted, truth);
  if (predicted.length < 2) return `only ${predicted.length} test cell${predicted.length === 1 ? "" : "s"}`;
  const p = isConstant(predicted);
  const t = isConstant(truth);
  if (p && t) return "the predictions and the true labels are constant";
  if (p) return "the predictions are constant";
  if (t) return "the true labels are constant";
  return undefined;
}

function holdsNaN(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) return true;
  return false;
}

/**
 * The common length of two arrays of numbers. Throws RangeError for something that is no array, for an
 * entry that is not a number (["1", "2"] correlated as text: Pearson summed them by concatenation; an
 * undefined entry escaped the NaN checks), and for different lengths. Typed arrays hold numbers only
 * and are not scanned.
 */
function checkLengths(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (const x of [a, b]) {
    if (!hasMembers(x, { length: "number" }))
      throw new RangeError(`expected two arrays of numbers, got ${shownValue(x, 80)}`);
    if (!ArrayBuffer.isView(x))
      for (let i = 0; i < x.length; i++)
        if (typeof x[i] !== "number")
          throw new RangeError(`expected two arrays of numbers; entry ${i} is ${shownValue(x[i], 40)}`);
  }
  if (a.length !== b.length) throw new RangeError(`arrays differ in length: ${a.length} vs ${b.length}`);
  return a.length;
}
