import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { type Command, CommanderError } from "commander";
import { encodeTfRecord } from "../data/tfrecord.js";
import { MODEL_VERSION } from "../predictors/model-file.js";
import { SEARCH_METHOD } from "../predictors/registry.js";
import { workersFor } from "../seeds-in-parallel.js";
import { encodeOfficialRecord } from "../spaces/nb101/official-record.js";
import { REPO_ROOT, testData, testSpace } from "../testing/fixtures.js";
import { seedsOf } from "./options.js";
import { program } from "./program.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const EXAMPLE_MATRIX = "0111010000000100000010000100000000100000010000000";
const EXAMPLE_OPS = "input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output";

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `run` without waiting, so that many short cases run side by side. */
function runLater(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((done, fail) => {
    // a case that starts real work instead of refusing it is stopped, and fails on its exit code
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("error", fail);
    child.on("close", (code) => done({ code, out, err }));
  });
}

before(async () => {
  await testSpace(); // make sure the cache exists, so the commands below load it
});

test("space nb101 --json prints the spec file's summary, then count (byVertices and sha256 as before)", () => {
  const r = run(["space", "nb101", "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), {
    name: "nb101",
    kind: "vertex-cell",
    size: "423624",
    countedBy: "enumerated",
    encoding: { form: "matrix", size: 84 },
    count: 423624,
    byVertices: { 2: 1, 3: 6, 4: 84, 5: 2441, 6: 62010, 7: 359082 },
    sha256: "53e1438d11675d9eb3899166c29ca07fe0c4b81af9d99d5aec3ecd31bd5bca7f",
  });
});

test("space FILE.json: size as a decimal string, how it was counted, sha256 when enumerated", () => {
  const nb101 = run(["space", join(REPO_ROOT, "docs", "spaces", "nb101.json"), "--json"]);
  assert.equal(nb101.code, 0, nb101.err);
  assert.deepEqual(JSON.parse(nb101.out), {
    name: "nb101",
    kind: "vertex-cell",
    size: "423624",
    countedBy: "enumerated",
    encoding: { form: "matrix", size: 84 },
    byVertices: { 2: 1, 3: 6, 4: 84, 5: 2441, 6: 62010, 7: 359082 },
    sha256: "53e1438d11675d9eb3899166c29ca07fe0c4b81af9d99d5aec3ecd31bd5bca7f",
  });
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-space-"));
  const decisions = Array.from({ length: 20 }, (_, i) => ({
    name: `l${i}`,
    options: "0123456789".split(""),
  }));
  writeFileSync(join(dir, "huge.json"), JSON.stringify({ name: "huge", kind: "choices", decisions }));
  const huge = run(["space", join(dir, "huge.json"), "--json"]);
  assert.equal(huge.code, 0, huge.err);
  assert.deepEqual(JSON.parse(huge.out), {
    name: "huge",
    kind: "choices",
    size: "100000000000000000000",
    countedBy: "computed",
    encoding: { form: "flat", size: 200 },
    decisions: decisions.map((d) => ({ ...d, encoded: "one-hot" })),
  });
  // numbers are ordinal, the same written as strings categorical: the summary says which the spec gave
  writeFileSync(
    join(dir, "widths.json"),
    JSON.stringify({
      name: "widths",
      kind: "choices",
      decisions: [
        { name: "width", options: [16, 32, 64] },
        { name: "depth", options: ["2", "4"] },
        { name: "kernel", options: Array.from({ length: 20 }, (_, k) => 2 * k + 1) },
      ],
    }),
  );
  const widths = run(["space", join(dir, "widths.json")]);
  assert.equal(widths.code, 0, widths.err);
  assert.match(widths.out, /\n {2}width +16, 32, 64 \(ordinal\)\n {2}depth +2, 4 \(one-hot\)\n/);
  assert.match(
    widths.out,
    /\n {2}kernel +1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, … \(20 options\) \(ordinal\)$/m,
  );
  const nb201 = JSON.parse(run(["space", join(REPO_ROOT, "docs", "spaces", "nb201.json"), "--json"]).out);
  assert.equal(nb201.size, "15625");
  assert.equal(nb201.countedBy, "computed");
  writeFileSync(
    join(dir, "bad.json"),
    JSON.stringify({ name: "bad", kind: "edge-cell", nodes: 1, ops: ["a"], zero: "b" }),
  );
  const bad = run(["space", join(dir, "bad.json")]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /bad\.json: field "nodes" is 1; expected an integer from 2/);
  assert.match(bad.err, /bad\.json: field "zero" is "b"; expected one of the ops \("a"\)/);
  assert.equal(bad.err.trimEnd().split("\n").length, 2, "one line per bad field");
  assert.doesNotMatch(bad.err, /at .*\.js/);
  rmSync(dir, { recursive: true, force: true });
});

test("cell --matrix --ops prints hash, id, parameters and labels", () => {
  const r = run([
    "cell",
    "--matrix",
    EXAMPLE_MATRIX,
    "--ops",
    EXAMPLE_OPS,
    "--json",
    "--data",
    testData().dir,
  ]);
  assert.equal(r.code, 0, r.err);
  const cell = JSON.parse(r.out);
  assert.equal(cell.id, 67206);
  assert.equal(cell.hash, "28cfc7874f6d200472e1a9dcd8650aa0");
  assert.equal(cell.parameters, 2694282);
  assert.equal(cell.testAccuracy, 0.9311898946762085);
  assert.ok(cell.flops > 0);
  // --ops as a JSON list, as label files take it (it was read as one comma list and refused)
  const json = run([
    "cell",
    "--matrix",
    EXAMPLE_MATRIX,
    "--ops",
    JSON.stringify(EXAMPLE_OPS.split(",")),
    "--json",
    "--data",
    testData().dir,
  ]);
  assert.equal(json.code, 0, json.err);
  assert.equal(JSON.parse(json.out).id, 67206);
  const text = run(["cell", "--id", "307498", "--data", testData().dir]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /ba0a27cafe7d648aa57f7d5dd64c0b48/);
  assert.match(text.out, /0\.9466/);
});

