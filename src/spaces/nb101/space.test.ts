import assert from "node:assert/strict";
import { before, test } from "node:test";
import { InvalidCellError, UserError } from "../../errors.js";
import { Rng } from "../../random.js";
import { testData, testSpace } from "../../testing/fixtures.js";
import { isomorphicVariant } from "../../testing/nb101-variants.js";
import { loadNb101Labels } from "./labels.js";
import { Nb101Space } from "./space.js";

let space: Nb101Space;
before(async () => {
  space = await testSpace();
});

test("cell → id → cell round trips, and hash → id", () => {
  const rng = new Rng(3);
  for (const id of space.sample(rng, 3000)) {
    const cell = space.cell(id);
    assert.equal(space.idOf(cell), id);
    assert.equal(space.idOfHash(space.hashOf(id)), id);
    assert.equal(space.pruned(cell).hash, space.hashOf(id));
  }
  assert.equal(space.idOfHash("28CFC7874F6D200472E1A9DCD8650AA0"), 67206);
  assert.equal(space.idOfHash("00000000000000000000000000000000"), -1);
  assert.throws(() => space.idOfHash("xyz"), InvalidCellError);
  assert.throws(() => space.cell(space.size), RangeError);
});

test("isomorphic and un-pruned variants map to the same id", () => {
  const rng = new Rng(11);
  for (const id of space.sample(rng, 2000)) {
    const cell = space.cell(id);
    assert.equal(space.idOf(isomorphicVariant(cell, rng)), id);
    // add a dangling vertex fed by the input that leads nowhere
    const n = cell.matrix.length;
    if (n < 7) {
      const matrix = cell.matrix.map((row) => [...row.slice(0, n - 1), 0, row[n - 1]]);
      matrix.splice(n - 1, 0, new Array(n + 1).fill(0));
      matrix[0][n - 1] = 1;
      const ops = [...cell.ops.slice(0, n - 1), "maxpool3x3", "output"];
      assert.equal(space.idOf({ matrix, ops }), id);
    }
  }
});

test("sampling draws distinct ids, reproducibly, covering the space uniformly", () => {
  const a = space.sample(new Rng(5), 50_000);
  assert.deepEqual(a, space.sample(new Rng(5), 50_000));
  assert.equal(new Set(a).size, a.length);
  // uniform: about a quarter of the draws in each quarter of the id range
  const quarters = [0, 0, 0, 0];
  for (const id of a) quarters[Math.floor((id / space.size) * 4)]++;
  for (const q of quarters) assert.ok(Math.abs(q - 12_500) < 600, `quarter counts ${quarters}`);
  assert.throws(() => space.sample(new Rng(1), space.size + 1), RangeError);
});

test("mutation always lands on another valid cell of the space, reproducibly", () => {
  const rng = new Rng(21);
  let id = 67206;
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const next = space.mutate(rng, id);
    assert.ok(Number.isInteger(next) && next >= 0 && next < space.size);
    assert.notEqual(next, id);
    assert.equal(space.idOf(space.cell(next)), next);
    seen.add(next);
    id = next;
  }
  assert.ok(seen.size > 100, `a random walk of 2000 mutations visited only ${seen.size} cells`);
  // one step from a 7-vertex cell reaches many different neighbours, mostly close in size
  const neighbours = new Set<number>();
  for (let i = 0; i < 1000; i++) neighbours.add(space.mutate(rng, 67206));
  assert.ok(neighbours.size > 200, `only ${neighbours.size} distinct neighbours of cell 67206`);
  const walk = (seed: number) => {
    const r = new Rng(seed);
    let x = 0;
    return Array.from({ length: 20 }, () => (x = space.mutate(r, x)));
  };
  assert.deepEqual(walk(4), walk(4));
  // the 2-vertex cell can grow: mutation pads it to 7 vertices first
  const tiny = space.idOf({
    matrix: [
      [0, 1],
      [0, 0],
    ],
    ops: ["input", "output"],
  });
  const grown = Array.from({ length: 50 }, (_, s) => space.vertices(space.mutate(new Rng(s), tiny)));
  assert.ok(
    grown.some((v) => v > 2),
    "mutating input→output never added a vertex",
  );
});

test("parameter counts of the full network", () => {
  assert.equal(space.parameters(67206), 2_694_282);
  assert.equal(space.parameters(0), 8_555_530);
});

