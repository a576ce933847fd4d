/**
 * The project's tables of measured Kendall tau (README.md's budget table and its figure,
 * docs/transformer.md's protocol, ensemble, ablation and free-input tables) written from the saved
 * results files in docs/results/transformer/, and docs/own-space.md's reported `simulate` tables from
 * docs/results/simulate/, so that no figure in them is typed by hand: `npm run docs-tables` rewrites what lies between each
 * `<!-- NAME:begin -->` / `<!-- NAME:end -->` pair. Every cell is mean ± sample std over the seeds of
 * one file, with the number of seeds; a cell without a file is "–"; a figure measured on a sample of
 * the test cells (the file's own `testCells`) is marked and footnoted. Paired differences pair seeds
 * of two measurements on the same test cells (same space, label count and test protocol).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic-file.js";
import { BadFileError, UserError } from "../errors.js";
import { meanStd, type Summary } from "../eval/evaluate.js";
import { type PlotSpec, renderSvg, svgToPng } from "../experiments/plots.js";
import { type Block, table } from "./document.js";
import { blocksToMarkdown, spliceBetweenMarkers } from "./markdown.js";
import { type Measurement, readMeasurements } from "./measured-results.js";
import { readSimulateRun, simulateTable } from "./simulate-tables.js";

/** Where the results files are, relative to the repository root. */
export const RESULTS_FOLDER = "docs/results/transformer";

/** The label budgets of the issue's protocol (NAS-Bench-201: 0.5, 1, 3, 5, 10 % of its cells). */
export const BUDGETS: Record<string, number[]> = {
  nb101: [100, 424, 1000, 4236],
  nb201: [78, 156, 469, 781, 1563],
};

/** Issue 21's goals (Kendall tau) by space and label count: targets to compare with, not results. */
export const GOALS: Record<string, Record<number, number>> = {
  nb101: { 100: 0.66, 424: 0.77, 1000: 0.8, 4236: 0.84 },
  nb201: { 78: 0.62, 156: 0.7, 469: 0.78, 781: 0.82, 1563: 0.86 },
};

/**
 * The label of the issue's protocol per space: an `evaluate` file of another target is never shown
 * (the ablation files do not record theirs; they were run on these).
 */
export const PROTOCOL_TARGETS: Record<string, string> = {
  nb101: "test_accuracy_run0",
  nb201: "cifar10-valid/test",
};

const SPACE_NAMES: Record<string, string> = { nb101: "NAS-Bench-101", nb201: "NAS-Bench-201" };
const SHORT_SPACE: Record<string, string> = { nb101: "NB101", nb201: "NB201" };

/** The measurements of a results folder, with the lookups the tables make. */
export class Measured {
  constructor(readonly all: Measurement[]) {}

  /**
   * The measurement of `method` at `labels` on `space`: the issue's protocol (all test cells) before a
   * sample, an `evaluate` file before an ablation, then by file name (`evaluate` files of another
   * target than `PROTOCOL_TARGETS` never); `test` restricts the protocol,
   * `file` the file. A file that does not say which cells it tested is taken only when `file` names
   * it. Undefined when none has a run.
   */
  find(
    space: string,
    method: string,
    labels: number,
    where: { test?: Measurement["test"]; file?: string } = {},
  ): Measurement | undefined {
    const rank = (m: Measurement) => (m.test === "all" ? 0 : 2) + (m.source === "evaluate" ? 0 : 1);
    return this.all
      .filter(
        (m) =>
          m.space === space &&
          m.method === method &&
          m.labels === labels &&
          m.runs.length > 0 &&
          (m.target === undefined || m.target === PROTOCOL_TARGETS[space]) &&
          (m.test !== "unstated" || where.file !== undefined) &&
          (where.test === undefined || m.test === where.test) &&
          (where.file === undefined || m.file === where.file),
      )
      .sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file))[0];
  }
}

/**
 * B − A per seed over the seeds both have, when both were scored on the same test cells: two variants
 * of one file, or two files of the same space, label count and stated test protocol.
 */
