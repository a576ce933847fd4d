import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { nb201WithLabels } from "../testing/predictor-checks.js";
import { E2eppPredictor } from "./e2epp.js";
import { EnsemblePredictor } from "./ensemble.js";
import type { FitInput } from "./predictor.js";
import { createPredictor, loadPredictor, SINGLE_METHODS, TRANSFORMER_ENSEMBLE_SIZE } from "./registry.js";
import { agreedShare, SELF_TRAINING, SelfTrainingPredictor } from "./self-training.js";
import type { SupervisedPredictor } from "./supervised.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-self-training-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  ({ space, truth } = await nb201WithLabels());
});

test("agreedShare: the share of cells whose members' quantile ranks agree best, most agreed first", () => {
  // quantile ranks per cell (members 0, 1, 2): cell 2 (0.5, 0.5, 0.5) agreed exactly; cells 0 and 3
  // one step apart; cell 1 two steps; cell 4 ranked highest by two members and lowest by one
  const members = [
    Float64Array.from([1, 2, 3, 4, 5]),
    Float64Array.from([1, 3, 2, 4, 0]),
    Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5]),
  ];
  assert.deepEqual(agreedShare(members, 0.2), [2]);
  assert.deepEqual(new Set(agreedShare(members, 0.6)), new Set([2, 0, 3]));
  const all = agreedShare(members, 1);
  assert.equal(all.length, 5);
  assert.deepEqual(all.slice(3), [1, 4]);
});

/** Fit inputs every ensemble the factory made received, in order (teacher, then each round's students). */
function recordingFactory(fits: FitInput[][]): () => EnsemblePredictor {
  return () => {
    const calls: FitInput[] = [];
    fits.push(calls);
    const member = () => {
      const forest = new E2eppPredictor(space, { trees: 8 });
      const fit = forest.fit.bind(forest);
      forest.fit = (input) => {
        calls.push(input);
        return fit(input);
      };
      return forest;
    };
    return new EnsemblePredictor("forests", space, [member(), member()]);
  };
}

test("self-training: the students learn the labels plus the teacher's mean prediction on its most agreed pool cells", async () => {
  const labeled = space.sample(new Rng(3), 100);
  const labels = Array.from(labeled, (id) => truth[id]);
  const fits: FitInput[][] = [];
  const settings = { pool: 200, keep: 0.25, rounds: 2 };
  const model = new SelfTrainingPredictor("forests-self-training", space, recordingFactory(fits), settings);
  await model.fit({ space, labeled, labels, seed: 3 });
  assert.equal(fits.length, 3, "a teacher and the students of two rounds");
  const [teacherFit, round1, round2] = fits.map((calls) => calls[0]);
  assert.deepEqual(Array.from(teacherFit.labeled), Array.from(labeled));
  for (const round of [round1, round2]) {
    assert.equal(round.labeled.length, 100 + 50);
    assert.equal(round.seed, 3, "students take the fit's seed, as the teacher");
    const pseudoIds = Array.from(round.labeled).slice(100);
    assert.deepEqual(Array.from(round.labeled).slice(0, 100), Array.from(labeled));
    assert.equal(new Set(pseudoIds).size, 50);
    for (const id of pseudoIds) assert.ok(!labeled.includes(id), `pseudo-labeled cell ${id} is labeled`);
  }
  // round 1's pseudo-labels are the teacher's mean prediction; round 2's, round 1's students'
  const teacher = recordingFactory([])();
  await teacher.fit({ space, labeled, labels, seed: 3 });
  const pseudo1 = Array.from(round1.labeled).slice(100);
  const expected = await teacher.predict(pseudo1);
  pseudo1.forEach((_, j) => {
    assert.ok(Math.abs(Number(round1.labels[100 + j]) - expected[j]) < 1e-12);
  });
  const students1 = recordingFactory([])();
  await students1.fit(round1);
  const pseudo2 = Array.from(round2.labeled).slice(100);
  const relabelled = await students1.predict(pseudo2);
  pseudo2.forEach((_, j) => {
    assert.ok(Math.abs(Number(round2.labels[100 + j]) - relabelled[j]) < 1e-12);
  });
  // the model predicts with the last students; the same seed gives the same numbers
  const ids = space.sample(new Rng(9), 300);
  const students2 = recordingFactory([])();
  await students2.fit(round2);
  assert.deepEqual(await model.predict(ids), await students2.predict(ids));
  const again = new SelfTrainingPredictor("forests-self-training", space, recordingFactory([]), settings);
  await again.fit({ space, labeled, labels, seed: 3 });
  assert.deepEqual(await again.predict(ids), await model.predict(ids));
});

