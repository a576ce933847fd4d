/**
 * A benchmark: a search space plus label arrays indexed by cell id, each under a target name.
 * NAS-Bench-101 targets are the array names of DATA/nb101 (e.g. `test_accuracy_run0`, `flops`, and
 * after an import `validation_accuracy_mean` …); NAS-Bench-201 targets are `DATASET/SPLIT`, e.g.
 * `cifar10-valid/test`, `cifar100/valid`, `ImageNet16-120/train`. Accuracies are fractions 0..1.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { type DataDir, type NeededFile, requireDataFiles } from "./data/locations.js";
import { hasMembers, shownValue, UserError } from "./errors.js";
import type { Rng } from "./random.js";
import { loadNb101Labels, NB101_TEST_ACCURACY } from "./spaces/nb101/labels.js";
import type { Nb101Space } from "./spaces/nb101/space.js";
import { loadNb201Accuracies, NB201_DATASETS } from "./spaces/nb201/labels.js";
import type { Nb201Space } from "./spaces/nb201/space.js";
import { loadSpace, type SpaceName } from "./spaces/registry.js";
import type { SearchSpace } from "./spaces/search-space.js";
import { accuracyLike } from "./study/tell-rules.js";

export interface Benchmark {
  space: Nb101Space | Nb201Space;
  targets: Record<string, Float64Array>;
  /** The target used when none is named: the test accuracy. */
  defaultTarget: string;
}

/** The files a benchmark cannot do without, in the data directory. */
export function benchmarkFiles(name: SpaceName): NeededFile[] {
  return name === "nb101"
    ? [
        {
          file: NB101_TEST_ACCURACY,
          purpose: "CIFAR-10 test accuracy of every cell, float64 .npy in id order",
        },
      ]
    : NB201_DATASETS.map((dataset) => ({
        file: `nb201/${dataset}.csv`,
        purpose: `NAS-Bench-201 accuracies on ${dataset}`,
      }));
}

/**
 * Checks that the benchmark's files are in the data directory, before anything slow (enumerating
 * NAS-Bench-101 takes seconds on a fresh machine): one error naming every missing file.
 */
export function requireBenchmark(name: SpaceName, data: DataDir): void {
  requireDataFiles(data, benchmarkFiles(name));
}

/**
 * Loads a space and all its labels from the data directory `given`: a DataDir (dataDir()) or a folder's
 * path. Throws UserError naming every missing file (before any enumeration) or a `given` that is neither.
 */
export async function loadBenchmark(
  name: SpaceName,
  given: DataDir | string,
  onNote?: (text: string) => void,
): Promise<Benchmark> {
  // a folder's path is what a caller has at hand (dataDir(path) makes the same); "" (an unset
  // variable) was resolved to the working directory, and the missing files blamed on --data
  if (typeof given === "string" && given.trim() === "")
    throw new UserError(
      "loadBenchmark: the data directory is an empty path; expected a folder holding nb101/ and nb201/, or dataDir() (NAS_ASSAY_DATA, else the shipped copy)",
    );
  const data: DataDir =
    typeof given === "string" ? { dir: resolve(given), source: "--data" } : checkedDataDir(given);
  // before enumerating NAS-Bench-101 (13 s without a cache): a data directory without its labels fails now
  requireBenchmark(name, data);
  const space = await loadSpace(name, data, onNote);
  if (space.name === "nb101") {
    return { space, targets: loadNb101Labels(space, data).all, defaultTarget: "test_accuracy_run0" };
  }
  const targets: Record<string, Float64Array> = {};
  const all = loadNb201Accuracies(space, data);
  for (const dataset of NB201_DATASETS) {
    const labels = all[dataset];
    for (const split of ["train", "valid", "test"] as const) targets[`${dataset}/${split}`] = labels[split];
  }
  return { space, targets, defaultTarget: "cifar10-valid/test" };
}

/**
 * Whether a benchmark target holds accuracies (fractions 0..1, shown as percents): every NAS-Bench-201
 * `DATASET/SPLIT` (its train, valid and test accuracies), and the targets named like an accuracy
 * (NAS-Bench-101's `test_accuracy_run0`, not `flops`).
 */
export function accuracyTarget(space: SpaceName, target: string): boolean {
  return (space === "nb201" && /\/(train|valid|test)$/.test(target)) || accuracyLike(target);
}

/** The label array of a named target, with a clear error listing the targets there are. */
export function targetValues(benchmark: Benchmark, target?: string): Float64Array {
  // a space or nothing given for the benchmark failed with "reading 'defaultTarget'"
  if (!hasMembers(benchmark, { targets: "object", defaultTarget: "string" }))
    throw new UserError(
      `targetValues needs a benchmark (await loadBenchmark("nb101" | "nb201")), got ${
        hasMembers(benchmark, { name: "string", encode: "function" })
          ? `the space ${(benchmark as unknown as { name: string }).name} (the benchmark's .space; pass the benchmark)`
          : shownValue(benchmark, 80)
      }`,
    );
  target ??= benchmark.defaultTarget;
  const values = Object.hasOwn(benchmark.targets, target) ? benchmark.targets[target] : undefined;
  if (!values) {
    throw new UserError(
      `no target "${target}" in ${benchmark.space.name}; targets are ${Object.keys(benchmark.targets).join(", ")}`,
    );
  }
  return values;
}

/**
 * A fingerprint of a label array (the first 16 hex digits of the sha256 of its float64 bytes, in cell
 * id order): results kept between runs (a results file, a job queue) record it, so that runs made on
 * other data (another --data folder, an edited benchmark file, a worker started on other data) are
 * never mixed into one table.
 */
export function labelsDigest(values: Float64Array): string {
  return createHash("sha256")
    .update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
    .digest("hex")
    .slice(0, 16);
}

/**
 * Ids (ascending) of the cells that have a label in `values` (not NaN); undefined when every cell has
 * one. Only a partial NAS-Bench-101 import (its manifest validated by the loader) leaves cells NaN.
 */
export function labeledCells(values: Float64Array): Int32Array | undefined {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  if (count === values.length) return undefined;
  const ids = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) ids[k++] = i;
  return ids;
}

/**
 * `n` distinct labeled cells drawn at random: exactly `space.sample(rng, n)` when every cell has a
 * label (so results stay as they were), else a random draw among `labeled`.
 */
export function drawLabeled(
  space: SearchSpace<unknown>,
  labeled: Int32Array | undefined,
  rng: Rng,
  n: number,
): Int32Array {
  if (!labeled) return space.sample(rng, n);
  return Int32Array.from(rng.permutation(labeled.length).subarray(0, n), (k) => labeled[k]);
}

/** `data` as loadBenchmark takes it: a DataDir (dataDir()), else UserError. */
function checkedDataDir(data: unknown): DataDir {
  const dir = (data as { dir?: unknown } | null | undefined)?.dir;
  if (typeof dir !== "string")
    throw new UserError(
      `loadBenchmark needs the data directory: a folder's path, or dataDir() (NAS_ASSAY_DATA, else the shipped copy), got ${shownValue(data, 80)}`,
    );
  return data as DataDir;
}
