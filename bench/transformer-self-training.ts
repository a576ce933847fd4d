/**
 * Self-training of the transformer (issue 21, 4b), measured paired by seed on the evaluation protocol:
 * per seed, N random labeled cells; (1) one transformer fitted on them (the baseline); (2) an ensemble
 * of K transformers (member i from seed + i·SEED_STRIDE) predicts POOL random unlabeled cells (drawn from
 * the cells after the test sample in the seed's order, so never a scored cell); the KEEP share of them
 * on which the members agree best (smallest spread of the members' predictions, each member's
 * predictions as quantile ranks) get the ensemble mean as pseudo-label; (3) a transformer fitted on the
 * labeled plus pseudo-labeled cells (same seed as the baseline). Both are scored (Kendall tau-b) on the
 * first TEST cells of the seed's order after the labeled ones. Prints one JSON line per seed, then a
 * summary with the paired differences.
 *
 * OPTIONS (JSON, optional) turns (3) into a student ensemble, compared with its teacher:
 * - `students`: S ≥ 1 student transformers, fitted on the labeled plus pseudo-labeled cells and averaged
 *   as `transformer-ensemble` averages its members (the same EnsemblePredictor class, member i from seed +
 *   i·SEED_STRIDE); the teacher is an EnsemblePredictor of the K transformers (with K = 5, exactly
 *   `transformer-ensemble` on the labeled cells). Both are scored on the same test cells, and the teacher's
 *   member 0 (the single transformer of the seed, the baseline of (1)) too;
 * - `rounds`: R ≥ 1 (default 1); round r + 1's teacher is round r's student ensemble, which pseudo-labels
 *   the same pool afresh (the KEEP share its members agree on best; its mean prediction as the label), and
 *   a fresh student ensemble (same seeds) is fitted on the labeled plus those cells.
 * Pseudo-labels are not weighted: the training loss has no per-cell weights (selection by agreement is
 * the only weighting). Each seed's line gives, per round, the pseudo-labels' Kendall tau on their cells,
 * the student ensemble's and its difference from the round-0 teacher, and wall / CPU seconds.
 * Usage: node dist/bench/transformer-self-training.js SPACE LABELS SEEDS K POOL KEEP [TARGET] [TEST] [OPTIONS]
 * e.g. … nb101 424 0,1,2,3,4 5 5000 0.5 test_accuracy_run0 20000 '{"students":5,"rounds":2}'
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { meanStd } from "../src/eval/evaluate.js";
import { kendallTau } from "../src/eval/metrics.js";
import { EnsemblePredictor, SEED_STRIDE } from "../src/predictors/ensemble.js";
import type { Predictor } from "../src/predictors/predictor.js";
import { createPredictor } from "../src/predictors/registry.js";
import { agreedShare } from "../src/predictors/self-training.js";
import { Rng } from "../src/random.js";
import type { SpaceName } from "../src/spaces/registry.js";

const USAGE =
  "usage: node dist/bench/transformer-self-training.js SPACE LABELS SEEDS K POOL KEEP [TARGET] [TEST] [OPTIONS]";
const [spaceName, labelsArg, seedsArg, kArg, poolArg, keepArg, targetArg, testArg, optionsArg] =
  process.argv.slice(2);
if (!keepArg) {
  console.error(USAGE);
  process.exit(1);
}

/** The OPTIONS argument: absent → one student model (the original measurement). */
interface Options {
  students?: number;
  rounds: number;
}

function parseOptions(text: string | undefined): Options {
  if (!text) return { rounds: 1 };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const fail = (why: string): never => {
    console.error(`transformer-self-training: OPTIONS ${why}\n${USAGE}`);
    process.exit(1);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return fail(`must be a JSON object like {"students":5,"rounds":2}, got ${text}`);
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (key !== "students" && key !== "rounds")
      fail(`has an unknown key "${key}"; expected students and rounds (pseudo-labels are not weighted)`);
  const positive = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || (v as number) < 1)
      fail(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const students = positive("students");
  const rounds = positive("rounds") ?? 1;
  if (rounds > 1 && students === undefined) fail("rounds above 1 need students (the next round's teacher)");
  return { students, rounds };
}

const options = parseOptions(optionsArg);
const benchmark = await loadBenchmark(spaceName as SpaceName, dataDir(undefined));
const truth = targetValues(benchmark, targetArg || undefined);
const space = benchmark.space;
const [n, k, poolSize, keep] = [Number(labelsArg), Number(kArg), Number(poolArg), Number(keepArg)];
const testSize = Number(testArg || 20000);

/**
 * Fits `student` on the labeled cells plus the KEEP share of the pool its teacher's members agree on
 * best (`agreedShare`), labeled with the teacher's `pseudo` predictions; returns how many cells got a
 * pseudo-label and their Kendall tau against the truth.
 */
async function fitWithPseudoLabels(
  student: Predictor,
  cells: { labeled: Int32Array; labels: number[]; pool: Int32Array; seed: number },
  memberPredictions: Float64Array[],
  pseudo: Float64Array,
): Promise<{ pseudoLabels: number; pseudoLabelTau: number }> {
  const { labeled, labels, pool, seed } = cells;
  const chosen = agreedShare(memberPredictions, keep); // the product's selection (self-training.ts)
  const pseudoIds = Int32Array.from(chosen, (j) => pool[j]);
  const pseudoLabelTau = kendallTau(
    Float64Array.from(chosen, (j) => pseudo[j]),
    Float64Array.from(pseudoIds, (id) => truth[id]),
  );
  await student.fit({
    space,
    labeled: Int32Array.from([...labeled, ...pseudoIds]),
    labels: [...labels, ...chosen.map((j) => pseudo[j])],
    seed,
  });
  return { pseudoLabels: pseudoIds.length, pseudoLabelTau };
}

/** An ensemble of `size` transformers, averaged as `transformer-ensemble` averages its members. */
function transformers(size: number): EnsemblePredictor {
  const members: Predictor[] = Array.from({ length: size }, () => createPredictor("transformer", space));
  return new EnsemblePredictor("transformer-ensemble", space, members);
}

/** Wall and CPU seconds since `start`. */
function seconds(start: { wall: number; cpu: NodeJS.CpuUsage }): { wall: number; cpu: number } {
  const cpu = process.cpuUsage(start.cpu);
  return { wall: (performance.now() - start.wall) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}
const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });

