import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { InvalidCellError } from "../../errors.js";
import { Rng } from "../../random.js";
import { REPO_ROOT, testSpace } from "../../testing/fixtures.js";
import { isomorphicVariant } from "../../testing/nb101-variants.js";
import type { Nb101Space } from "../nb101/space.js";
import { NB101_SPEC } from "../nb101/spec.js";
import { parseSpec, readSpecFile, type VertexCellSpec } from "../spec.js";
import type { VertexCell } from "./cell.js";
import { VertexCellSpace } from "./space.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-vertex-cell-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = parseSpec({
  name: "small",
  kind: "vertex-cell",
  maxVertices: 5,
  maxEdges: 6,
  ops: ["conv", "pool"],
}) as VertexCellSpec;

/**
 * Independent brute force: every 5×5 upper-triangular matrix with every labelling of its 3 interior
 * vertices, pruned here (reachable from the input and reaching the output), limits checked, and
 * identified up to isomorphism by the smallest text over all permutations of the interior vertices.
 */
function bruteForceClasses(maxEdges: number, ops: string[]): Map<string, VertexCell> {
  const classes = new Map<string, VertexCell>();
  const pairs: [number, number][] = [];
  for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) pairs.push([i, j]);
  for (let mask = 0; mask < 1 << pairs.length; mask++) {
    const m = Array.from({ length: 5 }, () => new Array(5).fill(0));
    pairs.forEach(([i, j], e) => {
      if (mask & (1 << e)) m[i][j] = 1;
    });
    const from = [true, false, false, false, false];
    for (let j = 1; j < 5; j++) for (let i = 0; i < j; i++) if (from[i] && m[i][j]) from[j] = true;
    const to = [false, false, false, false, true];
    for (let i = 3; i >= 0; i--) for (let j = i + 1; j < 5; j++) if (to[j] && m[i][j]) to[i] = true;
    if (!from[4]) continue;
    const kept = [0, 1, 2, 3, 4].filter((v) => from[v] && to[v]);
    let edges = 0;
    for (const i of kept) for (const j of kept) edges += m[i][j];
    if (edges > maxEdges) continue;
    const interior = kept.slice(1, -1);
    for (let labels = 0; labels < ops.length ** interior.length; labels++) {
      const label = new Map<number, string>();
      for (const [k, v] of interior.entries())
        label.set(v, ops[Math.floor(labels / ops.length ** k) % ops.length]);
      let best = "";
      for (const perm of permutations(interior)) {
        const order = [0, ...perm, 4];
        const text = `${order.map((a) => order.map((b) => m[a][b]).join("")).join("/")}|${perm.map((v) => label.get(v)).join(",")}`;
        if (best === "" || text < best) best = text;
      }
      if (!classes.has(best)) {
        const matrix = kept.map((a) => kept.map((b) => m[a][b]));
        classes.set(best, {
          matrix,
          ops: ["input", ...interior.map((v) => label.get(v) as string), "output"],
        });
      }
    }
  }
  return classes;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]),
  );
}

let nb101: Nb101Space;
before(async () => {
  nb101 = await testSpace();
});

test("the nb101 spec file reproduces NAS-Bench-101: count, ids, hashes, sha256, encodings", async () => {
  const spec = readSpecFile(join(REPO_ROOT, "docs", "spaces", "nb101.json"));
  assert.deepEqual(spec, NB101_SPEC);
  const space = await VertexCellSpace.load(spec as VertexCellSpec);
  assert.equal(space.count, 423_624n);
  assert.equal(space.countedBy, "enumerated");
  assert.equal(space.summary().sha256, "53e1438d11675d9eb3899166c29ca07fe0c4b81af9d99d5aec3ecd31bd5bca7f");
  const rng = new Rng(7);
  const ids = Array.from(nb101.sample(rng, 500));
  for (const id of ids) {
    const cell = nb101.cell(id);
    assert.equal(space.key(cell), nb101.hashOf(id));
    assert.equal(space.idOf(space.jsonOf(cell)), id);
    assert.deepEqual(space.fromRow(space.toRow(cell)), cell);
  }
  assert.equal(space.key(nb101.cell(307498)), "ba0a27cafe7d648aa57f7d5dd64c0b48");
  assert.deepEqual(space.encode(ids.map((id) => nb101.cell(id))), nb101.encode(ids));
  assert.deepEqual(space.encoding, { form: "matrix", ...nb101.encoding });
});

