/**
 * Per-cell quantities a network may read beside the cell's graph ("free inputs": known without
 * training the cell): "params", the trainable parameters of the full network built from the cell, and
 * "flops", its multiply-accumulates on one image. Both are computed from the cell by the space
 * (NAS-Bench-101: spaces/nb101/params.ts); a space that cannot compute one refuses it by name.
 * A network reads each as log10 of the count, standardised by the mean and standard deviation over the
 * labeled cells of the fit (saved with the model).
 */
import { UserError } from "../errors.js";
import type { SearchSpace } from "../spaces/search-space.js";

export const CELL_INPUTS = ["params", "flops"] as const;
export type CellInput = (typeof CELL_INPUTS)[number];

/** What a space offers for each input: the space's method computing it from a cell id. */
const SOURCES: Record<CellInput, { method: string; what: string }> = {
  params: { method: "parameters", what: "parameter counts" },
  flops: { method: "multiplyAccumulates", what: "FLOPs (multiply-accumulates)" },
};

/**
 * Parses a comma-separated list of input names ("flops,params"; "" or "none" for none): each of
 * CELL_INPUTS at most once, in the order given. Throws UserError naming a bad or repeated name.
 */
export function cellInputList(text: string): CellInput[] {
  const trimmed = text.trim();
  if (trimmed === "none") return [];
  // an unset shell variable (--inputs "$INPUTS") read as none: refused, as every other empty flag value
  if (trimmed === "")
    throw new UserError(
      `an empty list; expected a comma-separated list of ${CELL_INPUTS.join(", ")}, or none`,
    );
  const names = trimmed.split(",").map((s) => s.trim());
  for (const [k, name] of names.entries()) {
    if (!(CELL_INPUTS as readonly string[]).includes(name))
      throw new UserError(
        `unknown input "${name}"; expected a comma-separated list of ${CELL_INPUTS.join(", ")}, or none`,
      );
    if (names.indexOf(name) !== k) throw new UserError(`input "${name}" is given twice`);
  }
  return names as CellInput[];
}

/** Checks a list of inputs read from a file or given in code: throws RangeError naming what is wrong. */
export function checkCellInputs(inputs: unknown): CellInput[] {
  if (
    !Array.isArray(inputs) ||
    inputs.some((name, k) => !(CELL_INPUTS as readonly string[]).includes(name) || inputs.indexOf(name) !== k)
  )
    throw new RangeError(
      `inputs must be a list of distinct names from ${CELL_INPUTS.join(", ")}, got ${JSON.stringify(inputs)}`,
    );
  return inputs as CellInput[];
}

/** Throws UserError when `space` cannot compute one of `inputs`. */
export function requireCellInputs(space: SearchSpace<unknown>, inputs: readonly CellInput[]): void {
  for (const name of inputs) {
    const { method, what } = SOURCES[name];
    if (typeof (space as unknown as Record<string, unknown>)[method] !== "function")
      throw new UserError(
        `the input "${name}" needs the ${what} of each cell, which ${space.name} does not compute; inputs there: ${
          CELL_INPUTS.filter(
            (n) => typeof (space as unknown as Record<string, unknown>)[SOURCES[n].method] === "function",
          ).join(", ") || "none"
        }`,
      );
  }
}

/** log10 of each input of each cell: (ids.length × inputs.length), row-major. */
export function logCellInputs(
  space: SearchSpace<unknown>,
  inputs: readonly CellInput[],
  ids: ArrayLike<number>,
): Float64Array {
  requireCellInputs(space, inputs);
  const f = inputs.length;
  const out = new Float64Array(ids.length * f);
  for (const [k, name] of inputs.entries()) {
    const compute = (space as unknown as Record<string, (id: number) => number>)[SOURCES[name].method].bind(
      space,
    );
    for (let i = 0; i < ids.length; i++) out[i * f + k] = Math.log10(Math.max(1, compute(ids[i])));
  }
  return out;
}

/** Mean and standard deviation of each column (standard deviation at least 1e-6, so constant columns read 0). */
export function columnScaling(values: Float64Array, columns: number): { mean: number[]; std: number[] } {
  const rows = columns === 0 ? 0 : values.length / columns;
  const mean = Array.from({ length: columns }, (_, k) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += values[i * columns + k];
    return s / Math.max(rows, 1);
  });
  const std = mean.map((m, k) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += (values[i * columns + k] - m) ** 2;
    return Math.max(Math.sqrt(s / Math.max(rows, 1)), 1e-6);
  });
  return { mean, std };
}