export function pairedDifference(
  a: Measurement | undefined,
  b: Measurement | undefined,
): { difference: Summary; wins: number; seeds: number } | undefined {
  if (!a || !b || a.space !== b.space || a.labels !== b.labels || a.test !== b.test) return undefined;
  if (a.test === "unstated" && a.file !== b.file) return undefined;
  const ofA = new Map(a.runs.map((r) => [r.seed, r.ktau]));
  const diffs = b.runs.filter((r) => ofA.has(r.seed)).map((r) => r.ktau - (ofA.get(r.seed) as number));
  if (diffs.length === 0) return undefined;
  return { difference: meanStd(diffs), wins: diffs.filter((d) => d > 0).length, seeds: diffs.length };
}

const DASH = "–";
const SAMPLE_MARK = "†";
/** After a figure from a file that does not record which cells were tested. */
const UNSTATED_MARK = " (test cells not recorded)";

/**
 * "0.7410 ± 0.0071 (5)": Kendall tau mean ± std over the seeds (their number), marked when not scored
 * on every test cell (unless `marked` is false: the table says so); "–" without a file.
 */
export function tauCell(m: Measurement | undefined, digits = 4, marked = true): string {
  if (!m) return DASH;
  const s = meanStd(m.runs.map((r) => r.ktau));
  const mark = !marked || m.test === "all" ? "" : m.test === "unstated" ? UNSTATED_MARK : SAMPLE_MARK;
  return `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)} (${m.runs.length})${mark}`;
}

function signed(x: number, digits = 4): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
}

function differenceCell(a: Measurement | undefined, b: Measurement | undefined, withWins = true): string {
  const p = pairedDifference(a, b);
  if (!p) return DASH;
  const text = `${signed(p.difference.mean)} ± ${p.difference.std.toFixed(4)}`;
  return withWins ? `${text} (${p.wins} of ${p.seeds})` : text;
}

function winsCell(a: Measurement | undefined, b: Measurement | undefined): string {
  const p = pairedDifference(a, b);
  return p ? `${p.wins} of ${p.seeds}` : DASH;
}

