// How well predict --study orders architectures with the walk-through's 30 told values, and with 200:
// Kendall tau (ties count 0) between its predictions for 500 random macro8 architectures and the
// made-up accuracy of made-up.mjs without its noise, for study seeds 0..4. Run from the repository
// after npm run build: node docs/study-example/ranking.mjs (about 40 s on two cores).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStudyFile, predictStudyFile } from "../../dist/src/index.js";

const ops = ["identity", "mb3_k3", "mb3_k5", "mb6_k3", "mb6_k5"], widths = [16, 24, 32, 48, 64];
const gain = { identity: 0, mb3_k3: 0.006, mb3_k5: 0.008, mb6_k3: 0.009, mb6_k5: 0.011 };
const cols = [...Array(8)].map((_, i) => `layer${i + 1}`);
const header = [...cols, "width"].join(",");
const truthOf = (a, w) => 0.82 + a.reduce((v, o) => v + gain[o], 0) + 0.01 * Math.log2(w / 16);
/** `n` architectures from made-up.mjs's generator started at `seed`, with their value (noisy or not). */
function draw(n, seed, noisy) {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return [...Array(n)].map(() => {
    const a = cols.map(() => ops[Math.floor(rnd() * 5)]), w = widths[Math.floor(rnd() * 5)];
    return { row: [...a, w].join(","), value: truthOf(a, w) + (noisy ? (rnd() - 0.5) * 0.004 : 0) };
  });
}
const dir = mkdtempSync(join(tmpdir(), "ranking-"));
const candidates = draw(500, 7, false);
writeFileSync(join(dir, "candidates.csv"), [header, ...candidates.map((c) => c.row)].join("\n"));
function tau(p) {
  let c = 0, d = 0;
  for (let i = 0; i < p.length; i++)
    for (let j = i + 1; j < p.length; j++) {
      const a = Math.sign(p[i] - p[j]) * Math.sign(candidates[i].value - candidates[j].value);
      if (a > 0) c++;
      else if (a < 0) d++;
    }
  return (c - d) / ((p.length * (p.length - 1)) / 2);
}
const results = {};
for (const told of [30, 200]) {
  // made-up.mjs's seed: the first 30 are trained.csv's rows
  const rows = draw(told, 42, true);
  writeFileSync(join(dir, "trained.csv"), [`${header},val_acc`, ...rows.map((r) => `${r.row},${r.value.toFixed(4)}`)].join("\n"));
  for (const method of ["mlp", "mlp-ensemble"]) {
    const taus = [];
    for (const seed of [0, 1, 2, 3, 4]) {
      const db = join(dir, `${method}-${told}-${seed}.db`);
      const spec = new URL("../spaces/macro8.json", import.meta.url).pathname;
      const { study } = await createStudyFile({ study: db, specFile: spec, target: "val_acc", seed, importFile: join(dir, "trained.csv") });
      await study.close();
      const r = await predictStudyFile(db, join(dir, "candidates.csv"), { method });
      taus.push(tau(r.predictions.map((p) => p.predicted)));
    }
    const mean = taus.reduce((a, b) => a + b) / taus.length;
    const sd = Math.sqrt(taus.reduce((a, b) => a + (b - mean) ** 2, 0) / (taus.length - 1));
    results[`${told} told, ${method}`] = { mean: +mean.toFixed(3), std: +sd.toFixed(3), seeds: taus.map((t) => +t.toFixed(3)) };
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(results, null, 2));
