import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { UserError } from "../errors.js";
import { ChoicesSpace } from "../spaces/choices.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { parseSpec } from "../spaces/spec.js";
import { heldOutKendallTau, nb201WithLabels } from "../testing/predictor-checks.js";
import { ginNetwork } from "./gin.js";
import { mlpNetwork } from "./mlp.js";
import { peepholeNetwork } from "./peephole.js";
import { createPredictor, loadPredictor } from "./registry.js";
import { averageFromFor, SupervisedPredictor } from "./supervised.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-supervised-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  ({ space, truth } = await nb201WithLabels());
});

for (const [method, network] of [
  ["peephole", peepholeNetwork],
  ["mlp", mlpNetwork],
  ["gin", ginNetwork],
] as const) {
  test(`${method} learns NAS-Bench-201 and round-trips through its model file`, async () => {
    const model = new SupervisedPredictor(method, space, network(space, {}), { minSteps: 100, epochs: 10 });
    const { tau, test, predicted } = await heldOutKendallTau(model, space, truth, {
      labels: 300,
      seed: 3,
      testSize: 2000,
    });
    assert.ok(tau > 0.3, `Kendall tau ${tau}`);
    const path = join(dir, `${method}.nasa`);
    model.save(path);
    const loaded = await loadPredictor(path, space);
    assert.equal(loaded.method, method);
    assert.deepEqual(await loaded.predict(test), predicted);
    const file = JSON.parse(readFileSync(path, "utf8"));
    file.weights[0].shape = [3, 3];
    writeFileSync(join(dir, "bad.nasa"), JSON.stringify(file));
    await assert.rejects(
      loadPredictor(join(dir, "bad.nasa"), space),
      /field "weights\[0\]\.shape" is \[3,3\]; expected \[/,
    );
  });
}

test("supervised predictors refuse bad labels", async () => {
  const model = new SupervisedPredictor("mlp", space, mlpNetwork(space));
  await assert.rejects(
    model.fit({ space, labeled: [1, 2], labels: [0.5, Number.NaN], seed: 0 }),
    /label 1 \(cell 2\) is NaN/,
  );
});

test("reordered training and prediction over vertex orders: fixed per cell, kept in the model file", async () => {
  const training = { minSteps: 60, epochs: 5, reorder: true, predictOrders: 3 };
  const model = new SupervisedPredictor("mlp", space, mlpNetwork(space, {}), training);
  const { tau, test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 300,
    seed: 4,
    testSize: 1000,
  });
  assert.ok(tau > 0.3, `Kendall tau ${tau}`);
  const reversed = await model.predict(Int32Array.from(test).reverse());
  assert.deepEqual(
    Array.from(reversed).reverse(),
    Array.from(predicted),
    "a cell's prediction depends on its batch",
  );
  const path = join(dir, "reordered.nasa");
  model.save(path);
  const loaded = (await loadPredictor(path, space)) as SupervisedPredictor;
  assert.equal(loaded.training.predictOrders, 3);
  assert.deepEqual(await loaded.predict(test), predicted);
  const file = JSON.parse(readFileSync(path, "utf8"));
  file.training.predictOrders = 0;
  writeFileSync(join(dir, "bad-orders.nasa"), JSON.stringify(file));
  await assert.rejects(
    loadPredictor(join(dir, "bad-orders.nasa"), space),
    /field "training\.predictOrders" is 0; expected an integer from 1 to 64/,
  );
});