function goalCell(space: string, labels: number, m: Measurement | undefined): string {
  const goal = GOALS[space]?.[labels];
  if (goal === undefined) return DASH;
  const text = `≥ ${goal.toFixed(2)}`;
  if (!m) return text;
  const mean = meanStd(m.runs.map((r) => r.ktau)).mean;
  return mean >= goal ? `${text} (met)` : `${text} (missed by ${(goal - mean).toFixed(3)})`;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median fit / predict seconds over the seeds ("3.4 / 95"); "–" when the file has no seconds. */
function secondsCell(m: Measurement | undefined): string {
  const fit = m?.runs.flatMap((r) => (r.fitSeconds === undefined ? [] : [r.fitSeconds])) ?? [];
  const predict = m?.runs.flatMap((r) => (r.predictSeconds === undefined ? [] : [r.predictSeconds])) ?? [];
  if (fit.length === 0 || predict.length === 0) return DASH;
  const s = (x: number) => (x < 10 ? x.toFixed(1) : String(Math.round(x)));
  return `${s(median(fit))} / ${s(median(predict))}`;
}

const labelText = (n: number) => n.toLocaleString("en-US");

/** One footnote per sampled measurement shown: what was scored, from which file. */
function sampleNotes(shown: (Measurement | undefined)[]): Block[] {
  const sampled = [
    ...new Map(
      shown
        .filter((m): m is Measurement => m !== undefined && typeof m.test === "number")
        .map((m) => [m.file, m]),
    ).values(),
  ];
  if (sampled.length === 0) return [];
  return [
    {
      kind: "paragraph",
      text: sampled
        .map(
          (m) =>
            `${SAMPLE_MARK} ${SHORT_SPACE[m.space] ?? m.space} at ${labelText(m.labels)} labels: on a random ` +
            `${labelText(m.test as number)} of the test cells per seed (\`${m.file}\`, \`bench/transformer-ablation.ts\`), not all of them.`,
        )
        .join(" "),
    },
  ];
}

/** README's budget table's methods (its columns, and the figure's lines), in the order shown. */
const README_ROWS: { method: string; name: string }[] = [
  { method: "transformer-ensemble", name: "`transformer-ensemble` (default)" },
  { method: "transformer", name: "`transformer`" },
  { method: "mlp", name: "`mlp`" },
  { method: "transformer-self-training", name: "`transformer-self-training`" },
];

/** The figure beside README's budget table, relative to the repository root. */
export const BUDGET_FIGURE = "docs/results/transformer-budget.png";

/**
 * Kendall tau against the label budget, one panel per space, from the measurements README's table
 * shows (mean ± std over seeds; a square where the figure is on a sample of the test cells), with the
 * issue's goals as grey diamonds. A Vega-Lite specification for `renderSvg`.
 */
export function budgetFigureSpec(measured: Measured): PlotSpec {
  const points: Record<string, unknown>[] = [];
  const goals: Record<string, unknown>[] = [];
  for (const space of ["nb101", "nb201"]) {
    for (const n of BUDGETS[space]) {
      goals.push({ space: SPACE_NAMES[space], labels: n, goal: GOALS[space][n], what: "goal of issue 21" });
      for (const { method } of README_ROWS) {
        const m = measured.find(space, method, n);
        if (!m) continue;
        const s = meanStd(m.runs.map((r) => r.ktau));
        points.push({
          space: SPACE_NAMES[space],
          method,
          labels: n,
          mean: s.mean,
          lo: s.mean - s.std,
          hi: s.mean + s.std,
          seeds: m.runs.length,
          test: m.test === "all" ? "all test cells" : "a sample of them",
        });
      }
    }
  }
  const x = {
    field: "labels",
    type: "quantitative",
    scale: { type: "log", nice: false, padding: 16 },
    title: "labeled cells",
  };
  const y = { type: "quantitative", title: "Kendall tau", scale: { zero: false } };
  const measuredOnly = { filter: "datum.method != null" };
  return {
    title: "Kendall tau against the label budget",
    data: { values: [...points, ...goals] },
    facet: { column: { field: "space", type: "nominal", title: null } },
    resolve: { scale: { x: "independent" } },
    config: { legend: { labelLimit: 240 } },
    spec: {
      width: 300,
      height: 240,
      layer: [
        {
          transform: [measuredOnly],
          mark: { type: "line" },
          encoding: { x, y: { ...y, field: "mean" }, color: { field: "method", type: "nominal" } },
        },
        {
          transform: [measuredOnly],
          mark: { type: "point", filled: true, size: 50 },
          encoding: {
            x,
            y: { ...y, field: "mean" },
            color: { field: "method", type: "nominal" },
            shape: {
              field: "test",
              type: "nominal",
              title: "tested on",
              scale: { domain: ["all test cells", "a sample of them"], range: ["circle", "square"] },
            },
            tooltip: [{ field: "method" }, { field: "labels" }, { field: "mean" }, { field: "seeds" }],
          },
        },
        {
          transform: [measuredOnly],
          mark: "errorbar",
          encoding: {
            x,
            y: { ...y, field: "lo" },
            y2: { field: "hi" },
            color: { field: "method", type: "nominal" },
          },
        },
        {
          transform: [{ filter: "datum.goal != null" }],
          mark: { type: "point", shape: "diamond", filled: true, size: 60, color: "#777" },
          encoding: { x, y: { ...y, field: "goal" }, tooltip: [{ field: "what" }, { field: "goal" }] },
        },
      ],
    },
  };
}

/**
 * README.md's budget table: nas-assay's predictors by label budget, both spaces in one table (README
 * has one headline table): a row per space and budget, a column per predictor, then the goal.
 */
function readmeBudgetTable(measured: Measured): Block[] {
  const shown: (Measurement | undefined)[] = [];
  const rows: string[][] = [];
  for (const space of ["nb101", "nb201"])
    for (const n of BUDGETS[space])
      rows.push([
        SHORT_SPACE[space] ?? space,
        labelText(n),
        ...README_ROWS.map(({ method }) => {
          const m = measured.find(space, method, n);
          shown.push(m);
          return tauCell(m, 3);
        }),
        GOALS[space][n] === undefined ? DASH : GOALS[space][n].toFixed(2),
      ]);
  return [
    table(["space", "labels", ...README_ROWS.map(({ name }) => name), "goal"], rows),
    ...sampleNotes(shown),
    {
      kind: "figure",
      title: "Kendall tau against the label budget (grey diamonds: the goals of issue 21)",
      spec: budgetFigureSpec(measured),
      file: BUDGET_FIGURE,
    },
    {
      kind: "paragraph",
      text:
        "Kendall tau between predicted and true accuracy. `transformer-ensemble`: five structure-aware graph transformers, `evaluate`'s default; `transformer`: one; " +
        "goal: what the project set out to reach (its issue 21, on the published predictors' level or above); " +
        "`mlp`: an MLP trained on random vertex orders; `transformer-self-training`: the ensemble self-trained on unlabeled cells. " +
        `Mean ± std over seeds (their number in brackets), test = every cell not labeled unless marked; ` +
        `${DASH}: no results file. Written by \`npm run docs-tables\` from the files in \`${RESULTS_FOLDER}/\` ` +
        "(`SPACE-METHOD-N.json`: `nas-assay --json evaluate`; `abl-*.txt`: `bench/transformer-ablation.ts`).",
    },
  ];
}

/** " (`target`)" for the targets the space's `evaluate` files name, or nothing when they name none. */
function targetsOf(measured: Measured, space: string): string {
  const targets = [
    ...new Set(measured.all.flatMap((m) => (m.space === space && m.target ? [m.target] : []))),
  ];
  return targets.length ? ` (${targets.map((t) => `\`${t}\``).join(", ")})` : "";
}

/** docs/transformer.md: transformer against MLP on the issue's protocol, one table per space. */
function protocolTables(measured: Measured): Block[] {
  return ["nb101", "nb201"].flatMap((space): Block[] => [
    { kind: "paragraph", text: `${SPACE_NAMES[space]}${targetsOf(measured, space)}:` },
    table(
      [
        "labels",
        "transformer",
        "mlp",
        "transformer − mlp, paired by seed",
        "seeds transformer ahead",
        "goal",
        "transformer fit s / predict s (median, wall, shared cores)",
      ],
      BUDGETS[space].map((n) => {
        const t = measured.find(space, "transformer", n, { test: "all" });
        const mlp = measured.find(space, "mlp", n, { test: "all" });
        return [
          labelText(n),
          tauCell(t),
          tauCell(mlp),
          differenceCell(mlp, t, false),
          winsCell(mlp, t),
          goalCell(space, n, t),
          secondsCell(t),
        ];
      }),
    ),
  ]);
}

/**
 * docs/transformer.md: `method` on the issue's protocol (`space`'s budgets, all test cells), paired by
 * seed against each of `baselines`, beside the goal and its time per seed.
 */
function pairedProtocolTable(
  method: string,
  baselines: string[],
  space: "nb101" | "nb201" = "nb101",
): (measured: Measured) => Block[] {
  return (measured) => [
    table(
      [
        "labels",
        method,
        ...baselines.map((baseline) => `− ${baseline}, paired`),
        "goal",
        "fit s / predict s per seed (median)",
      ],
      BUDGETS[space].map((n) => {
        const m = measured.find(space, method, n, { test: "all" });
        return [
          labelText(n),
          tauCell(m),
          ...baselines.map((baseline) =>
            differenceCell(measured.find(space, baseline, n, { test: "all" }), m),
          ),
          goalCell(space, n, m),
          secondsCell(m),
        ];
      }),
    ),
  ];
}

/** docs/transformer.md: ensemble of 5 against one transformer, from each `abl-ensemble-SPACE-N.txt`. */
function ensembleAblationTable(measured: Measured): Block[] {
  const files = [
    ...new Set(measured.all.filter((m) => /^abl-ensemble-nb\d+-\d+\.txt$/.test(m.file)).map((m) => m.file)),
  ];
  const shown = files.flatMap((file) => measured.all.filter((m) => m.file === file).slice(0, 1));
  shown.sort((a, b) => a.space.localeCompare(b.space) || a.labels - b.labels);
  const rows = shown.map((first) => {
    const { file, space, labels, test } = first;
    const single = measured.find(space, "transformer", labels, { file });
    const ensemble = measured.find(space, "transformer-ensemble", labels, { file });
    const mlp = measured.find(space, "mlp", labels, { test });
    const otherMlp = measured.find(space, "mlp", labels);
    return [
      fileLabel(first),
      tauCell(single, 4, false), // the row's label says which cells were tested
      tauCell(ensemble, 4, false),
      differenceCell(single, ensemble, false),
      winsCell(single, ensemble),
      mlp ? differenceCell(mlp, ensemble) : otherMlp ? `(mlp on all cells: ${tauCell(otherMlp)})` : DASH,
      goalCell(space, labels, ensemble),
    ];
  });
  return [
    table(
      [
        "space, labels",
        "transformer",
        "ensemble of 5",
        "ensemble − transformer, paired",
        "seeds ahead",
        "ensemble − mlp, paired",
        "goal",
      ],
      rows,
    ),
  ];
}

/** "NB101, 424 (20,000 test cells)": a file's space, label count and, unless all, its test cells. */
function fileLabel({ space, labels, test }: Measurement): string {
  const where =
    test === "all" ? "" : test === "unstated" ? UNSTATED_MARK : ` (${labelText(test)} test cells)`;
  return `${SHORT_SPACE[space] ?? space}, ${labelText(labels)}${where}`;
}

/** The variants of one ablation file, in its order: Kendall tau, and paired against the first. */
function variantRows(measured: Measured, file: string): string[][] {
  const variants = measured.all.filter((m) => m.file === file);
  return variants.map((m, i) => [
    m.variant ?? DASH,
    tauCell(m.runs.length ? m : undefined, 4, false),
    i === 0 ? DASH : differenceCell(variants[0], m, false),
    i === 0 ? DASH : winsCell(variants[0], m),
  ]);
}

/** The first measurement of each file whose name matches `pattern`, by space, then label count. */
function filesMatching(measured: Measured, pattern: RegExp): Measurement[] {
  const firsts = new Map<string, Measurement>();
  for (const m of measured.all) if (pattern.test(m.file) && !firsts.has(m.file)) firsts.set(m.file, m);
  return [...firsts.values()].sort((a, b) => a.space.localeCompare(b.space) || a.labels - b.labels);
}

const VARIANT_HEADER = [
  "variant",
  "Kendall tau",
  "difference from the first, paired",
  "seeds ahead of the first",
];

/** docs/transformer.md: the ablations (`abl-SPACE-N.txt`), one table per file. */
function ablationTables(measured: Measured): Block[] {
  return filesMatching(measured, /^abl-nb\d+-\d+\.txt$/).flatMap((m): Block[] => [
    {
      kind: "paragraph",
      text:
        `${SPACE_NAMES[m.space] ?? m.space}, ${labelText(m.labels)} labels, ` +
        (m.test === "all"
          ? "all test cells"
          : m.test === "unstated"
            ? "test cells not recorded in the file"
            : `${labelText(m.test)} test cells per seed`) +
        ` (\`${m.file}\`):`,
    },
    table(VARIANT_HEADER, variantRows(measured, m.file)),
  ]);
}

