import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BadFileError, InvalidCellError, UserError } from "../../errors.js";
import { Rng } from "../../random.js";
import { testData } from "../../testing/fixtures.js";
import { formatArch, NB201_OPS, outputReachable } from "./cell.js";
import { loadNb201Accuracies, loadNb201Labels, NB201_DATASETS } from "./labels.js";
import { Nb201Space, readNb201Csv } from "./space.js";

let space: Nb201Space;
const dir = mkdtempSync(join(tmpdir(), "nas-assay-nb201-"));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => {
  space = Nb201Space.load(testData());
});

test("ids follow the csv row order, checked against the arch strings", () => {
  const rows = readNb201Csv(join(testData().dir, "nb201", "cifar10-valid.csv"));
  assert.equal(space.size, 15_625);
  for (const id of [0, 1, 777, 15_624]) {
    assert.equal(space.arch(id), rows[id]["arch str"]);
    assert.equal(space.idOf(rows[id]["arch str"]), id);
    assert.equal(space.idOf({ arch: rows[id]["arch str"] }), id);
  }
  assert.equal(
    space.arch(0),
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
  );
  assert.throws(() => space.idOf("|x~0|"), InvalidCellError);
  assert.throws(() => space.idOf(42), InvalidCellError);
});

test("labels on a 0..1 scale with the README's maxima; unreachable-output cells are at chance", () => {
  const expected = {
    "cifar10-valid": [0.9152, 0.9161],
    cifar100: [0.7351, 0.7349],
    "ImageNet16-120": [0.4731, 0.4673],
  };
  for (const dataset of NB201_DATASETS) {
    const labels = loadNb201Labels(space, testData(), dataset);
    assert.equal(Math.max(...labels.test).toFixed(4), expected[dataset][0].toFixed(4));
    assert.equal(Math.max(...labels.valid).toFixed(4), expected[dataset][1].toFixed(4));
    assert.ok(labels.train.every((x) => x >= 0 && x <= 1));
  }
  const c10 = loadNb201Labels(space, testData(), "cifar10-valid");
  let unreachable = 0;
  for (let id = 0; id < space.size; id++) {
    if (!outputReachable(space.cell(id))) {
      unreachable++;
      assert.ok(
        c10.test[id] <= 0.1 + 1e-9,
        `unreachable cell ${space.arch(id)} has test accuracy ${c10.test[id]}`,
      );
      assert.equal(space.describe(id).outputReachable, false);
    }
  }
  assert.equal(unreachable, space.summary().outputUnreachable);
  assert.ok(unreachable > 0);
});

test("sampling and mutation (one edge changes op)", () => {
  const rng = new Rng(9);
  const ids = space.sample(rng, 1000);
  assert.equal(new Set(ids).size, 1000);
  for (const id of ids) {
    const next = space.mutate(rng, id);
    const a = space.cell(id).ops;
    const b = space.cell(next).ops;
    assert.equal(a.filter((op, e) => op !== b[e]).length, 1);
  }
});

