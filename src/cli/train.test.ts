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
    // --inputs with assessor flags and no --method: the flags pick ssa, which reads no inputs; one line
    // naming the contradiction, not an "ssa" the user never wrote, before any work (both commands)
    for (const command of [
      ["train", "--labels", "60", "--out", join(dir, "i.nasa")],
      ["evaluate", "--labels", "60", "--seeds", "0"],
    ]) {
      const r = run([...command, "--space", "nb201", "--inputs", "params", "--sigma", "0.2"]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /^nas-assay: --inputs params with assessor flags \(--sigma, …\) and no --method: the assessor flags pick ssa, which reads no per-cell inputs; give --method \(transformer, transformer-ensemble, transformer-self-training read them\) or leave out one of the two\n$/,
      );
    }
    // assessor flags beside a --method that is no assessor: named as flags, before any work (the
    // predictor's refusal said "assessor options (sigma) do not apply to the method mlp")
    for (const command of [
      ["train", "--labels", "60", "--out", join(dir, "j.nasa")],
      ["evaluate", "--labels", "60", "--seeds", "0"],
    ]) {
      const r = run([
        ...command,
        "--space",
        "nb201",
        "--method",
        "mlp",
        "--sigma",
        "0.2",
        "--graph-scale",
        "median",
      ]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(
        r.stderr,
        "nas-assay: --sigma, --graph-scale set the paper's assessor only (methods ssa, ssa-noae, ssa-ensemble), not --method mlp; leave them out, or give --method ssa\n",
      );
    }
    // --inputs with a method that reads none: refused before the label file is read (its scale note
    // came first); a file whose every value is the same would be refused too, after reading it
    const same = join(dir, "same.csv");
    writeFileSync(
      same,
      "arch,val_acc\n|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|,0.5\n|nor_conv_1x1~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|,0.5\n",
    );
    const inputs = run([
      "train",
      "--space",
      "nb201",
      "--method",
      "mlp",
      "--labels",
      same,
      "--target",
      "val_acc",
      "--inputs",
      "params",
      "--out",
      join(dir, "k.nasa"),
    ]);
    assert.equal(inputs.status, 1, inputs.stderr);
    assert.equal(
      inputs.stderr,
      "nas-assay: --inputs params is read by the methods transformer, transformer-ensemble, transformer-self-training only, not --method mlp; leave it out, or give one of those\n",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train, evaluate and paper --help list the assessor flags under their own heading, apart from the flags every predictor takes", () => {
  for (const command of ["train", "evaluate", "paper"]) {
    const help = run([command, "--help"]);
    assert.equal(help.status, 0, help.stderr);
    const [common, assessor] = help.stdout.split("Options of the assessor (ssa) only:\n");
    assert.ok(assessor !== undefined, `${command} --help has no assessor heading:\n${help.stdout}`);
    for (const flag of ["--sigma", "--epochs", "--learning-rate", "--label-transform"]) {
      assert.match(assessor, new RegExp(`^ {2}${flag} `, "m"), `${command}: ${flag}`);
      assert.doesNotMatch(common, new RegExp(`^ {2}${flag} `, "m"), `${command}: ${flag}`);
    }
    assert.match(common, /^ {2}--method <name> /m, `${command}: --method`);
  }
});

