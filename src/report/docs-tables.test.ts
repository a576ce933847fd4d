import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { BadFileError, UserError } from "../errors.js";
import {
  BUDGET_FIGURE,
  budgetFigureSpec,
  DOCS_TABLES,
  Measured,
  pairedDifference,
  RESULTS_FOLDER,
  renderDocsTables,
  SIMULATE_FOLDER,
  tauCell,
  writeDocsTables,
} from "./docs-tables.js";
import { type Measurement, readMeasurements } from "./measured-results.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The checkout: this file is dist/src/report/docs-tables.test.js. */
const repo = join(here, "..", "..", "..");
const script = join(repo, "dist", "scripts", "docs-tables.js");
const scratch = mkdtempSync(join(tmpdir(), "nas-assay-docs-tables-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

let copies = 0;
/** A copy of the checkout's results folder and the Markdown files the tables go into. */
function copyOfRepo(): string {
  const root = join(scratch, `copy-${copies++}`);
  cpSync(join(repo, RESULTS_FOLDER), join(root, RESULTS_FOLDER), { recursive: true });
  // the reported simulate runs only, not the development runs in its subfolders
  mkdirSync(join(root, SIMULATE_FOLDER), { recursive: true });
  for (const file of readdirSync(join(repo, SIMULATE_FOLDER)).filter((f) => f.endsWith(".json")))
    cpSync(join(repo, SIMULATE_FOLDER, file), join(root, SIMULATE_FOLDER, file));
  for (const { file } of DOCS_TABLES) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(repo, file), join(root, file));
  }
  return root;
}

/** The cells of the table row starting with `name` in the Markdown `text` (first such row). */
function row(text: string, name: string): string[] {
  const line = text.split("\n").find((l) => l.startsWith(`| ${name}`));
  assert.ok(line, `no row "${name}"`);
  return line
    .split("|")
    .slice(1, -1)
    .map((cell) => cell.trim());
}

test("the committed README.md, docs/transformer.md and docs/own-space.md tables are what the committed results files give, byte for byte", () => {
  const rendered = renderDocsTables(repo);
  assert.deepEqual([...rendered.keys()], ["README.md", "docs/transformer.md", "docs/own-space.md"]);
  for (const [file, text] of rendered)
    assert.equal(
      text,
      readFileSync(join(repo, file), "utf8"),
      `${file} differs from its results files: run \`npm run docs-tables\` and commit what it writes`,
    );
});

test("docs/own-space.md's reported simulate tables follow their run files; a damaged one is named", () => {
  const root = copyOfRepo();
  const file = join(root, SIMULATE_FOLDER, "nb201-cifar100.json");
  const run = JSON.parse(readFileSync(file, "utf8"));
  const before = renderDocsTables(root).get("docs/own-space.md") as string;
  const rowAt50 = (text: string) =>
    text.split("\n").find((l) => l.startsWith("| nb201, cifar100 | 50 |")) ?? "no row";
  assert.match(rowAt50(before), /^\| nb201, cifar100 \| 50 \| \d+\.\d\d ± \d\.\d\d \(\d+(\.5)?\) \|/);
  run.strategies.ask.at["50"] = { mean: 12.3456, std: 0.5, medianRank: 77 };
  writeFileSync(file, JSON.stringify(run));
  assert.match(
    rowAt50(renderDocsTables(root).get("docs/own-space.md") as string),
    /^\| nb201, cifar100 \| 50 \| 12\.35 ± 0\.50 \(77\) \|/,
  );
  delete run.strategies.random;
  writeFileSync(file, JSON.stringify(run));
  assert.throws(
    () => renderDocsTables(root),
    (e: unknown) =>
      e instanceof BadFileError && e.path === file && /has no "random" checkpoints/.test(e.message),
  );
  writeFileSync(file, "{");
  assert.throws(
    () => renderDocsTables(root),
    (e: unknown) =>
      e instanceof BadFileError && e.path === file && /not a readable simulate run file/.test(e.message),
  );
});