test("a 5-vertex, 2-op space enumerates to the count of an independent brute force", async () => {
  const classes = bruteForceClasses(6, ["conv", "pool"]);
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir });
  assert.equal(space.countedBy, "enumerated");
  assert.equal(space.count, BigInt(classes.size));
  // every brute-force class is a cell of the space, and distinct classes have distinct ids
  const ids = new Set([...classes.values()].map((cell) => space.idOf(cell)));
  assert.equal(ids.size, classes.size);
  // the same count by Burnside's lemma, when the space is not enumerated
  const counted = await VertexCellSpace.load(SMALL, { cacheDir: dir, enumerationLimit: 0 });
  assert.equal(counted.countedBy, "computed");
  assert.equal(counted.count, space.count);
  // and with all 10 edges allowed
  const full = await VertexCellSpace.load({ ...SMALL, maxEdges: 10 }, { cacheDir: dir });
  assert.equal(full.count, BigInt(bruteForceClasses(10, ["conv", "pool"]).size));
});

test("sampling a space too large to enumerate is uniform over cells up to isomorphism", async () => {
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir, enumerationLimit: 0 });
  const count = Number(space.count);
  const rng = new Rng(5);
  const all = space.sample(rng, count + 10);
  assert.equal(all.length, count);
  assert.equal(new Set(all.map((c) => space.key(c))).size, count);
  // single draws: each of the classes equally likely (chi-square against uniform)
  const draws = 30 * count;
  const seen = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const key = space.key(space.sample(rng, 1)[0]);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  assert.equal(seen.size, count);
  const expected = draws / count;
  const chi2 = [...seen.values()].reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
  const df = count - 1;
  assert.ok(chi2 < df + 5 * Math.sqrt(2 * df), `chi-square ${chi2.toFixed(1)} on ${df} degrees of freedom`);
});

test("a vertex-cell of 10^7 cells: counted, sampled distinct, mutated, crossed, encoded", async () => {
  const spec = parseSpec({
    name: "wide",
    kind: "vertex-cell",
    maxVertices: 7,
    maxEdges: 9,
    ops: ["conv3", "conv1", "pool", "sep3", "sep5", "dil3"],
  }) as VertexCellSpec;
  const space = await VertexCellSpace.load(spec, { cacheDir: dir });
  assert.equal(space.countedBy, "computed");
  assert.ok(space.count > 10_000_000n, `${space.count}`);
  assert.throws(() => space.cellAt(0), /too many to enumerate/);
  const rng = new Rng(8);
  const cells = space.sample(rng, 300);
  assert.equal(new Set(cells.map((c) => space.key(c))).size, 300);
  for (const cell of cells.slice(0, 100)) {
    assert.deepEqual(space.fromJSON(space.jsonOf(cell)), cell);
    assert.deepEqual(space.fromRow(space.toRow(cell)), cell);
    const m = space.mutate(rng, cell);
    assert.notEqual(space.key(m), space.key(cell));
    space.fromJSON(m);
    space.fromJSON(space.crossover(rng, cell, cells[0]));
  }
  const x = space.encode(cells.slice(0, 2));
  assert.equal(x.length, 2 * (49 + 7 * 8));
});

