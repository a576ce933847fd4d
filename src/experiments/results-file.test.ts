import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BadFileError, UserError } from "../errors.js";
import { methodFingerprint } from "../predictors/registry.js";
import { documentsFromFiles } from "../report/from-files.js";
import { testData } from "../testing/fixtures.js";
import { experimentRuns, runKey } from "./experiments.js";
import {
  borrowRuns,
  openResults,
  RESULTS_VERSION,
  type ResultsFile,
  readResults,
  saveResults,
  unstampedRuns,
} from "./results-file.js";

const root = mkdtempSync(join(tmpdir(), "nas-assay-results-file-"));
after(() => rmSync(root, { recursive: true, force: true }));
const here = dirname(fileURLToPath(import.meta.url));
/** A seed's result as evaluateSeed writes it (NaN as null in JSON). */
const RESULT = {
  seed: 0,
  ktau: 0.5,
  spearman: 0.6,
  pearson: 0.7,
  mse: 0.001,
  precisionAt100: null as unknown as number,
  predictedBestTruth: 0.93,
  fitSeconds: 1.5,
  predictSeconds: 0.2,
};
const moduleUrl = (path: string) => pathToFileURL(join(here, path)).href;

/** Runs `script` (an ES module) in a child process with `args`; resolves with its exit code and stderr. */
function child(script: string, args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => {
      err += d;
    });
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, err }));
  });
}

/**
 * Module source that waits until every name in argv[2] (comma-separated) has a file in argv[3]'s
 * folder: both processes start their saves only once both have read the file, the case where a
 * plain rewrite loses the other's runs.
 */
const BARRIER = `
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
async function barrier(folder, me, all) {
  writeFileSync(join(folder, "ready-" + me), "");
  while (!all.every((name) => existsSync(join(folder, "ready-" + name))))
    await new Promise((r) => setTimeout(r, 5));
}
`;

test("two processes saving the same results file at once keep every run of both", async () => {
  const out = join(root, "module");
  const path = join(out, "table4.json");
  const script = join(root, "save-many.mjs");
  writeFileSync(
    script,
    `${BARRIER}
import { mkdirSync } from "node:fs";
import { runKey } from ${JSON.stringify(moduleUrl("experiments.js"))};
import { openResults, saveResults } from ${JSON.stringify(moduleUrl("results-file.js"))};
const [path, seed, count] = process.argv.slice(2);
mkdirSync(${JSON.stringify(out)}, { recursive: true });
const file = openResults(path, "table4", "nb201", "cifar10-valid/test");
await barrier(${JSON.stringify(out)}, seed, ["0", "1"]);
for (let k = 0; k < Number(count); k++) {
  const run = { method: "ssa", labels: 100 + k, seed: Number(seed) };
  file.runs[runKey(run)] = { run, result: { ...${JSON.stringify(RESULT)}, seed: Number(seed), ktau: k / 100 } };
  saveResults(path, file, 0.5);
}
`,
  );
  const count = 60;
  const results = await Promise.all(["0", "1"].map((seed) => child(script, [path, seed, String(count)])));
  for (const r of results) assert.equal(r.code, 0, r.err);
  const file = readResults(path);
  const seeds = Object.values(file.runs).map((r) => r.run.seed);
  assert.equal(seeds.filter((s) => s === 0).length, count, "every run of seed 0");
  assert.equal(seeds.filter((s) => s === 1).length, count, "every run of seed 1");
  assert.equal(file.wallSeconds, 2 * count * 0.5, "each save's wall time counted once");
  assert.equal(existsSync(`${path}.lock`), false, "the lock is released");
});

test("two reproduce runs of one experiment on different seeds into one folder keep both seeds' runs", async () => {
  const out = join(root, "reproduce");
  const script = join(root, "reproduce.mjs");
  writeFileSync(
    script,
    `${BARRIER}
import { reproduce } from ${JSON.stringify(moduleUrl("reproduce.js"))};
const [out, seed, data] = process.argv.slice(2);
let first = true;
await reproduce("table4", {
  space: "nb201",
  data: JSON.parse(data),
  out,
  quick: true,
  seeds: [Number(seed)],
  evaluateRun: async (spec, s) => {
    if (first) await barrier(out, seed, ["0", "1"]);
    first = false;
    return { seed: s, ktau: 0.5 + s / 100, spearman: 0.6, pearson: 0.4, mse: 0.004, precisionAt100: 0.1,
      predictedBestTruth: 0.93, fitSeconds: 1, predictSeconds: 0.5 };
  },
});
`,
  );
  const data = JSON.stringify(testData());
  const results = await Promise.all(["0", "1"].map((seed) => child(script, [out, seed, data])));
  for (const r of results) assert.equal(r.code, 0, r.err);
  const file = readResults(join(out, "table4.json"));
  const planned = experimentRuns("table4", { space: "nb201", seeds: [0, 1], quick: true }).map(runKey);
  assert.equal(planned.length, 4);
  assert.deepEqual(Object.keys(file.runs).sort(), planned.sort());
  // and both seeds in the tables: the last to finish drew its own seed only (the other's runs were in the
  // JSON, in no table or page)
  assert.deepEqual(file.settings?.seeds, [0, 1]);
  assert.match(readFileSync(join(out, "table4.md"), "utf8"), /seeds 0, 1\b|seeds 0–1|seeds 0-1/);
});

