/**
 * The numeric backend, set up once per thread: tfjs on its WebAssembly (SIMD) backend, whose .wasm
 * files ship inside the npm package. Falls back to tfjs' plain JavaScript backend (about 25× slower)
 * only when WebAssembly cannot start.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type * as tfjs from "@tensorflow/tfjs";
import type * as tfjsWasm from "@tensorflow/tfjs-backend-wasm";

// Loaded with require, not import: Node scans every CommonJS module that an ES module imports for its
// export names (cjs-module-lexer), and tfjs' bundles are megabytes of CommonJS — importing them took
// 0.55-1.1 s at every command's start against 0.16-0.22 s for require (2 cores, 5 runs each).
const require = createRequire(import.meta.url);

/** tfjs (the WebAssembly backend registers itself on it below). */
export const tf: typeof tfjs = require("@tensorflow/tfjs");
const { setWasmPaths }: typeof tfjsWasm = require("@tensorflow/tfjs-backend-wasm");

/** The tfjs types used across nas-assay, under the same name as the value (`tf.Tensor2D`). */
export declare namespace tf {
  type Tensor<R extends tfjs.Rank = tfjs.Rank> = tfjs.Tensor<R>;
  type Scalar = tfjs.Scalar;
  type Tensor1D = tfjs.Tensor1D;
  type Tensor2D = tfjs.Tensor2D;
  type Tensor3D = tfjs.Tensor3D;
  type Tensor4D = tfjs.Tensor4D;
  type Variable<R extends tfjs.Rank = tfjs.Rank> = tfjs.Variable<R>;
  type NamedTensorMap = tfjs.NamedTensorMap;
  type Optimizer = tfjs.Optimizer;
  type AdamOptimizer = tfjs.AdamOptimizer;
  namespace Rank {
    type R1 = tfjs.Rank.R1;
    type R2 = tfjs.Rank.R2;
  }
}

let ready: Promise<string> | undefined;

/** Starts the backend (idempotent); resolves to its name, "wasm" or "cpu". */
export function initBackend(): Promise<string> {
  ready ??= (async () => {
    const wasmFile = require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm");
    setWasmPaths(`${dirname(wasmFile)}/`);
    // the multi-threaded wasm build cannot start in Node (its worker is a blob URL)
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    const before = processHandlers();
    try {
      if (!(await tf.setBackend("wasm"))) await tf.setBackend("cpu");
      await tf.ready();
    } finally {
      removeHandlersSince(before);
    }
    return tf.getBackend();
  })();
  return ready;
}

/** The listeners of the process-wide error events that the WebAssembly backend's Emscripten glue adds to. */
interface ErrorHandlers {
  uncaught: NodeJS.UncaughtExceptionListener[];
  rejection: NodeJS.UnhandledRejectionListener[];
}

function processHandlers(): ErrorHandlers {
  return {
    uncaught: process.listeners("uncaughtException"),
    rejection: process.listeners("unhandledRejection"),
  };
}

/**
 * Removes the uncaughtException and unhandledRejection listeners added since `before`. The backend's
 * Emscripten glue adds two that rethrow (`throw reason`): in a program using nas-assay as a library,
 * the program's own unhandledRejection handler still ran, and then the process died with exit code 7
 * and a tfjs stack (found by tester S); they stay after dispose(). tfjs' own `_dispose` would remove
 * every listener, the program's too (its filter is always true), so they are removed here, by what was
 * there before.
 */
function removeHandlersSince(before: ErrorHandlers): void {
  for (const listener of process.listeners("uncaughtException"))
    if (!before.uncaught.includes(listener)) process.removeListener("uncaughtException", listener);
  for (const listener of process.listeners("unhandledRejection"))
    if (!before.rejection.includes(listener)) process.removeListener("unhandledRejection", listener);
}