test("pruning and validity follow the spec's limits and ops, with clear errors", async () => {
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir });
  const rule = (cell: unknown) => {
    try {
      space.fromJSON(cell);
    } catch (e) {
      assert.ok(e instanceof InvalidCellError, String(e));
      return e.rule;
    }
    return "accepted";
  };
  const line = {
    matrix: [
      [0, 1],
      [0, 0],
    ],
    ops: ["input", "output"],
  };
  assert.equal(rule(line), "accepted");
  assert.equal(rule({ matrix: "0100001000000000", ops: "input,conv,pool,output" }), "connected");
  assert.equal(rule({ matrix: "0110000100010000", ops: "input,conv,conv3,output" }), "interior-op");
  // 6 vertices on a path: more than maxVertices after pruning
  const path = Array.from({ length: 6 }, (_, i) =>
    Array.from({ length: 6 }, (_, j) => (j === i + 1 ? 1 : 0)),
  );
  assert.equal(
    rule({ matrix: path, ops: ["input", "conv", "conv", "conv", "conv", "output"] }),
    "max-vertices",
  );
  const full = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (j > i ? 1 : 0)));
  assert.equal(rule({ matrix: full, ops: ["input", "conv", "conv", "pool", "output"] }), "max-edges");
  // a key besides matrix and ops (a misspelt or misplaced field) is refused, not dropped
  assert.equal(rule({ matrix: "0110000100000000", ops: "input,conv,pool,output", value: 0.9 }), "format");
  assert.equal(rule('{"matrix":"0110000100000000","ops":"input,conv,pool,output","op":[]}'), "format");
  // a dangling vertex is pruned away
  const dangling = space.fromJSON({ matrix: "0110000100000000", ops: "input,conv,pool,output" });
  assert.deepEqual(dangling, {
    matrix: [
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ],
    ops: ["input", "conv", "output"],
  });
  assert.equal(
    space.key(dangling),
    space.key({
      matrix: [
        [0, 1, 0],
        [0, 0, 1],
        [0, 0, 0],
      ],
      ops: ["input", "conv", "output"],
    }),
  );
  const two = await VertexCellSpace.load({ ...SMALL, maxVertices: 2, maxEdges: 1 }, { cacheDir: dir });
  assert.equal(two.count, 1n);
  assert.throws(() => two.mutate(new Rng(1), line), /has a single architecture/);
});

test("a row written by pandas (a Python list, a NumPy array) says how to write it (it said only 'is not JSON nor a comma list')", async () => {
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir });
  const refused = (row: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => space.fromRow(row),
      (e: Error) => e instanceof InvalidCellError && pattern.test(e.message),
    );
  refused(
    { matrix: "011001000", ops: "['input', 'conv', 'output']" },
    /ops "\['input', 'conv', 'output'\]" is Python's list text \(single quotes\), not JSON; write \["input","conv","output"\] or input,conv,output/,
  );
  refused(
    { matrix: "[[0 1 1]\n [0 0 1]\n [0 0 0]]", ops: "input,conv,output" },
    /matrix "\[\[0 1 1\]\\n \[0 0 1\]\\n \[0 0 0\]\]" is NumPy's array text \(no commas\), not JSON; write it as 011001000 \(row-major\) or \[\[0,1,1\],\[0,0,1\],\[0,0,0\]\]/,
  );
  // the forms it reads are unchanged
  assert.deepEqual(
    space.fromRow({ matrix: "[[0,1,1],[0,0,1],[0,0,0]]", ops: '["input","conv","output"]' }),
    space.fromRow({ matrix: "011001000", ops: "input,conv,output" }),
  );
});

test("cell text naming matrix or ops twice is refused, naming the key (JSON.parse kept the last)", async () => {
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir });
  const ok = '"matrix":"0110000100010000","ops":"input,conv,pool,output"';
  assert.deepEqual(
    space.fromJSON(`{${ok}}`),
    space.fromJSON({ matrix: "0110000100010000", ops: "input,conv,pool,output" }),
  );
  assert.throws(
    () => space.fromJSON(`{${ok},"ops":"input,pool,conv,output"}`),
    (e: unknown) => e instanceof InvalidCellError && /key "ops" is given twice/.test(e.message),
  );
  assert.throws(
    () => space.fromJSON(`{"matrix":"0100000000000000",${ok}}`),
    (e: unknown) => e instanceof InvalidCellError && /key "matrix" is given twice/.test(e.message),
  );
});

test("interior op names match in Unicode NFC (café composed or decomposed)", async () => {
  const space = await VertexCellSpace.load({ ...SMALL, ops: ["conv", "caf\u00e9"] }, { cacheDir: dir });
  const nfd = space.fromJSON({ matrix: "0110000100010000", ops: "input,conv,cafe\u0301,output" });
  const nfc = space.fromJSON({ matrix: "0110000100010000", ops: "input,conv,caf\u00e9,output" });
  assert.deepEqual(nfd, nfc);
  assert.equal(space.key(nfd), space.key(nfc));
  assert.ok(nfd.ops.includes("caf\u00e9"), "the JSON form keeps the spec's spelling");
});

