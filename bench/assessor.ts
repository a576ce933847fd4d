/**
 * Benchmark of the semi-supervised assessor on NAS-Bench-101, 1k labels: seconds per training step at
 * batch 1024 (median over a run's steps after warm-up), cells predicted per second (all 422,624
 * unlabeled cells), wall time of fit + predict-all + Kendall tau, and peak memory. Each run is a fresh
 * Node process with its own seed; prints one JSON object with every run and the medians.
 * Usage: node dist/bench/assessor.js [--runs N]
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { kendallTau } from "../src/eval/metrics.js";
import { SemiSupervisedAssessor } from "../src/predictors/assessor/assessor.js";
import { DEFAULT_ASSESSOR_OPTIONS, trainingSteps } from "../src/predictors/assessor/options.js";
import { Rng } from "../src/random.js";

interface Sample {
  seed: number;
  secondsPerStep: number;
  fitSeconds: number;
  predictAllSeconds: number;
  cellsPredictedPerSecond: number;
  metricsSeconds: number;
  totalSeconds: number;
  peakRssMB: number;
  kendallTau: number;
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(seed: number): Promise<Sample> {
  const benchmark = await loadBenchmark("nb101", dataDir(undefined));
  const truth = targetValues(benchmark);
  const space = benchmark.space;
  const order = space.sample(new Rng(seed), space.size);
  const labeled = order.subarray(0, 1000);
  const test = order.subarray(1000);
  const model = new SemiSupervisedAssessor(space);
  const steps = trainingSteps(model.options, labeled.length);
  const total = steps.pretrain + steps.joint;
  // joint steps only (progress is reported every 10 steps), skipping the first 20 as warm-up
  const stepTimes: number[] = [];
  let last = performance.now();
  let lastStep = 0;
  const started = performance.now();
  await model.fit({
    space,
    labeled,
    labels: Array.from(labeled, (id) => truth[id]),
    seed,
    onProgress: (done) => {
      const step = Math.round(done * total);
      const now = performance.now();
      if (step > lastStep && lastStep >= steps.pretrain + 20 && step < total)
        stepTimes.push((now - last) / 1000 / (step - lastStep));
      last = now;
      lastStep = step;
    },
  });
  const fitSeconds = (performance.now() - started) / 1000;
  const predictStart = performance.now();
  const predicted = await model.predict(test);
  const predictAllSeconds = (performance.now() - predictStart) / 1000;
  const metricsStart = performance.now();
  const tau = kendallTau(
    predicted,
    Float64Array.from(test, (id) => truth[id]),
  );
  const metricsSeconds = (performance.now() - metricsStart) / 1000;
  return {
    seed,
    secondsPerStep: median(stepTimes),
    fitSeconds,
    predictAllSeconds,
    cellsPredictedPerSecond: test.length / predictAllSeconds,
    metricsSeconds,
    totalSeconds: fitSeconds + predictAllSeconds + metricsSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    kendallTau: tau,
  };
}

const [, , child, seedArg] = process.argv;
if (child === "--child") {
  process.stdout.write(`${JSON.stringify(await measure(Number(seedArg)))}\n`);
} else {
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
  const self = fileURLToPath(import.meta.url);
  const samples: Sample[] = [];
  for (let seed = 0; seed < runs; seed++) {
    const out = spawnSync(process.execPath, [self, "--child", String(seed)], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(out.stderr);
    samples.push(JSON.parse(out.stdout));
  }
  const pick = (key: keyof Sample) => median(samples.map((s) => s[key]));
  console.log(
    JSON.stringify(
      {
        benchmark: "assessor-nb101-1k",
        node: process.version,
        options: DEFAULT_ASSESSOR_OPTIONS,
        runs: samples,
        median: {
          secondsPerStep: pick("secondsPerStep"),
          cellsPredictedPerSecond: pick("cellsPredictedPerSecond"),
          fitSeconds: pick("fitSeconds"),
          predictAllSeconds: pick("predictAllSeconds"),
          totalSeconds: pick("totalSeconds"),
          peakRssMB: pick("peakRssMB"),
        },
        targets: { secondsPerStep: 0.13, predictAllSeconds: 10, totalSeconds: 60 },
      },
      null,
      2,
    ),
  );
}
