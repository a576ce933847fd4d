/** Worker thread: hashes a run of canonical graphs for `buildTable`. */
import { parentPort, workerData } from "node:worker_threads";
import { type CanonicalGraph, hashGraphs } from "./enumerate.js";

const { graphs, from, to, opCount } = workerData as {
  graphs: CanonicalGraph[];
  from: number;
  to: number;
  opCount: number;
};
const cells = hashGraphs(graphs, from, to, opCount);
parentPort?.postMessage(cells, [
  cells.digests.buffer,
  cells.bits.buffer,
  cells.shape.buffer,
] as ArrayBuffer[]);
