/**
 * Benchmark of the graph transformer ("transformer") on NAS-Bench-101, label test_accuracy_run0: fit
 * seconds at 424 and 4,236 labels, seconds to predict every one of the space's 423,624 cells, peak
 * memory, and Kendall tau on the test cells. Each run is a fresh Node process with its own seed. Prints
 * one JSON object with every run, the medians per label count, the targets, the threads a
 * process may use (`threads()`: a fit runs on one; a prediction of every cell shares its chunks with
 * the scoring thread when two are allowed) and the load average when it started (other work on the
 * cores slows every figure).
 * Usage: node dist/bench/transformer.js [--runs N]   (needs NAS_ASSAY_DATA)
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { kendallTau } from "../src/eval/metrics.js";
import { createPredictor } from "../src/predictors/registry.js";
import type { SupervisedPredictor } from "../src/predictors/supervised.js";
import { Rng } from "../src/random.js";
import { threads } from "../src/tensor/threads.js";

interface Sample {
  labels: number;
  seed: number;
  fitSeconds: number;
  fitCpuSeconds: number;
  predictAllSeconds: number;
  predictAllCpuSeconds: number;
  peakRssMB: number;
  kendallTau: number;
}

const LABELS = [424, 4236];
const TARGET = "test_accuracy_run0";

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function measure(labels: number, seed: number): Promise<Sample> {
  const benchmark = await loadBenchmark("nb101", dataDir(undefined));
  const truth = targetValues(benchmark, TARGET);
  const space = benchmark.space;
  const order = space.sample(new Rng(seed), space.size);
  const labeled = order.subarray(0, labels);
  const test = order.subarray(labels);
  const model = createPredictor("transformer", space);
  let cpu = process.cpuUsage();
  let started = performance.now();
  await model.fit({ space, labeled, labels: Array.from(labeled, (id) => truth[id]), seed });
  const fitSeconds = (performance.now() - started) / 1000;
  const fitCpuSeconds = cpuSeconds(cpu);
  const all = Int32Array.from({ length: space.size }, (_, id) => id);
  cpu = process.cpuUsage();
  started = performance.now();
  const predicted = await model.predict(all);
  const predictAllSeconds = (performance.now() - started) / 1000;
  const predictAllCpuSeconds = cpuSeconds(cpu);
  return {
    labels,
    seed,
    fitSeconds,
    fitCpuSeconds,
    predictAllSeconds,
    predictAllCpuSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    kendallTau: kendallTau(
      Float64Array.from(test, (id) => predicted[id]),
      Float64Array.from(test, (id) => truth[id]),
    ),
  };
}

const [, , child, labelsArg, seedArg] = process.argv;
if (child === "--child") {
  process.stdout.write(`${JSON.stringify(await measure(Number(labelsArg), Number(seedArg)))}\n`);
} else {
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
  const self = fileURLToPath(import.meta.url);
  const load = loadavg()[0];
  const samples: Sample[] = [];
  for (const labels of LABELS) {
    for (let seed = 0; seed < runs; seed++) {
      const out = spawnSync(process.execPath, [self, "--child", String(labels), String(seed)], {
        encoding: "utf8",
      });
      if (out.status !== 0) throw new Error(out.stderr);
      samples.push(JSON.parse(out.stdout));
    }
  }
  const pick = (labels: number, key: keyof Sample) =>
    median(samples.filter((s) => s.labels === labels).map((s) => s[key]));
  const medians = Object.fromEntries(
    LABELS.map((labels) => [
      labels,
      {
        fitSeconds: pick(labels, "fitSeconds"),
        fitCpuSeconds: pick(labels, "fitCpuSeconds"),
        predictAllSeconds: pick(labels, "predictAllSeconds"),
        predictAllCpuSeconds: pick(labels, "predictAllCpuSeconds"),
        peakRssMB: pick(labels, "peakRssMB"),
        kendallTau: pick(labels, "kendallTau"),
      },
    ]),
  );
  const training = createPredictor(
    "transformer",
    (await loadBenchmark("nb101", dataDir(undefined))).space,
  ) as SupervisedPredictor;
  console.log(
    JSON.stringify(
      {
        benchmark: "transformer-nb101",
        node: process.version,
        loadAverageAtStart: load,
        threads: threads(),
        network: training.network.options,
        training: training.training,
        runs: samples,
        median: medians,
        targets: { fitSeconds424: 60, fitSeconds4236: 300, predictAllSeconds: 20, peakRssMB: 2048 },
      },
      null,
      2,
    ),
  );
}
