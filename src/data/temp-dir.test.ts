import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { removeOnInterrupt, removeStaleTempDirs, tempDirOf } from "./temp-dir.js";

const root = mkdtempSync(join(tmpdir(), "nas-assay-temp-dir-"));
after(() => rmSync(root, { recursive: true, force: true }));
const moduleUrl = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), "temp-dir.js")).href;

/** The id of a process that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
      .stdout,
  );
}

test("leftovers of dead processes are removed; those of live processes and other names are kept", () => {
  const parent = join(root, "stale");
  const dead = join(parent, `.job-${deadPid()}`);
  const live = join(parent, `.job-${process.ppid}`);
  const own = tempDirOf(parent, ".job");
  const other = join(parent, ".job-12x");
  for (const dir of [dead, live, own, other]) mkdirSync(join(dir, "sub"), { recursive: true });
  assert.deepEqual(removeStaleTempDirs(parent, ".job"), [dead]);
  assert.equal(existsSync(dead), false);
  for (const dir of [live, own, other]) assert.equal(existsSync(dir), true, dir);
  assert.deepEqual(removeStaleTempDirs(join(root, "missing"), ".job"), []);
});

/**
 * Starts a process that makes a temporary folder with a file in it, registers it with
 * removeOnInterrupt, then does `then` ("wait": stays alive; "throw": fails). Resolves once the folder
 * is made, with the folder and the process's end.
 */
function childWithFolder(then: "wait" | "throw") {
  const parent = mkdtempSync(join(root, "child-"));
  const script = join(parent, "child.mjs");
  writeFileSync(
    script,
    `import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { removeOnInterrupt, tempDirOf } from ${JSON.stringify(moduleUrl)};
const dir = tempDirOf(${JSON.stringify(parent)}, ".work");
mkdirSync(dir);
removeOnInterrupt(dir);
writeFileSync(join(dir, "part.npy"), "half written");
process.stdout.write(dir + "\\n");
${then === "wait" ? "setInterval(() => {}, 1000);" : 'throw new Error("failed on purpose");'}
`,
  );
  const p = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    p.on("close", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<string>((resolve) => {
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
      if (out.endsWith("\n")) resolve(out.trim());
    });
  });
  return { p, ready, ended };
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`a process interrupted by ${signal} removes its temporary folder and ends by that signal`, async () => {
    const { p, ready, ended } = childWithFolder("wait");
    const dir = await ready;
    assert.equal(existsSync(join(dir, "part.npy")), true);
    p.kill(signal);
    assert.deepEqual(await ended, { code: null, signal });
    assert.equal(existsSync(dir), false);
  });
}

test("a process that fails removes its temporary folder", async () => {
  const { ready, ended } = childWithFolder("throw");
  const dir = await ready;
  assert.equal((await ended).code, 1);
  assert.equal(existsSync(dir), false);
});

test("once moved into place (disposed), the folder is no longer removed", () => {
  const dir = join(root, "kept");
  mkdirSync(dir);
  const count = () => ["SIGINT", "SIGTERM", "SIGHUP", "exit"].map((e) => process.listenerCount(e));
  const before = count();
  const dispose = removeOnInterrupt(dir);
  assert.deepEqual(
    count(),
    before.map((n) => n + 1),
  );
  dispose();
  assert.deepEqual(count(), before);
  assert.equal(existsSync(dir), true);
});
