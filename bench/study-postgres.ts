/**
 * Benchmark of a study shared by many training workers: ask/tell cycles per second with 1, 4 and 8
 * worker processes on one study on a throw-away PostgreSQL server (and, for comparison, on a study
 * file). Each worker (src/testing/study-worker.ts) asks one architecture, "trains" for 0 ms and tells a
 * made-up value, `--cycles` cycles in all split among the workers, on a fresh study of a `choices`
 * space of about a million architectures; the ask strategy stays random (as in the tests), so this
 * measures the store and the study around it, not the predictor (whose fit, per worker, is the same
 * whichever store holds the study). The wall time runs from the moment every worker is started and
 * ready to the last one's end; repeated `--repeats` times, median reported. CPU time: the workers'
 * own (their cycles only) and the PostgreSQL server's (postmaster and its backends) during the round.
 * The machine may be shared: compare cycles/s with the CPU seconds beside them.
 * Usage: node dist/bench/study-postgres.js [--cycles 200] [--repeats 3] [--workers 1,4,8] [--stores postgresql,sqlite]
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { createStudyFile } from "../src/study/study-file.js";
import { REPO_ROOT } from "../src/testing/fixtures.js";
import { startPostgres, type TestServer } from "../src/testing/servers.js";
import { tinyDir, WIDE_SPEC } from "../src/testing/study-fixtures.js";

const WORKER = join(REPO_ROOT, "dist", "src", "testing", "study-worker.js");

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const CYCLES = Number(flag("cycles", "200"));
const REPEATS = Number(flag("repeats", "3"));
const WORKERS = flag("workers", "1,4,8").split(",").map(Number);
const STORES = flag("stores", "postgresql,sqlite").split(",") as ("postgresql" | "sqlite")[];

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** CPU seconds (user + system) of the PostgreSQL server so far: postmaster and its finished backends. */
function serverCpuSeconds(server: TestServer): number {
  const pid = readFileSync(join(server.dir, "data", "postmaster.pid"), "utf8")
    .split("\n")[0]
    .trim();
  // fields after the command name: utime is the 14th field, stime, cutime, cstime follow (clock ticks)
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

interface Round {
  wallSeconds: number;
  cyclesPerSecond: number;
  workerCpuSeconds: number;
  serverCpuSeconds: number | null;
}

function run(child: ChildProcess): { ready: Promise<void>; done: Promise<number> } {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  let cpu = 0;
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ready = new Promise<void>((resolve) =>
    lines.on("line", (line) => {
      if (line === "ready") resolve();
      const m = /^cpu ([\d.]+) ([\d.]+)$/.exec(line);
      if (m) cpu = (Number(m[1]) + Number(m[2])) / 1000;
    }),
  );
  const done = new Promise<number>((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 ? resolve(cpu) : reject(new Error(`a worker failed (${code}):\n${stderr}`)),
    ),
  );
  return { ready, done };
}

async function round(
  store: "postgresql" | "sqlite",
  workers: number,
  server: TestServer,
  n: number,
): Promise<Round> {
  const { dir } = tinyDir();
  const spec = join(dir, "wide.json");
  writeFileSync(spec, JSON.stringify(WIDE_SPEC));
  const location = store === "postgresql" ? `${server.url}?study=bench${n}` : join(dir, "wide.db");
  (await createStudyFile({ study: location, specFile: spec, target: "val_acc" })).study.close();
  const each = Math.ceil(CYCLES / workers);
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, [WORKER, location, String(each), String(24 * 3600 * 1000), "0"], {
      stdio: ["pipe", "pipe", "pipe"],
    }),
  );
  const runs = children.map(run);
  await Promise.all(runs.map((r) => r.ready));
  const serverBefore = store === "postgresql" ? serverCpuSeconds(server) : 0;
  const started = performance.now();
  for (const c of children) c.stdin?.write("go\n");
  const cpu = await Promise.all(runs.map((r) => r.done));
  const wallSeconds = (performance.now() - started) / 1000;
  // the backends of the workers' connections end as the workers do: let the postmaster reap them
  if (store === "postgresql") await sleep(300);
  return {
    wallSeconds,
    cyclesPerSecond: (each * workers) / wallSeconds,
    workerCpuSeconds: cpu.reduce((s, x) => s + x, 0),
    serverCpuSeconds: store === "postgresql" ? serverCpuSeconds(server) - serverBefore : null,
  };
}

const server = await startPostgres();
const results: Record<string, unknown>[] = [];
let n = 0;
try {
  for (const store of STORES)
    for (const workers of WORKERS) {
      const rounds: Round[] = [];
      for (let r = 0; r < REPEATS; r++) rounds.push(await round(store, workers, server, ++n));
      const at = rounds.map((x) => x.cyclesPerSecond);
      const mid = rounds[at.indexOf(median(at))] ?? rounds[0];
      results.push({
        store,
        workers,
        cycles: Math.ceil(CYCLES / workers) * workers,
        cyclesPerSecond: +median(at).toFixed(2),
        // the round whose throughput is the median (for an odd number of rounds)
        wallSeconds: +mid.wallSeconds.toFixed(3),
        workerCpuSeconds: +mid.workerCpuSeconds.toFixed(3),
        serverCpuSeconds: mid.serverCpuSeconds === null ? null : +mid.serverCpuSeconds.toFixed(3),
        rounds: rounds.map((x) => ({
          cyclesPerSecond: +x.cyclesPerSecond.toFixed(2),
          wallSeconds: +x.wallSeconds.toFixed(3),
          workerCpuSeconds: +x.workerCpuSeconds.toFixed(3),
          serverCpuSeconds: x.serverCpuSeconds === null ? null : +x.serverCpuSeconds.toFixed(3),
        })),
      });
    }
} finally {
  await server.stop();
}
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: "study ask/tell throughput (random strategy: the store, not the predictor)",
      machine: { cores: cpus().length, model: cpus()[0]?.model ?? "unknown", loadAverage1m: loadavg()[0] },
      cyclesPerRound: CYCLES,
      repeats: REPEATS,
      results,
    },
    null,
    2,
  )}\n`,
);
