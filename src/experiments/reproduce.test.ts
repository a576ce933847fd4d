import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import type { EvaluationSpec, SeedResult } from "../eval/evaluate.js";
import { writeReportFromFiles } from "../report/from-files.js";
import { testData } from "../testing/fixtures.js";
import { EXPERIMENTS, experimentRuns, runKey } from "./experiments.js";
import { reproduce, runCountsLine } from "./reproduce.js";
import { type ResultsFile, settingsOf } from "./results-file.js";

const root = mkdtempSync(join(tmpdir(), "nas-assay-reproduce-"));
after(() => rmSync(root, { recursive: true, force: true }));

/** A stand-in for training: numbers that depend on the run, and a record of which runs were made. */
function fakeEvaluation(calls: string[], failAt = Number.POSITIVE_INFINITY) {
  return async (spec: EvaluationSpec, seed: number): Promise<SeedResult> => {
    calls.push(`${spec.method}/${spec.labels}/${seed}`);
    if (calls.length >= failAt) throw new Error("interrupted");
    const base = 0.5 + Math.log10(spec.labels) / 20 + (spec.method === "ssa" ? 0.05 : 0) + seed / 1000;
    const n = spec.sample ?? 0;
    return {
      seed,
      ktau: base,
      spearman: base + 0.1,
      pearson: base - 0.1,
      mse: 0.004,
      precisionAt100: 0.1,
      predictedBestTruth: 0.93,
      fitSeconds: 1,
      predictSeconds: 0.5,
      ...(n
        ? {
            sample: {
              predicted: Array.from({ length: n }, (_, i) => i + seed),
              actual: Array.from({ length: n }, (_, i) => n - i),
            },
          }
        : {}),
    };
  };
}

test("each experiment writes NAME.json, NAME.md and its SVG figures", async () => {
  const data = testData();
  for (const name of EXPERIMENTS) {
    const out = join(root, "all");
    const calls: string[] = [];
    const summary = await reproduce(name, {
      space: "nb201",
      data,
      out,
      quick: true,
      seeds: [0, 1],
      evaluateRun: fakeEvaluation(calls),
    });
    const planned = experimentRuns(name, { space: "nb201", seeds: [0, 1], quick: true });
    assert.equal(calls.length + summary.borrowed, new Set(planned.map(runKey)).size, name);
    const file = JSON.parse(readFileSync(join(out, `${name}.json`), "utf8")) as ResultsFile;
    assert.equal(Object.keys(file.runs).length, calls.length + summary.borrowed);
    const md = readFileSync(join(out, `${name}.md`), "utf8");
    assert.match(md, /± /, `${name}.md has mean ± std`);
    const svgs = summary.files.filter((f) => f.endsWith(".svg"));
    assert.ok(svgs.length >= 1, name);
    for (const svg of svgs) {
      const text = readFileSync(svg, "utf8");
      assert.match(text, /^<svg/);
      assert.match(text, /<path|<circle|<line/, `${svg} draws something`);
      assert.ok(md.includes(svg.split("/").pop() as string), `${name}.md shows ${svg}`);
    }
    const html = readFileSync(join(out, `${name}.html`), "utf8");
    assert.ok(summary.files.includes(join(out, `${name}.html`)));
    assert.equal(html.match(/<svg/g)?.length, svgs.length, `${name}.html inlines every figure`);
    assert.match(html, /<table>/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/, `${name}.html loads nothing`);
    assert.deepEqual(file.settings, { space: "nb201", seeds: [0, 1], quick: true });
    // older files: derived from the runs (fig2 runs the first seed only; --quick changes no run of fig2, fig5)
    assert.deepEqual(settingsOf({ ...file, settings: undefined }), {
      space: "nb201",
      seeds: name === "fig2" ? [0] : [0, 1],
      quick: name !== "fig2" && name !== "fig5",
    });
  }
});

test("Table 1 on NAS-Bench-101 prints the paper's numbers beside ours", async () => {
  const out = join(root, "t1");
  await reproduce("table1", {
    space: "nb101",
    data: testData(),
    out,
    quick: true,
    evaluateRun: fakeEvaluation([]),
  });
  const md = readFileSync(join(out, "table1.md"), "utf8");
  assert.match(
    md,
    /\| 1000 \| Kendall tau \| .* \(0\.4373 ± 0\.0112\) \| .* \(0\.5705 ± 0\.0082\) \| .* \(0\.6541 ± 0\.0078\) \|/,
  );
});

