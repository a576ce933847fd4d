/** The library's entry points called with nothing, or the wrong thing: one UserError line each, no TypeError. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "./errors.js";
import { accuracyLike, evolve, Rng, readResultsFile, simulate, summariseSpace, topK } from "./index.js";

test("library calls without their arguments refuse in one line (break test: raw TypeErrors)", async () => {
  const refused = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  assert.throws(() => accuracyLike(undefined as never), refused(/accuracyLike needs a target's name/));
  assert.throws(
    () => summariseSpace(undefined as never),
    refused(/summariseSpace needs a space made from a spec/),
  );
  assert.throws(() => topK(undefined as never, 3), refused(/topK needs a search trace/));
  assert.throws(
    () => readResultsFile("x.csv", undefined as never, "val_acc"),
    refused(/readResultsFile needs the space/),
  );
  await assert.rejects(simulate(undefined as never, [0]), refused(/simulate needs an object of settings/));
  const rng = new Rng(0);
  await assert.rejects(
    evolve(undefined as never, async () => [], rng),
    refused(/evolve needs a search space/),
  );
  const space = { size: 10, mutate: () => 0 } as never;
  await assert.rejects(evolve(space, "x" as never, rng), refused(/evolve needs a fitness function/));
  await assert.rejects(
    evolve(space, async () => [], undefined as never),
    refused(/evolve needs a random generator/),
  );
});
