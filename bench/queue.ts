/**
 * Benchmark of sweeps on the job queue: wall time of `reproduce table4 --quick --space nb201 --queue`
 * with 1 and with 2 `nas-assay worker` processes on this machine (a throw-away Redis on a loopback
 * port, a fresh one and a fresh output folder per sweep), and the CPU time the workers spent (Linux:
 * read from /proc just before each worker is stopped). The load average before and after each sweep
 * says how much other work shared the cores.
 * Usage: node dist/bench/queue.js [--seeds 0,1,2] [--repeats 1] [--workers 1,2]   (needs NAS_ASSAY_DATA)
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis } from "../src/testing/servers.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** CPU seconds (user + system, all threads) of a live process, from /proc/PID/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[11], fields[12]: utime, stime (clock ticks, 100 per second on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** One sweep with `workers` worker processes: its wall time and the workers' CPU time (s). */
async function sweep(workers: number, seeds: string): Promise<{ wall: number; cpu: number; runs: number }> {
  const redis = await startRedis();
  const out = mkdtempSync(join(tmpdir(), "nas-assay-bench-queue-"));
  const started: ChildProcess[] = [];
  try {
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, [MAIN, "--json", "worker", "--queue", redis.url], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      started.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout?.once("data", () => resolve());
        child.once("exit", () => reject(new Error("a worker stopped before it was ready")));
      });
      child.stdout?.resume();
    }
    const t0 = performance.now();
    const reproduce = spawn(
      process.execPath,
      [
        MAIN,
        "--json",
        "reproduce",
        "table4",
        "--quick",
        "--space",
        "nb201",
        "--seeds",
        seeds,
        "--queue",
        redis.url,
        "--out",
        out,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let summary = "";
    reproduce.stdout?.on("data", (chunk) => {
      summary += chunk;
    });
    const code = await exited(reproduce);
    const wall = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`reproduce --queue exited with ${code}`);
    const cpu = started.reduce((sum, child) => sum + cpuSeconds(child.pid as number), 0);
    return { wall, cpu, runs: JSON.parse(summary).ranNow };
  } finally {
    for (const child of started) child.kill("SIGTERM");
    await Promise.all(started.map((child) => (child.exitCode === null ? exited(child) : undefined)));
    await redis.stop();
    rmSync(out, { recursive: true, force: true });
  }
}

const seeds = arg("--seeds", "0,1,2");
const repeats = Number(arg("--repeats", "1"));
const counts = arg("--workers", "1,2").split(",").map(Number);
const results = [];
for (const workers of counts) {
  const sweeps = [];
  for (let r = 0; r < repeats; r++) {
    const before = loadavg()[0];
    const s = await sweep(workers, seeds);
    sweeps.push({ ...s, loadBefore: round(before, 2), loadAfter: round(loadavg()[0], 2) });
  }
  results.push({
    workers,
    runs: sweeps[0].runs,
    wallSeconds: sweeps.map((s) => round(s.wall)),
    medianWallSeconds: round(median(sweeps.map((s) => s.wall))),
    workerCpuSeconds: sweeps.map((s) => round(s.cpu)),
    loadAverage1m: sweeps.map((s) => [s.loadBefore, s.loadAfter]),
  });
}
const speedup =
  results.length === 2 ? round(results[0].medianWallSeconds / results[1].medianWallSeconds, 2) : undefined;
console.log(
  JSON.stringify(
    {
      sweep: `reproduce table4 --quick --space nb201 --seeds ${seeds} --queue (local Redis)`,
      cores: availableParallelism(),
      repeats,
      results,
      ...(speedup !== undefined ? { speedup } : {}),
    },
    null,
    2,
  ),
);
