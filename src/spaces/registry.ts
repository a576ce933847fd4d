/** The search spaces nas-assay knows, by name, and how to load each. */
import { type DataDir, dataDir } from "../data/locations.js";
import { UserError } from "../errors.js";
import { Nb101Space } from "./nb101/space.js";
import { NB201_CELLS } from "./nb201/cell.js";
import { Nb201Space } from "./nb201/space.js";

export const SPACE_NAMES = ["nb101", "nb201"] as const;
export type SpaceName = (typeof SPACE_NAMES)[number];

/**
 * Cells of each built-in space, known before it loads (so flags can be checked before any work):
 * NAS-Bench-101's 423,624 unique cells (Ying et al., ICML 2019; the enumeration's count is tested),
 * NAS-Bench-201's 5 ops on 6 edges (Dong & Yang, ICLR 2020).
 */
export const SPACE_CELLS: Readonly<Record<SpaceName, number>> = { nb101: 423_624, nb201: NB201_CELLS };

/** Checks a space name given by a user. */
export function spaceName(name: string): SpaceName {
  if (!(SPACE_NAMES as readonly string[]).includes(name)) {
    throw new UserError(
      `unknown space "${name}"; expected one of ${SPACE_NAMES.join(", ")} (this command works on the built-in ` +
        "benchmark spaces; a space of your own, from a spec file, goes to study create, ask/tell, simulate, and predict --study for architectures you choose)",
    );
  }
  return name as SpaceName;
}

/**
 * Loads a space: NAS-Bench-101 from its cache (enumerated once), NAS-Bench-201 from the data directory
 * (`data`, default dataDir(): NAS_ASSAY_DATA, else the shipped copy). Throws UserError for a name that
 * is no built-in space.
 */
export async function loadSpace(
  name: SpaceName,
  data?: DataDir,
  onNote?: (text: string) => void,
): Promise<Nb101Space | Nb201Space> {
  spaceName(name);
  // NAS-Bench-101 is enumerated: no data directory is resolved for it (that decodes the shipped copy)
  return name === "nb101" ? Nb101Space.load({ onNote }) : Nb201Space.load(data ?? dataDir());
}
