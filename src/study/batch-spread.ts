/**
 * Keeping a batch apart from itself and from the pending architectures. A predictor's best-ranked
 * candidates cluster: the 10 predicted best are often one cell and nine of its one-edit neighbours,
 * and a second `ask` made while the first 10 train returns their neighbours again. Trained, such a
 * batch mostly tells what one of its members would have told. So `ask` picks greedily down its
 * ranking and passes over a candidate that is a neighbour — one mutation of the space apart
 * (ArchitectureSpace.mutate: one decision, one op or one edge changed) — of an architecture already
 * chosen in this batch or pending (asked for and not yet told), as long as others remain; those
 * passed over come after, in ranking order, when the ranking runs short. Told architectures are not
 * avoided: exploiting around the best told is the point.
 *
 * A neighbour is recognised both ways (the candidate among the mutations drawn from a held
 * architecture, or a held one among the candidate's), so that a space whose neighbourhoods are
 * sampled rather than listed misses few pairs: with the 100 draws `ask` makes, a NAS-Bench-201 pair
 * (24 neighbours each) is missed with probability (23/24)^200 ≈ 0.02 %.
 */

/**
 * The first `count` of `ranked` (ids, best first) under the rule above: ids that are not neighbours
 * of one another nor of any of `avoid` (the pending architectures' ids), in ranking order; then, if
 * fewer than `count` are such, the ids passed over, in ranking order. `neighbours(id)` gives an id's
 * neighbour ids (called at most once per id when it caches). Returns min(count, ranked.length) ids;
 * an id of `avoid` that is also in `ranked` is never returned.
 */
export function spreadOut(
  ranked: ArrayLike<number>,
  count: number,
  neighbours: (id: number) => ReadonlySet<number>,
  avoid: Iterable<number> = [],
): Int32Array {
  const held = new Set<number>(avoid);
  const near = new Set<number>();
  for (const id of held) for (const n of neighbours(id)) near.add(n);
  const chosen: number[] = [];
  const passed: number[] = [];
  for (let k = 0; k < ranked.length && chosen.length < count; k++) {
    const id = ranked[k];
    if (held.has(id)) continue;
    const own = neighbours(id);
    let close = near.has(id);
    if (!close) for (const n of own) if (held.has(n)) close = true;
    if (close) {
      passed.push(id);
      continue;
    }
    chosen.push(id);
    held.add(id);
    for (const n of own) near.add(n);
  }
  return Int32Array.from([...chosen, ...passed].slice(0, count));
}
