/**
 * Many training workers on one study, as real processes (src/testing/study-worker.ts): on a throw-away
 * PostgreSQL server (many machines) and on a study file (processes of one machine). 8 workers × 50
 * ask/tell cycles hand out 400 distinct architectures and keep 400 values; two workers killed with
 * SIGKILL mid-training leave pending architectures that the others are handed again once the pending
 * timeout runs out.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, test } from "node:test";
import { REPO_ROOT } from "../testing/fixtures.js";
import { startPostgres, type TestServer } from "../testing/servers.js";
import { madeUpValue, tinyDir, WIDE_SPEC } from "../testing/study-fixtures.js";
import { createStudyFile, openStudyFile } from "./study-file.js";

const WORKER = join(REPO_ROOT, "dist", "src", "testing", "study-worker.js");

let postgres: TestServer;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

let studies = 0;
/** A new study of WIDE_SPEC (about a million architectures): on the server, or in a file. */
async function newStudy(where: "postgresql" | "sqlite"): Promise<string> {
  const { dir } = tinyDir();
  const spec = join(dir, "wide.json");
  writeFileSync(spec, JSON.stringify(WIDE_SPEC));
  const location =
    where === "postgresql" ? `${postgres.url}?study=workers${++studies}` : join(dir, "wide.db");
  const { study } = await createStudyFile({ study: location, specFile: spec, target: "val_acc" });
  await study.close();
  return location;
}

interface Worker {
  process: ChildProcess;
  /** Every line printed so far. */
  lines: string[];
  /** Resolves with the next line that matches (checked over lines already printed too). */
  waitFor(pattern: RegExp, count?: number): Promise<string>;
  exit: Promise<{ code: number | null; signal: string | null; stderr: string }>;
}

function worker(location: string, cycles: number, timeoutMs: number, trainMs: number): Worker {
  const p = spawn(process.execPath, [WORKER, location, String(cycles), String(timeoutMs), String(trainMs)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  p.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const waiters: (() => void)[] = [];
  createInterface({ input: p.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    lines.push(line);
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    p.on("exit", (code, signal) => {
      for (const w of waiters.splice(0)) w();
      resolve({ code, signal, stderr });
    }),
  );
  const waitFor = (pattern: RegExp, count = 1) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.filter((l) => pattern.test(l));
        if (found.length >= count) resolve(found[count - 1]);
        else if (p.exitCode !== null || p.signalCode !== null)
          reject(new Error(`worker exited (${p.exitCode ?? p.signalCode}) before ${pattern}:\n${stderr}`));
        else waiters.push(check);
      };
      check();
    });
  return { process: p, lines, waitFor, exit };
}

/** Starts `count` workers and lets them go together once all are ready. */
async function startWorkers(count: number, ...args: Parameters<typeof worker>): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => worker(...args));
  await Promise.all(workers.map((w) => w.waitFor(/^ready$/)));
  for (const w of workers) w.process.stdin?.write("go\n");
  return workers;
}

const keysOf = (w: Worker, verb: "asked" | "told") =>
  w.lines.flatMap((l) => {
    const m = new RegExp(`^${verb} (\\{.*\\})( again)?$`).exec(l);
    return m ? [m[1]] : [];
  });

for (const where of ["postgresql", "sqlite"] as const) {
  test(`${where}: 8 workers × 50 ask/tell cycles → 400 distinct architectures, 400 values, nothing lost`, async () => {
    const location = await newStudy(where);
    const workers = await startWorkers(8, location, 50, 24 * 3600 * 1000, 0);
    for (const w of workers) {
      const { code, signal, stderr } = await w.exit;
      assert.equal(code, 0, `a worker failed (${signal ?? code}):\n${stderr}`);
      assert.equal(w.lines.at(-1), "finished");
      assert.equal(keysOf(w, "asked").length, 50);
      assert.deepEqual(keysOf(w, "told"), keysOf(w, "asked"));
    }
    const asked = workers.flatMap((w) => keysOf(w, "asked"));
    assert.equal(new Set(asked).size, 400, "no architecture handed to two workers");
    const study = await openStudyFile(location);
    const trials = await study.trials();
    await study.close();
    assert.equal(trials.length, 400);
    assert.deepEqual(new Set(trials.map((t) => t.key)), new Set(asked));
    for (const t of trials) {
      assert.equal(t.state, "done", `${t.key} ${t.state}`);
      assert.equal(t.value, madeUpValue(t.key));
    }
    // both stores number without gaps, four workers asking at once (a study file's refused inserts took
    // AUTOINCREMENT numbers until reserve looked before inserting)
    assert.deepEqual(
      trials.map((t) => t.number),
      Array.from({ length: 400 }, (_, i) => i + 1),
      "trial numbers 1..400 in order of arrival, no gap",
    );
  });

  test(`${where}: two workers killed mid-training → their pending architectures are asked again after the timeout`, async () => {
    const location = await newStudy(where);
    const timeoutMs = 1000;
    // the killed pair "trains" for minutes; the other two for 30 ms a cycle, about 3 s in all
    const doomed = await startWorkers(2, location, 50, timeoutMs, 120_000);
    const survivors = await startWorkers(2, location, 100, timeoutMs, 30);
    const orphans: string[] = [];
    for (const w of doomed) {
      const line = await w.waitFor(/^asked /);
      orphans.push(line.replace(/^asked /, ""));
      w.process.kill("SIGKILL");
      assert.equal((await w.exit).signal, "SIGKILL");
    }
    for (const w of survivors) {
      const { code, stderr } = await w.exit;
      assert.equal(code, 0, stderr);
    }
    const again = survivors.flatMap((w) =>
      w.lines.filter((l) => l.endsWith(" again")).map((l) => l.slice(6, -6)),
    );
    assert.deepEqual(
      again.sort(),
      orphans.slice().sort(),
      "each orphan handed out again once, to a survivor",
    );
    const study = await openStudyFile(location);
    const trials = new Map((await study.trials()).map((t) => [t.key, t]));
    const counts = await study.store.counts();
    await study.close();
    for (const key of orphans) {
      assert.equal(trials.get(key)?.state, "done", `${key} was never told`);
      assert.equal(trials.get(key)?.value, madeUpValue(key));
    }
    const told = new Set(survivors.flatMap((w) => keysOf(w, "told")));
    assert.equal(told.size, 200, "every survivor's cycle told a distinct architecture");
    assert.deepEqual(counts, { pending: 0, done: 200, failed: 0 });
  });
}
