import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { SearchSpace } from "../spaces/search-space.js";
import { nb201WithLabels } from "../testing/predictor-checks.js";
import { crossValidate } from "./cross-validation.js";
import { E2eppPredictor } from "./e2epp.js";
import type { Predictor } from "./predictor.js";

let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  ({ space, truth } = await nb201WithLabels());
});

test("cross-validation scores every fold on cells its model never saw, the same for the same seed", async () => {
  const labeled = Array.from({ length: 120 }, (_, i) => i * 101);
  const labels = labeled.map((id) => truth[id]);
  const seen: number[][] = [];
  const make = (): Predictor => {
    const model = new E2eppPredictor(space);
    const fit = model.fit.bind(model);
    model.fit = (input) => {
      seen.push(Array.from(input.labeled));
      return fit(input);
    };
    const predict = model.predict.bind(model);
    model.predict = (ids) => {
      const trained = new Set(seen[seen.length - 1]);
      assert.ok(
        Array.from(ids).every((id) => !trained.has(id)),
        "a held-out cell was trained on",
      );
      assert.equal(ids.length + trained.size, labeled.length);
      return predict(ids);
    };
    return model;
  };
  const a = await crossValidate(make, space, labeled, labels, 3, 7);
  assert.equal(a.folds.length, 3);
  assert.ok(a.mean > 0.3, `mean Kendall tau ${a.mean}`);
  assert.ok(Math.abs(a.mean - (a.folds[0] + a.folds[1] + a.folds[2]) / 3) < 1e-12);
  const b = await crossValidate(make, space, labeled, labels, 3, 7);
  assert.deepEqual(b, a);
  await assert.rejects(
    crossValidate(make, space, labeled, labels, 1, 0),
    /folds must be an integer in 2..60, got 1/,
  );
  await assert.rejects(
    crossValidate(make, space, labeled, labels.slice(1), 3, 0),
    /120 labeled cells but 119 labels/,
  );
});
