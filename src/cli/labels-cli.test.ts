/**
 * Labels are never silently wrong, seen from the command line: each bad data file is built here (in a
 * temporary directory) and the built CLI must stop with exit 1 and one line naming the file and the fix.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { writeNpy } from "../data/npy.js";
import { encodeTfRecord } from "../data/tfrecord.js";
import { matrixText } from "../spaces/nb101/cell.js";
import { loadNb101Labels } from "../spaces/nb101/labels.js";
import { encodeOfficialRecord } from "../spaces/nb101/official-record.js";
import type { Nb101Space } from "../spaces/nb101/space.js";
import { NB201_DATASETS } from "../spaces/nb201/labels.js";
import { REPO_ROOT, testData, testSpace } from "../testing/fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "nas-assay-labels-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: Nb101Space;
let truth: Float64Array;
before(async () => {
  space = await testSpace(); // the commands below load the same space cache
  truth = loadNb101Labels(space, testData()).testAccuracy;
});

function run(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env: process.env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Exit 1, nothing on stdout, and exactly one stderr line "nas-assay: …" matching `message`. */
function refused(args: string[], message: RegExp): void {
  const r = run(args);
  assert.equal(r.code, 1, `${args.join(" ")}: exit ${r.code}\n${r.err}`);
  assert.equal(r.out, "", args.join(" "));
  const lines = r.err.trimEnd().split("\n");
  assert.equal(lines.length, 1, `${args.join(" ")}: expected one line, got\n${r.err}`);
  assert.match(lines[0], /^nas-assay: /);
  assert.match(lines[0], message, args.join(" "));
}

/** A data directory with an nb101/ holding these arrays (and optionally a manifest). */
function nb101Dir(name: string, arrays: Record<string, Float64Array>, manifest?: unknown): string {
  const data = join(dir, name);
  mkdirSync(join(data, "nb101"), { recursive: true });
  for (const [file, values] of Object.entries(arrays)) writeNpy(join(data, "nb101", `${file}.npy`), values);
  if (manifest !== undefined) writeFileSync(join(data, "nb101", "manifest.json"), JSON.stringify(manifest));
  return data;
}

