/**
 * The numeric backend, set up once per thread: tfjs on its WebAssembly (SIMD) backend, whose .wasm
 * files ship inside the npm package. Falls back to tfjs' plain JavaScript backend (about 25× slower)
 * only when WebAssembly cannot start.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

let ready: Promise<string> | undefined;

/** Starts the backend (idempotent); resolves to its name, "wasm" or "cpu". */
export function initBackend(): Promise<string> {
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasmFile = require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm");
    setWasmPaths(`${dirname(wasmFile)}/`);
    // the multi-threaded wasm build cannot start in Node (its worker is a blob URL)
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    if (!(await tf.setBackend("wasm"))) await tf.setBackend("cpu");
    await tf.ready();
    return tf.getBackend();
  })();
  return ready;
}

let threadBudget: number | undefined;

/**
 * How many threads this process's own numeric work may use: NAS_ASSAY_THREADS, else every core up to 2
 * (what the assessor's helper thread can use). Set to 1 where several jobs already share the cores.
 */
export function threads(): number {
  if (threadBudget !== undefined) return threadBudget;
  const fromEnv = Number.parseInt(process.env.NAS_ASSAY_THREADS ?? "", 10);
  return fromEnv >= 1 ? fromEnv : Math.min(2, availableParallelism());
}

/** Overrides `threads()` for this thread (e.g. 1 inside a worker that is one of several jobs). */
export function setThreads(count: number): void {
  threadBudget = Math.max(1, Math.floor(count));
}

export { tf };
