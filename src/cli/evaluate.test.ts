import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { MOST_ACCURATE_METHOD } from "../predictors/registry.js";
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

test("evaluate without --method: the most accurate predictor measured (transformer-ensemble), ssa with assessor flags", () => {
  const result = evaluate(["--labels", "150"]);
  assert.equal(result.method, MOST_ACCURATE_METHOD);
  assert.equal(result.method, "transformer-ensemble");
  assert.ok(result.ktau.mean > 0.5, `Kendall tau ${result.ktau.mean}`);
  assert.equal(
    evaluate(["--labels", "50", "--pretrain-steps", "0", "--min-steps", "5", "--max-steps", "5"]).method,
    "ssa",
  );
});

test("evaluate --inputs: the transformer reads them and the result says so", () => {
  const result = evaluate(["--labels", "200", "--method", "transformer", "--inputs", "params"]);
  assert.deepEqual(result.inputs, ["params"]);
  assert.ok(result.ktau.mean > 0.4, `Kendall tau ${result.ktau.mean}`);
});