/** The original measurement: one student transformer against one transformer. */
async function oneStudent(): Promise<void> {
  const baseline: number[] = [];
  const selfTrained: number[] = [];
  for (const seed of seedsArg.split(",").map(Number)) {
    const order = space.sample(new Rng(seed), space.size);
    const labeled = order.subarray(0, n);
    const test = order.subarray(n, n + testSize);
    const pool = order.subarray(n + testSize, n + testSize + poolSize);
    const labels = Array.from(labeled, (id) => truth[id]);
    const actual = Float64Array.from(test, (id) => truth[id]);
    const single = createPredictor("transformer", space);
    await single.fit({ space, labeled, labels, seed });
    const tauBaseline = kendallTau(await single.predict(test), actual);
    // the ensemble's pseudo-labels on the pool
    const memberPredictions: Float64Array[] = [];
    for (let i = 0; i < k; i++) {
      const member = createPredictor("transformer", space);
      await member.fit({ space, labeled, labels, seed: seed + i * SEED_STRIDE });
      memberPredictions.push(await member.predict(pool));
    }
    const mean = Float64Array.from(pool, (_, j) => memberPredictions.reduce((s, p) => s + p[j], 0) / k);
    const student = createPredictor("transformer", space);
    const { pseudoLabels, pseudoLabelTau } = await fitWithPseudoLabels(
      student,
      { labeled, labels, pool, seed },
      memberPredictions,
      mean,
    );
    const tauSelf = kendallTau(await student.predict(test), actual);
    baseline.push(tauBaseline);
    selfTrained.push(tauSelf);
    console.log(
      JSON.stringify({
        seed,
        labels: n,
        pseudoLabels,
        pseudoLabelTau,
        baseline: tauBaseline,
        selfTrained: tauSelf,
      }),
    );
  }
  console.log(
    JSON.stringify({
      space: spaceName,
      labels: n,
      members: k,
      pool: poolSize,
      keep,
      testCells: testSize,
      baseline: meanStd(baseline),
      selfTrained: meanStd(selfTrained),
      difference: meanStd(selfTrained.map((t, i) => t - baseline[i])),
      seedsAhead: selfTrained.filter((t, i) => t > baseline[i]).length,
    }),
  );
}

/** Student ensembles, round after round, against the teacher ensemble fitted on the labels only. */
async function studentEnsembles(students: number, rounds: number): Promise<void> {
  const single: number[] = [];
  const teacherTau: number[] = [];
  const byRound: number[][] = Array.from({ length: rounds }, () => []);
  for (const seed of seedsArg.split(",").map(Number)) {
    const started = clock();
    const order = space.sample(new Rng(seed), space.size);
    const labeled = order.subarray(0, n);
    const test = order.subarray(n, n + testSize);
    const pool = order.subarray(n + testSize, n + testSize + poolSize);
    const labels = Array.from(labeled, (id) => truth[id]);
    const actual = Float64Array.from(test, (id) => truth[id]);
    let at = clock();
    let teacher = transformers(k);
    await teacher.fit({ space, labeled, labels, seed });
    const teacherFit = seconds(at);
    const tauTeacher = kendallTau(await teacher.predict(test), actual);
    const tauSingle = kendallTau(await teacher.members[0].predict(test), actual);
    const perRound = [];
    for (let round = 1; round <= rounds; round++) {
      at = clock();
      const memberPredictions: Float64Array[] = [];
      for (const member of teacher.members) memberPredictions.push(await member.predict(pool));
      const pseudo = await teacher.predict(pool);
      const student = transformers(students);
      const { pseudoLabels, pseudoLabelTau } = await fitWithPseudoLabels(
        student,
        { labeled, labels, pool, seed },
        memberPredictions,
        pseudo,
      );
      const tau = kendallTau(await student.predict(test), actual);
      byRound[round - 1].push(tau);
      perRound.push({
        round,
        pseudoLabels,
        pseudoLabelTau,
        studentEnsemble: tau,
        minusTeacher: tau - tauTeacher,
        seconds: seconds(at),
      });
      teacher = student;
    }
    single.push(tauSingle);
    teacherTau.push(tauTeacher);
    console.log(
      JSON.stringify({
        seed,
        labels: n,
        single: tauSingle,
        teacherEnsemble: tauTeacher,
        teacherFitSeconds: teacherFit,
        rounds: perRound,
        seconds: seconds(started),
      }),
    );
  }
  console.log(
    JSON.stringify({
      space: spaceName,
      labels: n,
      teacherMembers: k,
      studentMembers: students,
      pool: poolSize,
      keep,
      testCells: testSize,
      single: meanStd(single),
      teacherEnsemble: meanStd(teacherTau),
      rounds: byRound.map((taus, r) => ({
        round: r + 1,
        studentEnsemble: meanStd(taus),
        minusTeacher: meanStd(taus.map((t, i) => t - teacherTau[i])),
        seedsAhead: taus.filter((t, i) => t > teacherTau[i]).length,
      })),
    }),
  );
}

if (options.students === undefined) await oneStudent();
else await studentEnsembles(options.students, options.rounds);
