import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { MOST_ACCURATE_METHOD } from "../predictors/registry.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");

function run(args: string[]) {
  return spawnSync(process.execPath, [MAIN, "--data", testData().dir, ...args], { encoding: "utf8" });
}

test("train without --method fits what evaluate would (the most accurate predictor; ssa with assessor flags), and predict reads it", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-train-default-"));
  try {
    const model = join(dir, "m.nasa");
    const t = run(["train", "--space", "nb201", "--labels", "60", "--out", model, "--json"]);
    assert.equal(t.status, 0, t.stderr);
    assert.equal(JSON.parse(t.stdout).method, MOST_ACCURATE_METHOD);
    const cells = join(dir, "cells.jsonl");
    writeFileSync(
      cells,
      `{"arch": "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"}\n`,
    );
    const p = run(["predict", "--model", model, "--cells", cells, "--json"]);
    assert.equal(p.status, 0, p.stderr);
    const predicted = JSON.parse(p.stdout).predictions[0].prediction;
    assert.ok(predicted > 0 && predicted < 1, `prediction ${predicted} on the fraction scale`);
    const assessor = run(
      ["train", "--space", "nb201", "--labels", "60", "--out", join(dir, "a.nasa"), "--json"].concat([
        "--pretrain-steps",
        "0",
        "--min-steps",
        "5",
        "--max-steps",
        "5",
      ]),
    );
    assert.equal(assessor.status, 0, assessor.stderr);
    assert.equal(JSON.parse(assessor.stdout).method, "ssa");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