test("reduction says what reading a cell pruned (tell names two texts of one cell with it), nothing for a cell as it stands", async () => {
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir });
  // conv and pool are off every input→output path: both pruned, leaving input→output
  assert.equal(
    space.reduction({ matrix: "0111001000000000", ops: "input,conv,pool,output" }),
    "pruning 2 vertices off every input→output path",
  );
  assert.equal(
    space.reduction('{"matrix":"001000000","ops":"input,pool,output"}'),
    "pruning 1 vertex off every input→output path",
  );
  // a results file's columns, a matrix written as JSON text
  assert.equal(
    space.reduction({ matrix: "[[0,0,1],[0,0,0],[0,0,0]]", ops: "input,pool,output" }),
    "pruning 1 vertex off every input→output path",
  );
  assert.equal(space.reduction({ matrix: "0100", ops: "input,output" }), undefined);
  assert.equal(space.reduction({ matrix: "0110000100010000", ops: "input,conv,pool,output" }), undefined);
  // no cell at all: nothing to say (reading it is refused elsewhere, with its own message)
  assert.equal(space.reduction({ matrix: "01", ops: "input" }), undefined);
});

test("the cells a space makes are frozen, and the keys it keeps for them are their hashes", async () => {
  for (const space of [
    await VertexCellSpace.load(SMALL, { cacheDir: dir }),
    await VertexCellSpace.load(SMALL, { cacheDir: dir, enumerationLimit: 0 }),
  ]) {
    const rng = new Rng(11);
    const made = [
      ...space.sample(rng, 20),
      space.fromJSON({ matrix: "0110001000010000", ops: "input,conv,pool,output" }),
    ];
    for (let k = 0; k < 40; k++) made.push(space.mutate(rng, made[k % made.length]));
    made.push(space.crossover(rng, made[0], made[1]));
    for (const cell of made) {
      assert.ok(Object.isFrozen(cell) && Object.isFrozen(cell.ops) && cell.matrix.every(Object.isFrozen));
      // written in place, a kept key would go stale: refused instead
      assert.throws(() => {
        (cell.ops as string[])[0] = "conv";
      }, TypeError);
      // the kept key (asked twice: computed, then kept) is the hash of an unfrozen copy's
      const copy = { matrix: cell.matrix.map((row) => [...row]), ops: [...cell.ops] };
      assert.equal(space.key(cell), space.key(copy));
      assert.equal(space.key(cell), space.key(copy));
    }
    // a cell of the caller's stays the caller's: not frozen, its key follows its changes
    const own = {
      matrix: [
        [0, 1, 1, 0],
        [0, 0, 0, 1],
        [0, 0, 0, 1],
        [0, 0, 0, 0],
      ],
      ops: ["input", "conv", "pool", "output"],
    };
    const before = space.key(own);
    own.ops[1] = "pool";
    assert.ok(!Object.isFrozen(own));
    assert.notEqual(space.key(own), before);
  }
});

test("quick keys are a function of the key: isomorphic writings share one, different quick keys mean different cells", async () => {
  const space = await VertexCellSpace.load(SMALL, { cacheDir: dir, enumerationLimit: 0 });
  const rng = new Rng(12);
  const cells = space.sample(rng, 200);
  for (let k = 0; k < 400; k++) cells.push(space.mutate(rng, cells[k % 200]));
  const quickOf = new Map<string, string>();
  for (const cell of cells) {
    const key = space.key(cell);
    const quick = space.quickKey(cell);
    // one key, one quick key (a mutation's quick key is kept from mutate, a sample's computed)
    assert.equal(quickOf.get(key) ?? quick, quick);
    quickOf.set(key, quick);
    // the same cell written with its vertices in another topological order: same key, same quick key
    const written = isomorphicVariant(
      { matrix: cell.matrix.map((row) => [...row]), ops: [...cell.ops] },
      rng,
    );
    assert.equal(space.key(written), key);
    assert.equal(space.quickKey(written), quick);
  }
  // the quick keys tell cells apart often enough to be worth it
  assert.ok(new Set(quickOf.values()).size > 1);
});