/** docs/transformer.md: the free inputs (`abl-inputs-SPACE-N.txt`), one table. */
function inputsTable(measured: Measured): Block[] {
  return [
    table(
      ["space, labels", ...VARIANT_HEADER],
      filesMatching(measured, /^abl-inputs-nb\d+-\d+\.txt$/).flatMap((m) =>
        variantRows(measured, m.file).map((row) => [fileLabel(m), ...row]),
      ),
    ),
  ];
}

/** Where the `simulate` runs on the benchmarks are (bench/simulate-benchmarks.ts), relative to the root. */
export const SIMULATE_FOLDER = "docs/results/simulate";

/** The reported `simulate` table of `files` (in SIMULATE_FOLDER, in the table's order). */
function simulateRuns(...files: string[]): (measured: Measured, root: string) => Block[] {
  return (_, root) => simulateTable(files.map((f) => readSimulateRun(join(root, SIMULATE_FOLDER, f))));
}

/**
 * The files written and, in each, the marked regions and what fills them (from the transformer's
 * measurements, or from other results files under the root).
 */
export const DOCS_TABLES: {
  file: string;
  regions: Record<string, (measured: Measured, root: string) => Block[]>;
}[] = [
  { file: "README.md", regions: { "budget-table": readmeBudgetTable } },
  {
    file: "docs/transformer.md",
    regions: {
      "transformer-protocol": protocolTables,
      "transformer-ensemble-protocol": pairedProtocolTable("transformer-ensemble", ["transformer", "mlp"]),
      "transformer-ablation": ablationTables,
      "transformer-inputs": inputsTable,
      "transformer-ensemble-ablation": ensembleAblationTable,
      "transformer-self-training-protocol": pairedProtocolTable("transformer-self-training", [
        "transformer-ensemble",
      ]),
      "transformer-self-training-protocol-nb201": pairedProtocolTable(
        "transformer-self-training",
        ["transformer-ensemble"],
        "nb201",
      ),
    },
  },
  {
    file: "docs/own-space.md",
    regions: {
      "simulate-nb201": simulateRuns(
        "nb201-cifar10-valid.json",
        "nb201-cifar100.json",
        "nb201-ImageNet16-120.json",
      ),
      "simulate-nb101": simulateRuns("nb101-cifar10.json"),
    },
  },
];

