import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { createPredictor } from "../predictors/registry.js";
import { Rng } from "../random.js";
import { ArchitectureList } from "./architecture-list.js";
import { ChoicesSpace } from "./choices.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { parseSpec, type VertexCellSpec } from "./spec.js";
import { VertexCellSpace } from "./vertex-cell/space.js";

const space = new ChoicesSpace(
  parseSpec({
    name: "macro6",
    kind: "choices",
    decisions: Array.from({ length: 6 }, (_, i) => ({
      name: `layer${i}`,
      options: i < 4 ? ["identity", "mb3_k3", "mb6_k5", "mb6_k7"] : [16, 32, 64],
    })),
  }) as never,
);
/** A made-up accuracy: more mb6 layers and wider is better, with an interaction. */
function truth(arch: readonly number[]): number {
  return 0.5 + 0.05 * arch.slice(0, 4).reduce((a, x) => a + x, 0) + 0.03 * arch[4] + 0.02 * arch[4] * arch[5];
}

test("a list of architectures is a SearchSpace: ids are positions, encode delegates", () => {
  const archs = space.sample(new Rng(0), 200);
  const list = new ArchitectureList(space, archs);
  // no space: said, not "reading 'name'"
  assert.throws(
    () => new ArchitectureList(undefined as never, archs),
    /^UserError: ArchitectureList needs the architectures' space \(createSpace\(spec\)\), got undefined$/,
  );
  assert.equal(list.size, 200);
  assert.equal(list.idOf(space.jsonOf(archs[17])), 17);
  assert.equal(list.indexOf(archs[5]), 5);
  assert.deepEqual(list.encode([3, 4]), space.encode([archs[3], archs[4]]));
  assert.deepEqual(list.describe(2), { id: 2, key: space.key(archs[2]), arch: space.jsonOf(archs[2]) });
  const rng = new Rng(1);
  for (let id = 0; id < 50; id++) {
    const m = list.mutate(rng, id);
    assert.ok(m !== id && m >= 0 && m < 200);
    const c = list.crossover(rng, id, 0);
    assert.ok(c >= 0 && c < 200);
  }
  assert.throws(
    () => new ArchitectureList(space, [archs[0], archs[1], archs[0]]),
    (e: unknown) =>
      e instanceof UserError &&
      /^ArchitectureList: architectures 0 and 2 are the same \(.+\); expected each architecture once$/.test(
        e.message,
      ),
  );
  const missing = space.sample(new Rng(9), 400).find((a) => list.indexOf(a) < 0);
  assert.ok(missing);
  assert.throws(() => list.idOf(space.jsonOf(missing)), /is not among the 200 listed architectures/);
});

