/**
 * Reading back the manifest that `data import-nb101` writes beside its arrays (nb101/manifest.json).
 * Only a valid manifest lets NaN mark cells missing from the imported file; any other file of that
 * name (`{}`, another tool's JSON) is refused rather than trusted.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DataDir } from "../../data/locations.js";
import { BadFileError, parseFailureReason } from "../../errors.js";
import type { ImportManifest } from "./import.js";

export const NB101_IMPORT_MANIFEST = "nb101/manifest.json";
const DEFAULT_BUDGET = "108";

/**
 * The import manifest of the data directory, checked field by field against a space of `spaceSize`
 * cells; undefined when the directory has none. Throws BadFileError naming the manifest and its first
 * wrong field (JSON syntax, format, version, cellsInSpace, missingValues, arrays, epochBudgets).
 */
export function readImportManifest(data: DataDir, spaceSize: number): ImportManifest | undefined {
  const path = join(data.dir, NB101_IMPORT_MANIFEST);
  if (!existsSync(path)) return undefined;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BadFileError(path, `is not valid JSON (${parseFailureReason(e)}); ${REWRITE}`);
  }
  const wrong = (field: string, expected: string) =>
    new BadFileError(
      path,
      `field "${field}" is ${JSON.stringify(pick(manifest, field)) ?? "missing"}; expected ${expected} (an import manifest says which cells are missing; ${REWRITE})`,
    );
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest))
    throw new BadFileError(path, `is not a JSON object; ${REWRITE}`);
  if (manifest.format !== "nas-assay nb101 labels") throw wrong("format", '"nas-assay nb101 labels"');
  if (manifest.version !== 1) throw wrong("version", "1");
  if (manifest.cellsInSpace !== spaceSize) throw wrong("cellsInSpace", String(spaceSize));
  if (manifest.missingValues !== "NaN") throw wrong("missingValues", '"NaN"');
  const arrays = manifest.arrays;
  if (!Array.isArray(arrays) || arrays.length === 0 || !arrays.every((a) => typeof a === "string"))
    throw wrong("arrays", "a list of the .npy files written");
  const cells = pick(manifest, `epochBudgets.${DEFAULT_BUDGET}.cells`);
  if (typeof cells !== "number" || !Number.isInteger(cells) || cells < 1 || cells > spaceSize)
    throw wrong(`epochBudgets.${DEFAULT_BUDGET}.cells`, `the number of imported cells, 1..${spaceSize}`);
  return manifest as unknown as ImportManifest;
}

/** Cells the manifest says the 108-epoch arrays have a value for. */
export function importedCells(manifest: ImportManifest): number {
  return manifest.epochBudgets[DEFAULT_BUDGET].cells;
}

const REWRITE =
  "write it again with `nas-assay data import-nb101 FILE --out DIR --force`, or remove it if DIR/nb101 was not written by that import";

function pick(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}
