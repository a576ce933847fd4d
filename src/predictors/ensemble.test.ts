import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { heldOutKendallTau, nb201WithLabels } from "../testing/predictor-checks.js";
import type { SemiSupervisedAssessor } from "./assessor/assessor.js";
import { E2eppPredictor } from "./e2epp.js";
import { EnsemblePredictor, SEED_STRIDE } from "./ensemble.js";
import { createPredictor, loadPredictor, MLP_ENSEMBLE_SIZE, SSA_ENSEMBLE_SIZE } from "./registry.js";
import type { SupervisedPredictor } from "./supervised.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-ensemble-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  ({ space, truth } = await nb201WithLabels());
});

test("an ensemble predicts the mean of its members, each fitted from its own seed", async () => {
  const labeled = space.sample(new Rng(5), 300);
  const labels = Array.from(labeled, (id) => truth[id]);
  const ensemble = new EnsemblePredictor("forests", space, [
    new E2eppPredictor(space, { trees: 10 }),
    new E2eppPredictor(space, { trees: 10 }),
  ]);
  await ensemble.fit({ space, labeled, labels, seed: 5 });
  const ids = space.sample(new Rng(6), 500);
  const predicted = await ensemble.predict(ids);

  const alone = await Promise.all(
    [5, 5 + SEED_STRIDE].map(async (seed) => {
      const member = new E2eppPredictor(space, { trees: 10 });
      await member.fit({ space, labeled, labels, seed });
      return member.predict(ids);
    }),
  );
  assert.notDeepEqual(alone[0], alone[1], "the two members should differ");
  for (let i = 0; i < ids.length; i++) assert.equal(predicted[i], (alone[0][i] + alone[1][i]) / 2);

  const path = join(dir, "forests.nasa");
  // the members travel in memory: a missing TMPDIR failed save after the whole fit, and load
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = join(dir, "no such folder");
  let loaded: EnsemblePredictor;
  try {
    ensemble.save(path);
    loaded = await EnsemblePredictor.load(path, space, loadPredictor);
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  }
  assert.equal(loaded.method, "forests");
  assert.deepEqual(await loaded.predict(ids), predicted);

  const file = JSON.parse(readFileSync(path, "utf8"));
  file.members[1].trees = "nothing";
  writeFileSync(join(dir, "bad.nasa"), JSON.stringify(file));
  await assert.rejects(
    EnsemblePredictor.load(join(dir, "bad.nasa"), space, loadPredictor),
    /members\[1\]: field "trees" is a string; expected a JSON array/,
  );
});

/** The model saved to one file and read back by the registry predicts exactly as before. */
async function assertSavedAndLoaded(
  model: EnsemblePredictor,
  method: string,
  ids: Int32Array,
  predicted: Float64Array,
) {
  const path = join(dir, `${method}.nasa`);
  model.save(path);
  const loaded = await loadPredictor(path, space);
  assert.equal(loaded.method, method);
  assert.deepEqual(await loaded.predict(ids), predicted);
}

test("ssa-ensemble: SSA_ENSEMBLE_SIZE assessors with the given options, saved and loaded as one model", async () => {
  const small = {
    batchSize: 256,
    labeledPerBatch: 64,
    pretrainSteps: 10,
    epochs: 10,
    minSteps: 40,
    hidden: 16,
  };
  const model = createPredictor("ssa-ensemble", space, small) as EnsemblePredictor;
  assert.equal(model.members.length, SSA_ENSEMBLE_SIZE);
  for (const member of model.members) assert.equal((member as SemiSupervisedAssessor).options.hidden, 16);
  const { tau, test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 200,
    seed: 1,
    testSize: 300,
  });
  assert.ok(tau > 0.2, `Kendall tau ${tau}`);
  await assertSavedAndLoaded(model, "ssa-ensemble", test, predicted);
});

test("mlp-ensemble: MLP_ENSEMBLE_SIZE MLPs on the stored order, ranking held-out cells, saved and loaded as one model", async () => {
  assert.throws(() => createPredictor("mlp-ensemble", space, { hidden: 16 }), /do not apply/);
  const single = createPredictor("mlp", space) as SupervisedPredictor;
  assert.deepEqual([single.training.reorder, single.training.predictOrders], [true, 4]);
  const model = createPredictor("mlp-ensemble", space) as EnsemblePredictor;
  assert.equal(model.members.length, MLP_ENSEMBLE_SIZE);
  for (const member of model.members) {
    const { method, training } = member as SupervisedPredictor;
    assert.deepEqual([method, training.reorder, training.predictOrders], ["mlp", false, 1]);
  }
  const { tau, test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 300,
    seed: 3,
    testSize: 1000,
  });
  assert.ok(tau > 0.5, `Kendall tau ${tau}`);
  await assertSavedAndLoaded(model, "mlp-ensemble", test, predicted);
});