test("a list holding what is no architecture of its space, or no list, is refused naming the position, not with the space's RangeError or a TypeError", () => {
  const edges = new EdgeCellSpace(
    parseSpec({ name: "e", kind: "edge-cell", nodes: 3, ops: ["a", "b"] }) as never,
  );
  const refused = (archs: unknown, expected: RegExp) =>
    assert.throws(
      () => new ArchitectureList(edges, archs as never),
      (e: unknown) => e instanceof UserError && expected.test(e.message),
    );
  // RangeError 'not an architecture of e: "zz" (expected a list of 3 op indexes, one per edge)'
  refused(
    [[0, 0, 0], "zz"],
    /^ArchitectureList: architecture 1 is not an architecture of e: "zz" \(expected a list of 3 op indexes, one per edge\) \(a JSON form is read with the space's fromJSON first\)$/,
  );
  refused([[0, 0, 9]], /^ArchitectureList: architecture 0 is not an architecture of e: /);
  // TypeError "archs.forEach is not a function"
  refused(5, /^ArchitectureList needs a list of architectures of e, got 5$/);
  refused(undefined, /^ArchitectureList needs a list of architectures of e, got undefined$/);
  assert.equal(new ArchitectureList(edges, [edges.fromJSON("|a~0|+|b~0|a~1|")]).size, 1);
});

test("on a flat encoding e2epp and the MLP learn; graph predictors refuse in one line", async () => {
  const archs = space.sample(new Rng(0), 1000);
  const list = new ArchitectureList(space, archs);
  const labeled = Array.from({ length: 300 }, (_, i) => i);
  const labels = labeled.map((i) => truth(archs[i]));
  const test = Array.from({ length: 300 }, (_, i) => 300 + i);
  for (const method of ["e2epp", "mlp"] as const) {
    const model = createPredictor(method, list);
    await model.fit({ space: list, labeled, labels, seed: 0 });
    const predicted = await model.predict(test);
    const r = correlation(
      predicted,
      test.map((i) => truth(archs[i])),
    );
    assert.ok(r > 0.8, `${method}: correlation ${r}`);
  }
  for (const method of [
    "ssa",
    "ssa-noae",
    "ssa-ensemble",
    "gin",
    "peephole",
    "transformer",
    "transformer-ensemble",
    "transformer-self-training",
  ] as const) {
    // named as the user asked for it, not by its members' method (self-training said "transformer")
    assert.throws(
      () => createPredictor(method, list),
      new RegExp(
        `the method ${method} reads a cell's graph, but macro6 is a space of choices \\(a flat encoding\\); use mlp, mlp-ensemble or e2epp`,
      ),
    );
  }
});

test("on cell kinds every predictor reads the matrix encoding of a list", async () => {
  const edge = new EdgeCellSpace(
    parseSpec({
      name: "e5",
      kind: "edge-cell",
      nodes: 5,
      ops: ["zero", "conv", "pool"],
      zero: "zero",
    }) as never,
  );
  const vertex = await VertexCellSpace.load(
    parseSpec({
      name: "v6",
      kind: "vertex-cell",
      maxVertices: 6,
      maxEdges: 8,
      ops: ["c3", "c1", "mp", "sep"],
    }) as VertexCellSpec,
    { enumerationLimit: 0 },
  );
  for (const space of [edge, vertex] as const) {
    const archs = (space.sample as (rng: Rng, n: number) => unknown[])(new Rng(2), 400);
    const list = new ArchitectureList(space as never, archs);
    assert.equal(list.encoding, space.encoding);
    // a made-up label: a fixed weighting of the encoding's entries (depends on edges and ops)
    const x = list.encode(Array.from({ length: 400 }, (_, i) => i));
    const size = space.encoding.size;
    const label = (i: number) =>
      x.subarray(i * size, (i + 1) * size).reduce((a, b, j) => a + b * ((j * 7919) % 13), 0) / size;
    const labeled = Array.from({ length: 200 }, (_, i) => i);
    const test = Array.from({ length: 200 }, (_, i) => 200 + i);
    const model = createPredictor("e2epp", list);
    await model.fit({ space: list, labeled, labels: labeled.map(label), seed: 0 });
    const r = correlation(await model.predict(test), test.map(label));
    assert.ok(r > 0.5, `${space.kind}: e2epp correlation ${r}`);
    for (const method of ["ssa", "gin", "peephole", "mlp"] as const) assert.ok(createPredictor(method, list));
  }
});

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const ma = Array.from(a).reduce((s, x) => s + x, 0) / n;
  const mb = Array.from(b).reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

test('an id that is no integer is named so, as given: cell("1") said "architecture id 1 is out of range; the list holds 0..4"', async () => {
  const space = new ChoicesSpace(
    parseSpec({
      name: "c",
      kind: "choices",
      decisions: [
        { name: "a", options: ["p", "q", "r"] },
        { name: "b", options: [1, 2, 3, 4] },
      ],
    }) as never,
  );
  const list = new ArchitectureList(space, space.sample(new Rng(1), 5));
  assert.throws(
    () => list.cell("1" as never),
    /^RangeError: architecture id "1" is not an integer; the list holds 0\.\.4$/,
  );
  assert.throws(() => list.cell(9), /^RangeError: architecture id 9 is out of range; the list holds 0\.\.4$/);
  const cells = await VertexCellSpace.load({
    name: "v",
    kind: "vertex-cell",
    maxVertices: 3,
    maxEdges: 3,
    ops: ["a", "b"],
  });
  assert.throws(() => cells.cellAt(1.5), /^RangeError: cell id 1\.5 is not an integer; v ids are 0\.\.4$/);
});

test('a list\'s sample refuses a count that is no integer ≥ 0 as the spaces do ("2" said it cannot draw 2 of 3)', () => {
  const list = new ArchitectureList(space, space.sample(new Rng(1), 3));
  for (const n of ["2", 1.5, -1, null])
    assert.throws(
      () => list.sample(new Rng(1), n as never),
      (e: Error) =>
        e instanceof UserError &&
        e.message.startsWith(`${list.name} sample needs a count, an integer ≥ 0, got `),
      String(n),
    );
  assert.equal(list.sample(new Rng(1), 2).length, 2);
});
