/** NAS-Bench-101 labels from the data directory, joined to the space by id. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type DataDir, dataFile } from "../../data/locations.js";
import { readNpyVector } from "../../data/npy.js";
import { BadFileError } from "../../errors.js";
import type { Nb101Space } from "./space.js";

/** Label arrays indexed by cell id. */
export interface Nb101Labels {
  /** CIFAR-10 test accuracy (0..1) after 108 epochs, training repeat 0. */
  testAccuracy: Float64Array;
  /** FLOPs of the full network, when the data directory has them (the official tfrecord does not). */
  flops?: Float64Array;
  /** Every 108-epoch array of the directory by name (file name without .npy), the two above included. */
  all: Record<string, Float64Array>;
  /** Cells with a test accuracy (less than the space size for a partial import). */
  covered: number;
}

export const NB101_TEST_ACCURACY = "nb101/test_accuracy_run0.npy";
export const NB101_FLOPS = "nb101/flops.npy";
export const NB101_IMPORT_MANIFEST = "nb101/manifest.json";

/** True when the data directory holds the NAS-Bench-101 test accuracies. */
export function hasNb101Labels(data: DataDir): boolean {
  return existsSync(join(data.dir, NB101_TEST_ACCURACY));
}

/**
 * Reads every `.npy` array in DATA/nb101 (108 epochs). Refuses arrays whose length is not the space
 * size, and NaN values unless the directory was written by `data import-nb101` (whose manifest
 * declares NaN as "cell not in the imported file").
 */
export function loadNb101Labels(space: Nb101Space, data: DataDir): Nb101Labels {
  const testPath = dataFile(data, NB101_TEST_ACCURACY, "NAS-Bench-101 test accuracy per cell");
  const dir = join(data.dir, "nb101");
  const nanAllowed = existsSync(join(data.dir, NB101_IMPORT_MANIFEST));
  const all: Record<string, Float64Array> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".npy"))
    .sort()) {
    const path = join(dir, file);
    const values = readNpyVector(path, space.size);
    if (!nanAllowed) {
      const bad = values.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new BadFileError(path, `row ${bad} is ${values[bad]}; expected a finite number`);
    }
    all[file.slice(0, -4)] = values;
  }
  const testAccuracy = all.test_accuracy_run0;
  if (!testAccuracy) throw new BadFileError(testPath, "could not be read");
  const covered = testAccuracy.reduce((a, x) => a + (Number.isNaN(x) ? 0 : 1), 0);
  return { testAccuracy, flops: all.flops, all, covered };
}
