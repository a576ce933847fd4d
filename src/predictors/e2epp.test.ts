import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { kendallTau } from "../eval/metrics.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { heldOutKendallTau, nb201WithLabels } from "../testing/predictor-checks.js";
import { E2eppPredictor } from "./e2epp.js";
import { loadPredictor } from "./registry.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-e2epp-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: SearchSpace<unknown>;
let truth: Float64Array;
before(async () => {
  ({ space, truth } = await nb201WithLabels());
});

test("E2EPP learns NAS-Bench-201 and round-trips through its model file", async () => {
  const model = new E2eppPredictor(space, { trees: 40 });
  const { tau, test, predicted } = await heldOutKendallTau(model, space, truth, {
    labels: 300,
    seed: 3,
    testSize: 2000,
  });
  assert.ok(tau > 0.3, `Kendall tau ${tau}`);
  const path = join(dir, "forest.nasa");
  model.save(path);
  const loaded = await loadPredictor(path, space);
  assert.equal(loaded.method, "e2epp");
  assert.deepEqual(await loaded.predict(test), predicted);
  const file = JSON.parse(readFileSync(path, "utf8"));
  file.trees[0].left = Buffer.from(new Int32Array([0]).buffer).toString("base64");
  writeFileSync(join(dir, "bad.nasa"), JSON.stringify(file));
  await assert.rejects(
    loadPredictor(join(dir, "bad.nasa"), space),
    /field "trees\[0\]" has no nodes, or arrays of different lengths/,
  );
  await assert.rejects(
    model.fit({ space, labeled: [1, 2], labels: [0.5, Number.NaN], seed: 0 }),
    /label 1 \(cell 2\) is NaN/,
  );
});

test("E2EPP learns the same forest whatever the labels' unit (labels near 1e-6 made no split: 14 distinct predictions)", async () => {
  const labeled = Int32Array.from({ length: 150 }, (_, i) => i * 97);
  const test = Int32Array.from({ length: 1000 }, (_, i) => i * 13 + 5);
  const predictions = async (unit: number) => {
    const model = new E2eppPredictor(space, { trees: 20 });
    await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id] * unit), seed: 1 });
    return model.predict(test);
  };
  const [one, tiny] = [await predictions(1), await predictions(1e-6)];
  assert.ok(new Set(tiny).size > 500, `${new Set(tiny).size} distinct predictions`);
  // the same splits up to rounding: the two rankings agree
  assert.ok(kendallTau(one, tiny) > 0.95, `Kendall tau ${kendallTau(one, tiny)}`);
});