test("multiply-accumulates of the full network: by hand for input→output, within 3 % below flops.npy's profiler count", () => {
  // stem 3·3·3·128 at 32×32; each cell one 1×1 projection input→output (32×32, 16×16, 8×8); dense 512·10
  const tiny = space.idOf({
    matrix: [
      [0, 1],
      [0, 0],
    ],
    ops: ["input", "output"],
  });
  const byHand =
    27 * 128 * 1024 +
    3 * 128 * 128 * 1024 +
    (128 * 256 + 2 * 256 * 256) * 256 +
    (256 * 512 + 2 * 512 * 512) * 64 +
    512 * 10;
  assert.equal(space.multiplyAccumulates(tiny), byHand);
  const flops = loadNb101Labels(space, testData()).flops;
  assert.ok(flops, "flops.npy is part of the test data");
  const rng = new Rng(4);
  for (let k = 0; k < 500; k++) {
    const id = rng.int(space.size);
    const ratio = flops[id] / space.multiplyAccumulates(id);
    assert.ok(
      ratio >= 1 && ratio < 1.03,
      `cell ${id}: flops.npy ${flops[id]}, ours ${space.multiplyAccumulates(id)}`,
    );
  }
});

test("summary and description", () => {
  const d = space.describe(67206);
  assert.equal(d.hash, "28cfc7874f6d200472e1a9dcd8650aa0");
  assert.equal(d.vertices, 7);
  assert.equal(d.edges, 9);
  assert.equal(d.parameters, 2_694_282);
  const summary = space.summary();
  assert.equal(summary.count, 423_624);
  assert.deepEqual(summary.byVertices, { 2: 1, 3: 6, 4: 84, 5: 2441, 6: 62010, 7: 359082 });
  assert.equal(summary.sha256, "53e1438d11675d9eb3899166c29ca07fe0c4b81af9d99d5aec3ecd31bd5bca7f");
});

test("matrix encoding: 7×7 adjacency + 7×5 one-hot ops, output kept last when padded", () => {
  const { vertices: V, opTypes, size } = space.encoding;
  assert.equal(size, 7 * 7 + 7 * 5);
  const tiny = space.idOf({
    matrix: [
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ],
    ops: ["input", "maxpool3x3", "output"],
  });
  const enc = space.encode([67206, tiny]);
  const cell = space.cell(67206);
  for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) assert.equal(enc[i * V + j], cell.matrix[i][j]);
  cell.ops.forEach((op, v) => {
    assert.equal(enc[V * V + v * opTypes.length + opTypes.indexOf(op)], 1);
  });
  const t = enc.subarray(size);
  assert.equal(t[0 * V + 1], 1); // input → vertex 1
  assert.equal(t[1 * V + 6], 1); // vertex 1 → output, now at index 6
  assert.equal(
    Array.from(t.subarray(0, V * V)).reduce((a, b) => a + b, 0),
    2,
  );
  assert.equal(t[V * V + 6 * opTypes.length + opTypes.indexOf("output")], 1);
  assert.equal(t[V * V + 1 * opTypes.length + opTypes.indexOf("maxpool3x3")], 1);
  assert.equal(
    Array.from(t.subarray(V * V + 2 * opTypes.length, V * V + 6 * opTypes.length)).reduce((a, b) => a + b, 0),
    0,
  );
});

test("Nb101Space.load refuses a misspelt option and options of the wrong kind before touching any cache", async () => {
  // { cachedir } was dropped and the default cache read; { cacheDir: 5 } failed inside node:path
  for (const [options, pattern] of [
    [{ cachedir: "/x" }, /Nb101Space\.load: unknown option "cachedir"; expected cacheDir, threads, onNote/],
    [{ cacheDir: 5 }, /Nb101Space\.load: cacheDir must be a folder's path \(a non-empty string\), got 5/],
    [{ threads: 0 }, /Nb101Space\.load: threads must be a positive integer, got 0/],
    [{ onNote: "yes" }, /Nb101Space\.load: onNote must be a function of one line of text, got "yes"/],
    [{ enumerationLimit: 10 }, /Nb101Space\.load: unknown option "enumerationLimit"/],
    [null, /Nb101Space\.load: the options must be an object/],
  ] as const)
    await assert.rejects(
      Nb101Space.load(options as never),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
});
