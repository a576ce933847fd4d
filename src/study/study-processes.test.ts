/** Studies shared by real processes: two asking at once, and one killed (SIGKILL) while telling. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import Database from "better-sqlite3";
import { Rng } from "../random.js";
import { createSpace } from "../spaces/kinds.js";
import { REPO_ROOT } from "../testing/fixtures.js";
import { madeUpValue, tinyAccuracy, tinyDir, tinySpace, WIDE_SPEC } from "../testing/study-fixtures.js";
import { createStudyFile, openStudyFile } from "./study-file.js";

const CHILD = join(REPO_ROOT, "dist", "src", "testing", "study-child.js");
const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");

function child(args: string[]): {
  process: ChildProcess;
  lines: AsyncIterator<string>;
  exit: Promise<number | null>;
} {
  const p = spawn(process.execPath, [CHILD, ...args], { stdio: ["pipe", "pipe", "inherit"] });
  const exit = new Promise<number | null>((resolve) => p.on("exit", (code) => resolve(code)));
  return {
    process: p,
    lines: createInterface({ input: p.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator](),
    exit,
  };
}

async function next(lines: AsyncIterator<string>): Promise<string> {
  const r = await lines.next();
  assert.ok(!r.done, "the child ended early");
  return r.value;
}

test("two processes asking at the same moment get disjoint architectures", async () => {
  const { dir, spec } = tinyDir();
  const path = join(dir, "runs.db");
  // 12 told: both processes fit the same predictor on the same study and want the same architectures
  const trained = tinySpace().sample(new Rng(5), 12);
  const csv = join(dir, "trained.csv");
  const space = tinySpace();
  writeFileSync(
    csv,
    `${space.columns.join(",")},val_acc\n${trained.map((a) => `${Object.values(space.toRow(a)).join(",")},${tinyAccuracy(a)}`).join("\n")}\n`,
  );
  const { study } = await createStudyFile({
    study: path,
    specFile: spec,
    target: "val_acc",
    importFile: csv,
  });
  await study.close();
  const a = child(["ask", path, "10"]);
  const b = child(["ask", path, "10"]);
  assert.equal(await next(a.lines), "ready");
  assert.equal(await next(b.lines), "ready");
  a.process.stdin?.end("go\n");
  b.process.stdin?.end("go\n");
  const keysA: string[] = JSON.parse(await next(a.lines));
  const keysB: string[] = JSON.parse(await next(b.lines));
  assert.equal(await a.exit, 0);
  assert.equal(await b.exit, 0);
  assert.equal(keysA.length, 10);
  assert.equal(keysB.length, 10);
  assert.equal(new Set([...keysA, ...keysB]).size, 20, "no architecture handed to both");
  const reopened = await openStudyFile(path);
  const counts = await reopened.store.counts();
  await reopened.close();
  assert.deepEqual(counts, { pending: 20, done: 12, failed: 0 });
});

/** The spec of WIDE_SPEC in a fresh directory, and a study of it. */
async function wideStudy(): Promise<string> {
  const { dir } = tinyDir();
  const spec = join(dir, "wide.json");
  writeFileSync(spec, JSON.stringify(WIDE_SPEC));
  const path = join(dir, "wide.db");
  (await createStudyFile({ study: path, specFile: spec, target: "val_acc" })).study.close();
  return path;
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}

test("kill -9 while telling one at a time loses no result told before", async () => {
  const path = await wideStudy();
  const c = child(["tell-each", path, "100000"]);
  const told: string[] = [];
  while (told.length < 150) told.push((await next(c.lines)).replace(/^told /, ""));
  c.process.kill("SIGKILL");
  assert.equal(await c.exit, null, "killed, not finished");
  assert.equal(integrity(path), "ok");
  const study = await openStudyFile(path);
  const trials = new Map((await study.trials()).map((t) => [t.key, t]));
  await study.close();
  for (const key of told) {
    const t = trials.get(key);
    assert.equal(t?.state, "done", `${key} was told, then lost`);
    assert.equal(t?.value, madeUpValue(key));
  }
  // the child may have committed more than the parent had read when it was killed; each is whole
  assert.ok(trials.size >= told.length, `${trials.size} trials`);
  for (const t of trials.values()) assert.equal(t.value, madeUpValue(t.key));
});

test("kill -9 in the middle of one large tell leaves all of it or none, and a sound file", async () => {
  const path = await wideStudy();
  const c = child(["tell-all", path, "30000"]);
  assert.equal(await next(c.lines), "start");
  await new Promise((resolve) => setTimeout(resolve, 150));
  c.process.kill("SIGKILL");
  await c.exit;
  assert.equal(integrity(path), "ok");
  const study = await openStudyFile(path);
  const counts = await study.store.counts();
  // still usable: a tell after the crash works
  await study.tell(study.space.sample(new Rng(99), 1)[0], 0.5);
  await study.close();
  assert.ok(counts.done === 0 || counts.done === 30000, `${counts.done} of 30000 told`);
});

test("study create --import: no other process reaches the study before its import is in; kill -9 midway leaves no study, and the next create clears what it left", async () => {
  const { dir } = tinyDir();
  const spec = join(dir, "wide.json");
  writeFileSync(spec, JSON.stringify(WIDE_SPEC));
  const space = await createSpace(WIDE_SPEC as Parameters<typeof createSpace>[0]);
  const rows = space.sample(new Rng(3), 60000);
  const csv = join(dir, "big.csv");
  writeFileSync(
    csv,
    `${space.columns.join(",")},val_acc\n${rows.map((a) => `${Object.values(space.toRow(a)).join(",")},${madeUpValue(space.key(a))}`).join("\n")}\n`,
  );
  const path = join(dir, "runs.db");
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", cwd: dir });
  const create = spawn(
    process.execPath,
    [MAIN, "study", "create", "--space", spec, "--study", path, "--target", "val_acc", "--import", csv],
    { stdio: "ignore" },
  );
  const exit = new Promise<number | null>((resolve) => create.on("exit", (code) => resolve(code)));
  const staged = `${path}.creating-${create.pid}`;
  const deadline = Date.now() + 60_000;
  while (!existsSync(staged) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(existsSync(staged), "the create stages its study beside the path");
  create.kill("SIGSTOP"); // held midway through its import, whatever the machine's speed
  // meanwhile the study is not there: a tell is refused instead of landing in a study the import may still remove
  const tell = cli([
    "tell",
    "--study",
    path,
    "--arch",
    JSON.stringify(space.jsonOf(rows[0])),
    "--value",
    "0.5",
  ]);
  assert.equal(tell.status, 1, tell.stderr);
  assert.match(tell.stderr, /runs\.db: no such study/);
  create.kill("SIGKILL");
  assert.equal(await exit, null, "killed before the import was in");
  assert.ok(!existsSync(path), "no study, not a half-made one");
  assert.ok(existsSync(staged), "kill -9 leaves its staged file");
  const again = cli(["study", "create", "--space", spec, "--study", path, "--target", "val_acc"]);
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes(".creating")),
    [],
    "the leftover of the killed create is removed once its process is gone",
  );
});
