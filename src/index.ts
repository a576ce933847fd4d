/** nas-assay's library API. */
export { cacheDir, type DataDir, dataDir, dataFile } from "./data/locations.js";
export { type NpyArray, readNpy, readNpyVector, writeNpy } from "./data/npy.js";
export { BadFileError, InvalidCellError, UserError } from "./errors.js";
export { Rng } from "./random.js";
export { INTERIOR_OPS, type Nb101Cell, parseCell, pruneCell } from "./spaces/nb101/cell.js";
export { loadNb101Labels, type Nb101Labels } from "./spaces/nb101/labels.js";
export { networkParameters } from "./spaces/nb101/params.js";
export { type CellDescription, Nb101Space, type SpaceSummary } from "./spaces/nb101/space.js";
export type { SearchSpace } from "./spaces/search-space.js";
