/** NAS-Bench-201 labels: train/validation/test accuracy on three datasets, on a 0..1 scale, by id. */
import type { DataDir } from "../../data/locations.js";
import { dataFile } from "../../data/locations.js";
import { BadFileError } from "../../errors.js";
import { cellCode, formatArch, parseArch } from "./cell.js";
import { NB201_ARCH_COLUMN, type Nb201Space, readNb201Csv } from "./space.js";

export const NB201_DATASETS = ["cifar10-valid", "cifar100", "ImageNet16-120"] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

/** Accuracies of one dataset (fractions 0..1), indexed by cell id. */
export interface Nb201Accuracies {
  train: Float64Array;
  valid: Float64Array;
  test: Float64Array;
}

const COLUMNS = { train: "train accuracy", valid: "validation accuracy", test: "test accuracy" } as const;

/** Reads one dataset's csv; its rows must list the cells in the space's id order. */
export function loadNb201Labels(space: Nb201Space, data: DataDir, dataset: Nb201Dataset): Nb201Accuracies {
  const path = dataFile(data, `nb201/${dataset}.csv`, `NAS-Bench-201 accuracies on ${dataset}`);
  const rows = readNb201Csv(path);
  if (rows.length !== space.size) {
    throw new BadFileError(path, `has ${rows.length} rows; expected ${space.size}, one per cell`);
  }
  const out: Nb201Accuracies = {
    train: new Float64Array(space.size),
    valid: new Float64Array(space.size),
    test: new Float64Array(space.size),
  };
  rows.forEach((row, id) => {
    const line = id + 2;
    let code: number;
    try {
      code = cellCode(parseArch(row[NB201_ARCH_COLUMN]));
    } catch (e) {
      throw new BadFileError(path, `line ${line}: ${(e as Error).message}`);
    }
    if (code !== cellCode(space.cell(id))) {
      throw new BadFileError(
        path,
        `line ${line} is ${row[NB201_ARCH_COLUMN]}, but cell ${id} is ${formatArch(space.cell(id))}; the csv files must share one row order`,
      );
    }
    for (const key of ["train", "valid", "test"] as const) {
      const text = row[COLUMNS[key]];
      const value = Number(text);
      if (text === undefined || text.trim() === "" || !Number.isFinite(value) || value < 0 || value > 100) {
        throw new BadFileError(
          path,
          `line ${line}, column "${COLUMNS[key]}" is "${text}"; expected a percentage 0..100`,
        );
      }
      out[key][id] = value / 100;
    }
  });
  return out;
}
