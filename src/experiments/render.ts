/**
 * An experiment's report from its results: the tables (mean ± std over seeds, beside the paper's
 * numbers where it has them) and Vega-Lite figures as a report document, written as NAME.md,
 * NAME.html and NAME*.svg / NAME*.png.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../data/atomic-file.js";
import { meanStd, type SeedResult, type Summary } from "../eval/evaluate.js";
import { ranksBestFirst, spearman } from "../eval/metrics.js";
import type { Method } from "../predictors/registry.js";
import { type Block, type ReportDocument, table } from "../report/document.js";
import { toHtml } from "../report/html.js";
import { toMarkdown } from "../report/markdown.js";
import {
  budgetLabels,
  type ExperimentName,
  type ExperimentSettings,
  experimentRuns,
  FIG2_METHODS,
  type RunSpec,
  TABLE1_METHODS,
  TABLE4_METHODS,
  tableLabels,
} from "./experiments.js";
import { PAPER_TABLE1, PAPER_TABLE4, STATE_OF_THE_ART } from "./paper.js";
import { type PlotSpec, renderSvg, svgToPng } from "./plots.js";
import type { ResultsFile } from "./results-file.js";

type Found = { run: RunSpec; result: SeedResult }[];
type Metric = "ktau" | "mse" | "pearson" | "spearman" | "precisionAt100" | "predictedBestTruth";

const METRIC_NAMES: Record<Metric, string> = {
  ktau: "Kendall tau",
  mse: "MSE",
  pearson: "Pearson r",
  spearman: "Spearman",
  precisionAt100: "precision@100",
  predictedBestTruth: "true acc. of predicted best",
};

/** Writes NAME.md, NAME.html and the figures (SVG and PNG) into `out`; returns their paths. */
export async function renderExperiment(
  name: ExperimentName,
  settings: ExperimentSettings,
  file: ResultsFile,
  found: Found,
  out: string,
): Promise<string[]> {
  const doc = experimentDocument(name, settings, file, found);
  const files: string[] = [];
  for (const block of doc.blocks) {
    if (block.kind !== "figure" || !block.file) continue;
    block.svg = await renderSvg(block.spec);
    const svg = join(out, block.file);
    const png = svg.replace(/\.svg$/, ".png");
    writeFileAtomic(svg, block.svg);
    writeFileAtomic(png, svgToPng(block.svg));
    files.push(svg, png);
  }
  const md = join(out, `${name}.md`);
  writeFileAtomic(md, toMarkdown(doc));
  const html = join(out, `${name}.html`);
  writeFileAtomic(html, await toHtml(doc.title, [doc], { subtitle: "Written by `nas-assay reproduce`." }));
  return [md, html, ...files];
}

/** The report of an experiment: a header saying what was run, then its tables and figures. */
export function experimentDocument(
  name: ExperimentName,
  settings: ExperimentSettings,
  file: ResultsFile,
  found: Found,
): ReportDocument {
  const seeds = name === "fig2" ? `seed ${settings.seeds[0]}` : `seeds ${settings.seeds.join(", ")}`;
  // a results file of an interrupted reproduce (kill -9, Ctrl-C) or one still running elsewhere holds
  // some planned runs only: its tables, their other cells "–", read as the finished experiment's
  const planned = experimentRuns(name, settings).length;
  const runs =
    found.length < planned
      ? `${found.length} of ${planned} planned runs: ${planned - found.length} not run yet (the experiment was interrupted, or is still running elsewhere; \`nas-assay reproduce ${name}\` with the same --out and seeds runs them), so these tables are incomplete`
      : `${found.length} runs`;
  const header: Block = {
    kind: "paragraph",
    text:
      `Space ${settings.space}, target ${file.target}; ${seeds}${settings.quick ? " (--quick)" : ""}; ` +
      `test = all cells not labeled. ${runs}, ${Math.round(file.wallSeconds)} s of wall time in runs (summed over the processes that ran or waited for them). ` +
      `${settings.seeds.length === 1 && name !== "fig2" ? "One seed: each value is its run's (no spread over seeds to show)." : "Mean ± sample std over seeds."} Written by \`nas-assay reproduce\`.`,
  };
  const blocks = REPORTS[name](settings, found).map((block) =>
    block.kind === "figure" ? { ...block, file: `${name}${block.file ?? ""}.svg` } : block,
  );
  return { title: TITLES[name](settings), blocks: [header, ...blocks] };
}

