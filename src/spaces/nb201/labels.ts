/**
 * NAS-Bench-201 labels: train/validation/test accuracy on three datasets, by cell id. The csv files
 * hold percentages; they are checked to be on that scale and returned as fractions 0..1. Rows are
 * mapped to cells by their `file id` column, so the row order of a file does not matter; the three
 * files must agree on the cell of each file id.
 */
import { parseDecimal } from "../../data/decimal.js";
import { checkAccuracyScale } from "../../data/label-scale.js";
import type { DataDir } from "../../data/locations.js";
import { dataFile } from "../../data/locations.js";
import { BadFileError } from "../../errors.js";
import { cellCode, cellFromCode, formatArch } from "./cell.js";
import {
  NB201_ARCH_COLUMN,
  NB201_ID_COLUMN,
  NB201_ORDER_FILE,
  type Nb201Space,
  type Nb201Table,
  readNb201Table,
} from "./space.js";

export const NB201_DATASETS = ["cifar10-valid", "cifar100", "ImageNet16-120"] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

/** Accuracies of one dataset (fractions 0..1), indexed by cell id. */
export interface Nb201Accuracies {
  train: Float64Array;
  valid: Float64Array;
  test: Float64Array;
}

const COLUMNS = { train: "train accuracy", valid: "validation accuracy", test: "test accuracy" } as const;
const REQUIRED = [NB201_ID_COLUMN, NB201_ARCH_COLUMN, ...Object.values(COLUMNS)];

function readTable(data: DataDir, dataset: Nb201Dataset): Nb201Table {
  return readNb201Table(
    dataFile(data, `nb201/${dataset}.csv`, `NAS-Bench-201 accuracies on ${dataset}`),
    REQUIRED,
  );
}

/**
 * Reads one dataset's csv. Each row's `file id` must hold the same cell as in the space (read from
 * cifar10-valid.csv); every accuracy must be a decimal percentage, the columns on the percent scale.
 * Throws BadFileError naming the file, line and column.
 */
export function loadNb201Labels(space: Nb201Space, data: DataDir, dataset: Nb201Dataset): Nb201Accuracies {
  const table = readTable(data, dataset);
  checkAgainstSpace(space, table);
  return accuracies(table);
}

/** Each file id of `table` must hold the space's cell of that id. */
function checkAgainstSpace(space: Nb201Space, table: Nb201Table): void {
  for (let id = 0; id < space.size; id++) {
    if (table.codes[id] !== cellCode(space.cell(id))) {
      throw new BadFileError(
        table.path,
        `line ${table.lines[id]}: "${NB201_ID_COLUMN}" ${id} is ${formatArch(cellFromCode(table.codes[id]))}, but in ${NB201_ORDER_FILE} (which gives the ids) it is ${space.arch(id)}; the csv files must agree on each file id's cell`,
      );
    }
  }
}

/**
 * Reads the three datasets' csv files and checks them against each other: where they disagree on the
 * cell of a file id, the file that differs from the two others is named (all three when they all
 * differ), with its line. Returns fractions 0..1 by cell id (see loadNb201Labels).
 */
export function loadNb201Accuracies(space: Nb201Space, data: DataDir): Record<Nb201Dataset, Nb201Accuracies> {
  const tables = NB201_DATASETS.map((dataset) => readTable(data, dataset));
  for (let id = 0; id < space.size; id++) {
    const codes = tables.map((t) => t.codes[id]);
    if (codes[0] === codes[1] && codes[1] === codes[2]) continue;
    const odd = tables.filter((_, k) => codes.filter((c) => c === codes[k]).length === 1);
    const others = tables.filter((t) => !odd.includes(t));
    const at = (t: Nb201Table) => `${t.path} line ${t.lines[id]}`;
    const archOf = (t: Nb201Table) => formatArch(cellFromCode(t.codes[id]));
    throw new BadFileError(
      odd[0].path,
      others.length > 0
        ? `line ${odd[0].lines[id]}: "${NB201_ID_COLUMN}" ${id} is ${archOf(odd[0])}, but ${others.map(at).join(" and ")} give ${archOf(others[0])} for it; the three csv files must agree on each file id's cell`
        : `line ${odd[0].lines[id]}: "${NB201_ID_COLUMN}" ${id} is ${archOf(odd[0])}, but ${odd
            .slice(1)
            .map((t) => `${at(t)} gives ${archOf(t)}`)
            .join(" and ")}; the three csv files must agree on each file id's cell`,
    );
  }
  checkAgainstSpace(space, tables[0]);
  const out = {} as Record<Nb201Dataset, Nb201Accuracies>;
  NB201_DATASETS.forEach((dataset, k) => {
    out[dataset] = accuracies(tables[k]);
  });
  return out;
}

/** The three accuracy columns of a table as fractions, each value and each column's scale checked. */
function accuracies(table: Nb201Table): Nb201Accuracies {
  const size = table.rows.length;
  const out: Nb201Accuracies = {
    train: new Float64Array(size),
    valid: new Float64Array(size),
    test: new Float64Array(size),
  };
  for (const key of ["train", "valid", "test"] as const) {
    const column = COLUMNS[key];
    const percent = new Float64Array(size);
    for (let id = 0; id < size; id++) {
      const text = table.rows[id][column];
      const value = parseDecimal(text);
      if (!Number.isFinite(value)) {
        throw new BadFileError(
          table.path,
          `line ${table.lines[id]}, column "${column}" is "${text}"; expected a decimal percentage 0..100`,
        );
      }
      percent[id] = value;
    }
    checkAccuracyScale(percent, "percent", {
      file: table.path,
      position: (id) => `line ${table.lines[id]}`,
      what: `column "${column}"`,
      fix: "multiply it by 100 (NAS-Bench-201 csv files hold percentages)",
      // the format is percent: near-chance accuracies (ImageNet16-120 train 0.84-0.86 %) are percents
      declared: true,
    });
    for (let id = 0; id < size; id++) out[key][id] = percent[id] / 100;
  }
  return out;
}
