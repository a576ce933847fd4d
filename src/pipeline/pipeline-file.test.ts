import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { PIPELINE_FORMAT, PIPELINE_VERSION, type PipelineResult } from "./paper-pipeline.js";
import {
  pipelineFieldProblem,
  readPipelineResult,
  readSideBySideResult,
  writePipelineFiles,
} from "./pipeline-file.js";
import { pipelineDocument } from "./pipeline-report.js";
import { SIDE_BY_SIDE_FORMAT, SIDE_BY_SIDE_VERSION } from "./side-by-side.js";
import { sideBySideDocument } from "./side-by-side-report.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-pipeline-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The fields pipelineFieldProblem reads, as a run of NAS-Bench-201 writes them. */
function result(): PipelineResult {
  const ops = ["nor_conv_3x3", "skip_connect", "none", "avg_pool_3x3", "nor_conv_1x1", "none"];
  const cell = (id: number, rank: number) => ({
    id,
    truth: 91.2,
    rank,
    rankPercent: 0.1,
    predicted: 0.9,
    cell: { id, ops },
  });
  return {
    format: PIPELINE_FORMAT,
    version: PIPELINE_VERSION,
    settings: {
      space: "nb201",
      target: "cifar10-valid/test",
      method: "mlp",
      labels: 100,
      top: 10,
      seed: 0,
      neighbourhood: { weight: 1, draws: 150, candidates: 500 },
      evolution: { population: 100, tournament: 10, evaluations: 5000, batch: 50, crossover: 0 },
      options: {},
      sample: 5000,
      data: "/data",
    },
    environment: { node: "v20", cpus: 2, startedAt: "2026-12-02T03:00:00.000Z" },
    seconds: { load: 1, fit: 1, predict: 1, search: 1, total: 4 },
    spaceSize: 15625,
    testCells: 15525,
    scores: {
      ktau: 0.61,
      spearman: 0.8,
      pearson: 0.5,
      mse: 0.01,
      precisionAt100: null,
      predictedBestTruth: 90,
    },
    sample: { predicted: [0.1, 0.2], actual: [0.2, 0.1] },
    search: {
      evaluations: 500,
      best: cell(3, 12),
      top: [cell(3, 12), cell(4, 40)],
      exhaustive: cell(5, 8),
      bestLabeled: cell(6, 30),
      bestInSpace: cell(7, 1),
      curve: [
        { evaluations: 50, top: 0.9, seen: 0.91 },
        { evaluations: 100, top: null, seen: 0.91 },
      ],
    },
  } as unknown as PipelineResult;
}

test("a pipeline result's fields are checked: values no run writes are named with what was expected", () => {
  assert.equal(
    pipelineFieldProblem(result()),
    undefined,
    "a run's fields pass (precision@100 null included)",
  );
  const edited = (edit: (r: PipelineResult & Record<string, never>) => void) => {
    const r = result() as PipelineResult & Record<string, never>;
    edit(r);
    return pipelineFieldProblem(r);
  };
  // one field edited at a time, and the message that names it
  const cases: [(r: PipelineResult & Record<string, never>) => void, string][] = [
    [
      (r) => {
        r.scores.ktau = 5;
      },
      "scores.ktau is 5; expected a correlation in [-1, 1] (or null where it is undefined)",
    ],
    [
      (r) => {
        (r.settings as { space: string }).space = "nb999";
      },
      'settings.space is "nb999"; expected one of nb101, nb201',
    ],
    [
      (r) => {
        (r.search.best as { truth: unknown }).truth = "abc";
      },
      'search.best.truth is "abc"; expected a number',
    ],
    [
      (r) => {
        r.search.top = [];
      },
      "search.top is a list of 0; expected a list of 1 to 10 cells (settings.top)",
    ],
    [
      (r) => {
        r.sample.actual = [1, 2, 3];
      },
      "sample.actual is a list of 3; expected a list of 2 numbers (one per predicted)",
    ],
    [
      (r) => {
        (r.scores as { predictedBestTruth: unknown }).predictedBestTruth = "abc";
      },
      'scores.predictedBestTruth is "abc"; expected a number (or null)',
    ],
    [
      (r) => {
        (r.search.curve[0] as { evaluations: unknown }).evaluations = "x";
      },
      'search.curve.0.evaluations is "x"; expected an integer ≥ 0',
    ],
    [
      (r) => {
        r.settings.labels = 99999;
      },
      "settings.labels is 99999; expected at most 15624 (the space less a test cell)",
    ],
    [
      (r) => {
        r.search.best.rankPercent = 500;
      },
      "search.best.rankPercent is 500; expected a percent in (0, 100]",
    ],
    [
      (r) => {
        delete (r as { environment?: unknown }).environment;
      },
      "environment.startedAt is undefined; expected the time the run started",
    ],
    [
      (r) => {
        r.search.bestInSpace.rank = 20000;
      },
      "search.bestInSpace.rank is 20000; expected a rank in 1..15625",
    ],
    // the settings table: "population undefined", or "Cannot read properties of undefined"
    [
      (r) => {
        delete (r.settings as { evolution?: unknown }).evolution;
      },
      "settings.evolution.evaluations is undefined; expected an integer ≥ 1",
    ],
    [
      (r) => {
        (r.settings.evolution as { population: unknown }).population = null;
      },
      "settings.evolution.population is null; expected an integer ≥ 1",
    ],
    [
      (r) => {
        (r.settings as { options: unknown }).options = null;
      },
      "settings.options is null; expected an object of the predictor's options (maybe {})",
    ],
    [
      (r) => {
        (r.settings as { data?: unknown }).data = undefined;
      },
      "settings.data is undefined; expected the data directory's path",
    ],
    // the cells drawn on the page: their drawing failed with "internal error: TypeError" and a stack
    [
      (r) => {
        (r.search.best.cell.ops as unknown[])[5] = null;
      },
      "search.best.cell.ops.5 is null; expected an op name",
    ],
    [
      (r) => {
        r.search.best.cell.ops = ["none"];
      },
      "search.best.cell.ops is a list of 1; expected a list of 6 op names, one per edge",
    ],
    [
      (r) => {
        delete (r.search.top[1] as { cell?: unknown }).cell;
      },
      "search.top.1.cell is undefined; expected the cell's architecture { ops, … }",
    ],
    [
      (r) => {
        (r.search.best.cell as { hash?: unknown }).hash = 5;
      },
      "search.best.cell.hash is 5; expected the cell's hash (a text)",
    ],
    [
      (r) => {
        (r.settings as { space: string }).space = "nb101";
        r.search.exhaustive.cell.matrix = [[0, 1, 1, 0, 0, 1], [1], [], [], [], []];
      },
      "search.exhaustive.cell.matrix is [[0,1,1,0,0,1],[1],[],[],[],[]]; expected a 6×6 upper-triangular matrix of 0 and 1 (one row per op)",
    ],
  ];
  for (const [edit, message] of cases) assert.equal(edited(edit), message);
});