const TITLES: Record<ExperimentName, (settings: ExperimentSettings) => string> = {
  table1: () => "Table 1: prediction with N_l random labels (Peephole, E2EPP, the assessor)",
  table4: () => "Table 4: with and without the auto-encoder",
  fig5: () => "Figure 5: σ, λ and the number of unlabeled cells N_u",
  fig2: () => "Figure 2: predicted rank against true rank",
  // the run's own budgets: NAS-Bench-201's and --quick's are others than NAS-Bench-101's four
  budget: (settings) =>
    `Label budgets: every predictor at N_l = ${budgetLabels(settings)
      .map((n) => (n % 1000 === 0 ? `${n / 1000}k` : n.toLocaleString("en-US")))
      .join(", ")}`,
};

/** Mean ± std over the runs (`runs`: how many; the paper's numbers have no count, and always a spread). */
type Summarised = Summary & { runs?: number };

// over one run a mean has no spread: "± 0.0000" read as a certainty (as `evaluate` and `search` print it)
const fmt = (s: Summarised | undefined, digits = 4) =>
  s ? (s.runs === 1 ? s.mean.toFixed(digits) : `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}`) : "–";
const digitsOf = (metric: Metric) => (metric === "mse" ? 5 : 4);

/** Mean ± std of a metric over the runs matching `where`. */
function summarise(found: Found, metric: Metric, where: (run: RunSpec) => boolean): Summarised | undefined {
  const values = found.filter(({ run }) => where(run)).map(({ result }) => result[metric]);
  return values.length ? { ...meanStd(values), runs: values.length } : undefined;
}

function count(found: Found, where: (run: RunSpec) => boolean): number {
  return found.filter(({ run }) => where(run)).length;
}

/** The published results as grey diamonds over a Kendall-tau-against-N_l plot. */
function withPublished(plot: PlotSpec, published: typeof STATE_OF_THE_ART): PlotSpec {
  if (published.length === 0) return plot;
  return {
    ...plot,
    layer: [
      ...(plot.layer as PlotSpec[]),
      {
        data: { values: published.map((p) => ({ ...p, source: "published" })) },
        mark: { type: "point", filled: true, size: 70, color: "#555" },
        encoding: {
          x: { field: "labels", type: "quantitative" },
          y: { field: "ktau", type: "quantitative" },
          shape: { field: "source", type: "nominal", title: "", scale: { range: ["diamond"] } },
          tooltip: [{ field: "method" }, { field: "ktau" }],
        },
      },
    ],
  };
}

/** Points (method, N_l, mean, std) for a Kendall tau against N_l plot, ours and the paper's. */
function byLabelsPlot(
  found: Found,
  methods: Method[],
  labels: number[],
  title: string,
  paper?: (method: Method, n: number) => Summary | undefined,
): PlotSpec {
  const points: Record<string, unknown>[] = [];
  for (const method of methods) {
    for (const n of labels) {
      const ours = summarise(found, "ktau", (r) => r.method === method && r.labels === n && !r.options);
      if (ours)
        points.push({
          method,
          source: "nas-assay",
          labels: n,
          mean: ours.mean,
          lo: ours.mean - ours.std,
          hi: ours.mean + ours.std,
        });
      const theirs = paper?.(method, n);
      if (theirs)
        points.push({
          method,
          source: "paper",
          labels: n,
          mean: theirs.mean,
          lo: theirs.mean - theirs.std,
          hi: theirs.mean + theirs.std,
        });
    }
  }
  const x = { field: "labels", type: "quantitative", scale: { type: "log" }, title: "labeled cells N_l" };
  return {
    title,
    width: 420,
    height: 280,
    data: { values: points },
    layer: [
      {
        mark: { type: "line", point: true },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative", title: "Kendall tau", scale: { zero: false } },
          color: { field: "method", type: "nominal" },
          strokeDash: { field: "source", type: "nominal", title: "" },
        },
      },
      {
        mark: "errorbar",
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: "Kendall tau" },
          y2: { field: "hi" },
          color: { field: "method", type: "nominal" },
        },
      },
    ],
  };
}

