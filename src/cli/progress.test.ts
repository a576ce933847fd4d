import assert from "node:assert/strict";
import { test } from "node:test";
import { withCounted } from "./progress.js";

test("a job counted in whole runs writes a line per finished run when stderr is no terminal, none under --json", async (t) => {
  // a sweep waiting hours on a queue's workers showed nothing in its log until the end
  assert.ok(!process.stderr.isTTY, "the test's stderr is a pipe");
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((text: string) => {
    written.push(text);
    return true;
  }) as typeof process.stderr.write;
  t.after(() => {
    process.stderr.write = write;
  });
  const job = (update: (done: number, total: number) => void) => {
    for (const done of [0, 0.3, 0.9, 1, 1.5, 2, 3]) update(done, 3);
    return Promise.resolve("ok");
  };
  assert.equal(await withCounted({}, "table4", "runs", job), "ok");
  assert.equal(await withCounted({ json: true }, "table4", "runs", job), "ok");
  process.stderr.write = write;
  assert.deepEqual(written, [
    "table4: 0 of 3 runs done\n",
    "table4: 1 of 3 runs done\n",
    "table4: 2 of 3 runs done\n",
    "table4: 3 of 3 runs done\n",
  ]);
});