/**
 * The text each file of `DOCS_TABLES` should have, given the results files under `root` (a checkout:
 * `root/docs/results/transformer`, `root/README.md`, …), as path (relative to `root`) → text. Writes
 * nothing. Throws UserError for a folder it cannot read, BadFileError for a damaged results file or a
 * Markdown file without its markers.
 */
export function renderDocsTables(root: string): Map<string, string> {
  const measured = new Measured(readMeasurements(join(root, RESULTS_FOLDER)));
  const out = new Map<string, string>();
  for (const { file, regions } of DOCS_TABLES) {
    const path = join(root, file);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new UserError(
        `cannot read ${path} to write its tables into (${(e as NodeJS.ErrnoException).code})`,
      );
    }
    for (const [name, blocks] of Object.entries(regions)) {
      // a damaged results file is named by its own error; the Markdown file only for its markers
      const content = blocksToMarkdown(blocks(measured, root), true);
      try {
        text = spliceBetweenMarkers(text, name, content);
      } catch (e) {
        throw new BadFileError(path, (e as Error).message);
      }
    }
    out.set(file, text);
  }
  return out;
}

/**
 * Rewrites the tables of `DOCS_TABLES` under `root` in place and draws `BUDGET_FIGURE` (PNG) from the
 * same files; returns the files whose bytes changed (the PNG's depend on the system's fonts, so another
 * machine may draw it with other bytes). Errors as `renderDocsTables`; nothing is written when one is
 * thrown there.
 */
export async function writeDocsTables(root: string): Promise<string[]> {
  const texts = renderDocsTables(root);
  const measured = new Measured(readMeasurements(join(root, RESULTS_FOLDER)));
  const png = svgToPng(await renderSvg(budgetFigureSpec(measured)));
  const changed: string[] = [];
  for (const [file, text] of texts) {
    const path = join(root, file);
    if (readFileSync(path, "utf8") === text) continue;
    writeFileAtomic(path, text);
    changed.push(file);
  }
  if (!sameBytes(join(root, BUDGET_FIGURE), png)) {
    writeFileAtomic(join(root, BUDGET_FIGURE), png);
    changed.push(BUDGET_FIGURE);
  }
  return changed;
}

function sameBytes(path: string, bytes: Uint8Array): boolean {
  try {
    return Buffer.from(bytes).equals(readFileSync(path));
  } catch {
    return false;
  }
}
