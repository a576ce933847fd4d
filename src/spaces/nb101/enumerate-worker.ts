/** Worker thread: hashes a run of canonical graphs for `buildTable`. */
import { parentPort, workerData } from "node:worker_threads";
import { type CanonicalGraph, hashGraphs } from "./enumerate.js";

const { graphs, from, to } = workerData as { graphs: CanonicalGraph[]; from: number; to: number };
const cells = hashGraphs(graphs, from, to);
parentPort?.postMessage(cells, [
  cells.digests.buffer,
  cells.bits.buffer,
  cells.shape.buffer,
] as ArrayBuffer[]);
