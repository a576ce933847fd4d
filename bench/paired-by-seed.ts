/**
 * Paired-by-seed comparison of two predictors from `nas-assay --json evaluate` outputs: for each label
 * count, each method's Kendall tau mean ± std over seeds and the per-seed difference (B − A) mean ± std,
 * with how many seeds B won. Reads JSON files (one evaluate result each, any order) and matches runs by
 * space, label count and seed. Prints one JSON object.
 * Usage: node dist/bench/paired-by-seed.js METHOD_A METHOD_B FILE...
 */
import { readFileSync } from "node:fs";
import type { EvaluationResult } from "../src/eval/evaluate.js";
import { meanStd } from "../src/eval/evaluate.js";

const [a, b, ...files] = process.argv.slice(2);
if (!b || files.length === 0) {
  console.error("usage: node dist/bench/paired-by-seed.js METHOD_A METHOD_B FILE...");
  process.exit(1);
}
const results = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as EvaluationResult);
const keys = [...new Set(results.map((r) => `${r.space} ${r.labels}`))];
const rows = keys.map((key) => {
  const [space, labels] = key.split(" ");
  const of = (method: string) =>
    new Map(
      results
        .filter((r) => r.space === space && r.labels === Number(labels) && r.method === method)
        .flatMap((r) => r.runs.map((run) => [run.seed, run.ktau] as const)),
    );
  const ta = of(a);
  const tb = of(b);
  const seeds = [...ta.keys()].filter((s) => tb.has(s)).sort((x, y) => x - y);
  const diff = seeds.map((s) => (tb.get(s) as number) - (ta.get(s) as number));
  return {
    space,
    labels: Number(labels),
    seeds,
    [a]: meanStd(seeds.map((s) => ta.get(s) as number)),
    [b]: meanStd(seeds.map((s) => tb.get(s) as number)),
    difference: meanStd(diff),
    wins: diff.filter((d) => d > 0).length,
  };
});
console.log(
  JSON.stringify(
    rows.sort((x, y) => x.space.localeCompare(y.space) || x.labels - y.labels),
    null,
    1,
  ),
);
