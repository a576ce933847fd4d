/**
 * One record of the official NAS-Bench-101 files (`nasbench_only108.tfrecord`, `nasbench_full.tfrecord`):
 * UTF-8 JSON `[module_hash, epochs, adjacency, operations, metrics]`, adjacency a row-major 0/1 string,
 * operations comma-separated, metrics base64 of a `ModelMetrics` protobuf (schema from the benchmark).
 */
import { createRequire } from "node:module";
import type protobuf from "protobufjs";

const SCHEMA = `
syntax = "proto2";
message EvaluationData {
  optional double current_epoch = 1;
  optional double training_time = 2;
  optional double train_accuracy = 3;
  optional double validation_accuracy = 4;
  optional double test_accuracy = 5;
  optional string checkpoint_path = 6;
}
message ModelMetrics {
  repeated EvaluationData evaluation_data = 1;
  optional int32 trainable_parameters = 2;
  optional double total_time = 3;
}`;

let modelMetrics: protobuf.Type | undefined;

/** The `ModelMetrics` type, parsed on first use: protobufjs is loaded only by the commands that read the
 * official files, not at every command's start (0.05-0.12 s on 2 cores). */
function metricsType(): protobuf.Type {
  if (modelMetrics) return modelMetrics;
  const { parse } = createRequire(import.meta.url)("protobufjs") as typeof protobuf;
  modelMetrics = parse(SCHEMA, { keepCase: true }).root.lookupType("ModelMetrics");
  return modelMetrics;
}

export interface Evaluation {
  current_epoch?: number;
  training_time?: number;
  train_accuracy?: number;
  validation_accuracy?: number;
  test_accuracy?: number;
  checkpoint_path?: string;
}

export interface Metrics {
  evaluation_data: Evaluation[];
  trainable_parameters?: number;
  total_time?: number;
}

export interface OfficialRecord {
  hash: string;
  epochs: number;
  adjacency: string;
  operations: string;
  metrics: Metrics;
}

/** Parses a record's bytes; throws Error with the reason (the caller adds file and record number). */
export function parseOfficialRecord(data: Uint8Array): OfficialRecord {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
  } catch {
    throw new Error("data is not JSON; expected [module_hash, epochs, adjacency, operations, metrics]");
  }
  if (!Array.isArray(value) || value.length !== 5) {
    throw new Error("expected a JSON array [module_hash, epochs, adjacency, operations, metrics]");
  }
  const [hash, epochs, adjacency, operations, metrics] = value;
  if (typeof hash !== "string" || !/^[0-9a-f]{32}$/.test(hash))
    throw new Error(`module hash ${JSON.stringify(hash)} is not 32 hex digits`);
  if (!Number.isInteger(epochs) || epochs <= 0)
    throw new Error(`epochs ${JSON.stringify(epochs)} is not a positive integer`);
  if (typeof adjacency !== "string" || typeof operations !== "string" || typeof metrics !== "string") {
    throw new Error("adjacency, operations and metrics must be strings");
  }
  let decoded: Metrics;
  try {
    decoded = metricsType().toObject(metricsType().decode(Buffer.from(metrics, "base64")), {
      defaults: false,
      arrays: true,
    }) as Metrics;
  } catch (e) {
    throw new Error(`metrics are not a ModelMetrics protobuf: ${(e as Error).message}`);
  }
  return { hash, epochs, adjacency, operations, metrics: decoded };
}

/** Encodes a record as the official files do (used by tests and benchmarks to write small files). */
export function encodeOfficialRecord(record: OfficialRecord): Buffer {
  const metrics = Buffer.from(
    metricsType().encode(metricsType().fromObject(record.metrics)).finish(),
  ).toString("base64");
  return Buffer.from(
    JSON.stringify([record.hash, record.epochs, record.adjacency, record.operations, metrics]),
    "utf8",
  );
}