test("createPredictor's training options replace a supervised method's own; others and unknown ones are refused", () => {
  const mlp = createPredictor("mlp", space, {}, { training: { minSteps: 150 } }) as SupervisedPredictor;
  assert.equal(mlp.training.minSteps, 150);
  // the rest stays the method's own (the MLP's vertex orders)
  assert.equal(mlp.training.predictOrders, 4);
  assert.equal((createPredictor("mlp", space) as SupervisedPredictor).training.minSteps, 300);
  assert.throws(
    () => createPredictor("mlp", space, {}, { training: { minStep: 150 } as never }),
    /createPredictor's training options: unknown option "minStep"; expected learningRate, /,
  );
  assert.throws(
    () => createPredictor("mlp", space, {}, { trainig: { epochs: 5 } } as never),
    /createPredictor's extras: unknown option "trainig"; expected inputs, training/,
  );
  assert.throws(
    () => createPredictor("mlp", space, {}, { training: "fast" as never }),
    /training options: the options must be an object/,
  );
  assert.throws(
    () => createPredictor("mlp", space, {}, null as never),
    /extras: the options must be an object of inputs, training, got null/,
  );
  assert.throws(() => createPredictor("mlp", space, null as never), /the assessor options must be an object/);
  // per-cell inputs and the assessor's options checked by name and type (break test: a TypeError from
  // deep inside, and a misspelt or text option fitted and recorded in the model file as given)
  assert.throws(
    () => createPredictor("transformer", space, {}, { inputs: ["bogus"] as never }),
    /^UserError: createPredictor's extras: inputs must be a list of distinct names from params, flops, got \["bogus"\]$/,
  );
  assert.throws(
    () => createPredictor("ssa", space, { sigmaa: 5 } as never),
    /^UserError: assessor options: unknown option "sigmaa"; expected autoencoder, embedding/,
  );
  for (const [given, said] of [
    [{ sigma: "0.1" }, /assessor option sigma must be a finite number, got "0\.1"$/],
    [
      { learningRate: Number.POSITIVE_INFINITY },
      /assessor option learningRate must be a finite number, got Infinity$/,
    ],
    [{ channels: 8 }, /assessor option channels must be two numbers .*, got 8$/],
  ] as const)
    assert.throws(() => createPredictor("ssa", space, given as never), said);
  assert.throws(
    () => createPredictor("mlp", space, {}, { training: { minSteps: 2000 } }),
    /minSteps \(2000\) must not exceed maxSteps \(1000\)/,
  );
  assert.throws(
    () => createPredictor("mlp-ensemble", space, {}, { training: { minSteps: 150 } }),
    /training options apply to the methods peephole, mlp, gin, transformer, not mlp-ensemble/,
  );
  assert.throws(
    () => createPredictor("mlp", space, {}, { training: { minSteps: 0 } }),
    /minSteps must be a positive integer, got 0/,
  );
});

test("a fit that diverges (learning rate 1e9) is refused by name, not left to predict NaN", async () => {
  const model = createPredictor(
    "mlp",
    space,
    {},
    { training: { learningRate: 1e9, minSteps: 20, epochs: 1 } },
  );
  const labeled = Int32Array.from({ length: 50 }, (_, k) => k * 7);
  await assert.rejects(
    model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 0 }),
    /mlp: the fit diverged \(its scores of the labeled cells are not finite numbers\); lower the learning rate \(1000000000\)/,
  );
  model.dispose();
});

test("schedule and weightDecay are checked", () => {
  const make = (training: Record<string, unknown>) =>
    new SupervisedPredictor("mlp", space, mlpNetwork(space, {}), training);
  assert.throws(() => make({ schedule: "linear" }), /schedule must be one of constant, cosine, got "linear"/);
  assert.throws(() => make({ weightDecay: -1 }), /weightDecay must be a number ≥ 0, got -1/);
  assert.throws(() => make({ weightDecay: "0.1" }), /weightDecay must be a number ≥ 0, got "0.1"/);
  make({ schedule: "cosine", weightDecay: 0.5 });
  assert.throws(() => make({ averageFrom: 1.5 }), /averageFrom must be a fraction in \[0, 1\], got 1.5/);
  assert.throws(
    () =>
      make({
        averageFromByLabels: [
          [500, 1],
          [100, 0.5],
        ],
      }),
    /averageFromByLabels must be \[most labels, fraction in \[0, 1\]\] pairs in increasing label order/,
  );
  assert.throws(() => make({ averageFromByLabels: [[500, -0.1]] }), /averageFromByLabels must be/);
  make({ averageFrom: 0.5, averageFromByLabels: [[500, 1]] });
  assert.throws(
    () => make({ epochsByLabels: [[500, 0.5]] }),
    /epochsByLabels must be \[most labels, epochs\] pairs of positive integers in increasing label order, got \[\[500,0.5\]\]/,
  );
  make({ epochsByLabels: [[500, 35]] });
});

test("averageFrom by label count: the first row covering the count, averageFrom beyond it, 1 (none) without either", () => {
  const o = { averageFrom: 0.5, averageFromByLabels: [[500, 1]] as [number, number][] };
  assert.deepEqual(
    [100, 500, 501, 4236].map((n) => averageFromFor(o, n)),
    [1, 1, 0.5, 0.5],
  );
  assert.equal(averageFromFor({}, 100), 1);
});