test("over one seed the tables print each run's value, not mean ± 0.0000 (the paper's spread is kept)", async () => {
  const out = join(root, "one-seed");
  await reproduce("table1", {
    space: "nb101",
    data: testData(),
    out,
    quick: true,
    seeds: [3],
    evaluateRun: fakeEvaluation([]),
  });
  const md = readFileSync(join(out, "table1.md"), "utf8");
  // before: "| 1000 | Kendall tau | 0.6503 ± 0.0000 (0.4373 ± 0.0112) | …", no spread read as a certainty
  assert.match(md, /\| 1000 \| Kendall tau \| 0\.\d{4} \(0\.4373 ± 0\.0112\) \|/);
  assert.doesNotMatch(md, /± 0\.0000/);
  assert.match(md, /One seed: each value is its run's/);
  assert.doesNotMatch(md, /Mean ± sample std over seeds/);
});

test("report --readme writes the experiments' tables between the markers of docs/results.md, and their figures as PNG", async () => {
  const out = join(root, "readme");
  for (const name of ["table1", "budget"] as const)
    await reproduce(name, {
      space: "nb201",
      data: testData(),
      out,
      quick: true,
      evaluateRun: fakeEvaluation([]),
    });
  mkdirSync(join(root, "docs"), { recursive: true });
  const readme = join(root, "docs", "results.md");
  writeFileSync(
    readme,
    "# x\n\nbefore\n<!-- nas-assay-results:begin -->\nold\n<!-- nas-assay-results:end -->\nafter\n",
  );
  await writeReportFromFiles([out], join(root, "readme.html"), { file: readme });
  const tablesOnly = readFileSync(readme, "utf8");
  assert.match(tablesOnly, /^# x\n\nbefore\n<!-- nas-assay-results:begin -->\n## Table 1/);
  assert.match(tablesOnly, /\n## Label budgets/);
  assert.match(tablesOnly, /<!-- nas-assay-results:end -->\nafter\n$/);
  assert.doesNotMatch(tablesOnly, /old|!\[/);
  await writeReportFromFiles([out], join(root, "readme.html"), {
    file: readme,
    figures: join(root, "docs", "results"),
  });
  const withFigures = readFileSync(readme, "utf8");
  const links = [...withFigures.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(links, ["results/table1.png", "results/budget.png"], "relative to docs/results.md");
  for (const link of links)
    assert.deepEqual(
      [...readFileSync(join(root, "docs", link)).subarray(1, 4)],
      [...Buffer.from("PNG")],
      link,
    );
  assert.equal(withFigures.replace(/\n*!\[.*\]\(.*\)\n/g, "\n"), tablesOnly);
  writeFileSync(readme, "no markers\n");
  await assert.rejects(writeReportFromFiles([out], join(root, "readme.html"), { file: readme }), UserError);
  assert.equal(readFileSync(readme, "utf8"), "no markers\n", "left as it was");
  assert.ok(existsSync(join(root, "readme.html")));
});

test("an interrupted experiment resumes without redoing finished runs", async () => {
  const data = testData();
  const out = join(root, "resume");
  const options = { space: "nb201" as const, data, out, quick: true, seeds: [0, 1, 2] };
  const first: string[] = [];
  await assert.rejects(
    reproduce("table4", { ...options, evaluateRun: fakeEvaluation(first, 3) }),
    /interrupted/,
  );
  const saved = JSON.parse(readFileSync(join(out, "table4.json"), "utf8")) as ResultsFile;
  assert.equal(Object.keys(saved.runs).length, 2, "the two finished runs are saved");
  // read before the resume, the file's tables say they are incomplete: not the finished experiment's
  const page = join(root, "resume-report.html");
  await writeReportFromFiles([out], page);
  const partial = readFileSync(page, "utf8");
  assert.match(partial, /2 of 6 planned runs: 4 not run yet \(the experiment was interrupted/);
  assert.match(partial, /these tables are incomplete/);
  const second: string[] = [];
  const summary = await reproduce("table4", { ...options, evaluateRun: fakeEvaluation(second) });
  assert.equal(second.length, 4, "only the 4 missing runs of 6");
  assert.ok(!second.some((call) => first.slice(0, 2).includes(call)));
  assert.equal(summary.ranNow, 4);
  assert.equal(summary.unverifiedRuns, undefined, "the file records its labels' fingerprint");
  assert.doesNotMatch(readFileSync(join(out, "table4.md"), "utf8"), /planned runs|incomplete/);
  assert.match(readFileSync(join(out, "table4.md"), "utf8"), /\. 6 runs, /);
  // a file from before fingerprints were kept: its runs are taken, and the summary says how many
  const path = join(out, "table4.json");
  const { labels, ...legacy } = JSON.parse(readFileSync(path, "utf8")) as ResultsFile;
  assert.match(labels ?? "", /^[0-9a-f]{16}$/);
  writeFileSync(path, JSON.stringify(legacy));
  const third: string[] = [];
  const adopted = await reproduce("table4", { ...options, evaluateRun: fakeEvaluation(third) });
  assert.equal(third.length, 0, "nothing left to run");
  assert.equal(adopted.unverifiedRuns, 6);
  assert.equal(
    (JSON.parse(readFileSync(path, "utf8")) as ResultsFile).labels,
    labels,
    "and now it records them",
  );
  // more seeds later: only the new seed's runs
  const fourth: string[] = [];
  await reproduce("table4", { ...options, seeds: [0, 1, 2, 3], evaluateRun: fakeEvaluation(fourth) });
  assert.deepEqual(fourth.sort(), ["ssa-noae/100/3", "ssa/100/3"]);
});

test("a run that fails before anything is saved (Redis out of reach) leaves no --out folder it made; one that existed stays", async () => {
  const data = testData();
  const options = { space: "nb201" as const, data, quick: true, seeds: [0] };
  const down = async () => {
    throw new UserError("cannot reach Redis");
  };
  const out = join(root, "never-reached");
  await assert.rejects(reproduce("table4", { ...options, out, elsewhere: down }), /cannot reach Redis/);
  assert.equal(existsSync(out), false);
  const existing = join(root, "existing");
  mkdirSync(existing);
  await assert.rejects(
    reproduce("table4", { ...options, out: existing, elsewhere: down }),
    /cannot reach Redis/,
  );
  assert.equal(existsSync(existing), true);
  // a run that failed after saving others keeps the folder and what it holds
  const partly = join(root, "partly");
  await assert.rejects(
    reproduce("table4", { ...options, out: partly, evaluateRun: fakeEvaluation([], 2) }),
    /interrupted/,
  );
  assert.equal(existsSync(join(partly, "table4.json")), true);
});

test("runs another experiment in the same folder has made are taken, not redone", async () => {
  const data = testData();
  const out = join(root, "shared");
  const options = { space: "nb201" as const, data, out, quick: true, seeds: [0, 1] };
  const table1: string[] = [];
  await reproduce("table1", { ...options, evaluateRun: fakeEvaluation(table1) });
  const table4: string[] = [];
  const summary = await reproduce("table4", { ...options, evaluateRun: fakeEvaluation(table4) });
  assert.deepEqual(table4.sort(), ["ssa-noae/100/0", "ssa-noae/100/1"], "only the ablation's runs");
  assert.equal(summary.borrowed, 2, "the assessor's two runs come from table1.json");
  const file = JSON.parse(readFileSync(join(out, "table4.json"), "utf8")) as ResultsFile;
  const ssa = resultsOfMethod(file, "ssa");
  const fromTable1 = resultsOfMethod(
    JSON.parse(readFileSync(join(out, "table1.json"), "utf8")) as ResultsFile,
    "ssa",
  );
  assert.deepEqual(ssa, fromTable1);
  // another space's results in the folder are not taken
  const other = join(root, "shared-other");
  await reproduce("table1", { ...options, out: other, evaluateRun: fakeEvaluation([]) });
  const nb101: string[] = [];
  await reproduce("table4", { ...options, space: "nb101", out: other, evaluateRun: fakeEvaluation(nb101) });
  assert.ok(nb101.some((call) => call.startsWith("ssa/")));
});

test("the summary line names a source of runs only when it gave some (break I: '0 taken from other experiments' results here')", async () => {
  const data = testData();
  const options = { space: "nb201" as const, data, quick: true, seeds: [0, 1] };
  const out = join(root, "counts");
  const alone = await reproduce("table1", { ...options, out, evaluateRun: fakeEvaluation([]) });
  assert.match(
    runCountsLine(alone),
    /^table1: \d+ runs \(\d+ run now, the rest from earlier\), \d+ s of wall time in runs \(summed over the processes that ran or waited for them\)$/,
  );
  const table4 = await reproduce("table4", { ...options, out, evaluateRun: fakeEvaluation([]) });
  assert.match(
    runCountsLine(table4),
    /^table4: 4 runs \(2 run now, 2 taken from other experiments' results here, the rest from earlier\), /,
  );
  assert.match(
    runCountsLine({ ...table4, borrowed: 0, finishedEarlier: 3 }),
    /\(2 run now, 3 taken from the queue's jobs finished before this command, the rest from earlier\)/,
  );
});

function resultsOfMethod(file: ResultsFile, method: string): number[] {
  return Object.values(file.runs)
    .filter((r) => r.run.method === method)
    .map((r) => r.result.ktau)
    .sort();
}

test("results of another space, or a damaged results file, are clear errors", async () => {
  const data = testData();
  const out = join(root, "mixed");
  await reproduce("fig2", { space: "nb201", data, out, quick: true, evaluateRun: fakeEvaluation([]) });
  await assert.rejects(
    reproduce("fig2", { space: "nb101", data, out, quick: true, evaluateRun: fakeEvaluation([]) }),
    (e: unknown) => e instanceof UserError && /space "nb201", not "nb101"/.test((e as Error).message),
  );
  writeFileSync(join(out, "fig2.json"), '{"format": "nas-assay experiment", "vers');
  await assert.rejects(
    reproduce("fig2", { space: "nb201", data, out, quick: true, evaluateRun: fakeEvaluation([]) }),
    BadFileError,
  );
  // jobs as every command's --jobs takes it: 0 ran one at a time without a word
  await assert.rejects(
    reproduce("fig2", {
      space: "nb201",
      data,
      out: join(root, "jobs"),
      jobs: 0,
      evaluateRun: fakeEvaluation([]),
    }),
    (e: unknown) =>
      e instanceof UserError &&
      /^reproduce: jobs must be a positive integer, got 0$/.test((e as Error).message),
  );
});