test("a save refuses to overwrite a file that meanwhile became another experiment's", () => {
  const path = join(root, "swapped.json");
  const ours = openResults(path, "table4", "nb201", "cifar10-valid/test");
  const theirs: ResultsFile = { ...openResults(path, "table1", "nb201", "cifar10-valid/test") };
  saveResults(path, theirs);
  assert.throws(() => saveResults(path, ours), UserError);
  assert.equal(JSON.parse(readFileSync(path, "utf8")).experiment, "table1", "left as it was");
});

test("runs made on other labels (another --data) are refused, not mixed in, nor borrowed by another experiment", () => {
  // a table1 resumed on the shipped data showed two methods from a shuffled copy beside one from the real labels
  const out = join(root, "other-labels");
  const path = join(out, "table1.json");
  mkdirSync(out, { recursive: true });
  const file = openResults(path, "table1", "nb201", "cifar10-valid/test", "aaaaaaaaaaaaaaaa");
  const run = { method: "ssa" as const, labels: 100, seed: 0 };
  file.runs[runKey(run)] = { run, result: { ...RESULT, seed: 0 } };
  saveResults(path, file);
  assert.equal(readResults(path).labels, "aaaaaaaaaaaaaaaa");
  assert.throws(
    () => openResults(path, "table1", "nb201", "cifar10-valid/test", "bbbbbbbbbbbbbbbb"),
    (e: Error) =>
      e instanceof UserError &&
      /table1\.json holds runs made on other labels of cifar10-valid\/test \(fingerprint aaaaaaaaaaaaaaaa; the data now gives bbbbbbbbbbbbbbbb.*choose another --out folder, or remove the file/.test(
        e.message,
      ),
  );
  assert.equal(
    openResults(path, "table1", "nb201", "cifar10-valid/test", "aaaaaaaaaaaaaaaa").runs[runKey(run)].run.seed,
    0,
  );
  const other = openResults(
    join(out, "table4.json"),
    "table4",
    "nb201",
    "cifar10-valid/test",
    "bbbbbbbbbbbbbbbb",
  );
  assert.deepEqual(borrowRuns(other, out, [run]), {}, "not borrowed across labels");
  const same = openResults(
    join(out, "table4.json"),
    "table4",
    "nb201",
    "cifar10-valid/test",
    "aaaaaaaaaaaaaaaa",
  );
  assert.deepEqual(Object.values(borrowRuns(same, out, [run])), [1], "borrowed on the same labels");
});

test("runs made with another nas-assay's method defaults are refused, not resumed beside this one's; a version 1 file still reads", () => {
  // budget.json resumed on a newer nas-assay kept its transformer runs of the old defaults (learning
  // rate, epochs, flow layers) beside new ones of the same table, in silence
  const out = join(root, "other-defaults");
  mkdirSync(out, { recursive: true });
  const run = { method: "transformer" as const, labels: 78, seed: 0 };
  const old = {
    format: "nas-assay experiment",
    version: 1,
    experiment: "budget",
    space: "nb201",
    target: "cifar10-valid/test",
    wallSeconds: 1,
    labels: "aaaaaaaaaaaaaaaa",
    runs: { [runKey(run)]: { run, result: { ...RESULT, seed: 0 } } },
  };
  // a file of today's nas-assay (version 1, no fingerprints): read, its runs counted as unchecked
  const v1 = join(out, "budget.json");
  writeFileSync(v1, JSON.stringify(old));
  const opened = openResults(v1, "budget", "nb201", "cifar10-valid/test", "aaaaaaaaaaaaaaaa");
  assert.equal(unstampedRuns(opened), 1);
  saveResults(v1, opened);
  const saved = readResults(v1);
  assert.equal(saved.version, RESULTS_VERSION);
  assert.deepEqual(saved.methods, { transformer: methodFingerprint("transformer") });
  assert.equal(unstampedRuns(saved), 0);
  // written by a nas-assay whose transformer defaults were other
  const other = join(out, "other.json");
  const stale = { ...old, version: 2, methods: { transformer: "0123456789abcdef" } };
  writeFileSync(other, JSON.stringify(stale));
  const before = readFileSync(other, "utf8");
  assert.throws(
    () => openResults(other, "budget", "nb201", "cifar10-valid/test", "aaaaaaaaaaaaaaaa"),
    (e: Error) =>
      e instanceof UserError &&
      /other\.json holds transformer runs made with other transformer defaults \(fingerprint 0123456789abcdef; this nas-assay's [0-9a-f]{16}: a file of another nas-assay version\): choose another --out folder, or remove the file/.test(
        e.message,
      ),
  );
  assert.equal(readFileSync(other, "utf8"), before, "left as it was");
  // a newer format is named as such
  writeFileSync(other, JSON.stringify({ ...stale, version: RESULTS_VERSION + 1 }));
  assert.throws(
    () => readResults(other),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message ===
        `${other}: written by a newer nas-assay (results version ${RESULTS_VERSION + 1}); this one reads versions 1 to ${RESULTS_VERSION}: use a newer nas-assay`,
  );
});

test("a method's fingerprint follows its defaults", () => {
  assert.match(methodFingerprint("transformer"), /^[0-9a-f]{16}$/);
  assert.notEqual(methodFingerprint("ssa"), methodFingerprint("ssa-noae"));
  assert.notEqual(methodFingerprint("mlp"), methodFingerprint("mlp-ensemble"));
  assert.equal(methodFingerprint("transformer"), methodFingerprint("transformer"));
});

test("a results file edited into another shape is refused, naming the field", () => {
  const path = join(root, "edited.json");
  const good = openResults(path, "table4", "nb201", "cifar10-valid/test");
  const run = { method: "ssa" as const, labels: 100, seed: 0 };
  good.runs[runKey(run)] = { run, result: { ...RESULT, seed: 0 } };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ runs: null }, /field "runs" is null; expected an object of runs by key/],
    [{ runs: [] }, /field "runs" is \[\]; expected an object of runs by key/],
    [
      { runs: { a: { run: { method: "ssa", labels: "100", seed: 0 }, result: {} } } },
      /malformed run under a/,
    ],
    [{ runs: { a: 5 } }, /malformed run under a/],
    [{ experiment: "table9" }, /field "experiment" is "table9"; expected one of table1, /],
    [{ wallSeconds: "3" }, /field "wallSeconds" is "3"; expected a number/],
    // the settings the tables are drawn with failed as "Cannot read properties of undefined (reading 'map')"
    [
      { settings: "x" },
      /field "settings" is "x"; expected \{ "space": "nb201" \(the file's\), "seeds": \[integers ≥ 0\]/,
    ],
    [
      { settings: { space: "nb201", seeds: null, quick: false } },
      /field "settings" is \{"space":"nb201","seeds":null/,
    ],
    [{ settings: { space: "nb101", seeds: [0], quick: false } }, /field "settings" is \{"space":"nb101"/],
    [{ settings: { space: "nb201", seeds: [0.5], quick: "yes" } }, /field "settings" is/],
    // scores edited by hand showed in the tables as 0.9000 (a string) and 5.0000; a run moved under
    // another run's key counted for that run
    ...(
      [
        [{ ktau: "0.9" }, /ktau must be a number in -1\.\.1 \(null for NaN\), got "0\.9"/],
        [{ ktau: 5 }, /ktau must be a number in -1\.\.1 \(null for NaN\), got 5/],
        [{ mse: -1 }, /mse must be a number ≥ 0 \(null for NaN\), got -1/],
        [{ seed: 7 }, /it is for seed 7, not 0/],
        [{ extra: 1 }, /it has unknown field\(s\) extra/],
      ] as [Record<string, unknown>, RegExp][]
    ).map(([change, message]): [Record<string, unknown>, RegExp] => [
      { runs: { [runKey(run)]: { run, result: { ...RESULT, ...change } } } },
      message,
    ]),
    [
      { runs: { [runKey({ ...run, seed: 1 })]: { run, result: RESULT } } },
      /field "runs" holds the run .* under the key .*"seed":1|field "runs" holds the run .* under the key .*,1,/,
    ],
  ];
  // the file before any edit reads back, with or without its settings
  writeFileSync(path, JSON.stringify(good));
  assert.equal(Object.keys(readResults(path).runs).length, 1);
  writeFileSync(path, JSON.stringify({ ...good, settings: { space: "nb201", seeds: [0, 3], quick: true } }));
  assert.deepEqual(readResults(path).settings?.seeds, [0, 3]);
  for (const [edit, message] of cases) {
    writeFileSync(path, JSON.stringify({ ...good, ...edit }));
    assert.throws(
      () => readResults(path),
      (e: Error) => e instanceof BadFileError && e.message.startsWith(`${path}: `) && message.test(e.message),
      JSON.stringify(edit),
    );
  }
});

test("a results file cut short or empty is said to be one, by reproduce and report alike; other text that is no JSON is not", () => {
  const path = join(root, "cut.json");
  const good = openResults(path, "table1", "nb201", "cifar10-valid/test");
  const run = { method: "e2epp" as const, labels: 100, seed: 0 };
  good.runs[runKey(run)] = { run, result: { ...RESULT, seed: 0 } };
  const whole = JSON.stringify(good);
  // before: "not a results file (Expected ',' or '}' after property value in JSON at position 120)"
  for (const at of [40, 120, whole.length - 1]) {
    writeFileSync(path, whole.slice(0, at));
    const cutShort = `${path}: a results file cut short (its JSON ends early, after ${at} bytes: a copy interrupted, a full disk?): its results cannot be read; put back a whole copy, or move it away and run again`;
    assert.throws(
      () => readResults(path),
      (e: Error) => e instanceof BadFileError && e.message === cutShort,
    );
    assert.throws(
      () => documentsFromFiles([path]),
      (e: Error) => e instanceof BadFileError && e.message === cutShort,
    );
  }
  // an empty file (a copy onto a full disk, `> NAME.json`): it said "not a results file (Unexpected end
  // of JSON input)", and report "not JSON (…)"
  for (const text of ["", " \n"]) {
    writeFileSync(path, text);
    const empty = `${path}: is empty (a copy interrupted, a full disk?): expected the results nas-assay wrote there; put back a whole copy, or move it away and run again`;
    assert.throws(
      () => readResults(path),
      (e: Error) => e instanceof BadFileError && e.message === empty,
    );
    assert.throws(
      () => documentsFromFiles([path]),
      (e: Error) => e instanceof BadFileError && e.message === empty,
    );
  }
  writeFileSync(path, '{"format":"nas-assay experiment", x}');
  assert.throws(
    () => readResults(path),
    (e: Error) =>
      e instanceof BadFileError && /^.*: not a results file \(Expected double-quoted/.test(e.message),
  );
});

test("a score written as null (NaN: a correlation of constant predictions) reads back as NaN, as the run gave it", () => {
  const path = join(root, "nan", "table4.json");
  mkdirSync(dirname(path), { recursive: true });
  const file = openResults(path, "table4", "nb201", "cifar10-valid/test");
  const settings = { space: "nb201" as const, seeds: [0, 1], quick: true };
  file.settings = settings;
  for (const run of experimentRuns("table4", settings).filter((r) => r.method === "ssa" && r.labels === 100))
    file.runs[runKey(run)] = {
      run,
      result: { ...RESULT, seed: run.seed, ktau: run.seed === 0 ? Number.NaN : 0.5 },
    };
  saveResults(path, file);
  assert.match(readFileSync(path, "utf8"), /"ktau":null/);
  const runs = Object.values(readResults(path).runs).map((r) => r.result);
  assert.deepEqual(
    runs.map((r) => r.ktau),
    [Number.NaN, 0.5],
  );
  assert.ok(runs.every((r) => Number.isNaN(r.precisionAt100)));
  // its table says NaN, as reproduce's own did before the file was read back: left null, one run failed
  // the report ("Cannot read properties of null") and two made a mean of 0.25, the null counted as 0
  const [source] = documentsFromFiles([path]);
  const rows = source.document.blocks.flatMap((b) => (b.kind === "table" ? b.rows : []));
  assert.ok(
    rows.some((row) => row[0] === "100" && row[2] === "NaN ± NaN"),
    JSON.stringify(rows),
  );
});

test("a sampled prediction written as null (NaN) reads back as NaN, not as a 0 ranked by fig2's Spearman", () => {
  const path = join(root, "nan-sample", "fig2.json");
  mkdirSync(dirname(path), { recursive: true });
  const file = openResults(path, "fig2", "nb201", "cifar10-valid/test");
  const settings = { space: "nb201" as const, seeds: [0], quick: true };
  file.settings = settings;
  const sample = { predicted: [0.9, Number.NaN, 0.7], actual: [0.91, 0.8, 0.7] };
  for (const run of experimentRuns("fig2", settings))
    file.runs[runKey(run)] = { run, result: { ...RESULT, seed: run.seed, sample } };
  saveResults(path, file);
  assert.match(readFileSync(path, "utf8"), /"predicted":\[0\.9,null,0\.7\]/);
  for (const { result } of Object.values(readResults(path).runs)) assert.deepEqual(result.sample, sample);
});
