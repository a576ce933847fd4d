import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../random.js";
import { EdgeCellSpace } from "../spaces/edge-cell.js";
import { NB201_SPEC } from "../spaces/nb201/spec.js";
import { tinySpace } from "../testing/study-fixtures.js";
import { TableSpace } from "./table-space.js";

test("a table's space samples, mutates and crosses over within the table only", () => {
  const space = tinySpace();
  const archs = space.sample(new Rng(0), 40);
  const keys = new Set(archs.map((a) => space.key(a)));
  const table = new TableSpace(space, archs);
  assert.equal(table.count, 40n);
  assert.equal(table.countedBy, "enumerated");
  const rng = new Rng(1);
  assert.equal(new Set(table.sample(rng, 100).map((a) => space.key(a))).size, 40, "all 40, no more");
  for (let k = 0; k < 200; k++) {
    const a = archs[k % 40];
    const child = table.mutate(rng, a);
    assert.ok(keys.has(space.key(child)));
    assert.notEqual(space.key(child), space.key(a));
    assert.ok(keys.has(space.key(table.crossover(rng, a, archs[(k + 7) % 40]))));
  }
  const outside = space.sample(new Rng(2), 162).find((a) => !keys.has(space.key(a)));
  assert.throws(() => table.fromJSON(space.jsonOf(outside as never)), /is not in the evaluated table/);
});

test("a table of a choices space tells neighbours as its space does (exactly); a cell space's table has none to tell", async () => {
  const space = tinySpace();
  const table = new TableSpace(space, space.sample(new Rng(1), 40));
  const a = table.archs[0];
  assert.deepEqual(table.neighbourKeys?.(a), space.neighbourKeys(a));
  const edge = new EdgeCellSpace(NB201_SPEC as never);
  assert.equal(new TableSpace(edge, edge.sample(new Rng(1), 5)).neighbourKeys, undefined);
});
