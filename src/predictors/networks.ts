/**
 * The supervised predictors' networks by kind, each rebuilt from its options: by the registry (new
 * predictors and model files) and by the scoring thread (scoring-thread.ts), which holds a copy of a
 * fitted network to score chunks of a large prediction.
 */
import type { SearchSpace } from "../spaces/search-space.js";
import { ginNetwork } from "./gin.js";
import { mlpNetwork } from "./mlp.js";
import { peepholeNetwork } from "./peephole.js";
import type { ScoringNetwork } from "./supervised.js";
import { transformerNetwork } from "./transformer.js";

/** What a network reads of its space: the name (for messages) and the encoding's layout. */
export type NetworkSpace = Pick<SearchSpace<unknown>, "name" | "encoding">;

const NETWORKS = {
  peephole: peepholeNetwork,
  mlp: mlpNetwork,
  gin: ginNetwork,
  transformer: transformerNetwork,
} satisfies Record<string, (space: NetworkSpace, options: Record<string, unknown>) => ScoringNetwork>;

/** True for the name of a network kind. */
function isNetworkKind(kind: string): kind is keyof typeof NETWORKS {
  return Object.hasOwn(NETWORKS, kind);
}

/**
 * The network of `kind` for `space` with `options` (its defaults for the rest), stamped with its kind
 * so that another thread can build the same one. Throws RangeError/UserError on bad options (each
 * network's own checks) and RangeError on an unknown kind.
 */
export function buildNetwork(
  kind: string,
  space: NetworkSpace,
  options: Record<string, unknown> = {},
): ScoringNetwork {
  if (!isNetworkKind(kind))
    throw new RangeError(
      `no network of kind ${JSON.stringify(kind)}; kinds: ${Object.keys(NETWORKS).join(", ")}`,
    );
  return { ...NETWORKS[kind](space, options), kind };
}
