/** NAS-Bench-101 labels from the data directory, joined to the space by id. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { checkAccuracyScale } from "../../data/label-scale.js";
import { type DataDir, dataFile } from "../../data/locations.js";
import { readNpyVector } from "../../data/npy.js";
import { BadFileError } from "../../errors.js";
import { importedCells, NB101_IMPORT_MANIFEST, readImportManifest } from "./import-manifest.js";
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

/** Accuracy arrays (fractions 0..1) are scale-checked; FLOPs, parameters and times are not accuracies. */
function isAccuracy(name: string): boolean {
  return name.includes("accuracy");
}

/**
 * Reads every `.npy` array in DATA/nb101 (108 epochs). Refuses arrays whose length is not the space
 * size; ±∞ anywhere; NaN unless the directory has a valid import manifest (written by
 * `data import-nb101`) listing the array, whose NaN means "cell not in the imported file" — and then
 * no more labeled cells than the manifest imported; accuracy arrays not on the fraction scale (0..1);
 * negative FLOPs.
 * Errors are BadFileError naming the file and the row (= cell id).
 */
export function loadNb101Labels(space: Nb101Space, data: DataDir): Nb101Labels {
  const testPath = dataFile(data, NB101_TEST_ACCURACY, "NAS-Bench-101 test accuracy per cell");
  const dir = join(data.dir, "nb101");
  const manifest = readImportManifest(data, space.size);
  const all: Record<string, Float64Array> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".npy"))
    .sort()) {
    const path = join(dir, file);
    const values = readNpyVector(path, space.size, isAccuracy(file.slice(0, -4)));
    const nanAllowed = manifest?.arrays.includes(file) ?? false;
    let labeled = 0;
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (Number.isNaN(x) && nanAllowed) continue;
      if (!Number.isFinite(x)) {
        throw new BadFileError(
          path,
          `row ${i} is ${x}; expected a finite number${Number.isNaN(x) ? ` (NaN marks a cell missing from an import only in arrays listed by a valid ${NB101_IMPORT_MANIFEST})` : ""}`,
        );
      }
      labeled++;
    }
    if (manifest && nanAllowed && labeled > importedCells(manifest)) {
      throw new BadFileError(
        path,
        `has values for ${labeled} cells, but ${NB101_IMPORT_MANIFEST} says ${importedCells(manifest)} cells were imported; import again with --force`,
      );
    }
    const name = file.slice(0, -4);
    if (name === "flops") {
      const negative = values.findIndex((x) => x < 0);
      if (negative >= 0)
        throw new BadFileError(path, `row ${negative} is ${values[negative]}; expected FLOPs ≥ 0`);
    }
    if (isAccuracy(name)) {
      checkAccuracyScale(values, "fraction", {
        file: path,
        position: (i) => `row ${i}`,
        what: `${name}`,
        fix: "divide the array by 100 (nas-assay reads NAS-Bench-101 accuracies as fractions)",
      });
    }
    all[name] = values;
  }
  const testAccuracy = all.test_accuracy_run0;
  if (!testAccuracy) throw new BadFileError(testPath, "could not be read");
  const covered = testAccuracy.reduce((a, x) => a + (Number.isNaN(x) ? 0 : 1), 0);
  return { testAccuracy, flops: all.flops, all, covered };
}
