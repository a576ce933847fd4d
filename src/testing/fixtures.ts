/** Shared set-up for tests: the real benchmark data and a space cached inside the checkout. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Benchmark } from "../benchmark.js";
import { type DataDir, dataDir } from "../data/locations.js";
import { Nb101Space } from "../spaces/nb101/space.js";

/** Repository root (tests run from dist/src/…). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Tests (and the commands they start) share one cache inside the checkout (space, decoded data). */
export const TEST_CACHE_DIR = join(REPO_ROOT, ".nas-assay-cache");
process.env.NAS_ASSAY_CACHE ??= TEST_CACHE_DIR;

/**
 * The benchmark data directory: the labels shipped with nas-assay (decoded into the tests' cache),
 * or $NAS_ASSAY_DATA when it is set. Fails loudly (never skips) when the real labels are not there.
 */
export function testData(): DataDir {
  const data = dataDir(undefined);
  const needed = join(data.dir, "nb101", "test_accuracy_run0.npy");
  if (!existsSync(needed)) {
    throw new Error(
      `tests need the real benchmark labels: ${needed} not found (data directory from ${data.source}). ` +
        "Unset NAS_ASSAY_DATA to use the data shipped in benchmarks/, or point it at a directory holding nb101/ and nb201/.",
    );
  }
  return data;
}

/** The NAS-Bench-101 space, from the tests' cache. */
export function testSpace(): Promise<Nb101Space> {
  return Nb101Space.load();
}

/** A small assessor configuration for tests that need a fitted model, not a good one (seconds on NAS-Bench-201). */
export const SMALL_ASSESSOR = {
  batchSize: 256,
  labeledPerBatch: 64,
  pretrainSteps: 5,
  minSteps: 20,
  epochs: 2,
} as const;

/** A short evolution for tests. */
export const SMALL_EVOLUTION = { evaluations: 300, population: 30, batch: 20 } as const;

/**
 * A copy of `benchmark` as a partial import leaves it: every target NaN except on the cells `keep`
 * accepts. (Loading allows NaN only under a valid NAS-Bench-101 import manifest; this builds the same
 * state in memory, on any space, without files.)
 */
export function partialBenchmark(benchmark: Benchmark, keep: (id: number) => boolean): Benchmark {
  const targets: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(benchmark.targets))
    targets[name] = values.map((v, id) => (keep(id) ? v : Number.NaN));
  return { ...benchmark, targets };
}