test("train --labels FILE: a decimal comma (more fields than the header) and labels all equal are refused; duplicates are reported", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-train-file-"));
  try {
    const archs = [
      "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|",
      "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_1x1~1|+|nor_conv_3x3~0|none~1|none~2|",
      "|skip_connect~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|skip_connect~1|none~2|",
      "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|",
    ];
    const file = (name: string, values: string[]) => {
      const path = join(dir, name);
      writeFileSync(path, `arch,val_acc\n${archs.map((a, k) => `${a},${values[k]}`).join("\n")}\n`);
      return path;
    };
    const out = join(dir, "m.nasa");
    const train = (labels: string, more: string[] = [], target = "val_acc", model = out) =>
      run([
        "train",
        "--space",
        "nb201",
        "--method",
        "e2epp",
        "--labels",
        labels,
        "--target",
        target,
        "--out",
        model,
        ...more,
      ]);
    // without --target: it said only "--target names the column to learn when --labels is a file"
    writeFileSync(
      join(dir, "two.csv"),
      `arch,val_acc,note,test_acc\n${archs.map((a, k) => `${a},0.8${k},run ${k},0.7${k}`).join("\n")}\n`,
    );
    const untargeted = run(["train", "--space", "nb201", "--labels", join(dir, "two.csv"), "--out", out]);
    assert.equal(untargeted.status, 1);
    assert.equal(
      untargeted.stderr,
      `nas-assay: --target is required with a label file; give --target: one of val_acc, test_acc (the numeric columns of ${join(dir, "two.csv")})\n`,
    );
    const comma = train(file("eu.csv", ["0,8844", "0,8835", "0,7012", "0,9101"]));
    assert.equal(comma.status, 1);
    assert.match(
      comma.stderr,
      /^nas-assay: \S+eu\.csv: line 2 has 3 fields, the header 2 columns; .*a decimal comma, as in 0,8844\? write 0\.8844/,
    );
    const equal = train(file("flat.csv", ["0.5", "0.5", "0.5", "0.5"]));
    assert.equal(equal.status, 1);
    assert.match(
      equal.stderr,
      /all 4 cells have val_acc 0\.5; a predictor learns nothing from labels that are all equal/,
    );
    // the first architecture again, with another value: averaged, and said so; a failed run left out
    writeFileSync(
      join(dir, "dup.csv"),
      `arch,val_acc\n${archs.map((a, k) => `${a},0.8${k}`).join("\n")}\n${archs[1]},failed\n${archs[0]},0.1\n`,
    );
    const dup = train(join(dir, "dup.csv"));
    assert.equal(dup.status, 0, dup.stderr);
    assert.match(dup.stderr, /duplicate: cell \d+ on lines 2, 7 \(values 0\.8, 0\.1; averaged\)/);
    assert.match(dup.stderr, /dup\.csv: 1 row is a failed run \(line 6\), left out/);
    const json = train(join(dir, "dup.csv"), ["--json"]);
    assert.equal(JSON.parse(json.stdout).duplicates, 1);
    assert.equal(JSON.parse(json.stdout).scale, "fraction", "the scale the file was read on, inferred here");
    assert.deepEqual(
      JSON.parse(json.stdout).failed,
      [6],
      "the failed rows' lines, as data labels --json lists them",
    );
    // the model records what it learned, and predict names it (its column said only "prediction")
    const cells = join(dir, "cells.csv");
    writeFileSync(cells, `arch\n${archs[0]}\n`);
    const named = run(["predict", "--model", out, "--cells", cells]);
    assert.equal(named.status, 0, named.stderr);
    assert.match(named.stdout, /^line\tid\tpredicted val_acc\n2\t\d+\t0\.\d{5}\n$/);
    // a target name holding a tab would split predict's tab-separated header: quoted
    const tabbed = join(dir, "tab.csv");
    writeFileSync(tabbed, `arch,"val\tacc"\n${archs.map((a, k) => `${a},0.8${k}`).join("\n")}\n`);
    const tabModel = join(dir, "tab.nasa");
    const tabTrain = train(tabbed, [], "val\tacc", tabModel);
    assert.equal(tabTrain.status, 0, tabTrain.stderr);
    const tabPredict = run(["predict", "--model", tabModel, "--cells", cells]);
    assert.equal(tabPredict.stdout.split("\n")[0], 'line\tid\tpredicted "val\\tacc"');
    const percent = train(file("pct.csv", ["88.44", "88.35", "70.12", "91.01"]));
    assert.equal(percent.status, 0, percent.stderr);
    const fromPercent = run(["predict", "--model", out, "--cells", cells, "--json"]);
    assert.equal(fromPercent.status, 0, fromPercent.stderr);
    assert.equal(JSON.parse(fromPercent.stdout).target, "val_acc");
    assert.equal(JSON.parse(fromPercent.stdout).labelScale, "percent");
    assert.equal(JSON.parse(fromPercent.stdout).predictionScale, "fraction");
    assert.match(
      run(["predict", "--model", out, "--cells", cells]).stderr,
      /val_acc was read in percent and learned as fractions: predictions are fractions/,
    );
    // a row without its value: refused by line (it was skipped, and the model trained on the rest, exit 0)
    writeFileSync(
      join(dir, "short.csv"),
      `arch,val_acc\n${archs.map((a, k) => `${a},0.8${k}`).join("\n")}\n${archs[1]}\n${archs[0]},0.1\n`,
    );
    const short = train(join(dir, "short.csv"));
    assert.equal(short.status, 1);
    assert.match(
      short.stderr,
      /^nas-assay: \S+short\.csv: line 6: val_acc is missing \(the line has fewer fields than the header: cut short\?\); expected a decimal number \(expected every row/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("train --labels N out of range names the value as typed (a huge one was shown rounded)", () => {
  for (const [given, shown] of [
    ["99999999999999999999", "99999999999999999999"],
    ["9007199254740993", "9007199254740993"],
    ["15625", "15625"],
  ]) {
    const t = run([
      "train",
      "--space",
      "nb201",
      "--method",
      "mlp",
      "--labels",
      given,
      "--out",
      join(tmpdir(), "never.nasa"),
    ]);
    assert.equal(t.status, 1, t.stderr);
    assert.equal(t.stderr, `nas-assay: --labels ${shown}: expected 2..15624 cells\n`);
  }
});

test("train --scale percent warns of a label that reads as a fraction among the percents, on stderr and in --json", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-train-percent-"));
  try {
    const ops = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"];
    // 12 distinct NAS-Bench-201 cells, values 80–91 %, line 5's written as a fraction (0.83 for 83)
    const rows = Array.from({ length: 12 }, (_, k) => {
      const arch = `|${ops[k % 5]}~0|+|${ops[Math.floor(k / 5) % 5]}~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`;
      return `"${arch}",${k === 3 ? 0.83 : 80 + k}`;
    });
    const labels = join(dir, "labels.csv");
    writeFileSync(labels, `arch,val_acc\n${rows.join("\n")}\n`);
    const args = ["train", "--space", "nb201", "--labels", labels, "--target", "val_acc", "--method", "mlp"];
    const t = run([...args, "--scale", "percent", "--out", join(dir, "m.nasa"), "--json"]);
    assert.equal(t.status, 0, t.stderr);
    const warning =
      'line 5: column "val_acc" 0.83 is read as 0.83 % (--scale percent), far below its values above 1 (80–91 %); if it is 83 %, write 83 in the file';
    assert.equal(t.stderr, `nas-assay: warning: ${labels}: ${warning}\n`);
    assert.deepEqual(JSON.parse(t.stdout).warnings, [`${labels}: ${warning}`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
