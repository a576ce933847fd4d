/**
 * Benchmark of studies: `ask -n 10` latency (library call, median of `--runs`; wall and CPU seconds, the
 * latter all threads of the process, what the call costs whatever else runs) on a study with 10, 100
 * and 1,000 told architectures, and the study file's size per 1,000 told architectures, on two spaces:
 * NAS-Bench-201 as an edge-cell spec (15,625 members, every untold one scored) with its cifar100 test
 * accuracies, and docs/spaces/macro8.json (a choices space of 1,953,125 members: 20,000 random
 * candidates + mutations of the best) with made-up values. Also the `nas-assay ask -n 10` command
 * (process start included) at 100 told, median of `--runs`.
 * Usage: node dist/bench/study.js [--runs 3]   (needs NAS_ASSAY_DATA for NAS-Bench-201)
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { dataDir } from "../src/data/locations.js";
import { Rng } from "../src/random.js";
import type { ArchitectureSpace } from "../src/spaces/architecture-space.js";
import { createStudyFile, openStudyFile } from "../src/study/study-file.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const MAIN = join(REPO, "dist", "src", "cli", "main.js");
const DONE = [10, 100, 1000];

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

interface Case {
  name: string;
  spec: string;
  /** Architectures told and their values (fractions). */
  results: (space: ArchitectureSpace<unknown>, n: number) => { arch: unknown; value: number }[];
}

function nb201Values(): Map<string, number> {
  const rows = parse(readFileSync(join(dataDir(undefined).dir, "nb201", "cifar100.csv"), "utf8"), {
    columns: true,
  }) as Record<string, string>[];
  return new Map(rows.map((r) => [r["arch str"], Number(r["test accuracy"]) / 100]));
}

async function measure(c: Case, runs: number) {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-bench-study-"));
  const latency: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  let bytesPer1000 = 0;
  let cliSeconds = 0;
  try {
    for (const done of DONE) {
      const path = join(dir, `${done}.db`);
      const { study } = await createStudyFile({ study: path, specFile: c.spec, target: "val_acc" });
      await study.tellMany(
        c.results(study.space, done).map((r) => ({ arch: r.arch, outcome: { value: r.value } })),
      );
      await study.close();
      if (done === 1000) bytesPer1000 = statSync(path).size;
      const seconds: number[] = [];
      const cpuSeconds: number[] = [];
      for (let run = 0; run < runs; run++) {
        const s = await openStudyFile(path, {});
        const start = performance.now();
        const startCpu = process.cpuUsage();
        const asked = await s.ask(10);
        seconds.push((performance.now() - start) / 1000);
        const used = process.cpuUsage(startCpu);
        cpuSeconds.push((used.user + used.system) / 1e6);
        if (asked.length !== 10) throw new Error(`asked 10, got ${asked.length}`);
        await s.close();
      }
      latency[String(done)] = +median(seconds).toFixed(3);
      cpu[String(done)] = +median(cpuSeconds).toFixed(3);
      if (done === 100) {
        // each run on a fresh copy of the study: an ask leaves its architectures pending
        const cli: number[] = [];
        for (let run = 0; run < runs; run++) {
          const copy = join(dir, `cli-${run}.db`);
          copyFileSync(path, copy);
          const start = performance.now();
          const r = spawnSync(process.execPath, [MAIN, "ask", "--study", copy, "-n", "10", "--json"], {
            encoding: "utf8",
          });
          if (r.status !== 0) throw new Error(r.stderr);
          cli.push((performance.now() - start) / 1000);
        }
        cliSeconds = +median(cli).toFixed(3);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    space: c.name,
    askSeconds: latency,
    askCpuSeconds: cpu,
    cliAskSecondsAt100: cliSeconds,
    fileBytesPer1000: bytesPer1000,
  };
}

const runs = arg("--runs", 3);
const dir = mkdtempSync(join(tmpdir(), "nas-assay-bench-spec-"));
writeFileSync(join(dir, "nb201.json"), readFileSync(join(REPO, "docs", "spaces", "nb201.json"), "utf8"));
const values = nb201Values();
const cases: Case[] = [
  {
    name: "nb201 (edge-cell, 15,625)",
    spec: join(dir, "nb201.json"),
    results: (space, n) =>
      space
        .sample(new Rng(0), n)
        .map((arch) => ({ arch, value: values.get(space.jsonOf(arch) as string) as number })),
  },
  {
    name: "macro8 (choices, 1,953,125)",
    spec: join(REPO, "docs", "spaces", "macro8.json"),
    results: (space, n) => {
      const rng = new Rng(1);
      return space.sample(rng, n).map((arch) => ({ arch, value: 0.7 + 0.2 * rng.float() }));
    },
  },
];
const results = [];
for (const c of cases) results.push(await measure(c, runs));
rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ runs, cores: (await import("node:os")).availableParallelism(), results }, null, 2)}\n`,
);