test("cell with a data directory that lacks nb101/ exits 1 naming the file and where it looked", () => {
  const empty = mkdtempSync(join(tmpdir(), "nas-assay-no-data-"));
  try {
    const r = run(["cell", "--hash", "28cfc7874f6d200472e1a9dcd8650aa0", "--data", empty]);
    assert.equal(r.code, 1, r.err);
    assert.equal(r.out, "");
    assert.match(
      r.err,
      /missing benchmark file nb101\/test_accuracy_run0\.npy .*nas-assay-no-data-.*from --data/,
    );
    // a file or a folder that does not exist: said so, not "looked for FILE/nb101/… Put the files there"
    const file = join(empty, "hostname");
    writeFileSync(file, "x\n");
    const notFolder = run(["--data", file, "cell", "--id", "1"]);
    assert.equal(notFolder.code, 1, notFolder.err);
    assert.equal(
      notFolder.err,
      `nas-assay: --data ${file} is a file, not a folder; expected the folder that holds nb101/ and nb201/\n`,
    );
    const none = run(["--data", "/nonexistent-dir", "cell", "--id", "1"]);
    assert.equal(none.code, 1, none.err);
    assert.equal(
      none.err,
      "nas-assay: --data /nonexistent-dir: no such folder; expected the folder that holds nb101/ and nb201/\n",
    );
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("invalid cells, bad flags and missing data exit 1 with one clear line", () => {
  const invalid = run(["cell", "--matrix", "0100", "--ops", "input,conv3x3-bn-relu"]);
  assert.equal(invalid.code, 1);
  assert.match(
    invalid.err,
    /invalid cell: the last op is "conv3x3-bn-relu"; it must be "output" \(rule: last-op\)/,
  );
  assert.doesNotMatch(invalid.err, /at .*\.js/); // no stack trace
  // a key beside matrix and ops (a slip: "opps") was ignored
  const extra = run(["cell", "--cell", '{"matrix":"0100","ops":"input,output","opps":1}']);
  assert.equal(extra.code, 1);
  assert.match(extra.err, /unknown key "opps"; a cell has only "matrix" and "ops"/);
  // what `cell --json` prints is a --cell (its id, hash, labels … are read back, not refused)
  const described = run(["cell", "--id", "67206", "--json", "--data", testData().dir]);
  assert.equal(described.code, 0, described.err);
  const back = run(["cell", "--cell", described.out.trim(), "--json", "--data", testData().dir]);
  assert.equal(back.code, 0, back.err);
  assert.equal(JSON.parse(back.out).id, 67206);
  const flag = run(["cell", "--bogus"]);
  assert.equal(flag.code, 1);
  assert.match(flag.err, /unknown option '--bogus'/);
  const space = run(["space", "nb999"]);
  assert.equal(space.code, 1);
  assert.match(space.err, /unknown space "nb999"; expected one of nb101, nb201/);
  // a spec file not named .json is read as study create --space reads it (it said 'unknown space')
  const specDir = mkdtempSync(join(tmpdir(), "nas-assay-cli-"));
  const specFile = join(specDir, "my-space");
  writeFileSync(
    specFile,
    JSON.stringify({ name: "mine", kind: "choices", decisions: [{ name: "a", options: [1, 2] }] }),
  );
  const spec = run(["space", specFile, "--json"]);
  assert.equal(spec.code, 0, spec.err);
  assert.equal(JSON.parse(spec.out).size, "2");
  const folder = run(["space", specDir]);
  assert.equal(folder.code, 1);
  assert.match(
    folder.err,
    /^nas-assay: cannot read the space spec .*: it is a folder; expected a spec file \(JSON\)\n$/,
  );
  rmSync(specDir, { recursive: true, force: true });
  const noData = run(["tour"], { NAS_ASSAY_DATA: "/nonexistent-dir" });
  assert.equal(noData.code, 1);
  assert.match(
    noData.err,
    /^nas-assay: NAS_ASSAY_DATA=\/nonexistent-dir: no such folder; expected the folder that holds nb101\/ and nb201\/$/m,
  );
  const id = run(["cell", "--id", "-3"]);
  assert.equal(id.code, 1);
  assert.match(id.err, /'--id <id>' argument '-3' is invalid\. expected an integer ≥ 0/);
  const large = run(["cell", "--id", "423624"]);
  assert.equal(large.code, 1);
  assert.match(large.err, /--id 423624 is not a cell id; expected an integer in 0\.\.423623/);
});

test("reproduce: unknown experiments and bad flags are errors naming the allowed values", () => {
  const name = run(["reproduce", "table9"]);
  assert.equal(name.code, 1);
  assert.match(name.err, /table9.*table1, table4, fig5, fig2, budget/);
  const jobs = run(["reproduce", "table1", "--jobs", "0"]);
  assert.equal(jobs.code, 1);
  assert.match(jobs.err, /'--jobs <n>' argument '0' is invalid\. expected an integer ≥ 1/);
  const seeds = run(["reproduce", "table1", "--seeds", "1,x"]);
  assert.equal(seeds.code, 1);
  assert.match(seeds.err, /'--seeds <list>' argument '1,x' is invalid\. "x" is not a seed or a range/);
  assert.match(run(["reproduce", "--help"]).out, /Examples?:/);
  // refused before any work (nothing listens on port 1: were it read, the command would wait 10 s)
  const both = run([
    "reproduce",
    "table1",
    "--jobs",
    "2",
    "--queue",
    "redis://127.0.0.1:1",
    "--out",
    "never",
  ]);
  assert.deepEqual(
    [both.code, both.err],
    [
      1,
      "nas-assay: --jobs is not read with --queue: the workers run the runs, each taking as many at once as its --concurrency; drop --jobs, or drop --queue to run them here\n",
    ],
  );
  // past Node's longest timer (2^31 - 1 ms) the worker's timers fired every millisecond
  const stalled = run(["worker", "--queue", "redis://127.0.0.1:1", "--stalled-seconds", "2200000"]);
  assert.equal(stalled.code, 1);
  assert.match(
    stalled.err,
    /'--stalled-seconds <s>' argument '2200000' is invalid\. expected a decimal number ≥ 0\.5 and ≤ 2147483/,
  );
});

test("search: bad seeds, crossover and budgets are errors naming the flag", () => {
  const seeds = run(["search", "--seeds", "a,b"]);
  assert.equal(seeds.code, 1);
  assert.match(seeds.err, /'--seeds <list>' argument 'a,b' is invalid\. "a" is not a seed or a range/);
  const crossover = run(["search", "--crossover", "2"]);
  assert.equal(crossover.code, 1);
  assert.match(
    crossover.err,
    /'--crossover <p>' argument '2' is invalid\. expected a decimal number ≥ 0 and ≤ 1/,
  );
  const neighbourhood = run(["search", "--neighbourhood", "-1"]);
  assert.equal(neighbourhood.code, 1);
  assert.match(
    neighbourhood.err,
    /'--neighbourhood <weight>' argument '-1' is invalid\. expected a decimal number ≥ 0/,
  );
  // the top cells come from those evaluated: --top above --evaluations was capped without a word
  const top = run(["search", "--evaluations", "30", "--top", "40", "--seeds", "0"]);
  assert.equal(top.code, 1);
  assert.match(top.err, /--top 40 exceeds --evaluations 30: .*expected --top at most 30/);
  const evaluations = run(["search", "--evaluations", "0"]);
  assert.equal(evaluations.code, 1);
  assert.match(evaluations.err, /'--evaluations <n>' argument '0' is invalid\. expected an integer ≥ 1/);
  // more evaluations than NAS-Bench-201's 15,625 cells: refused, not capped in silence
  const tooMany = run(["search", "--space", "nb201", "--evaluations", "20000", "--seeds", "0"]);
  assert.equal(tooMany.code, 1, tooMany.err);
  assert.equal(
    tooMany.err,
    "nas-assay: --evaluations 20000 exceeds the 15625 cells of nb201; expected at most 15625\n",
  );
  // paper trains 10 cells a column, chosen among those evaluated: fewer evaluations trained fewer than it said;
  // more than the space holds is refused before the benchmark loads (no progress line first)
  const paperFew = run(["paper", "--space", "nb201", "--evaluations", "5", "--out", "p.html"]);
  assert.equal(paperFew.code, 1, paperFew.err);
  assert.match(
    paperFew.err,
    /--evaluations 5 is below the 10 cells each column trains.*expected at least 10/,
  );
  const paperMany = run(["paper", "--space", "nb201", "--evaluations", "16000", "--out", "p.html"]);
  assert.equal(
    paperMany.err,
    "nas-assay: --evaluations 16000 exceeds the 15625 cells of nb201; expected at most 15625\n",
  );
  // the ablation without auto-encoder took the auto-encoder's options, ignored them and recorded them
  const noae = run([
    "evaluate",
    "--space",
    "nb201",
    "--method",
    "ssa-noae",
    "--labels",
    "20",
    "--lambda",
    "0.9",
  ]);
  assert.equal(noae.code, 1, noae.err);
  assert.match(noae.err, /assessor options \(lambda\) set the auto-encoder, which ssa-noae does not have/);
  const strategy = run(["search", "--strategy", "greedy"]);
  assert.equal(strategy.code, 1);
  assert.match(strategy.err, /greedy.*evolution, active/);
  const exploration = run(["search", "--strategy", "active", "--exploration", "1.5"]);
  assert.equal(exploration.code, 1);
  assert.match(
    exploration.err,
    /'--exploration <p>' argument '1\.5' is invalid\. expected a decimal number ≥ 0 and ≤ 1/,
  );
  const help = run(["search", "--help"]).out;
  assert.match(help, /Examples:/);
  // the candidates are at most the cells the search scored: "among the 500 predicted best" was wrong at 300
  assert.match(
    help.replace(/\s+/g, " "),
    /--neighbourhood <weight> choose the top among the cells the search scored that are predicted best — 500 of them \(at least --top\), or all it scored if fewer — /,
  );
});

test("--help gives an example", () => {
  const r = run(["cell", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /Example:/);
});

test("NAME help of a command without operands shows its help (ask help, study show help); report help keeps it as a file", async () => {
  const [ask, show, report] = await Promise.all([
    runLater(["ask", "help"]),
    runLater(["study", "show", "--study", "x.db", "help"]),
    runLater(["report", "help"]),
  ]);
  assert.equal(ask.code, 0, ask.err);
  assert.match(ask.out, /^Usage: nas-assay ask \[options\]/);
  assert.equal(show.code, 0, show.err);
  assert.match(show.out, /^Usage: nas-assay study show \[options\]/);
  assert.equal(report.code, 1);
  assert.match(report.err, /^nas-assay: no results file or folder at help\n$/);
});

test("space nb201 and cell --space nb201 --arch", () => {
  const data = testData().dir;
  const s = run(["--data", data, "space", "nb201", "--json"]);
  assert.equal(s.code, 0, s.err);
  const summary = JSON.parse(s.out);
  assert.equal(summary.count, 15625);
  assert.match(summary.sha256, /^[0-9a-f]{64}$/);
  // the same general fields as `space docs/spaces/nb201.json` prints
  assert.deepEqual(
    { name: summary.name, kind: summary.kind, size: summary.size, countedBy: summary.countedBy },
    { name: "nb201", kind: "edge-cell", size: "15625", countedBy: "computed" },
  );
  // run beside a folder named nb201 (inside a data directory): still the built-in space, not a spec path
  const beside = spawnSync(process.execPath, [MAIN, "--data", data, "space", "nb201", "--json"], {
    encoding: "utf8",
    cwd: data,
  });
  assert.equal(beside.status, 0, beside.stderr);
  assert.equal(JSON.parse(beside.stdout).count, 15625);
  assert.ok(summary.outputUnreachable > 0);
  const arch =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
  const c = run(["--data", data, "cell", "--space", "nb201", "--arch", arch, "--json"]);
  assert.equal(c.code, 0, c.err);
  const cell = JSON.parse(c.out);
  assert.equal(cell.id, 1);
  assert.equal(cell.arch, arch);
  assert.ok(cell.accuracy["cifar10-valid"].test > 0.9);
  const bad = run(["--data", data, "cell", "--space", "nb201", "--arch", "|none~0|"]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /invalid cell: .* \(rule: format\)/);
  const unknown = run(["cell", "--space", "nb301"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /unknown space "nb301"; expected one of nb101, nb201/);
});

test("data labels and data import-nb101 from the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-cli-"));
  try {
    const csv = join(dir, "runs.csv");
    writeFileSync(csv, `matrix,ops,acc\n${EXAMPLE_MATRIX},"${EXAMPLE_OPS}",0.93\n0100,"input,foo",0.5\n`);
    // a row that is no cell: refused by line (it was listed, exit 0)
    const bad = run(["data", "labels", csv, "--target", "acc", "--json"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /runs\.csv: line 3: .*fix or remove those rows\)$/m);
    writeFileSync(
      csv,
      `matrix,ops,acc\n${EXAMPLE_MATRIX},"${EXAMPLE_OPS}",0.93\n0100,"input,output",failed\n`,
    );
    const l = run(["data", "labels", csv, "--target", "acc", "--json"]);
    assert.equal(l.code, 0, l.err);
    const labels = JSON.parse(l.out);
    assert.equal(labels.cells, 1);
    assert.deepEqual(labels.failed, [3]);
    // said in the singular for one ("1 rows → 1 distinct nb101 cells")
    const text = run(["data", "labels", csv, "--target", "acc"]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^2 rows → 1 distinct nb101 cell with acc/);
    const missing = run(["data", "labels", csv]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /required option '--target <column>'/);

    const cell = { matrix: EXAMPLE_MATRIX, ops: EXAMPLE_OPS };
    const record = encodeOfficialRecord({
      hash: "28cfc7874f6d200472e1a9dcd8650aa0",
      epochs: 108,
      adjacency: cell.matrix,
      operations: cell.ops,
      metrics: {
        evaluation_data: [
          {},
          { test_accuracy: 0.8 },
          { test_accuracy: 0.9311898946762085, training_time: 1 },
        ],
        trainable_parameters: 2694282,
      },
    });
    const file = join(dir, "tiny.tfrecord");
    writeFileSync(file, encodeTfRecord(record));
    const out = join(dir, "data");
    const imp = run(["data", "import-nb101", file, "--out", out, "--json"]);
    assert.equal(imp.code, 0, imp.err);
    assert.equal(JSON.parse(imp.out).source.records, 1);
    const c = run(["--data", out, "cell", "--id", "67206", "--json"]);
    assert.equal(c.code, 0, c.err);
    assert.equal(JSON.parse(c.out).testAccuracy, 0.9311898946762085);
    const again = run(["data", "import-nb101", file, "--out", out]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already holds files.*--force/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Assessor flags of a small configuration: seconds, not minutes, on NAS-Bench-201. */
const small = [
  "--batch-size",
  "256",
  "--labeled-per-batch",
  "64",
  "--pretrain-steps",
  "5",
  "--min-steps",
  "20",
  "--epochs",
  "2",
];

test("train, predict and evaluate from the command line (NAS-Bench-201, a small configuration)", () => {
  const data = testData().dir;
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-cli-model-"));
  try {
    const model = join(dir, "m.nasa");
    const t = run([
      "--data",
      data,
      "train",
      "--space",
      "nb201",
      "--labels",
      "100",
      "--seed",
      "0",
      "--out",
      model,
      "--json",
      ...small,
    ]);
    assert.equal(t.code, 0, t.err);
    assert.equal(JSON.parse(t.out).labels, 100);
    const cells = join(dir, "cells.jsonl");
    writeFileSync(
      cells,
      `{"arch": "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"}\n{"arch": "nope"}\n`,
    );
    // a row that is no cell: refused by line (predictions for the other rows came with exit 0)
    const refused = run(["--data", data, "predict", "--model", model, "--cells", cells, "--json"]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.err,
      /cells\.jsonl: line 2: .*expected every row a nb201 cell; fix or remove those rows\)$/m,
    );
    writeFileSync(cells, readFileSync(cells, "utf8").split("\n")[0]);
    const p = run(["--data", data, "predict", "--model", model, "--cells", cells, "--json"]);
    assert.equal(p.code, 0, p.err);
    const out = JSON.parse(p.out);
    assert.equal(out.predictions.length, 1);
    assert.equal(out.predictions[0].id, 1);
    assert.ok(out.predictions[0].prediction > 0 && out.predictions[0].prediction < 1);
    const e = run([
      "--data",
      data,
      "evaluate",
      "--space",
      "nb201",
      "--labels",
      "100",
      "--seeds",
      "0-1",
      "--jobs",
      "2",
      "--json",
      ...small,
    ]);
    assert.equal(e.code, 0, e.err);
    const result = JSON.parse(e.out);
    assert.deepEqual(result.seeds, [0, 1]);
    assert.equal(result.runs.length, 2);
    assert.equal(result.testCells, 15525);
    for (const key of ["ktau", "spearman", "pearson", "mse", "precisionAt100", "predictedBestTruth"])
      assert.ok(Number.isFinite(result[key].mean) && Number.isFinite(result[key].std));
    for (const r of result.runs) assert.ok(r.precisionAt100 >= 0 && r.precisionAt100 <= 1);
    const bad = run(["evaluate", "--labels", "100", "--graph-scale", "cosine"]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /--graph-scale <scale>' argument 'cosine' is invalid. Allowed choices are normalized, median/,
    );
    const sigma = run([
      "--data",
      data,
      "train",
      "--space",
      "nb201",
      "--labels",
      "100",
      "--out",
      model,
      "--sigma",
      "abc",
    ]);
    assert.equal(sigma.code, 1);
    assert.match(sigma.err, /'--sigma <x>' argument 'abc' is invalid\. expected a decimal number > 0/);
    // cells of another space than the model's: predict has no --space to give, the model fixes it
    const nb101Cells = join(dir, "cells101.csv");
    writeFileSync(nb101Cells, 'matrix,ops\n"[[0,1],[0,0]]","[""input"",""output""]"\n');
    const other = run(["--data", data, "predict", "--model", model, "--cells", nb101Cells]);
    assert.equal(other.code, 1);
    assert.match(
      other.err,
      /cells101\.csv: no column for nb201 cells .*its columns are nb101's: .*m\.nasa is a model of nb201; predict them with one trained on nb101 \(train --space nb101\)$/m,
    );
    assert.doesNotMatch(other.err, /give --space/);
    const wrong = run(["--data", data, "predict", "--model", cells, "--cells", cells]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /not a nas-assay model file/);
    const missing = run(["predict", "--model", join(dir, "none.nasa"), "--cells", cells]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /none\.nasa: no such file \(the model file train --out wrote\)/);
    // a newer version missing fields is told as a newer version, not "not a model (no space)" (tester W)
    const newer = join(dir, "v99.nasa");
    writeFileSync(newer, '{"format":"nas-assay model","version":99}');
    const v99 = run(["predict", "--model", newer, "--cells", cells]);
    assert.equal(v99.code, 1);
    assert.match(v99.err, /v99\.nasa: field "version" is 99; .*written by a newer nas-assay/);
    writeFileSync(newer, JSON.stringify({ format: "nas-assay model", version: MODEL_VERSION }));
    assert.match(
      run(["predict", "--model", newer, "--cells", cells]).err,
      /v99\.nasa: field "space" is missing; expected the name of the space the model was trained on/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("paper without benchmark data stops at once, naming the files, where to put them and the tfrecord import", () => {
  const empty = mkdtempSync(join(tmpdir(), "nas-assay-empty-"));
  try {
    const started = performance.now();
    const r = run(["paper"], { NAS_ASSAY_DATA: empty });
    assert.ok(performance.now() - started < 5000, "no enumeration or training before the check");
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    assert.match(r.err, /^nas-assay: missing benchmark file nb101\/test_accuracy_run0\.npy/);
    assert.ok(r.err.includes(join(empty, "nb101", "test_accuracy_run0.npy")), r.err);
    assert.match(r.err, /data directory from NAS_ASSAY_DATA.*--data \/ NAS_ASSAY_DATA/);
    assert.match(r.err, /nas-assay data import-nb101 nasbench_only108\.tfrecord --out DIR/);
    assert.doesNotMatch(r.err, /at .*\.js|internal error/); // no stack trace
    const nb201 = run(["--data", empty, "paper", "--space", "nb201"]);
    assert.equal(nb201.code, 1);
    assert.match(nb201.err, /missing benchmark files nb201\/cifar10-valid\.csv .*nb201\/ImageNet16-120\.csv/);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

test("paper and report: bad values name the flag and what it accepts", async () => {
  const cases: [string[], RegExp][] = [
    [["paper", "--labels", "1"], /option '--labels <n>' argument '1' is invalid\. expected an integer ≥ 2/],
    [
      ["paper", "--seed", "x"],
      /option '--seed <n>' argument 'x' is invalid\. expected an integer in 0\.\.2,147,483,647/,
    ],
    [
      ["paper", "--method", "foo"],
      /'--method <name>' argument 'foo' is invalid\. .*expected one of ssa, ssa-noae/,
    ],
    [
      ["paper", "--space", "nb999"],
      /'--space <name>' argument 'nb999' is invalid\. .*expected one of nb101, nb201/,
    ],
    [
      ["paper", "--evaluations", "0"],
      /'--evaluations <n>' argument '0' is invalid\. expected an integer ≥ 1/,
    ],
    [["paper", "--bogus"], /unknown option '--bogus'/],
    [
      ["paper", "--jobs", "0"],
      /'--jobs <n>' argument '0' is invalid\. expected an integer ≥ 1 in decimal digits/,
    ],
    // a mistyped required flag is named as unknown, not reported as missing
    [
      ["train", "--method", "e2epp", "--labls", "l.csv", "--out", "m.nasa"],
      /unknown option '--labls'[\s\S]*--labels\?/,
    ],
    [["train", "--method", "e2epp", "--out", "m.nasa"], /required option '--labels <n\|file>' not specified/],
    [["evaluate", "--labels", "100", "--method", "foo"], /'--method <name>' argument 'foo' is invalid/],
    [["report"], /missing required argument 'results'/],
    [["report", "/nonexistent-results"], /no results file or folder at \/nonexistent-results/],
  ];
  // parsed in this process (starting a process per case costs seconds); two through main, for the exit code
  for (const [args, message] of cases) assert.match(await failureOf(args), message, args.join(" "));
  // one error and a pointer to the help, not the whole help text
  const said = await failureOf(["paper", "--bogus"]);
  assert.doesNotMatch(said, /Usage:/);
  assert.match(said, /\(nas-assay paper --help lists its options\)/);
  for (const [args, message] of [cases[0], cases.at(-1)] as [string[], RegExp][]) {
    const r = run(args, { NAS_ASSAY_DATA: "/nonexistent-dir" });
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, message, args.join(" "));
  }
});

/** What the command line says when `args` fail (commander's message, or the error an action throws). */
async function failureOf(args: string[]): Promise<string> {
  let said = "";
  const quiet = (command: Command) => {
    command.configureOutput({ writeErr: (chunk) => (said += chunk), writeOut: () => {} });
    for (const sub of command.commands) quiet(sub);
  };
  const root = await program();
  quiet(root);
  await assert.rejects(root.parseAsync(args, { from: "user" }), (e: unknown) => {
    if (e instanceof CommanderError) assert.equal(e.exitCode, 1, said);
    else said += (e as Error).message;
    return true;
  });
  return said;
}

test("every command's help gives an example", async () => {
  const helpOf = (command: Command) => {
    let text = "";
    command.configureOutput({ writeOut: (chunk) => (text += chunk) }).outputHelp();
    return text;
  };
  const root = await program();
  assert.match(helpOf(root), /Examples:\n {2}nas-assay paper/);
  const all = (command: Command): Command[] => command.commands.flatMap((c) => [c, ...all(c)]);
  const commands = all(root);
  for (const name of ["paper", "report", "evaluate", "search", "import-nb101"])
    assert.ok(
      commands.some((c) => c.name() === name),
      name,
    );
  for (const command of commands)
    assert.match(helpOf(command), /Examples?:\n {2}nas-assay /, `${command.name()} --help`);
});

test("paper runs both columns end to end (NAS-Bench-201, a small configuration), and report rebuilds its page", () => {
  const data = testData().dir;
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-cli-paper-"));
  try {
    const html = join(dir, "out.html");
    const p = run([
      "--data",
      data,
      "paper",
      "--space",
      "nb201",
      "--labels",
      "100",
      "--evaluations",
      "300",
      "--out",
      html,
      "--json",
      ...small,
    ]);
    assert.equal(p.code, 0, p.err);
    assert.equal(p.err, "", "no progress under --json");
    const summary = JSON.parse(p.out);
    assert.deepEqual(summary.files, { html, json: join(dir, "out.json") });
    assert.equal(summary.paper.settings.method, "ssa");
    assert.equal(summary.ours.settings.method, SEARCH_METHOD);
    for (const column of [summary.paper, summary.ours]) {
      assert.equal(column.settings.labels, 100);
      assert.ok(column.scores.ktau > 0.2, `Kendall tau ${column.scores.ktau}`);
      assert.equal(column.search.evaluations, 300);
      assert.equal(column.search.curve, undefined, "plot data stays in the file");
    }
    assert.equal(summary.paper.search.bestLabeled.id, summary.ours.search.bestLabeled.id, "the same labels");
    const page1 = readFileSync(html, "utf8");
    assert.match(page1, /<svg/);
    assert.match(page1, /the paper&#39;s assessor|the paper's assessor/);

    const page = join(dir, "again.html");
    // the same file named twice, and again through its folder: one section, not three identical ones
    const r = run(["report", join(dir, "out.json"), join(dir, "out.json"), dir, "--out", page]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote .*again\.html: 1 section\n/);
    assert.match(
      readFileSync(page, "utf8"),
      /NAS-Bench-201, seed 0: the paper(&#39;|')s assessor and nas-assay(&#39;|')s choice/,
    );
    const bad = run(["report", html]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /out\.html: not JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a bad flag value is refused with exit 1 and one line naming the flag (issue 18, section 4)", async () => {
  const data = testData().dir;
  const withData = { NAS_ASSAY_DATA: data };
  const cases: [args: string[], message: RegExp, env?: Record<string, string>][] = [
    [["search", "--seeds", ""], /'--seeds <list>' argument '' is invalid\. no seeds given/],
    [["search", "--seeds", "0,,1"], /'--seeds <list>' argument '0,,1' is invalid\. an empty item/],
    [["search", "--seeds", "3,"], /'--seeds <list>' argument '3,' is invalid\. an empty item/],
    [["evaluate", "--labels", "100", "--seeds", "0,0"], /'--seeds <list>' .* seed 0 is given twice/],
    [["reproduce", "table1", "--seeds", "0-3,2"], /'--seeds <list>' .* seed 2 is given twice/],
    [["evaluate", "--labels", "100", "--seeds", "4294967296"], /'--seeds <list>' .* above 2,147,483,647/],
    [["paper", "--seed", "4294967296"], /'--seed <n>' argument '4294967296' is invalid/],
    [
      ["train", "--labels", "100", "--seed", "4294967296", "--out", "never.nasa"],
      /'--seed <n>' argument '4294967296' is invalid/,
    ],
    [["search", "--seeds", "0-19", "--seed-count", "3"], /'--seed-count <n>' cannot be used with .*'--seeds/],
    [["evaluate", "--labels", "100", "--seed-count", "0"], /'--seed-count <n>' argument '0' is invalid/],
    [["cell", "--id", ""], /'--id <id>' argument '' is invalid\. expected an integer ≥ 0 in decimal digits/],
    [["cell", "--id", " "], /'--id <id>' argument ' ' is invalid/],
    [["cell", "--space", "nb201", "--id", "0x10"], /'--id <id>' argument '0x10' is invalid/],
    [["evaluate", "--labels", "1e3"], /'--labels <n>' argument '1e3' is invalid\. expected an integer ≥ 2/],
    [["search", "--labels", "1e3"], /'--labels <n>' argument '1e3' is invalid/],
    [["paper", "--labels", "1e3"], /'--labels <n>' argument '1e3' is invalid/],
    [["train", "--labels", "1e3", "--out", "never.nasa"], /--labels "1e3" is neither a number of cells/],
    [["evaluate", "--labels", "100", "--jobs", "2.0"], /'--jobs <n>' argument '2\.0' is invalid/],
    [["evaluate", "--labels", "100", "--learning-rate", "0x1"], /'--learning-rate <x>' argument '0x1'/],
    [
      ["--data", "", "space", "nb201"],
      /'--data <dir>' argument '' is invalid\. expected a directory/,
      withData,
    ],
    [["search", "--plot", "x.svg"], /--plot is for --strategy active only/],
    [["search", "--budget", "300"], /--budget is for --strategy active only/],
    [["search", "--exploration", "0.5"], /--exploration is for --strategy active only/],
    [["search", "--strategy", "active", "--evaluations", "500"], /--evaluations is for --strategy evolution/],
    [["search", "--tournament", "200"], /--tournament \(200\) must not exceed --population \(100\)/],
    // the first population took every evaluation: a random sample, with exit 0, reported as evolution
    [
      ["search", "--population", "100", "--evaluations", "50"],
      /--population \(100\) must be below --evaluations \(50\): .*evolution would never start; expected --population at most 49 or --evaluations at least 101$/m,
    ],
    [
      ["paper", "--evaluations", "100"],
      /--evaluations 100 is not above the search's population of 100, .*expected more than 100$/m,
    ],
    [
      ["search", "--strategy", "active", "--space", "nb201", "--budget", "100000"],
      /--budget 100000 is more cells than the space has; at most 15,625/,
      withData,
    ],
    [
      ["evaluate", "--space", "nb201", "--labels", "15624"],
      /--labels must be an integer in 2\.\.15623 \(.*at least 2 test cells/,
      withData,
    ],
    [
      ["search", "--space", "nb201", "--labels", "15625"],
      /^nas-assay: --labels must be an integer in 2\.\.15624 \(the 15,625 cells of nb201 less at least one unlabeled cell for the search to find\), got 15625$/m,
      withData,
    ],
    [
      ["paper", "--space", "nb201", "--labels", "15624", "--json"], // --json: no progress lines
      /--labels must be an integer in 2\.\.15623 \(at least 2 test cells/,
      withData,
    ],
  ];
  const results: Awaited<ReturnType<typeof runLater>>[] = [];
  for (
    let k = 0;
    k < cases.length;
    k += 4 // four at a time
  )
    results.push(...(await Promise.all(cases.slice(k, k + 4).map(([args, , env]) => runLater(args, env)))));
  cases.forEach(([args, message], k) => {
    const { code, out, err } = results[k];
    const what = `nas-assay ${args.map((a) => JSON.stringify(a)).join(" ")}: ${err}`;
    assert.equal(code, 1, what);
    assert.equal(out, "", what);
    assert.equal(err.split("\n").length, 2, `one line: ${what}`); // the line and its newline
    assert.match(err, /^nas-assay: /, what);
    assert.match(err, message, what);
  });
});

test("--seeds is a list in every command, --seed-count a count (parsed, not run)", async () => {
  const parsed = async (args: string[]) => {
    const root = await program();
    const command = root.commands.find((c) => c.name() === args[0]);
    assert.ok(command, args[0]);
    command.action(() => {}); // parse only
    await root.parseAsync(args, { from: "user" });
    return seedsOf(command.opts());
  };
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
  // search used to read "--seeds 777" as 777 seeds, evaluate as seed 777: both mean seed 777 now
  assert.deepEqual(await parsed(["search", "--seeds", "777"]), [777]);
  assert.deepEqual(await parsed(["evaluate", "--labels", "100", "--seeds", "777"]), [777]);
  assert.deepEqual(await parsed(["reproduce", "table1", "--seeds", "777"]), [777]);
  assert.deepEqual(await parsed(["search", "--seeds", "0,2,5-7"]), [0, 2, 5, 6, 7]);
  assert.deepEqual(await parsed(["search", "--seed-count", "3"]), [0, 1, 2]);
  assert.deepEqual(await parsed(["reproduce", "table4", "--seed-count", "2"]), [0, 1]);
  // each command's default is what it was: search 20 seeds, evaluate 5, reproduce the experiment's own
  assert.deepEqual(await parsed(["search"]), upTo(20));
  assert.deepEqual(await parsed(["evaluate", "--labels", "100"]), upTo(5));
  assert.equal(await parsed(["reproduce", "table1"]), undefined);
});

test("--jobs means the same in every command: an integer ≥ 1, capped at the command's jobs and the cores, said in its help", async () => {
  const required: Record<string, string[]> = {
    search: [],
    evaluate: ["--labels", "100"],
    simulate: ["--space", "s.json", "--table", "t.csv", "--target", "acc"],
    reproduce: ["table1"],
    paper: [],
  };
  const helpOf = (command: Command) => {
    let text = "";
    command.configureOutput({ writeOut: (chunk) => (text += chunk) }).outputHelp();
    return text.replace(/\s+/g, " ");
  };
  const parsed = async (name: string, args: string[]) => {
    const root = await program();
    const command = root.commands.find((c) => c.name() === name);
    assert.ok(command, name);
    command.action(() => {}); // parse only
    await root.parseAsync([name, ...required[name], ...args], { from: "user" });
    return { jobs: command.opts().jobs, help: helpOf(command) };
  };
  for (const name of Object.keys(required)) {
    // paper refused 3 ("Allowed choices are 1, 2") where search took it
    assert.equal((await parsed(name, ["--jobs", "3"])).jobs, 3, name);
    const { jobs, help } = await parsed(name, []);
    assert.equal(jobs, name === "paper" ? 2 : 1, `${name}'s default`);
    assert.match(
      help,
      /--jobs <n> how many \w+ at once \(above 1, each in a worker thread of its own\): an integer ≥ 1; more than .* or the cores run as that many/,
      name,
    );
    assert.match(
      await failureOf([name, ...required[name], "--jobs", "0"]),
      /^nas-assay: option '--jobs <n>' argument '0' is invalid\. expected an integer ≥ 1 in decimal digits/,
      name,
    );
  }
  // the cap the help states: at most one thread per job and per core
  assert.equal(workersFor(3, 2), Math.min(2, availableParallelism()));
  assert.equal(workersFor(1, 20), 1);
  assert.equal(workersFor(50, 50), Math.min(50, availableParallelism()));
});

test("evaluate says why the correlations are NaN (e2epp on 2 labels predicts one constant)", () => {
  const r = run([
    "--data",
    testData().dir,
    "evaluate",
    "--space",
    "nb201",
    "--method",
    "e2epp",
    "--labels",
    "2",
    "--seeds",
    "0",
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Kendall tau NaN/);
  assert.match(r.out, /Kendall tau, Spearman and Pearson NaN on seed 0 \(the predictions are constant\)/);
});

test("search: an evolution that converges before --evaluations says so (NAS-Bench-201's 15,625 cells)", () => {
  const r = run([
    "search",
    "--space",
    "nb201",
    "--method",
    "e2epp",
    "--labels",
    "50",
    "--seeds",
    "0",
    "--neighbourhood",
    "0",
  ]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /up to 5000 predictor evaluations per search/);
  const counted = Number(/seed 0: .* (\d+) evaluations/.exec(r.out)?.[1]);
  assert.ok(counted < 5000, `seed 0 scored ${counted}`);
  assert.match(
    r.out,
    /evolution stopped short of 5000 on seeds 0: 100 rounds of children brought no cell it had not scored/,
  );
});

test("train --labels 60 beside a file named 60 refuses the ambiguity instead of reading the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-cli-labels-"));
  try {
    writeFileSync(join(dir, "60"), "arch,acc\n");
    const r = spawnSync(process.execPath, [MAIN, "train", "--labels", "60", "--out", "m.nasa"], {
      encoding: "utf8",
      cwd: dir,
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /--labels 60 is a number of cells, and a file or folder of that name is in this folder: give \.\/60/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a missing --queue names NAS_ASSAY_QUEUE, which worker and queue status also read", () => {
  const { NAS_ASSAY_QUEUE: _, ...env } = process.env;
  for (const args of [["worker"], ["queue", "status"]]) {
    const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", env });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /required option '--queue <url>' not specified \(nor NAS_ASSAY_QUEUE set\)/);
  }
});

test("search shows a target that is no accuracy as its number, not a percent (--target flops), NAS-Bench-201 accuracies as percents, one seed without ±", async () => {
  await testSpace(); // the cached space: no enumeration in this test
  const args = ["search", "--space", "nb101", "--method", "e2epp", "--labels", "100", "--seeds", "0"];
  const r = run([...args, "--target", "flops", "--evaluations", "200", "--data", testData().dir]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /best true flops among the top 10 found: \d+;/, "one seed: no ± shown");
  assert.match(r.out, /chosen among the 200 predicted best/, "no more candidates than evaluations");
  assert.doesNotMatch(r.out, /%\s*\(rank/);
  assert.match(r.out, /seed 0: cell \d+ \d+ \(rank \d+\)/);
  // NAS-Bench-201's DATASET/SPLIT targets are accuracies too: shown as percents (was "0.8997 ± 0")
  const nb201 = run([
    "search",
    "--space",
    "nb201",
    "--method",
    "e2epp",
    "--labels",
    "50",
    "--evaluations",
    "100",
    "--population", // below the evaluations, or evolution never starts
    "50",
    "--seeds",
    "0,1",
    "--data",
    testData().dir,
  ]);
  assert.equal(nb201.code, 0, nb201.err);
  assert.match(nb201.out, /best true accuracy among the top 10 found: \d{2}\.\d{2} ± \d+\.\d{2} %;/);
  // a search can find a better cell than the same choice among every cell: no "exhaustive bound"
  assert.match(nb201.out, /\nthe same choice among every cell of the space \(no search\): \d{2}\.\d{2} ± /);
  assert.doesNotMatch(nb201.out, /bound/);
  // evaluate over one seed: a mean without "± 0.0000"
  const one = run([
    "evaluate",
    "--space",
    "nb201",
    "--method",
    "e2epp",
    "--labels",
    "50",
    "--seeds",
    "0",
    "--data",
    testData().dir,
  ]);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /Kendall tau -?\d\.\d{4} {3}Spearman/);
});

test("train with transformer-self-training says its cost first: minutes whatever the label count (tester W)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-self-training-"));
  try {
    const child = spawn(process.execPath, [
      MAIN,
      "train",
      "--space",
      "nb201",
      "--method",
      "transformer-self-training",
      "--labels",
      "2",
      "--out",
      join(dir, "m.nasa"),
    ]);
    let err = "";
    const firstLine = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes("\n")) resolve(err.split("\n")[0]);
      });
      child.on("exit", (code) => reject(new Error(`exited ${code} before a line: ${err}`)));
    });
    child.kill("SIGKILL");
    assert.match(
      firstLine,
      /^transformer-self-training fits a teacher ensemble, then students on the labels plus 2500 pseudo-labelled cells, whatever the number of labels: minutes per fit on two cores/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
