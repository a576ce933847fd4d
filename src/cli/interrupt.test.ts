import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { REPO_ROOT } from "../testing/fixtures.js";

const MODULE = join(REPO_ROOT, "dist", "src", "cli", "interrupt.js");

/** A process that registers sayOnInterrupt (disposed at once when `dispose`), says "ready", and waits. */
function interrupted(signal: NodeJS.Signals, dispose: boolean) {
  const script =
    `const { sayOnInterrupt } = await import(${JSON.stringify(MODULE)}); let n = 0;` +
    `const off = sayOnInterrupt(() => \`\${++n} saved\`); ${dispose ? "off();" : ""}` +
    `console.log("ready"); setInterval(() => {}, 1000);`;
  const p = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  p.stderr.on("data", (d) => {
    err += d;
  });
  p.stdout.on("data", () => p.kill(signal));
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }>((resolve) =>
    p.on("close", (code, s) => resolve({ code, signal: s, err })),
  );
}

test("an interrupted command says what it kept, once, and ends as the signal would have", async () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    assert.deepEqual(await interrupted(signal, false), {
      code: null,
      signal,
      err: "\nnas-assay: interrupted: 1 saved\n",
    });
  // once the command is done, a signal is the plain signal again
  assert.deepEqual(await interrupted("SIGINT", true), { code: null, signal: "SIGINT", err: "" });
});