test("self-training: a given pool bounds the pseudo-labeled cells; no unlabeled cell left is a clear error", async () => {
  const order = space.sample(new Rng(4), 400);
  const labeled = order.subarray(0, 100);
  const labels = Array.from(labeled, (id) => truth[id]);
  const pool = order.subarray(50, 400); // half of it labeled: those are left out
  const fits: FitInput[][] = [];
  const model = new SelfTrainingPredictor("forests-self-training", space, recordingFactory(fits), {
    pool: 1000,
    keep: 0.5,
    rounds: 1,
  });
  await model.fit({ space, labeled, labels, pool, seed: 4 });
  const pseudo = Array.from(fits[1][0].labeled).slice(100);
  assert.equal(pseudo.length, 150, "half of the 300 unlabeled pool cells");
  const free = new Set(order.subarray(100, 400));
  for (const id of pseudo) assert.ok(free.has(id), `cell ${id} is not an unlabeled cell of the pool`);
  await assert.rejects(
    model.fit({ space, labeled, labels, pool: labeled, seed: 4 }),
    /forests-self-training needs unlabeled cells to pseudo-label, but every cell of the given pool is labeled/,
  );
  // own labels for every cell of the space (train --labels FILE): refused before any fit, naming the space
  const every = Int32Array.from({ length: space.size }, (_, id) => id);
  const fitsBefore = fits.length;
  await assert.rejects(
    model.fit({ space, labeled: every, labels: Array.from(every, (id) => truth[id]), seed: 4 }),
    /forests-self-training needs unlabeled cells to pseudo-label, but all 15625 cells of nb201 are labeled; fit a method that learns from the labels alone/,
  );
  assert.equal(fits.length, fitsBefore, "no ensemble was made, let alone fitted");
  assert.throws(
    () => new SelfTrainingPredictor("x", space, recordingFactory([]), { pool: 10, keep: 0, rounds: 1 }),
    /keep in \(0, 1\]/,
  );
});

test("transformer-self-training: the registry's transformer ensemble, self-trained, saved and loaded as its students", async () => {
  const made = createPredictor("transformer-self-training", space, {}, { inputs: ["params"] });
  assert.ok(made instanceof SelfTrainingPredictor);
  assert.deepEqual(made.settings, SELF_TRAINING);
  assert.ok(!SINGLE_METHODS.includes("transformer-self-training"));
  assert.throws(
    () => createPredictor("transformer-self-training", space, { sigma: 1 }),
    /assessor options \(sigma\) do not apply to the method transformer-self-training/,
  );
  // the same wiring with short fits: two transformers of the registry, 20 steps each
  const short = () => {
    const members = [0, 1].map(() => {
      const member = createPredictor("transformer", space, {}, { inputs: ["params"] }) as SupervisedPredictor;
      Object.assign(member.training, { minSteps: 20, maxSteps: 20 });
      return member;
    });
    return new EnsemblePredictor("transformer-self-training", space, members);
  };
  const model = new SelfTrainingPredictor("transformer-self-training", space, short, {
    pool: 300,
    keep: 0.5,
    rounds: 1,
  });
  const labeled = space.sample(new Rng(6), 80);
  await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 6 });
  const ids = space.sample(new Rng(7), 200);
  const predicted = await model.predict(ids);
  const path = join(dir, "self-trained.nasa");
  model.save(path);
  const loaded = await loadPredictor(path, space);
  assert.equal(loaded.method, "transformer-self-training");
  assert.deepEqual(await loaded.predict(ids), predicted);
  // a later fit of the loaded model makes the registry's ensemble reading the same per-cell inputs
  const refit = (loaded as SelfTrainingPredictor).ensemble();
  assert.equal(refit.members.length, TRANSFORMER_ENSEMBLE_SIZE);
  for (const member of refit.members)
    assert.deepEqual((member as SupervisedPredictor).network.inputs, ["params"]);
});
