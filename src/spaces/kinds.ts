/** A spec, checked, becomes the space of its kind: the one place that knows every kind's module. */
import { existsSync, statSync } from "node:fs";
import { shownValue, UserError } from "../errors.js";
import { type ArchitectureSpace, SPACE_KINDS } from "./architecture-space.js";
import { ChoicesSpace } from "./choices.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { NB101_SPEC } from "./nb101/spec.js";
import { NB201_SPEC } from "./nb201/spec.js";
import { parseSpec, readSpecFile, type SpaceSpec } from "./spec.js";
import { checkLoadOptions, type VertexCellLoadOptions, VertexCellSpace } from "./vertex-cell/space.js";

/**
 * The space a spec describes (see spec.ts for the kinds), checked here as parseSpec checks it: UserError
 * naming every bad field. Only a vertex-cell space takes time: it is enumerated (or read from its
 * cache) when it has at most ENUMERATION_LIMIT cells; `options` say where its cache lives and receive
 * notes.
 */
export async function createSpace(
  spec: SpaceSpec,
  options: VertexCellLoadOptions = {},
): Promise<ArchitectureSpace<unknown>> {
  // from JavaScript, a raw object ({}) returned undefined
  if (spec === null || typeof spec !== "object" || !(SPACE_KINDS as readonly unknown[]).includes(spec.kind))
    throw new UserError(
      `createSpace needs a space spec of kind choices, edge-cell or vertex-cell (parseSpec or readSpaceSpec checks one), got ${shownValue(spec, 80)}`,
    );
  // a spec object written in a program reaches here unchecked: its mistakes failed inside the space as
  // a TypeError ("spec.decisions.map is not a function") or RangeError (maxVertices 100), or were taken
  // (an empty options list: a space whose ask handed out nothing)
  // its structure: the rules on names shown (length, control characters) are readSpaceSpec's and
  // parseSpec's, for specs a user gives; a study made before them still opens its space
  parseSpec(spec, "createSpace's spec", { stored: true });
  // checked for every kind: a misspelt option reads the same whichever kind the spec is
  checkLoadOptions(options, "createSpace");
  switch (spec.kind) {
    case "choices":
      return new ChoicesSpace(spec) as ArchitectureSpace<unknown>;
    case "edge-cell":
      return new EdgeCellSpace(spec) as ArchitectureSpace<unknown>;
    case "vertex-cell":
      return (await VertexCellSpace.load(spec, options)) as ArchitectureSpace<unknown>;
  }
}

/** The built-in spaces as specs, by name (the same as docs/spaces/nb101.json and nb201.json). */
const BUILT_IN_SPECS: Readonly<Record<string, SpaceSpec>> = { nb101: NB101_SPEC, nb201: NB201_SPEC };

/**
 * What a `--space` argument names: a spec file (read and checked, see readSpecFile), or where no file
 * has that name (a folder of that name does not count), a built-in space (`nb101`, `nb201`) as its
 * spec — so that `--space nb201` means the same in every command, as in `space`. Returns a copy the caller may change. Throws UserError (a missing file, and
 * every bad field of a spec, one line each).
 */
export function readSpaceSpec(nameOrFile: string): SpaceSpec {
  // from JavaScript (loadSpaceSpec() or a spec object given where its file was expected): a TypeError,
  // "nameOrFile.trim is not a function"
  if (typeof nameOrFile !== "string")
    throw new UserError(
      `a space is named by its spec file's path or a built-in space's name (${Object.keys(BUILT_IN_SPECS).join(", ")}), ` +
        `got ${shownValue(nameOrFile, 80)}; a spec object goes to parseSpec, then createSpace`,
    );
  if (nameOrFile.trim() === "")
    throw new UserError(
      `an empty --space; expected a spec file, or a built-in space: ${Object.keys(BUILT_IN_SPECS).join(", ")}`,
    );
  // a built-in name wins over a folder of that name (a data folder holds nb101/ and nb201/), not over a file
  if (Object.hasOwn(BUILT_IN_SPECS, nameOrFile) && !statSync(nameOrFile, { throwIfNoEntry: false })?.isFile())
    return structuredClone(BUILT_IN_SPECS[nameOrFile]);
  if (!existsSync(nameOrFile)) {
    throw new UserError(
      `cannot read the space spec ${nameOrFile}: no such file (expected a spec file, or a built-in space: ` +
        `${Object.keys(BUILT_IN_SPECS).join(", ")})`,
    );
  }
  if (!Object.hasOwn(BUILT_IN_SPECS, nameOrFile)) return readSpecFile(nameOrFile);
  // a file in the working folder named as a built-in space is read: say so when it is no spec
  try {
    return readSpecFile(nameOrFile);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw new UserError(
      `${e.message} (the file ${nameOrFile} in this folder is read as --space ${nameOrFile}, not the built-in space: rename it, or run from another folder)`,
    );
  }
}

/** Reads, checks and builds the space of a spec file (or a built-in space's name, see readSpaceSpec). */
// async: a bad path is a rejection as every other failure is, not a throw before the promise
export async function loadSpaceSpec(
  path: string,
  options: VertexCellLoadOptions = {},
): Promise<ArchitectureSpace<unknown>> {
  return createSpace(readSpaceSpec(path), options);
}