/** Figure 5's series, one figure each (NAME-sigma.svg …). */
const FIG5_SERIES: readonly { name: string; title: string; x: string }[] = [
  { name: "sigma", title: "σ (relative to the batch's median distance)", x: "σ" },
  { name: "lambda", title: "λ (weight of the reconstruction loss)", x: "λ" },
  { name: "unlabeled", title: "N_u (unlabeled cells)", x: "N_u" },
];

/**
 * The names of the files renderExperiment writes for `name` into its folder (NAME.md, NAME.html, each
 * figure's .svg and .png), so that they can be checked before the runs.
 */
export function experimentReportFiles(name: ExperimentName): string[] {
  const suffixes = name === "fig5" ? FIG5_SERIES.map((s) => `-${s.name}`) : [""];
  return [`${name}.md`, `${name}.html`, ...suffixes.flatMap((s) => [`${name}${s}.svg`, `${name}${s}.png`])];
}

/**
 * A figure block; `suffix` names its file (NAME + suffix + .svg) until `experimentDocument` completes it.
 * A figure with no point to draw (a results file read before its runs of that figure finished: `report`
 * on an interrupted `reproduce`) is a paragraph saying so instead: drawn, it was bare axes "from Infinity
 * to −Infinity".
 */
function figure(suffix: string, title: string, spec: PlotSpec): Block {
  if (pointCount(spec) === 0)
    return {
      kind: "paragraph",
      text: `${title}: no finished run to draw yet (the figure comes with the first).`,
    };
  return { kind: "figure", title, spec, file: suffix };
}

/** The data points of a plot, its layers' own included. */
function pointCount(spec: PlotSpec): number {
  const values = (s: PlotSpec) => ((s.data as { values?: unknown[] } | undefined)?.values ?? []).length;
  return values(spec) + ((spec.layer as PlotSpec[] | undefined) ?? []).reduce((n, l) => n + values(l), 0);
}

