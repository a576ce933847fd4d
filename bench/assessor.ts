/**
 * Benchmark of the semi-supervised assessor on NAS-Bench-101: seconds per training step at batch 1024
 * (median over steps after warm-up), cells predicted per second, wall time of fit + predict-all +
 * metrics for 1k labels, and peak memory. Usage: node dist/bench/assessor.js   (needs NAS_ASSAY_DATA)
 */
import { loadBenchmark, targetValues } from "../src/benchmark.js";
import { dataDir } from "../src/data/locations.js";
import { kendallTau } from "../src/eval/metrics.js";
import { SemiSupervisedAssessor } from "../src/predictors/assessor/assessor.js";
import { trainingSteps } from "../src/predictors/assessor/options.js";
import { Rng } from "../src/random.js";

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const benchmark = await loadBenchmark("nb101", dataDir(undefined));
const truth = targetValues(benchmark);
const space = benchmark.space;
const order = space.sample(new Rng(0), space.size);
const labeled = order.subarray(0, 1000);
const test = order.subarray(1000);
const model = new SemiSupervisedAssessor(space);
const stepTimes: number[] = [];
let last = performance.now();
let lastDone = 0;
const started = performance.now();
await model.fit({
  space,
  labeled,
  labels: Array.from(labeled, (id) => truth[id]),
  seed: 0,
  onProgress: (done) => {
    const now = performance.now();
    if (done > lastDone && lastDone > 0)
      stepTimes.push((now - last) / 1000 / ((done - lastDone) * totalSteps()));
    last = now;
    lastDone = done;
  },
});
const fitSeconds = (performance.now() - started) / 1000;
const predictStart = performance.now();
const predicted = await model.predict(test);
const predictSeconds = (performance.now() - predictStart) / 1000;
const metricsStart = performance.now();
const tau = kendallTau(
  predicted,
  Float64Array.from(test, (id) => truth[id]),
);
const metricsSeconds = (performance.now() - metricsStart) / 1000;

function totalSteps(): number {
  const steps = trainingSteps(model.options, 1000);
  return steps.pretrain + steps.joint;
}

console.log(
  JSON.stringify(
    {
      benchmark: "assessor-nb101",
      node: process.version,
      options: model.options,
      median: {
        secondsPerStep: median(stepTimes.slice(2)),
        cellsPredictedPerSecond: test.length / predictSeconds,
        fitSeconds,
        predictAllSeconds: predictSeconds,
        metricsSeconds,
        totalSeconds: fitSeconds + predictSeconds + metricsSeconds,
        peakRssMB: process.resourceUsage().maxRSS / 1024,
      },
      kendallTauSeed0: tau,
      targets: { secondsPerStep: 0.13, predictAllSeconds: 10, totalSeconds: 60 },
    },
    null,
    2,
  ),
);
