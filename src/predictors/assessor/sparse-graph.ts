/**
 * A mini-batch's relation graph as edge lists. With σ at its default a cell has a handful of
 * neighbours among the batch's 1,024, so the exp, the masks and the products over all batch² pairs
 * (a third of a training step on the dense path) shrink to a scan of the distance matrix and work
 * proportional to the edges.
 */
export class SparseGraph {
  private constructor(
    readonly size: number,
    /** Row i's edges are rowStart[i] .. rowStart[i+1]-1 (both directions of each edge, no self-loop). */
    readonly rowStart: Int32Array,
    readonly columns: Int32Array,
    /** s(i, j) of each edge. */
    readonly weights: Float32Array,
  ) {}

  /**
   * The graph of squared distances d (row-major size × size) with s = exp(-c·d): an edge where s > τ,
   * read from the upper triangle so that the graph is exactly symmetric. Self-loops (s = 1) are
   * implicit.
   */
  static fromDistances(distances: ArrayLike<number>, size: number, c: number, tau: number): SparseGraph {
    const cutoff = -Math.log(tau); // s > τ  ⇔  c·d < -ln τ
    const from: number[] = [];
    const to: number[] = [];
    const counts = new Int32Array(size + 1);
    for (let i = 0; i < size; i++) {
      for (let j = i + 1, at = i * size + i + 1; j < size; j++, at++) {
        if (c * distances[at] < cutoff) {
          from.push(i);
          to.push(j);
          counts[i + 1]++;
          counts[j + 1]++;
        }
      }
    }
    const rowStart = new Int32Array(size + 1);
    for (let i = 0; i < size; i++) rowStart[i + 1] = rowStart[i] + counts[i + 1];
    const fill = rowStart.slice(0, size);
    const columns = new Int32Array(rowStart[size]);
    const weights = new Float32Array(rowStart[size]);
    for (let e = 0; e < from.length; e++) {
      const i = from[e];
      const j = to[e];
      const s = Math.exp(-c * distances[i * size + j]);
      columns[fill[i]] = j;
      weights[fill[i]++] = s;
      columns[fill[j]] = i;
      weights[fill[j]++] = s;
    }
    return new SparseGraph(size, rowStart, columns, weights);
  }

  /** Number of edges, each counted once. */
  get edges(): number {
    return this.columns.length / 2;
  }

  /** Row sums of A, self-loop included: 1 + Σ_j s(i, j). */
  degrees(): Float64Array {
    const out = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      let sum = 1;
      for (let e = this.rowStart[i]; e < this.rowStart[i + 1]; e++) sum += this.weights[e];
      out[i] = sum;
    }
    return out;
  }

  /** A·x for x of `width` columns (row-major), self-loops included. */
  multiply(x: ArrayLike<number>, width: number): Float32Array {
    const out = new Float32Array(this.size * width);
    for (let i = 0; i < this.size; i++) {
      const row = i * width;
      for (let f = 0; f < width; f++) out[row + f] = x[row + f];
      for (let e = this.rowStart[i]; e < this.rowStart[i + 1]; e++) {
        const s = this.weights[e];
        const other = this.columns[e] * width;
        for (let f = 0; f < width; f++) out[row + f] += s * x[other + f];
      }
    }
    return out;
  }
}