test("readPipelineResult refuses an edited file in one line naming the file and the field", () => {
  const path = join(dir, "kt5.json");
  const r = result();
  r.scores.ktau = 5;
  writeFileSync(path, JSON.stringify(r));
  assert.throws(
    () => readPipelineResult(path),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message ===
        `${path}: scores.ktau is 5; expected a correlation in [-1, 1] (or null where it is undefined) (a results file edited by hand or damaged?)`,
  );
});

test("readSideBySideResult refuses edited wall seconds or jobs in one line naming the field", () => {
  const path = join(dir, "side.json");
  const side = { format: SIDE_BY_SIDE_FORMAT, version: SIDE_BY_SIDE_VERSION, seconds: 8.2, jobs: 2 };
  writeFileSync(path, JSON.stringify({ ...side, paper: result(), ours: result() }));
  assert.equal(readSideBySideResult(path).seconds, 8.2);
  // a report of these failed with "Cannot read properties of null (reading 'toFixed')"
  for (const [edit, message] of [
    [{ seconds: null }, "seconds is null; expected the run's wall seconds, a number ≥ 0"],
    [{ seconds: "8" }, `seconds is "8"; expected the run's wall seconds, a number ≥ 0`],
    [{ jobs: 3 }, "jobs is 3; expected 1 or 2, the columns run at once"],
  ] as const) {
    writeFileSync(path, JSON.stringify({ ...side, ...edit, paper: result(), ours: result() }));
    assert.throws(
      () => readSideBySideResult(path),
      (e: Error) =>
        e instanceof BadFileError && e.message.startsWith(`${path}: ${message} (a results file edited`),
      JSON.stringify(edit),
    );
  }
});

test("writePipelineFiles, pipelineDocument and sideBySideDocument refuse what is no run's result in one line (was a TypeError)", async () => {
  const html = join(dir, "wrong.html");
  for (const wrong of [{}, null, 5, "run.json"]) {
    await assert.rejects(
      writePipelineFiles(wrong as never, html),
      (e: Error) =>
        e instanceof UserError &&
        e.message.startsWith(
          "writePipelineFiles needs the result of runPaperPipeline or runSideBySide, got ",
        ),
      String(wrong),
    );
    assert.throws(
      () => pipelineDocument(wrong as never),
      (e: Error) =>
        e instanceof UserError &&
        e.message.startsWith("pipelineDocument needs the result of runPaperPipeline"),
    );
    assert.throws(
      () => sideBySideDocument(wrong as never),
      (e: Error) =>
        e instanceof UserError &&
        e.message.startsWith("sideBySideDocument needs the result of runSideBySide"),
    );
  }
  assert.equal(existsSync(html), false);
  // a column that is no pipeline result is named
  const side = { format: SIDE_BY_SIDE_FORMAT, version: SIDE_BY_SIDE_VERSION, seconds: 8.2, jobs: 2 };
  assert.throws(
    () => sideBySideDocument({ ...side, paper: result(), ours: {} } as never),
    (e: Error) =>
      e instanceof UserError &&
      e.message.startsWith("sideBySideDocument's ours column needs the result of runPaperPipeline"),
  );
  assert.equal(typeof pipelineDocument(result()).title, "string");
});
