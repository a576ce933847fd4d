import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { TRANSFORMER_FROM_LABELS } from "../predictors/registry.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");

function evaluate(args: string[]) {
  const r = spawnSync(
    process.execPath,
    [MAIN, "--data", testData().dir, "evaluate", "--space", "nb201", "--seeds", "0", "--json", ...args],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { method: string; inputs?: string[]; ktau: { mean: number } };
}

test("evaluate without --method: mlp below TRANSFORMER_FROM_LABELS labels, transformer from there, ssa with assessor flags", () => {
  assert.equal(evaluate(["--labels", String(TRANSFORMER_FROM_LABELS - 1)]).method, "mlp");
  const transformer = evaluate(["--labels", String(TRANSFORMER_FROM_LABELS)]);
  assert.equal(transformer.method, "transformer");
  assert.ok(transformer.ktau.mean > 0.5, `Kendall tau ${transformer.ktau.mean}`);
  assert.equal(evaluate(["--labels", "50", "--pretrain-steps", "0", "--max-steps", "5"]).method, "ssa");
});

test("evaluate --inputs: the transformer reads them and the result says so", () => {
  const result = evaluate(["--labels", "200", "--method", "transformer", "--inputs", "params"]);
  assert.deepEqual(result.inputs, ["params"]);
  assert.ok(result.ktau.mean > 0.4, `Kendall tau ${result.ktau.mean}`);
});
