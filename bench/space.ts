/**
 * Benchmark of the NAS-Bench-101 space: cold enumeration time, cache load time and peak memory.
 * Each measurement runs in a fresh Node process (so peak RSS is its own); prints one JSON object
 * with every run and the medians.   Usage: node dist/bench/space.js [--runs N]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Nb101Space } from "../src/spaces/nb101/space.js";

interface Sample {
  mode: string;
  seconds: number;
  peakRssMB: number;
  cells: number;
}

async function measure(mode: "cold" | "load", cacheDir: string): Promise<Sample> {
  const started = performance.now();
  const space = await Nb101Space.load({ cacheDir });
  const seconds = (performance.now() - started) / 1000;
  if (mode === "cold" && space.origin === "cache") throw new Error("cold run found a cache");
  if (mode === "load" && space.origin !== "cache") throw new Error("load run found no cache");
  return { mode, seconds, peakRssMB: process.resourceUsage().maxRSS / 1024, cells: space.size };
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const [, , child, mode, dir] = process.argv;
if (child === "--child") {
  process.stdout.write(`${JSON.stringify(await measure(mode as "cold" | "load", dir))}\n`);
} else {
  const runsFlag = process.argv.indexOf("--runs");
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 3;
  const self = fileURLToPath(import.meta.url);
  const runChild = (mode: string, dir: string): Sample => {
    const out = spawnSync(process.execPath, [self, "--child", mode, dir], { encoding: "utf8" });
    if (out.status !== 0) throw new Error(out.stderr);
    return JSON.parse(out.stdout);
  };
  const samples: Sample[] = [];
  const dirs = Array.from({ length: runs }, () => mkdtempSync(join(tmpdir(), "nas-assay-bench-")));
  for (const dir of dirs) samples.push(runChild("cold", dir));
  for (let r = 0; r < runs * 2; r++) samples.push(runChild("load", dirs[0]));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const pick = (m: string) => samples.filter((s) => s.mode === m);
  console.log(
    JSON.stringify(
      {
        benchmark: "nb101-space",
        node: process.version,
        runs: samples,
        median: {
          coldEnumerationSeconds: median(pick("cold").map((s) => s.seconds)),
          coldPeakRssMB: median(pick("cold").map((s) => s.peakRssMB)),
          cacheLoadSeconds: median(pick("load").map((s) => s.seconds)),
          cacheLoadPeakRssMB: median(pick("load").map((s) => s.peakRssMB)),
        },
        targets: { coldEnumerationSeconds: 10, cacheLoadSeconds: 0.5, peakRssMB: 500 },
      },
      null,
      2,
    ),
  );
}
