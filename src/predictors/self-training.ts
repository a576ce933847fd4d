/**
 * Self-training on unlabeled cells (issue 21, item 4b; measured in docs/transformer.md, "Self-training
 * on unlabeled cells"): a teacher ensemble fitted on the labeled cells predicts a pool of unlabeled
 * cells; the share of the pool on which its members agree best get the teacher's mean prediction as
 * pseudo-label; a fresh student ensemble of the same kind (same member seeds) is fitted on the labeled
 * plus the pseudo-labeled cells and is the fitted model. Every cell of a search space is free to list,
 * so this is the paper's premise — unlabeled cells help — in the form that measurably helped the
 * transformer ensemble (NAS-Bench-101, 20,000 test cells, seeds 0–4, paired by seed: +0.0051 ± 0.0023
 * Kendall tau at 424 labels, +0.0033 ± 0.0016 at 1,000, ahead on 5 of 5 seeds each), at about ten
 * times the fit's cost there; more with fewer labels, since the students always learn the labels plus
 * `keep`·`pool` pseudo-labels (about 45 times at 50 NAS-Bench-201 labels).
 */
import { UserError } from "../errors.js";
import { Rng } from "../random.js";
import { type SearchSpace, sampleDistinct } from "../spaces/search-space.js";
import { type EnsemblePredictor, SEED_STRIDE } from "./ensemble.js";
import { checkedLabels, type FitInput, notFitted, type Predictor } from "./predictor.js";

/** How a self-training fit picks and uses its pseudo-labels. */
export interface SelfTrainingSettings {
  /** Unlabeled cells the teacher predicts (fewer when fewer exist). */
  pool: number;
  /** Share (0..1] of the pool, most agreed first, that gets a pseudo-label. */
  keep: number;
  /** Rounds ≥ 1: round r + 1's teacher is round r's student ensemble, relabelling the same pool. */
  rounds: number;
}

/**
 * The settings measured in docs/transformer.md, fixed before any test score: a pool of 5,000, the
 * half its teacher agrees on best (2,500 pseudo-labels, the share of the 100-label measurement), one
 * round (a second added +0.0007 ± 0.0019 at 424 labels for twice the cost).
 */
export const SELF_TRAINING: SelfTrainingSettings = { pool: 5000, keep: 0.5, rounds: 1 };

/**
 * Said before a self-training fit from the command line: its students learn the labels plus
 * `keep`·`pool` pseudo-labels whatever the label count, so from 2 labels it ran past 300 s with
 * nothing printed off a terminal, where `transformer` takes 1.5 s (found by tester W).
 */
export const SELF_TRAINING_COST_NOTE =
  `transformer-self-training fits a teacher ensemble, then students on the labels plus ${SELF_TRAINING.keep * SELF_TRAINING.pool} ` +
  "pseudo-labelled cells, whatever the number of labels: minutes per fit on two cores (transformer-ensemble: the teacher alone)";

/** Quantile ranks (0..1) of values; ties in the order of their index. */
function quantileRanks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const out = new Float64Array(values.length);
  order.forEach((i, r) => {
    out[i] = r / Math.max(values.length - 1, 1);
  });
  return out;
}

/**
 * Indices (into the members' prediction arrays, all of one length n) of the `keep` share of the cells
 * on which the members agree best — the smallest standard deviation of their predictions' quantile
 * ranks, so that members on different scales count alike — most agreed first; round(keep·n) of them.
 */
export function agreedShare(memberPredictions: Float64Array[], keep: number): number[] {
  const m = memberPredictions.length;
  const n = memberPredictions[0]?.length ?? 0;
  const rankings = memberPredictions.map(quantileRanks);
  const spread = Float64Array.from({ length: n }, (_, j) => {
    const mean = rankings.reduce((s, r) => s + r[j], 0) / m;
    return Math.sqrt(rankings.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / m);
  });
  return Array.from(spread.keys())
    .sort((a, b) => spread[a] - spread[b])
    .slice(0, Math.round(keep * n));
}

/**
 * The unlabeled cells a fit pseudo-labels: up to `size` distinct cells drawn uniformly from
 * `candidates` (default: every cell of the space), labeled cells left out.
 */
function drawPool(
  space: SearchSpace<unknown>,
  labeled: Int32Array,
  candidates: ArrayLike<number> | undefined,
  size: number,
  rng: Rng,
): Int32Array {
  const isLabeled = new Set(labeled);
  if (candidates) {
    const free = Int32Array.from(candidates).filter((id) => !isLabeled.has(id));
    return Int32Array.from(sampleDistinct(rng, free.length, Math.min(size, free.length)), (k) => free[k]);
  }
  const drawn = space.sample(rng, Math.min(space.size, size + labeled.length));
  return drawn.filter((id) => !isLabeled.has(id)).subarray(0, size);
}

