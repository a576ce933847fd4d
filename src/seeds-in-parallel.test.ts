import assert from "node:assert/strict";
import { test } from "node:test";
import { inWorker } from "./seeds-in-parallel.js";

test("a worker's warnings reach this process's warning listeners, once per process", async () => {
  const heard: string[] = [];
  const listener = (warning: Error) => heard.push(warning.message);
  process.on("warning", listener);
  try {
    const script = new URL("./testing/warning-worker.js", import.meta.url);
    // two workers, each warning twice: said once
    const results = await Promise.all([7, 8].map((n) => inWorker<number>(script, n, () => {})));
    assert.deepEqual(results, [7, 8]);
    // process.emitWarning dispatches on the next tick
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(heard, ["the test worker's warning"]);
  } finally {
    process.off("warning", listener);
  }
});
