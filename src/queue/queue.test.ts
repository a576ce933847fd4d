/**
 * The job queue against a real Redis (a throw-away one on a loopback port) and real `nas-assay worker`
 * processes. The sweep is `reproduce table4 --quick --space nb201 --seeds 0`: Table 4's two methods on
 * one seed (2 runs), the cheapest faithful setting — the three default seeds would triple a test that
 * already takes minutes of both cores.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { Job, Queue } from "bullmq";
import { UserError } from "../errors.js";
import type { EvaluationSpec, SeedResult } from "../eval/evaluate.js";
import { reproduce } from "../experiments/reproduce.js";
import type { ResultsFile } from "../experiments/results-file.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";
import { freePort, startRedis } from "../testing/servers.js";
import { connectionOptions, QUEUE_NAME, queueAddress } from "./address.js";
import { onQueue } from "./sweep.js";
import { startWorker, type WorkerEvent } from "./worker.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const SWEEP = ["reproduce", "table4", "--quick", "--space", "nb201", "--seeds", "0"];
/** Short locks, so that a killed worker's job is back in the queue within seconds. */
const SHORT_LOCKS = ["--lock-seconds", "2", "--stalled-seconds", "1"];

interface Cli {
  child: ChildProcess;
  events: WorkerEvent[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves with the first event (seen or to come) that matches. */
  event(match: (e: WorkerEvent) => boolean, timeoutMs?: number): Promise<WorkerEvent>;
}

/** The benchmark data, a throw-away Redis (its address) and a folder for one test, gone after it. */
async function throwAwayQueue(t: TestContext) {
  const data = testData();
  const redis = await startRedis();
  t.after(() => redis.stop());
  const root = mkdtempSync(join(tmpdir(), "nas-assay-queue-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return { data, root, queue: queueAddress(redis.url) };
}

/** Starts `nas-assay --json ARGS`, collecting its JSON lines. */
function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [MAIN, "--json", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: WorkerEvent[] = [];
  const waiters: (() => void)[] = [];
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk;
    partial += chunk;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      try {
        events.push(JSON.parse(line) as WorkerEvent);
      } catch {
        // not an event (reproduce's summary is one JSON object too, and harmless here)
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    events,
    stderr: () => stderr,
    exited,
    event(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no such event within ${timeoutMs} ms; got ${JSON.stringify(events)}\n${stderr}`),
            ),
          timeoutMs,
        );
        const look = () => {
          const found = events.find(match);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else waiters.push(look);
        };
        look();
      });
    },
  };
}

function stopAll(clis: Cli[]): void {
  for (const c of clis) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
}

const SCORES = [
  "seed",
  "ktau",
  "spearman",
  "pearson",
  "mse",
  "precisionAt100",
  "predictedBestTruth",
  "sample",
] as const;

test("three workers run `reproduce table4 --quick --space nb201 --queue` to the local command's numbers, " +
  "and a worker killed mid-run loses nothing", { timeout: 25 * 60_000 }, async (t) => {
  testData();
  const redis = await startRedis();
  t.after(() => redis.stop());
  const root = mkdtempSync(join(tmpdir(), "nas-assay-queue-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const workers = [0, 1, 2].map(() => cli(["worker", "--queue", redis.url, ...SHORT_LOCKS]));
  t.after(() => stopAll(workers));
  await Promise.all(workers.map((w) => w.event((e) => e.event === "ready")));

  const local = cli([...SWEEP, "--out", join(root, "local")]);
  const queued = cli([...SWEEP, "--queue", redis.url, "--out", join(root, "queue")]);
  t.after(() => stopAll([local, queued]));
  // kill -9 the first worker that starts a run, a few seconds into the run (each takes tens of seconds)
  const first = await Promise.race(
    workers.map((worker) =>
      worker
        .event((e) => e.event === "started", 120_000)
        .then((event) => ({ worker, job: (event as { job: string }).job })),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.ok(
    !first.worker.events.some((e) => e.event === "finished"),
    "the run is still going when its worker is killed",
  );
  first.worker.child.kill("SIGKILL");
  const [q, l] = await Promise.all([queued.exited, local.exited]);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(l.code, 0, l.stderr);

  const survivors = workers.filter((w) => w !== first.worker);
  const finishedIt = survivors.filter((w) =>
    w.events.some((e) => e.event === "finished" && e.job === first.job),
  );
  assert.equal(finishedIt.length, 1, "another worker ran the killed worker's job to the end");
  assert.equal(
    survivors.flatMap((w) => w.events).filter((e) => e.event === "finished").length,
    2,
    "each of the 2 runs finished once",
  );

  const text = readFileSync(join(root, "queue", "table4.json"), "utf8");
  const fromQueue = JSON.parse(text) as ResultsFile;
  const fromLocal = JSON.parse(readFileSync(join(root, "local", "table4.json"), "utf8")) as ResultsFile;
  assert.deepEqual(Object.keys(fromQueue.runs).sort(), Object.keys(fromLocal.runs).sort());
  assert.equal(Object.keys(fromQueue.runs).length, 2);
  for (const [key, { run, result }] of Object.entries(fromLocal.runs)) {
    const other = fromQueue.runs[key];
    assert.deepEqual(other.run, run);
    for (const score of SCORES) assert.deepEqual(other.result[score], result[score], `${key} ${score}`);
    assert.equal(text.split(JSON.stringify(key)).length - 1, 1, `${key} is in the file once`);
  }
  assert.deepEqual(fromQueue.settings, fromLocal.settings);
  assert.ok(existsSync(join(root, "queue", "table4.md")), "rendered as a local run is");

  const status = cli(["queue", "status", "--queue", redis.url]);
  const s = await status.exited;
  assert.equal(s.code, 0, s.stderr);
  const counts = JSON.parse(s.stdout);
  assert.deepEqual([counts.waiting, counts.running, counts.done, counts.failed], [0, 0, 2, 0]);
  assert.equal(counts.workers.length, 2, "the two live workers");

  // resumed: nothing left to enqueue, nothing run again
  const again = await cli([...SWEEP, "--queue", redis.url, "--out", join(root, "queue")]).exited;
  assert.equal(again.code, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).ranNow, 0);
  const resumed = JSON.parse(readFileSync(join(root, "queue", "table4.json"), "utf8")) as ResultsFile;
  assert.deepEqual(resumed.runs, fromQueue.runs);
  // into another folder: the results come from the queue's finished jobs, and are not said to be run now
  const elsewhere = await cli([...SWEEP, "--queue", redis.url, "--out", join(root, "elsewhere")]).exited;
  assert.equal(elsewhere.code, 0, elsewhere.stderr);
  const summary = JSON.parse(elsewhere.stdout);
  assert.deepEqual([summary.ranNow, summary.finishedEarlier], [0, 2]);
});

test("a job that is not a nas-assay run is refused at once, not retried, and shown by queue status", async (t) => {
  const redis = await startRedis();
  t.after(() => redis.stop());
  const worker = cli(["worker", "--queue", redis.url, ...SHORT_LOCKS]);
  t.after(() => stopAll([worker]));
  await worker.event((e) => e.event === "ready");
  const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(queueAddress(redis.url)) });
  t.after(() => queue.close());
  const payload = {
    version: 1,
    space: "nb201",
    target: "cifar10-valid/test",
    run: { method: "ssa", labels: 100, seed: 0 },
    code: "process.exit(3)",
  };
  const job = await queue.add("malformed", payload, { attempts: 5, backoff: { type: "fixed", delay: 200 } });
  const refused = await worker.event((e) => e.event === "refused" && e.job === job.id, 30_000);
  assert.match((refused as { reason: string }).reason, /job has unknown field\(s\) code/);
  await new Promise((resolve) => setTimeout(resolve, 1500)); // time enough for a retry, were there one
  assert.equal(await queue.getJobState(String(job.id)), "failed");
  const failed = await Job.fromId(queue, String(job.id));
  assert.equal(failed?.attemptsMade, 1, "tried once of the 5 attempts it asked for");
  assert.match(String(failed?.failedReason), /^refused: job has unknown field\(s\) code/);
  assert.equal(worker.events.filter((e) => e.event === "started").length, 0, "nothing ran");

  const status = await cli(["queue", "status"], { NAS_ASSAY_QUEUE: redis.url }).exited; // --queue from there
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout);
  assert.deepEqual([s.waiting, s.running, s.done, s.failed], [0, 0, 0, 1]);
  assert.match(s.failures[0].reason, /unknown field\(s\) code/);
  assert.equal(s.workers.length, 1);
  // Redis lists its clients server-wide: the worker on database 0 is not one of database 1's queue
  const other = await cli(["queue", "status", "--queue", `${redis.url}/1`]).exited;
  assert.equal(other.code, 0, other.stderr);
  assert.deepEqual(JSON.parse(other.stdout).workers, []);

  // the worker lives on, and stops cleanly on SIGTERM
  worker.child.kill("SIGTERM");
  const exit = await worker.exited;
  assert.equal(exit.code, 0, exit.stderr);
  assert.ok(worker.events.some((e) => e.event === "stopped"));
});

test("a worker without the run's files hands the job back and stops; one with other labels fails it, reported by the waiting reproduce without retries", async (t) => {
  const data = testData();
  const redis = await startRedis();
  t.after(() => redis.stop());
  const root = mkdtempSync(join(tmpdir(), "nas-assay-queue-"));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const empty = join(root, "no-data");
  mkdirSync(empty);
  const lacking = cli(["--data", empty, "worker", "--queue", redis.url, ...SHORT_LOCKS]);
  t.after(() => stopAll([lacking]));
  await lacking.event((e) => e.event === "ready");
  const sweep = cli([...SWEEP, "--queue", redis.url, "--out", join(root, "out")]);
  t.after(() => stopAll([sweep]));
  const stopped = await lacking.exited;
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.match(
    stopped.stderr,
    /^nas-assay: missing benchmark files nb201\/cifar10-valid\.csv .*no-data.* Job \S+ \(nb201 ssa(-noae)?, 100 labels, seed 0\) went back to the queue for a worker that has the files; this worker stopped rather than fail the queue's runs one by one\.\n$/,
  );
  assert.deepEqual(
    lacking.events.map((e) => e.event),
    ["ready", "lacking", "stopped"],
    "it took one job, evaluated nothing",
  );
  // a worker whose labels are not those the sweep planned on (one value changed) fails each run at once
  const other = join(root, "other-data");
  mkdirSync(join(other, "nb201"), { recursive: true });
  for (const file of readdirSync(join(data.dir, "nb201")))
    copyFileSync(join(data.dir, "nb201", file), join(other, "nb201", file));
  const csv = join(other, "nb201", "cifar10-valid.csv");
  const [header, first, ...rest] = readFileSync(csv, "utf8").split("\n");
  writeFileSync(
    csv,
    [header, first.replace(/,([\d.]+)$/, (_, v) => `,${Number(v) + 0.01}`), ...rest].join("\n"),
  );
  const mismatched = cli(["--data", other, "worker", "--queue", redis.url, ...SHORT_LOCKS]);
  t.after(() => stopAll([mismatched]));
  const swept = await sweep.exited;
  assert.equal(swept.code, 1, swept.stdout);
  assert.match(swept.stderr, /^nas-assay: 2 of 2 runs failed on the queue \(the other results are saved\): /);
  assert.match(
    swept.stderr,
    /nb201 ssa-noae, 100 labels, seed 0: the labels of cifar10-valid\/test in .*other-data.* are not those the run was planned on .*\(after 1 attempt\(s\)\)/,
  );
  assert.equal(swept.stderr.trim().split("\n").length, 1, "one line");
  assert.equal(mismatched.events.filter((e) => e.event === "started").length, 2, "each run tried once");

  // a Redis that is not there: a clear line, without the password
  const port = await freePort();
  const unreachable = await cli(["queue", "status", "--queue", `redis://me:s3cret@127.0.0.1:${port}`]).exited;
  assert.equal(unreachable.code, 1);
  assert.match(
    unreachable.stderr,
    /^nas-assay: cannot reach Redis at redis:\/\/me:\*\*\*@127\.0\.0\.1:\d+ \(.*ECONNREFUSED/,
  );
  assert.doesNotMatch(unreachable.stderr + unreachable.stdout, /s3cret/);
  // a Redis that answers but refuses the credentials, or has no such database: said at once, as that
  // (not "start redis-server", not silently database 0)
  const refused = await cli([
    "queue",
    "status",
    "--queue",
    redis.url.replace("redis://", "redis://me:s3cret@"),
  ]).exited;
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^nas-assay: Redis at redis:\/\/me:\*\*\*@.* refused the connection's credentials \(WRONGPASS/,
  );
  assert.doesNotMatch(refused.stderr, /s3cret|start redis-server/);
  // a password the server does not ask for: ioredis printed its own "[WARN] …" once per connection
  const unasked = await cli(["queue", "status", "--queue", redis.url.replace("redis://", "redis://:s3cret@")])
    .exited;
  assert.equal(unasked.code, 0, unasked.stderr);
  assert.equal(
    unasked.stderr,
    "nas-assay: warning: Redis at redis://:***@127.0.0.1:" +
      `${new URL(redis.url).port} asks for no password: the password in --queue is not used\n`,
  );
  const noDatabase = await cli(["queue", "status", "--queue", `${redis.url}/99`]).exited;
  assert.equal(noDatabase.code, 1);
  assert.match(
    noDatabase.stderr,
    /^nas-assay: Redis at \S+\/99 has no such database \(ERR DB index is out of range\)/,
  );
});

test("through the queue, a flaky run is retried, a run failing on bad input is not, and the others are saved", async (t) => {
  const { data, root, queue } = await throwAwayQueue(t);
  const calls: string[] = [];
  const events: WorkerEvent[] = [];
  const worker = await startWorker({
    queue,
    data,
    lockSeconds: 2,
    stalledSeconds: 1,
    onEvent: (e) => events.push(e),
    // numbers that depend on the run; seed 1 of the assessor is bad input, seed 0 of the ablation flaky once
    evaluateRun: async (spec: EvaluationSpec, seed: number): Promise<SeedResult> => {
      const call = `${spec.method}/${seed}`;
      calls.push(call);
      if (call === "ssa/1") throw new UserError("no such label");
      if (call === "ssa-noae/0" && calls.filter((c) => c === call).length === 1) throw new Error("flaky");
      // a Kendall tau in -1..1 (results are checked): 0.1, 0.101, 0.11, 0.111
      const base = (spec.labels + seed + (spec.method === "ssa" ? 10 : 0)) / 1000;
      return {
        seed,
        ktau: base,
        spearman: base,
        pearson: base,
        mse: 0.01,
        precisionAt100: 0.1,
        predictedBestTruth: 0.9,
        fitSeconds: 0,
        predictSeconds: 0,
      };
    },
  });
  t.after(() => worker.close(true));
  const out = join(root, "out");
  await assert.rejects(
    reproduce("table4", {
      space: "nb201",
      data,
      out,
      quick: true,
      seeds: [0, 1],
      elsewhere: onQueue({ queue, pollMs: 100, retrySeconds: 0.1 }),
    }),
    (e: unknown) =>
      e instanceof UserError &&
      /^1 of 4 runs failed on the queue \(the other results are saved\): nb201 ssa, 100 labels, seed 1: no such label \(after 1 attempt\(s\)\)$/.test(
        (e as Error).message,
      ),
  );
  assert.deepEqual(calls.sort(), ["ssa-noae/0", "ssa-noae/0", "ssa-noae/1", "ssa/0", "ssa/1"]);
  assert.ok(events.some((e) => e.event === "failed" && e.retry && /flaky/.test(e.reason)));
  assert.ok(events.some((e) => e.event === "failed" && !e.retry && /no such label/.test(e.reason)));
  const file = JSON.parse(readFileSync(join(out, "table4.json"), "utf8")) as ResultsFile;
  assert.deepEqual(
    Object.values(file.runs)
      .map(({ run, result }) => `${run.method}/${run.seed}=${result.ktau}`)
      .sort(),
    ["ssa-noae/0=0.1", "ssa-noae/1=0.101", "ssa/0=0.11"],
  );
});

test("a sweep whose last worker goes away says so, and goes on once another comes", async (t) => {
  const { data, root, queue } = await throwAwayQueue(t);
  const empty = join(root, "no-data");
  mkdirSync(empty);
  // a worker without the files: it hands the first job back and stops
  const lacking = await startWorker({ queue, data: { dir: empty, source: "--data" } });
  t.after(() => lacking.close(true));
  const notes: string[] = [];
  let able: Awaited<ReturnType<typeof startWorker>> | undefined;
  t.after(() => able?.close(true));
  const swept = reproduce("table4", {
    space: "nb201",
    data,
    out: join(root, "out"),
    quick: true,
    seeds: [0],
    elsewhere: onQueue({
      queue,
      pollMs: 100,
      onNote: (text) => {
        notes.push(text);
        // "any more" as a rule; "yet" when the lacking worker stopped before the sweep first looked
        if (!/^no worker is connected/.test(text)) return;
        // a worker with the files comes
        void startWorker({
          queue,
          data,
          evaluateRun: async (spec, seed) => ({
            seed,
            ktau: spec.method === "ssa" ? 0.2 : 0.1,
            spearman: 0.1,
            pearson: 0.1,
            mse: 0.01,
            precisionAt100: 0.1,
            predictedBestTruth: 0.9,
            fitSeconds: 0,
            predictSeconds: 0,
          }),
        }).then((w) => {
          able = w;
        });
      },
    }),
  });
  const summary = await swept;
  assert.equal(summary.ranNow, 2);
  assert.equal(notes.length, 1, notes.join("\n"));
  assert.match(
    notes[0],
    new RegExp(
      `^no worker is connected to ${queue.shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} (any more: the 2 runs left|yet: the 2 runs) wait for \`nas-assay worker --queue `,
    ),
  );
  assert.match(String(await lacking.lacking), /went back to the queue/);
});