const REPORTS: Record<ExperimentName, (settings: ExperimentSettings, found: Found) => Block[]> = {
  table1(settings, found) {
    const labels = tableLabels(settings);
    const paper = settings.space === "nb101";
    const rows: string[][] = [];
    for (const n of labels) {
      for (const metric of ["ktau", "mse", "pearson"] as const) {
        const cells = TABLE1_METHODS.map((method) => {
          const ours = fmt(
            summarise(found, metric, (r) => r.method === method && r.labels === n),
            digitsOf(metric),
          );
          const theirs = paper ? PAPER_TABLE1[method]?.[n]?.[metric] : undefined;
          return theirs ? `${ours} (${fmt(theirs, digitsOf(metric))})` : ours;
        });
        rows.push([String(n), METRIC_NAMES[metric], ...cells]);
      }
    }
    return [
      {
        kind: "paragraph",
        text: paper
          ? "Each cell: ours (nas-assay), then the paper's Table 1 in brackets. The paper's \"assessor\" is `ssa`."
          : "The paper has no NAS-Bench-201 numbers; N_l is scaled to the space's 15,625 cells.",
      },
      table(["N_l", "metric", ...TABLE1_METHODS], rows),
      ...secondsTable(found, TABLE1_METHODS, labels),
      figure(
        "",
        "Kendall tau against N_l",
        byLabelsPlot(found, TABLE1_METHODS, labels, "Kendall tau against N_l", (m, n) =>
          paper ? PAPER_TABLE1[m]?.[n]?.ktau : undefined,
        ),
      ),
    ];
  },

  table4(settings, found) {
    const labels = tableLabels(settings);
    const paper = settings.space === "nb101";
    const rows = labels.map((n) => [
      String(n),
      ...TABLE4_METHODS.map((method) => {
        const ours = fmt(summarise(found, "ktau", (r) => r.method === method && r.labels === n));
        const theirs = paper ? PAPER_TABLE4[method]?.[n] : undefined;
        return theirs ? `${ours} (${fmt(theirs)})` : ours;
      }),
    ]);
    return [
      {
        kind: "paragraph",
        text: "Kendall tau; ours, then the paper's Table 4 in brackets. `ssa-noae`: the same graph and GCN on the hand-crafted matrix representation, no auto-encoder.",
      },
      table(["N_l", "without auto-encoder (ssa-noae)", "with (ssa)"], rows),
      ...secondsTable(found, TABLE4_METHODS, labels),
      figure(
        "",
        "Kendall tau with and without the auto-encoder",
        byLabelsPlot(found, TABLE4_METHODS, labels, "With and without the auto-encoder", (m, n) =>
          paper ? PAPER_TABLE4[m]?.[n] : undefined,
        ),
      ),
    ];
  },

  budget(settings, found) {
    const labels = budgetLabels(settings);
    const methods = [...new Set(found.map(({ run }) => run.method))];
    const blocks: Block[] = [
      { kind: "paragraph", text: "Kendall tau (mean ± std over seeds), test = all remaining cells." },
      table(
        ["method", ...labels.map((n) => `N_l = ${n}`)],
        methods.map((method) => [
          method,
          ...labels.map((n) => fmt(summarise(found, "ktau", (r) => r.method === method && r.labels === n))),
        ]),
      ),
    ];
    if (settings.space === "nb101")
      blocks.push(
        { kind: "paragraph", text: "Published on NAS-Bench-101 (Kendall tau, test on all cells):" },
        {
          kind: "list",
          items: [...new Set(STATE_OF_THE_ART.map((p) => p.labels))].map(
            (n) =>
              `N_l = ${n}: ${STATE_OF_THE_ART.filter((p) => p.labels === n)
                .map((p) => `${p.method} ${p.ktau.toFixed(3)}`)
                .join(", ")}`,
          ),
        },
      );
    return [
      ...blocks,
      ...secondsTable(found, methods, labels),
      figure(
        "",
        "Kendall tau against the label budget",
        withPublished(
          byLabelsPlot(found, methods, labels, "Kendall tau against the label budget"),
          settings.space === "nb101" ? STATE_OF_THE_ART : [],
        ),
      ),
    ];
  },

  fig5(_settings, found) {
    const series = FIG5_SERIES;
    const blocks: Block[] = [
      {
        kind: "paragraph",
        text: "The assessor at N_l = 1k, varying one setting at a time (others at their defaults: σ = 0.1, λ = 0.5, all unlabeled cells).",
      },
      {
        kind: "paragraph",
        text:
          "Our σ is relative (distances are divided by the batch's median distance); the paper's σ is absolute, " +
          "so compare the curves' shapes, not their x values. λ weighs the reconstruction against the squared " +
          "error; the pairwise ranking loss keeps its weight, so at λ = 1 the assessor still learns from the labels " +
          "through it. N_u = 0 trains on the labeled cells alone (no unlabeled cell in a batch).",
      },
    ];
    for (const s of series) {
      const xs = [
        ...new Set(found.filter(({ run }) => run.series === s.name).map(({ run }) => run.x as number)),
      ].sort((a, b) => (a < 0 ? Number.MAX_SAFE_INTEGER : a) - (b < 0 ? Number.MAX_SAFE_INTEGER : b)); // "all" last
      const rows: string[][] = [];
      const points: Record<string, unknown>[] = [];
      for (const x of xs) {
        const where = (r: RunSpec) => r.series === s.name && r.x === x;
        const label = s.name === "unlabeled" && x < 0 ? "all" : String(x);
        for (const metric of ["ktau", "pearson"] as const) {
          const v = summarise(found, metric, where);
          if (v)
            points.push({
              x: label,
              order: x < 0 ? Number.MAX_SAFE_INTEGER : x,
              metric: METRIC_NAMES[metric],
              mean: v.mean,
              lo: v.mean - v.std,
              hi: v.mean + v.std,
            });
        }
        rows.push([
          label,
          fmt(summarise(found, "ktau", where)),
          fmt(summarise(found, "pearson", where)),
          String(count(found, where)),
        ]);
      }
      const x = {
        field: "x",
        type: "ordinal",
        sort: { field: "order" },
        title: s.title,
        axis: { labelAngle: 0 },
      };
      const title = `Kendall tau and r against ${s.x}`;
      blocks.push(
        table([s.x, "Kendall tau", "Pearson r", "runs"], rows),
        figure(`-${s.name}`, title, {
          title,
          width: 360,
          height: 240,
          data: { values: points },
          layer: [
            {
              mark: { type: "line", point: true },
              encoding: {
                x,
                y: { field: "mean", type: "quantitative", title: "value", scale: { zero: false } },
                color: { field: "metric", type: "nominal" },
              },
            },
            {
              mark: "errorbar",
              encoding: {
                x,
                y: { field: "lo", type: "quantitative", title: "value" },
                y2: { field: "hi" },
                color: { field: "metric", type: "nominal" },
              },
            },
          ],
        }),
      );
    }
    return blocks;
  },

  fig2(_settings, found) {
    const rows: string[][] = [];
    const points: Record<string, unknown>[] = [];
    for (const method of FIG2_METHODS) {
      const entry = found.find(({ run }) => run.method === method);
      const sample = entry?.result.sample;
      if (!entry || !sample) continue;
      const predictedRank = ranksBestFirst(sample.predicted);
      const trueRank = ranksBestFirst(sample.actual);
      for (let i = 0; i < predictedRank.length; i++)
        points.push({ method, true: trueRank[i], predicted: predictedRank[i] });
      rows.push([method, entry.result.ktau.toFixed(4), spearman(sample.predicted, sample.actual).toFixed(4)]);
    }
    return [
      {
        kind: "paragraph",
        text: "Predicted rank against true rank of 5,000 random test cells (rank 1 = best), each predictor trained on 1k random labels (first seed).",
      },
      table(["method", "Kendall tau (all test cells)", "Spearman on the 5k shown"], rows),
      figure("", "Predicted rank against true rank", {
        data: { values: points },
        facet: { field: "method", type: "nominal", title: null },
        columns: 3,
        spec: {
          width: 200,
          height: 200,
          mark: { type: "circle", size: 4, opacity: 0.35, aria: false }, // no label per point: thousands of them
          encoding: {
            x: { field: "true", type: "quantitative", title: "true rank" },
            y: { field: "predicted", type: "quantitative", title: "predicted rank" },
          },
        },
      }),
    ];
  },
};

/** Median fit and predict seconds per method and N_l. */
function secondsTable(found: Found, methods: Method[], labels: number[]): Block[] {
  const rows = methods.map((method) => [
    method,
    ...labels.map((n) => {
      const runs = found.filter(
        ({ run }) => run.method === method && run.labels === n && !run.options && run.unlabeled === undefined,
      );
      if (runs.length === 0) return "–";
      return `${median(runs.map((r) => r.result.fitSeconds)).toFixed(1)} / ${median(runs.map((r) => r.result.predictSeconds)).toFixed(1)}`;
    }),
  ]);
  return [
    { kind: "paragraph", text: "Median seconds per run (fit / predict all remaining cells):" },
    table(["method", ...labels.map(String)], rows),
  ];
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