test("encoding: the op-on-vertex DAG, same shape for every cell, unreachable cells included", () => {
  const { vertices: V, opTypes, size } = space.encoding;
  assert.equal(V, 8);
  assert.deepEqual(opTypes, ["input", "output", ...NB201_OPS]);
  const none = space.idOf("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  const enc = space.encode([1, none]);
  assert.equal(enc.length, 2 * size);
  const adjacency = (k: number) => Array.from(enc.subarray(k * size, k * size + V * V));
  assert.deepEqual(adjacency(0), adjacency(1));
  const edges = adjacency(0).reduce((a, b) => a + b, 0);
  // input→(0→j) ×3, (i→3)→output ×3, (0→1)→(1→2), (0→1)→(1→3), (0→2)→(2→3), (1→2)→(2→3)
  assert.equal(edges, 10);
  for (let k = 0; k < 2; k++) {
    const ops = enc.subarray(k * size + V * V, (k + 1) * size);
    for (let v = 0; v < V; v++)
      assert.equal(
        ops.subarray(v * opTypes.length, (v + 1) * opTypes.length).reduce((a, b) => a + b, 0),
        1,
      );
  }
  assert.equal(enc[size + V * V + 1 * opTypes.length + 2], 1); // edge vertex 1 of the all-none cell is "none"
});

test("csv problems are clear errors: wrong row count, a cell other than the file id's, bad accuracy", () => {
  const real = testData();
  const data = { dir, source: "--data" as const };
  mkdirSync(join(dir, "nb201"), { recursive: true });
  const text = readFileSync(join(real.dir, "nb201", "cifar100.csv"), "utf8").split("\n");
  // two rows swapped whole: the file ids move with them, so nothing changes
  writeFileSync(join(dir, "nb201", "cifar100.csv"), [text[0], text[2], text[1], ...text.slice(3)].join("\n"));
  assert.deepEqual(loadNb201Labels(space, data, "cifar100"), loadNb201Labels(space, real, "cifar100"));
  // two rows' file ids swapped: each id now names another cell than in cifar10-valid.csv
  const [id0, id1] = [text[1].split(",")[0], text[2].split(",")[0]];
  const swapped = [
    text[0],
    `${id1}${text[1].slice(id0.length)}`,
    `${id0}${text[2].slice(id1.length)}`,
    ...text.slice(3),
  ];
  writeFileSync(join(dir, "nb201", "cifar100.csv"), swapped.join("\n"));
  assert.throws(
    () => loadNb201Labels(space, data, "cifar100"),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.startsWith(join(dir, "nb201", "cifar100.csv")) &&
      /line 3: "file id" 0 is .* but in nb201\/cifar10-valid\.csv \(which gives the ids\) it is/.test(
        e.message,
      ),
  );
  writeFileSync(join(dir, "nb201", "cifar100.csv"), [text[0], ...text.slice(1, 100)].join("\n"));
  assert.throws(() => loadNb201Labels(space, data, "cifar100"), /has 99 rows; expected 15625/);
  const bad = text.slice();
  bad[5] = bad[5].replace(/,[^,]*$/, ",abc");
  writeFileSync(join(dir, "nb201", "cifar100.csv"), bad.join("\n"));
  assert.throws(() => loadNb201Labels(space, data, "cifar100"), /line 6, column "test accuracy" is "abc"/);
  copyFileSync(join(real.dir, "nb201", "cifar100.csv"), join(dir, "nb201", "cifar10-valid.csv"));
  assert.equal(formatArch(Nb201Space.load(data).cell(0)), space.arch(0));
  assert.throws(
    () => loadNb201Labels(space, data, "ImageNet16-120"),
    /missing benchmark file nb201\/ImageNet16-120\.csv/,
  );
});

/** The three real csv files as lines, transformed by `edit(dataset, lines)`, written under a new data dir. */
function nb201Dir(name: string, edit: (dataset: string, lines: string[]) => string[]) {
  const data = { dir: join(dir, name), source: "--data" as const };
  mkdirSync(join(data.dir, "nb201"), { recursive: true });
  for (const dataset of NB201_DATASETS) {
    const lines = readFileSync(join(testData().dir, "nb201", `${dataset}.csv`), "utf8")
      .trimEnd()
      .split("\n");
    writeFileSync(join(data.dir, "nb201", `${dataset}.csv`), `${edit(dataset, lines).join("\n")}\n`);
  }
  return data;
}

test("files re-sorted consistently (file ids kept) give the same ids, space sha256 and labels", () => {
  const byArch = (_: string, lines: string[]) => [
    lines[0],
    ...lines.slice(1).sort((a, b) => (a.split(",")[1] < b.split(",")[1] ? -1 : 1)),
  ];
  const data = nb201Dir("resorted", byArch);
  assert.notEqual(
    readFileSync(join(data.dir, "nb201", "cifar100.csv"), "utf8")
      .split("\n")[1]
      .split(",")[0],
    "0",
  );
  const resorted = Nb201Space.load(data);
  assert.deepEqual(resorted.summary(), space.summary());
  for (const id of [0, 1, 777, 15_624]) assert.equal(resorted.arch(id), space.arch(id));
  assert.deepEqual(loadNb201Accuracies(resorted, data), loadNb201Accuracies(space, testData()));
});

test("files that disagree on a file id's cell: the error names the file that differs from the two others, and its line", () => {
  // file ids 0 and 1 exchanged in cifar10-valid.csv only (the rows stay where they are)
  const swapIds = (dataset: string, lines: string[]) => {
    if (dataset !== "cifar10-valid") return lines;
    const out = lines.slice();
    out[1] = `1${lines[1].slice(1)}`;
    out[2] = `0${lines[2].slice(1)}`;
    return out;
  };
  // two rows of cifar10-valid.csv swapped whole (file ids move with them): nothing changes
  const rows = nb201Dir("swapped-rows", (dataset, lines) =>
    dataset === "cifar10-valid"
      ? [lines[0], lines[12], ...lines.slice(2, 12), lines[1], ...lines.slice(13)]
      : lines,
  );
  assert.deepEqual(loadNb201Accuracies(Nb201Space.load(rows), rows), loadNb201Accuracies(space, testData()));
  const data = nb201Dir("swapped-ids", swapIds);
  const loaded = Nb201Space.load(data); // cifar10-valid.csv alone is a valid file
  assert.throws(
    () => loadNb201Accuracies(loaded, data),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.startsWith(join(data.dir, "nb201", "cifar10-valid.csv")) &&
      /line 3: "file id" 0 is .*, but .*cifar100\.csv line 2 and .*ImageNet16-120\.csv line 2 give /.test(
        e.message,
      ),
  );
});

test("a missing column, a duplicated header, a bad or repeated file id are named", () => {
  const dropTest = nb201Dir("no-test-column", (_, lines) =>
    lines.map((l) => l.split(",").slice(0, 7).join(",")),
  );
  assert.throws(
    () => loadNb201Labels(space, dropTest, "cifar100"),
    /cifar100\.csv: has no "test accuracy" column; columns are file id, arch str, cfg name, C, N, train accuracy, validation accuracy$/,
  );
  const twice = nb201Dir("header-twice", (_, lines) => [
    lines[0].replace("validation accuracy", "test accuracy"),
    ...lines.slice(1),
  ]);
  assert.throws(
    () => loadNb201Labels(space, twice, "cifar100"),
    /cifar100\.csv: line 1 names column "test accuracy" twice; expected each column once/,
  );
  const hex = nb201Dir("hex-id", (_, lines) => [lines[0], `0x0${lines[1].slice(1)}`, ...lines.slice(2)]);
  assert.throws(
    () => Nb201Space.load(hex),
    /cifar10-valid\.csv: line 2, column "file id" is "0x0"; expected an integer 0\.\.15624/,
  );
  const repeated = nb201Dir("repeated-id", (_, lines) => [
    lines[0],
    lines[1],
    `0${lines[2].slice(1)}`,
    ...lines.slice(3),
  ]);
  assert.throws(() => Nb201Space.load(repeated), /line 3 repeats "file id" 0 of line 2/);
  const hexValue = nb201Dir("hex-value", (_, lines) => [
    lines[0],
    lines[1].replace(/,[^,]*$/, ",0x1F"),
    ...lines.slice(2),
  ]);
  assert.throws(
    () => loadNb201Labels(space, hexValue, "cifar100"),
    /line 2, column "test accuracy" is "0x1F"; expected a decimal percentage 0\.\.100/,
  );
});

test("parameter counts of the CIFAR-10 network: the benchmark's smallest and largest, and one 1×1 edge", () => {
  const all = (op: string) => space.idOf({ ops: Array(6).fill(op) });
  assert.equal(space.parameters(all("none")), 73_306);
  assert.equal(space.parameters(all("skip_connect")), 73_306);
  assert.equal(space.parameters(all("nor_conv_3x3")), 1_531_546);
  // one 1×1 edge: 5 cells per stage × (c² + 2c) for c = 16, 32, 64
  const one = space.idOf({ ops: ["nor_conv_1x1", "none", "none", "none", "none", "none"] });
  assert.equal(space.parameters(one), 73_306 + 5 * (288 + 1088 + 4224));
});

test('a NAS-Bench-201 id that is no integer is named so, as given: "7" said "cell id 7 is out of range"', () => {
  const space = new Nb201Space(Int32Array.from({ length: 15_625 }, (_, code) => code));
  assert.throws(
    () => space.cell("7" as never),
    /^RangeError: cell id "7" is not an integer; NAS-Bench-201 ids are 0\.\.15624$/,
  );
  assert.throws(
    () => space.cell(15_625),
    /^RangeError: cell id 15625 is out of range; NAS-Bench-201 ids are 0\.\.15624$/,
  );
});

test('the benchmark space\'s sample refuses a count that is no integer ≥ 0 in one line, as the spec spaces do ("10" said it cannot draw 10 of 15625)', () => {
  for (const n of ["10", 1.5, -1, Number.NaN, null, undefined])
    assert.throws(
      () => space.sample(new Rng(1), n as never),
      (e: Error) =>
        e instanceof UserError && e.message.startsWith("nb201 sample needs a count, an integer ≥ 0, got "),
      String(n),
    );
  assert.throws(
    () => space.sample(new Rng(1), "10" as never),
    (e: Error) => e.message === 'nb201 sample needs a count, an integer ≥ 0, got "10"',
  );
  assert.equal(space.sample(new Rng(1), 10).length, 10);
  assert.throws(
    () => space.sample(new Rng(1), 15_626),
    /cannot draw 15626 distinct cells from a space of 15625/,
  );
});

test('encode refuses what is no array of ids: encode(5) gave an empty encoding, encode("12") read ids from its letters', () => {
  for (const ids of [5, "12", null, undefined, { length: 2 }])
    assert.throws(
      () => space.encode(ids as never),
      (e: Error) =>
        e instanceof UserError && e.message.startsWith("nb201 encode needs an array of cell ids, got "),
      String(ids),
    );
  assert.equal(space.encode([0, 1]).length, 2 * space.encode([0]).length);
  assert.equal(space.encode(Int32Array.of(3)).length, space.encode([3]).length);
});