test("a results file that is missing leaves its cell '–', not a number", () => {
  const root = copyOfRepo();
  const before = renderDocsTables(root).get("README.md") as string;
  // (a row per space and budget; columns: space, labels, transformer-ensemble, transformer, …)
  const cells = row(before, "NB101 | 4,236 |");
  assert.match(cells[2], /^0\.\d{3} ± 0\.\d{3} \(\d+\)$/); // the ensemble at 4,236 labels: one file only
  unlinkSync(join(root, RESULTS_FOLDER, "nb101-transformer-ensemble-4236.json"));
  const after = renderDocsTables(root).get("README.md") as string;
  assert.equal(row(after, "NB101 | 4,236 |")[2], "–");
  assert.deepEqual(
    row(after, "NB101 | 4,236 |").slice(3),
    cells.slice(3),
    "the other predictors' cells stay",
  );
  assert.deepEqual(row(after, "NB101 | 1,000 |"), row(before, "NB101 | 1,000 |"));
  // nor a point in the figure
  const points = (spec: ReturnType<typeof budgetFigureSpec>) =>
    (spec.data as { values: { method?: string; labels: number }[] }).values.filter(
      (p) => p.method === "transformer-ensemble" && p.labels === 4236,
    );
  assert.equal(
    points(budgetFigureSpec(new Measured(readMeasurements(join(repo, RESULTS_FOLDER))))).length,
    1,
  );
  assert.equal(
    points(budgetFigureSpec(new Measured(readMeasurements(join(root, RESULTS_FOLDER))))).length,
    0,
  );
});