export class SelfTrainingPredictor implements Predictor {
  private students?: EnsemblePredictor;

  /**
   * `ensemble` makes a fresh, unfitted ensemble (teacher and students alike, so both are the same
   * kind with the same member seeds); its `method` names this predictor in model files.
   */
  constructor(
    readonly method: string,
    readonly space: SearchSpace<unknown>,
    readonly ensemble: () => EnsemblePredictor,
    readonly settings: SelfTrainingSettings = SELF_TRAINING,
  ) {
    const { pool, keep, rounds } = settings;
    if (
      !(
        Number.isInteger(pool) &&
        pool >= 1 &&
        keep > 0 &&
        keep <= 1 &&
        Number.isInteger(rounds) &&
        rounds >= 1
      )
    )
      throw new RangeError(
        `self-training settings ${JSON.stringify(settings)}: pool ≥ 1, keep in (0, 1], rounds ≥ 1`,
      );
  }

  /**
   * A fitted model: the student ensemble read back from a model file; `make` makes the ensembles of a
   * later fit (the same kind as the students, per-cell inputs included).
   */
  static fitted(students: EnsemblePredictor, make: () => EnsemblePredictor): SelfTrainingPredictor {
    const model = new SelfTrainingPredictor(students.method, students.space, make);
    model.students = students;
    return model;
  }

  /**
   * Fits the teacher on the labeled cells, pseudo-labels the pool (`input.pool` or the whole space,
   * labeled cells excluded; drawn with the fit's seed), fits the students on both. Labels on any
   * scale (the students learn the teacher's predictions on the labels' scale). UserError, before any
   * training, when no unlabeled cell is left to pseudo-label (every cell of the pool, or of the space,
   * labeled), or for bad labels (checkedLabels).
   */
  async fit(input: FitInput): Promise<void> {
    const { labeled, labels, pool: candidates } = checkedLabels(input, this.space, 2);
    // its own stream: the members draw from seed + k·SEED_STRIDE, k < ensemble size
    const pool = drawPool(
      this.space,
      labeled,
      candidates,
      this.settings.pool,
      new Rng(input.seed + 97 * SEED_STRIDE),
    );
    if (pool.length === 0)
      throw new UserError(
        `${this.method} needs unlabeled cells to pseudo-label, but ${
          input.pool
            ? "every cell of the given pool is labeled"
            : `all ${this.space.size} cells of ${this.space.name} are labeled`
        }; fit a method that learns from the labels alone (e.g. the ensemble it self-trains)`,
      );
    const rounds = this.settings.rounds;
    // the teacher's fit is about a tenth of the whole at 424 NAS-Bench-101 labels (docs/transformer.md,
    // cost per seed); a fifth at 1,000, a fortieth at 50 on NAS-Bench-201: the bar is even only near 424
    const share = (from: number, to: number) => (d: number) => input.onProgress?.(from + d * (to - from));
    let teacher = this.ensemble();
    await teacher.fit({ ...input, labeled, labels, onProgress: share(0, 0.1) });
    for (let r = 0; r < rounds; r++) {
      const memberPredictions: Float64Array[] = [];
      for (const member of teacher.members) memberPredictions.push(await member.predict(pool));
      const k = memberPredictions.length;
      const chosen = agreedShare(memberPredictions, this.settings.keep);
      const pseudo = chosen.map((j) => memberPredictions.reduce((s, p) => s + p[j], 0) / k);
      const students = this.ensemble();
      await students.fit({
        space: this.space,
        labeled: Int32Array.from([...labeled, ...chosen.map((j) => pool[j])]),
        labels: [...labels, ...pseudo],
        seed: input.seed,
        onProgress: share(0.1 + (0.9 * r) / rounds, 0.1 + (0.9 * (r + 1)) / rounds),
      });
      teacher.dispose();
      teacher = students;
    }
    this.students?.dispose();
    this.students = teacher;
  }

  /** The students' mean prediction, on the labels' scale. Error before fit or load. */
  predict(ids: ArrayLike<number>, onProgress?: (done: number) => void): Promise<Float64Array> {
    if (!this.students) throw notFitted(this.method, "predict");
    return this.students.predict(ids, onProgress);
  }

  dispose(): void {
    this.students?.dispose();
    this.students = undefined;
  }

  /** The student ensemble's model file (the teacher is not needed to predict). */
  save(path: string): void {
    if (!this.students) throw notFitted(this.method, "save");
    this.students.save(path);
  }
}