test("weight averaging predicts with the mean of the weights after each step from averageFrom on", async () => {
  const labeled = Array.from({ length: 64 }, (_, k) => k * 7);
  const fitted = async (steps: number, averageFrom?: number) => {
    const model = new SupervisedPredictor("mlp", space, mlpNetwork(space, {}), {
      minSteps: steps,
      maxSteps: steps,
      batchSize: 32,
      ...(averageFrom === undefined ? {} : { averageFrom }),
    });
    await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed: 4 });
    const weights = model.fittedWeights();
    model.dispose();
    return weights;
  };
  // the same seed draws the same start and batches: the 2-step fit passes through the 1-step fit's weights
  const [one, two, averaged, last] = [
    await fitted(1),
    await fitted(2),
    await fitted(2, 0),
    await fitted(2, 0.5),
  ];
  let moved = 0;
  for (let k = 0; k < one.length; k++)
    for (let i = 0; i < one[k].length; i++) {
      const mean = (one[k][i] + two[k][i]) / 2;
      assert.ok(Math.abs(averaged[k][i] - mean) <= 1e-6 * (1 + Math.abs(mean)), `weight ${k}[${i}]`);
      assert.equal(last[k][i], two[k][i]); // averaging from step 1 of 2: the last weights alone
      if (one[k][i] !== two[k][i]) moved++;
    }
  assert.ok(moved > 0, "the second step changed no weight: the test shows nothing");
});

test("the library's fit and predict refuse what is not cells and labels in one line (UserError)", async () => {
  const model = new SupervisedPredictor("mlp", space, mlpNetwork(space, {}), { minSteps: 5, maxSteps: 5 });
  const fitInput = { space, labeled: [0, 1, 2], labels: [0.5, 0.6, 0.7], seed: 0 };
  await assert.rejects(model.fit(null as never), /fit needs \{ space, labeled, labels, seed \}, got null/);
  await assert.rejects(model.fit({ ...fitInput, seed: undefined as never }), /fit's seed must be an integer/);
  await assert.rejects(model.fit({ ...fitInput, labels: 5 as never }), /fit's labels must be an array/);
  await assert.rejects(
    model.fit({ ...fitInput, space: { ...space, name: "nb101" } as never }),
    /fit's space is nb101, but this predictor was made for nb201/,
  );
  // labels that a conversion would turn into numbers silently (null → 0, true → 1, "0.5" → 0.5)
  for (const bad of [null, true, "0.5"])
    await assert.rejects(
      model.fit({ ...fitInput, labels: [0.5, bad as never, 0.7] }),
      new RegExp(`label 1 \\(cell 1\\) is ${JSON.stringify(bad)}; expected a finite number`),
    );
  await assert.rejects(
    model.fit({ ...fitInput, labeled: [0, 1, 0] }),
    /cell 0 is labeled twice \(labels 0 and 2: 0\.5 and 0\.7\); give each cell once/,
  );
  for (const seed of [-1, 2 ** 31, 2 ** 53, 0.5])
    await assert.rejects(
      model.fit({ ...fitInput, seed }),
      /fit's seed must be an integer in 0\.\.2147483647 \(2\^31 - 1\)/,
    );
  // the mlp learns from labels alone, yet a bad pool is the caller's mistake all the same
  await assert.rejects(
    model.fit({ ...fitInput, pool: [1e9] }),
    /pool cell id 1000000000 is not in nb201 \(ids 0\.\.15624\)/,
  );
  await assert.rejects(model.fit({ ...fitInput, pool: 7 as never }), /fit's pool must be an array/);
  await assert.rejects(model.predict([0]), /mlp: predict needs a fitted model; call fit\(\)/);
  assert.throws(
    () => model.save(join(tmpdir(), "never-written.nasa")),
    (e: Error) => e instanceof UserError && /mlp: save needs a fitted model/.test(e.message),
  );
  await model.fit(fitInput);
  await assert.rejects(model.predict(5 as never), /predict needs an array of cell ids of nb201, got 5/);
  await assert.rejects(
    model.predict(["3"] as never),
    /cell id "3" is a string; expected an integer id of nb201/,
  );
  // an architecture (a list) or its JSON form where an id goes: it said "is a object"
  await assert.rejects(model.predict([[1, 2]] as never), /cell id \[1,2\] is a list; expected an integer id/);
  await assert.rejects(
    model.predict([{ a: 1 }] as never),
    /cell id \{"a":1\} is an object; expected an integer id/,
  );
  assert.equal((await model.predict([3])).length, 1);
  assert.throws(() => createPredictor("mlp", undefined as never), /the space must be a search space/);
  // a spec's space has architectures, not cell ids; JSON.stringify of it called its toJSON(arch) (a
  // RangeError, uncaught) before that method was renamed jsonOf
  const specSpace = new ChoicesSpace(
    parseSpec({ name: "tiny", kind: "choices", decisions: [{ name: "a", options: ["x", "y"] }] }) as never,
  );
  assert.throws(
    () => createPredictor("mlp", specSpace as never),
    /got the architecture space tiny, whose members have no ids/,
  );
  assert.throws(() => createPredictor("foo" as never, space), /unknown method "foo"; expected one of ssa, /);
  model.dispose();
});