test("writeDocsTables rewrites the Markdown files in place and draws the figure, then has nothing to change", async () => {
  const root = copyOfRepo();
  unlinkSync(join(root, RESULTS_FOLDER, "nb101-transformer-ensemble-4236.json"));
  const expected = renderDocsTables(root).get("README.md");
  assert.deepEqual(await writeDocsTables(root), ["README.md", "docs/transformer.md", BUDGET_FIGURE]);
  assert.equal(readFileSync(join(root, "README.md"), "utf8"), expected);
  assert.deepEqual([...readFileSync(join(root, BUDGET_FIGURE)).subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  assert.deepEqual(await writeDocsTables(root), []);
});

test("a figure scored on a sample of the test cells is marked from the file's own testCells", () => {
  const root = copyOfRepo();
  // without the all-cells evaluate file, the 1,000-label cell comes from the ablation's 20,000-cell sample
  rmSync(join(root, RESULTS_FOLDER, "nb101-transformer-ensemble-1000.json"), { force: true });
  const file = join(root, RESULTS_FOLDER, "abl-ensemble-nb101-1000.txt");
  const lines = readFileSync(file, "utf8").trimEnd().split("\n");
  const summary = JSON.parse(lines[lines.length - 1]);
  assert.equal(typeof summary.testCells, "number");
  const marked = row(renderDocsTables(root).get("README.md") as string, "NB101 | 1,000 |")[2];
  assert.match(marked, /†$/);
  lines[lines.length - 1] = JSON.stringify({ ...summary, testCells: "all remaining" });
  writeFileSync(file, `${lines.join("\n")}\n`);
  const text = renderDocsTables(root).get("README.md") as string;
  assert.equal(row(text, "NB101 | 1,000 |")[2], marked.slice(0, -1));
  assert.doesNotMatch(text, /† NB101 at 1,000 labels/);
});

test("seeds are paired only between measurements on the same test cells", () => {
  const m = (test: Measurement["test"], ktaus: number[]): Measurement => ({
    file: "x",
    source: "ablation",
    space: "nb101",
    labels: 100,
    test,
    runs: ktaus.map((ktau, seed) => ({ seed, ktau })),
  });
  const paired = pairedDifference(m("all", [0.5, 0.6, 0.7]), m("all", [0.6, 0.6, 0.9]));
  assert.equal(paired?.wins, 2);
  assert.equal(paired?.seeds, 3);
  assert.ok(Math.abs((paired?.difference.mean ?? 0) - 0.1) < 1e-12);
  assert.equal(pairedDifference(m("all", [0.5]), m(20000, [0.6])), undefined);
  assert.equal(pairedDifference(m("unstated", [0.5]), { ...m("unstated", [0.6]), file: "y" }), undefined);
  assert.equal(pairedDifference(m("unstated", [0.5]), m("unstated", [0.6]))?.wins, 1); // one file's variants
  assert.equal(tauCell(m(20000, [0.5, 0.7])), "0.6000 ± 0.1414 (2)†");
  assert.equal(tauCell(undefined), "–");
  // nor is an evaluate file of another label
  assert.equal(
    new Measured([{ ...m("all", [0.5]), method: "mlp", target: "validation_accuracy" }]).find(
      "nb101",
      "mlp",
      100,
    ),
    undefined,
  );
  assert.ok(
    new Measured([{ ...m("all", [0.5]), method: "mlp", target: "test_accuracy_run0" }]).find(
      "nb101",
      "mlp",
      100,
    ),
  );
  // a file that does not say which cells it scored is never picked for a table by itself
  assert.equal(
    new Measured([{ ...m("unstated", [0.5]), method: "mlp" }]).find("nb101", "mlp", 100),
    undefined,
  );
});

test("a damaged results file stops the tables with one line naming the file and what is wrong", () => {
  const root = copyOfRepo();
  const json = join(root, RESULTS_FOLDER, "nb101-mlp-424.json");
  writeFileSync(json, readFileSync(json, "utf8").slice(0, 200));
  assert.throws(
    () => renderDocsTables(root),
    (e: unknown) =>
      e instanceof BadFileError && e.path === json && /not JSON/.test(e.message) && !e.message.includes("\n"),
  );
  const readme = readFileSync(join(root, "README.md"), "utf8");
  assert.equal(readme, readFileSync(join(repo, "README.md"), "utf8"), "nothing written");

  const run = spawnSync(process.execPath, [script, root], { encoding: "utf8" });
  assert.equal(run.status, 1);
  assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
  assert.match(run.stderr, /^docs-tables: .*nb101-mlp-424\.json: not JSON/);
});

test("a run cut short (no summary line), a bad field, a missing folder or markers: one clear error each", () => {
  const root = copyOfRepo();
  const abl = join(root, RESULTS_FOLDER, "abl-ensemble-nb201-78.txt");
  const lines = readFileSync(abl, "utf8").trimEnd().split("\n");
  writeFileSync(abl, `${lines.slice(0, -1).join("\n")}\n`);
  assert.throws(
    () => renderDocsTables(root),
    /abl-ensemble-nb201-78\.txt: the last line \(10\) is not the summary line/,
  );
  writeFileSync(abl, `${lines.join("\n")}\n`);

  const json = join(root, RESULTS_FOLDER, "nb201-mlp-78.json");
  const data = JSON.parse(readFileSync(json, "utf8"));
  data.runs[1].ktau = "0.6";
  writeFileSync(json, JSON.stringify(data));
  assert.throws(
    () => renderDocsTables(root),
    /nb201-mlp-78\.json: runs\[1\]: field "ktau" is "0\.6"; expected a Kendall tau/,
  );
  data.runs[1].ktau = 0.6;
  writeFileSync(json, JSON.stringify(data));

  const md = join(root, "docs", "transformer.md");
  writeFileSync(md, readFileSync(md, "utf8").replace("<!-- transformer-protocol:end -->", ""));
  assert.throws(
    () => renderDocsTables(root),
    (e: unknown) => e instanceof BadFileError && /transformer-protocol:begin/.test(e.message),
  );
  rmSync(join(root, RESULTS_FOLDER), { recursive: true });
  assert.throws(
    () => renderDocsTables(root),
    (e: unknown) => e instanceof UserError && /cannot read the results folder/.test(e.message),
  );
});
