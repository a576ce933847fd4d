import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { canonicalGraphs } from "../vertex-cell/enumerate.js";
import { digestHex } from "../vertex-cell/hash.js";
import { buildTable } from "../vertex-cell/table.js";
import { NB101_SPEC } from "./spec.js";

// Facts from ../shared/data/README.md, computed here from a cold enumeration (no cache).
test("cold enumeration: 423,624 cells, per-V counts, sha256 of the sorted hashes, known rows", async () => {
  const table = await buildTable(canonicalGraphs(NB101_SPEC.maxVertices, NB101_SPEC.maxEdges), 3, 2);
  assert.equal(table.count, 423_624);
  const byVertices: Record<number, number> = {};
  for (let i = 0; i < table.count; i++)
    byVertices[table.shape[i] & 7] = (byVertices[table.shape[i] & 7] ?? 0) + 1;
  assert.deepEqual(byVertices, { 2: 1, 3: 6, 4: 84, 5: 2441, 6: 62010, 7: 359082 });
  const sha = createHash("sha256");
  for (let i = 0; i < table.count; i++) sha.update(`${digestHex(table.digests, i * 4)}\n`);
  assert.equal(sha.digest("hex"), "53e1438d11675d9eb3899166c29ca07fe0c4b81af9d99d5aec3ecd31bd5bca7f");
  assert.equal(digestHex(table.digests, 0), "00005c142e6f48ac74fdcf73e3439874");
  assert.equal(digestHex(table.digests, 67206 * 4), "28cfc7874f6d200472e1a9dcd8650aa0");
  assert.equal(digestHex(table.digests, 307498 * 4), "ba0a27cafe7d648aa57f7d5dd64c0b48");
  assert.equal(digestHex(table.digests, 423623 * 4), "ffff76fafa7b0cdf545fd7feee9c8bf9");
});
