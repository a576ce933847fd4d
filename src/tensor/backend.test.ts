import assert from "node:assert/strict";
import { test } from "node:test";
import { initBackend } from "./backend.js";

test("starting the backend leaves the process's error handlers as they were: the wasm glue's rethrowing ones ended a library user's program (exit 7)", async () => {
  // the first start in this process (each test file runs in its own)
  const mine = () => {};
  process.on("unhandledRejection", mine);
  try {
    const before = [process.listeners("uncaughtException"), process.listeners("unhandledRejection")];
    assert.equal(await initBackend(), "wasm");
    assert.deepEqual(
      [process.listeners("uncaughtException"), process.listeners("unhandledRejection")],
      before,
    );
  } finally {
    process.removeListener("unhandledRejection", mine);
  }
});