test("NAS-Bench-101 accuracies in percent are refused by cell, evaluate and search, with the fix", () => {
  const data = nb101Dir("nb101-percent", { test_accuracy_run0: truth.map((x) => x * 100) });
  copyFileSync(join(testData().dir, "nb101", "flops.npy"), join(data, "nb101", "flops.npy")); // FLOPs: no scale
  const message =
    /test_accuracy_run0\.npy: test_accuracy_run0 holds percentages \(values up to 94\.66.*expected a fraction 0\.\.1: divide the array by 100/;
  refused(["--data", data, "cell", "--id", "67206"], message);
  refused(["--data", data, "evaluate", "--method", "e2epp", "--labels", "100", "--seeds", "0"], message);
  refused(["--data", data, "search"], message);
});

test("a NAS-Bench-101 accuracy array of integers (0/1, or a boolean mask) is refused: it would pass the range check", () => {
  const data = join(dir, "nb101-integer");
  mkdirSync(join(data, "nb101"), { recursive: true });
  writeNpy(
    join(data, "nb101", "test_accuracy_run0.npy"),
    Int32Array.from(truth, (x) => (x > 0.9 ? 1 : 0)),
  );
  copyFileSync(join(testData().dir, "nb101", "flops.npy"), join(data, "nb101", "flops.npy"));
  refused(
    ["--data", data, "cell", "--id", "67206"],
    /test_accuracy_run0\.npy: has dtype '<i4'; expected floating-point values/,
  );
});

test("NAS-Bench-201 csv files divided by 100 are refused with the fix", () => {
  const data = join(dir, "nb201-fraction");
  mkdirSync(join(data, "nb201"), { recursive: true });
  for (const dataset of NB201_DATASETS) {
    const lines = readFileSync(join(testData().dir, "nb201", `${dataset}.csv`), "utf8")
      .trimEnd()
      .split("\n");
    const scaled = lines.map((line, i) => {
      if (i === 0) return line;
      const f = line.split(",");
      for (const k of [5, 6, 7]) f[k] = String(Number(f[k]) / 100);
      return f.join(",");
    });
    writeFileSync(join(data, "nb201", `${dataset}.csv`), `${scaled.join("\n")}\n`);
  }
  refused(
    ["--data", data, "cell", "--space", "nb201", "--id", "1"],
    /nb201\/cifar10-valid\.csv: column "train accuracy" holds fractions .*expected a percentage 0\.\.100: multiply it by 100/,
  );
});

test("a label file mixing percentages and fractions is refused naming the lines; --scale percent reads percentages", () => {
  const ids = [0, 5, 67206, 307498, 11, 12, 13, 14, 15];
  const rows = ids.map((id, k) => {
    const c = space.cell(id);
    const value = k % 3 === 2 ? truth[id] * 100 : truth[id];
    return `${matrixText(c.matrix)},"${c.ops.join(",")}",${value}`;
  });
  const file = join(dir, "mixed.csv");
  writeFileSync(file, `matrix,ops,acc\n${rows.join("\n")}\n`);
  const message =
    /mixed\.csv: column "acc" mixes percentages and fractions: 3 values above 1 \(line 4: .*line 7: .*line 10: .*\) and 6 of 1 or less \(line 2: .*; write every value on one scale: as fractions \(.*\) or as percentages/;
  refused(["data", "labels", file, "--target", "acc"], message);
  refused(
    ["train", "--labels", file, "--target", "acc", "--method", "e2epp", "--out", join(dir, "m.nasa")],
    message,
  );
  const percent = join(dir, "percent.csv");
  writeFileSync(percent, `matrix,ops,acc\n${rows.filter((_, k) => k % 3 === 2).join("\n")}\n`);
  refused(
    ["data", "labels", percent, "--target", "acc", "--scale", "fraction"],
    /holds percentages.*--scale percent/,
  );
  // left out, the scale is inferred as study create and simulate infer it, and said
  const inferred = run(["data", "labels", percent, "--target", "acc"]);
  assert.equal(inferred.code, 0, inferred.err);
  assert.match(
    inferred.out,
    /acc \(read as percent \(a value is above 1\), divided by 100; --scale fraction\|none says otherwise\)/,
  );
  const ok = run(["data", "labels", percent, "--target", "acc", "--scale", "percent", "--json"]);
  assert.equal(ok.code, 0, ok.err);
  assert.equal(JSON.parse(ok.out).cells, 3);
  const latency = run(["data", "labels", percent, "--target", "acc", "--scale", "none", "--json"]);
  assert.equal(latency.code, 0, latency.err);
  // --scale with benchmark labels (a count) did nothing, silently
  refused(
    ["train", "--labels", "50", "--scale", "percent", "--method", "e2epp", "--out", join(dir, "m.nasa")],
    /--scale is the scale of your own file's column; leave it out with --labels N/,
  );
});

test("a manifest.json that is not a valid import manifest does not allow ∞ or NaN; a valid one never allows ∞", () => {
  const withInf = truth.slice();
  withInf[5] = Number.POSITIVE_INFINITY;
  const evaluate = (data: string) => [
    "--data",
    data,
    "evaluate",
    "--method",
    "e2epp",
    "--labels",
    "20",
    "--seeds",
    "0",
  ];
  const junk = nb101Dir("manifest-junk", { test_accuracy_run0: withInf }, {});
  refused(
    evaluate(junk),
    /nb101\/manifest\.json: field "format" is missing; expected "nas-assay nb101 labels"/,
  );
  const valid = {
    format: "nas-assay nb101 labels",
    version: 1,
    source: { file: "x.tfrecord", bytes: 1, records: 3 },
    cellsInSpace: space.size,
    epochBudgets: { "108": { cells: space.size, records: 3 * space.size, directory: "nb101" } },
    repeats: 3,
    missingValues: "NaN",
    arrays: ["test_accuracy_run0.npy"],
    seconds: 1,
  };
  const inf = nb101Dir("manifest-inf", { test_accuracy_run0: withInf }, valid);
  refused(evaluate(inf), /test_accuracy_run0\.npy: row 5 is Infinity; expected a finite number/);
  const withNaN = truth.slice();
  withNaN[7] = Number.NaN;
  const unlisted = nb101Dir("manifest-unlisted", { test_accuracy_run0: truth, flops: withNaN }, valid);
  refused(
    evaluate(unlisted),
    /flops\.npy: row 7 is NaN; expected a finite number \(NaN marks a cell missing/,
  );
  const noManifest = nb101Dir("no-manifest", { test_accuracy_run0: withNaN });
  refused(evaluate(noManifest), /row 7 is NaN/);
});

test("after a partial import, evaluate, search, train and tour use the labeled cells only and say how many", () => {
  const chosen = Array.from({ length: 44 }, (_, k) => k * 9629);
  const records = chosen.flatMap((id) =>
    [0, 1, 2].map((repeat) => {
      const c = space.cell(id);
      return encodeTfRecord(
        encodeOfficialRecord({
          hash: space.hashOf(id),
          epochs: 108,
          adjacency: matrixText(c.matrix),
          operations: c.ops.join(","),
          metrics: {
            evaluation_data: [{}, { test_accuracy: 0.5 }, { test_accuracy: repeat === 0 ? truth[id] : 0.9 }],
            trainable_parameters: space.parameters(id),
          },
        }),
      );
    }),
  );
  const file = join(dir, "partial.tfrecord");
  writeFileSync(file, Buffer.concat(records));
  const data = join(dir, "partial");
  const imp = run(["data", "import-nb101", file, "--out", data, "--json"]);
  assert.equal(imp.code, 0, imp.err);
  assert.equal(JSON.parse(imp.out).epochBudgets["108"].cells, 44);

  const json = run([
    "--data",
    data,
    "evaluate",
    "--method",
    "e2epp",
    "--labels",
    "20",
    "--seeds",
    "0",
    "--json",
  ]);
  assert.equal(json.code, 0, json.err);
  const result = JSON.parse(json.out);
  assert.equal(result.testCells, 24);
  assert.equal(result.labeledCells, 44);
  assert.equal(result.spaceCells, 423_624);
  assert.ok(Number.isFinite(result.mse.mean) && Number.isFinite(result.ktau.mean), json.out);
  const text = run(["--data", data, "evaluate", "--method", "e2epp", "--labels", "20", "--seeds", "0"]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /test = 24 labeled cells \(44 of 423624 cells have labels\)/);
  assert.doesNotMatch(text.out, /NaN/);
  refused(
    ["--data", data, "evaluate", "--method", "e2epp", "--labels", "43", "--seeds", "0"],
    /--labels 43 leaves fewer than 2 test cells: only 44 of 423,624 cells have a label/,
  );
  // search: the labels, the cells trained and the same choice with no search are labeled cells; it says how many there are
  const labeledIds = new Set(chosen);
  const search = run([
    "--data",
    data,
    "search",
    "--method",
    "e2epp",
    "--labels",
    "20",
    "--seeds",
    "0",
    "--evaluations",
    "200",
    "--neighbourhood",
    "0",
    "--json",
  ]);
  assert.equal(search.code, 0, search.err);
  const found = JSON.parse(search.out);
  assert.equal(found.labeledCells, 44);
  assert.equal(found.spaceCells, 423_624);
  const seed0 = found.runs[0];
  for (const id of [...seed0.top, seed0.best.id, seed0.exhaustive.id, seed0.bestTrained.id])
    assert.ok(labeledIds.has(id), `search trained cell ${id}, which has no label`);
  assert.ok(seed0.best.rank >= 1 && seed0.best.rank <= 44, `rank ${seed0.best.rank} among 44`);
  const searchText = run([
    "--data",
    data,
    "search",
    "--method",
    "e2epp",
    "--labels",
    "20",
    "--seeds",
    "0",
    "--evaluations",
    "200",
    "--neighbourhood",
    "0",
  ]);
  assert.equal(searchText.code, 0, searchText.err);
  assert.match(searchText.out, /on the 44 labeled cells of 423624: a partial import/);
  assert.doesNotMatch(searchText.out, /NaN/);
  const active = run([
    "--data",
    data,
    "search",
    "--strategy",
    "active",
    "--method",
    "e2epp",
    "--budget",
    "30",
    "--candidates",
    "200",
    "--seeds",
    "0",
    "--json",
  ]);
  assert.equal(active.code, 0, active.err);
  const strategies = JSON.parse(active.out);
  assert.equal(strategies.labeledCells, 44);
  for (const name of ["active", "random", "evolution"])
    for (const id of strategies.runs[0][name].trained)
      assert.ok(labeledIds.has(id), `${name} trained cell ${id}, which has no label`);
  refused(
    ["--data", data, "search", "--strategy", "active", "--budget", "50", "--seeds", "0"],
    /--budget 50 is more cells than the space has; at most 44/,
  );
  const tour = run(["--data", data, "tour"]);
  assert.equal(tour.code, 0, tour.err);
  assert.match(tour.out, /labels for 44 of 423,624 cells \(a partial import\)/);
  assert.doesNotMatch(tour.out, /NaN/);
  const model = join(dir, "partial.nasa");
  const train = run(["--data", data, "train", "--method", "e2epp", "--labels", "30", "--out", model]);
  assert.equal(train.code, 0, train.err);
  assert.match(train.err, /drawing 30 of the 44 labeled cells/);
});

test("--data is refused where NAS-Bench-101's benchmark data would go unread (its space is enumerated)", () => {
  const file = join(dir, "own-nb101.csv");
  const c = space.cell(67206);
  writeFileSync(file, `matrix,ops,acc\n${matrixText(c.matrix)},"${c.ops.join(",")}",0.93\n`);
  const data = testData().dir;
  const message = /--data is not read by `nas-assay [a-z ]+` .*NAS-Bench-101 space is enumerated.*drop it/;
  refused(["--data", data, "space", "nb101"], message);
  refused(["--data", data, "data", "labels", file, "--space", "nb101", "--target", "acc"], message);
  refused(
    [
      "--data",
      data,
      "train",
      "--space",
      "nb101",
      "--labels",
      file,
      "--target",
      "acc",
      "--out",
      join(dir, "m.nasa"),
    ],
    message,
  );
  // import-nb101 writes the folder --out names and reads none (break I: --data was taken and ignored)
  refused(
    ["--data", data, "data", "import-nb101", file, "--out", join(dir, "imported")],
    /^nas-assay: --data is not read by `nas-assay data import-nb101` \(.*it writes the data directory that --out names.*\): drop it$/,
  );
  assert.equal(existsSync(join(dir, "imported")), false, "nothing written");
  // where it is read, it is taken: NAS-Bench-201's cells, NAS-Bench-101's labels
  assert.equal(run(["--data", data, "space", "nb201"]).code, 0);
  assert.equal(run(["data", "labels", file, "--space", "nb101", "--target", "acc"]).code, 0);
});

test("evaluate --labels given a file says that evaluate draws its labels and train takes a file (tester W)", () => {
  const file = join(dir, "my-labels.csv");
  writeFileSync(file, "arch,my_acc\n");
  refused(
    ["evaluate", "--space", "nb201", "--labels", file, "--seeds", "0"],
    /"\S+my-labels\.csv" is a file, and evaluate's --labels is a number of cells, drawn with their labels from the benchmark; to fit on labels of your own use train --labels FILE \(then predict\)/,
  );
  // a word that names no file is still "expected an integer"
  refused(["evaluate", "--space", "nb201", "--labels", "abc"], /expected an integer ≥ 2 in decimal digits/);
  // a mistyped path, a folder, and search's and paper's --labels are explained too (tester X)
  refused(
    ["evaluate", "--space", "nb201", "--labels", join(dir, "my-runs.jsonl")],
    /"\S+my-runs\.jsonl" is a path \(no such file there\), and evaluate's --labels is a number of cells/,
  );
  refused(
    ["evaluate", "--space", "nb201", "--labels", dir],
    /" is a folder, and evaluate's --labels is a number of cells/,
  );
  // "." and ".." are folders too, not numbers (tester Y: only "expected an integer"); "1e3" stays a number
  refused(
    ["evaluate", "--space", "nb201", "--labels", "."],
    /^nas-assay: [^\n]*"\." is a folder, and evaluate's/,
  );
  refused(["paper", "--labels", ".."], /"\.\." is a folder, and paper's --labels/);
  refused(["evaluate", "--space", "nb201", "--labels", "1e3"], /expected an integer ≥ 2 in decimal digits/);
  refused(
    ["search", "--labels", file],
    /my-labels\.csv" is a file, and search's --labels is a number of cells/,
  );
  refused(
    ["paper", "--labels", file],
    /my-labels\.csv" is a file, and paper's --labels is a number of cells/,
  );
});
