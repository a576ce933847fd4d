/** NAS-Bench-101 labels from the data directory, joined to the space by id. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type DataDir, dataFile } from "../../data/locations.js";
import { readNpyVector } from "../../data/npy.js";
import { BadFileError } from "../../errors.js";
import type { Nb101Space } from "./space.js";

/** Label arrays indexed by cell id. */
export interface Nb101Labels {
  /** CIFAR-10 test accuracy (0..1) after 108 epochs, training repeat 0. */
  testAccuracy: Float64Array;
  /** FLOPs of the full network. */
  flops: Float64Array;
}

export const NB101_TEST_ACCURACY = "nb101/test_accuracy_run0.npy";
export const NB101_FLOPS = "nb101/flops.npy";

/** True when the data directory holds the NAS-Bench-101 label files. */
export function hasNb101Labels(data: DataDir): boolean {
  return [NB101_TEST_ACCURACY, NB101_FLOPS].every((f) => existsSync(join(data.dir, f)));
}

/** Reads the label arrays; refuses arrays whose length is not the space size or that hold NaN. */
export function loadNb101Labels(space: Nb101Space, data: DataDir): Nb101Labels {
  const testPath = dataFile(data, NB101_TEST_ACCURACY, "NAS-Bench-101 test accuracy per cell");
  const flopsPath = dataFile(data, NB101_FLOPS, "NAS-Bench-101 FLOPs per cell");
  const testAccuracy = readNpyVector(testPath, space.size);
  const flops = readNpyVector(flopsPath, space.size);
  for (const [path, values] of [
    [testPath, testAccuracy],
    [flopsPath, flops],
  ] as const) {
    const bad = values.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new BadFileError(path, `row ${bad} is ${values[bad]}; expected a finite number`);
  }
  return { testAccuracy, flops };
}
