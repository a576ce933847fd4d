import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidCellError } from "../errors.js";
import { Rng } from "../random.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { parseArch } from "./nb201/cell.js";
import { Nb201Space, readNb201Csv } from "./nb201/space.js";
import { NB201_SPEC } from "./nb201/spec.js";
import { parseSpec, readSpecFile } from "./spec.js";

const five = new EdgeCellSpace(
  parseSpec({
    name: "five",
    kind: "edge-cell",
    nodes: 5,
    ops: ["zero", "conv", "pool"],
    zero: "zero",
  }) as never,
);

test("the nb201 spec file reproduces NAS-Bench-201: count, arch strings in csv order, encodings", () => {
  const spec = readSpecFile(join(REPO_ROOT, "docs", "spaces", "nb201.json"));
  assert.deepEqual(spec, NB201_SPEC);
  const space = new EdgeCellSpace(spec as never);
  assert.equal(space.count, 15_625n);
  assert.equal(space.countedBy, "computed");
  const builtIn = Nb201Space.load(testData());
  const rows = readNb201Csv(join(testData().dir, "nb201", "cifar10-valid.csv"));
  const archs = rows.map((row) => space.fromRow(row));
  // the csv's arch strings, reformatted by the kind, hash to the README's sha256 of the space
  const sha = createHash("sha256");
  for (const arch of archs) sha.update(`${space.key(arch)}\n`);
  assert.equal(sha.digest("hex"), builtIn.summary().sha256);
  assert.equal(new Set(archs.map((a) => space.key(a))).size, 15_625);
  for (const id of [0, 1, 500, 15_624]) {
    assert.equal(space.jsonOf(archs[id]), rows[id]["arch str"]);
    assert.equal(builtIn.idOf(space.jsonOf(archs[id])), id);
  }
  const ids = Array.from({ length: 15_625 }, (_, id) => id);
  assert.deepEqual(space.encode(archs), builtIn.encode(ids));
  const unreachable = archs.filter((a) => !space.outputReachable(a)).length;
  assert.equal(unreachable, builtIn.summary().outputUnreachable);
});

test("a 5-node edge cell: 3^10 members, arch strings of 4 groups, unreachable outputs valid", () => {
  assert.equal(five.count, 3n ** 10n);
  assert.equal(five.edges.length, 10);
  const none = five.fromJSON("|zero~0|+|zero~0|zero~1|+|zero~0|zero~1|zero~2|+|zero~0|zero~1|zero~2|zero~3|");
  assert.equal(five.outputReachable(none), false);
  assert.equal(five.encode([none]).length, five.encoding.size);
  const chain = five.fromJSON({
    arch: "|conv~0|+|zero~0|pool~1|+|zero~0|zero~1|zero~2|+|zero~0|zero~1|zero~2|conv~3|",
  });
  assert.equal(five.outputReachable(chain), false, "node 3 is not reached");
  const path = five.fromJSON("|conv~0|+|zero~0|pool~1|+|zero~0|zero~1|conv~2|+|zero~0|zero~1|zero~2|conv~3|");
  assert.equal(five.outputReachable(path), true);
  // encoding: 12 vertices, op types input, output, then the spec's
  const e = five.encoding;
  assert.ok(e.form === "matrix");
  assert.equal(e.vertices, 12);
  assert.deepEqual(e.opTypes, ["input", "output", "zero", "conv", "pool"]);
  const x = five.encode([path]);
  const V = 12;
  // input feeds the 4 edges leaving node 0; the 4 edges entering node 4 feed the output
  assert.equal(
    x.subarray(0, V).reduce((a, b) => a + b, 0),
    4,
  );
  let intoOutput = 0;
  for (let v = 0; v < V; v++) intoOutput += x[v * V + V - 1];
  assert.equal(intoOutput, 4);
  assert.equal(x[V * V + 1 * 5 + 3], 1, "edge 0→1 carries conv");
  assert.equal(x[V * V + 3 * 5 + 4], 1, "edge 1→2 carries pool");
});

test("sample, mutate, crossover, and the JSON and row forms round-trip", () => {
  const rng = new Rng(4);
  const archs = five.sample(rng, 500);
  assert.equal(new Set(archs.map((a) => five.key(a))).size, 500);
  for (const a of archs) {
    assert.deepEqual(five.fromJSON(five.jsonOf(a)), a);
    assert.deepEqual(five.fromRow(five.toRow(a)), a);
    assert.deepEqual(five.fromRow({ "arch str": five.key(a) }), a);
    assert.deepEqual(five.fromRank(five.rank(a)), a);
    const m = five.mutate(rng, a);
    assert.equal(m.filter((op, i) => op !== a[i]).length, 1);
    const c = five.crossover(rng, a, archs[0]);
    for (const [i, op] of c.entries()) assert.ok(op === a[i] || op === archs[0][i]);
  }
  const two = new EdgeCellSpace(
    parseSpec({ name: "two", kind: "edge-cell", nodes: 2, ops: ["a", "b"] }) as never,
  );
  assert.deepEqual(
    two
      .sample(rng, 5)
      .map((a) => two.key(a))
      .sort(),
    ["|a~0|", "|b~0|"],
  );
});

test("malformed arch strings name the rule and the expected shape", () => {
  const rule = (text: string) => {
    try {
      five.fromJSON(text);
    } catch (e) {
      assert.ok(e instanceof InvalidCellError);
      return e.message;
    }
    return "accepted";
  };
  assert.match(
    rule("|conv~0|+|conv~0|conv~1|"),
    /has 2 node groups; expected 4 separated by "\+", like \|op~0\|\+\|op~0\|op~1\|\+/,
  );
  assert.match(
    rule("|conv~0|+|conv~0|conv~2|+|zero~0|zero~1|zero~2|+|zero~0|zero~1|zero~2|zero~3|"),
    /rule: edge-order/,
  );
  assert.match(
    rule("|none~0|+|zero~0|zero~1|+|zero~0|zero~1|zero~2|+|zero~0|zero~1|zero~2|zero~3|"),
    /op "none" is not one of zero, conv, pool/,
  );
  assert.throws(() => five.fromJSON(42), /expected an arch string/);
  assert.throws(() => five.fromRow({ cell: "x" }), /no "arch" column/);
});

test("a JSON-quoted arch string (jq -c of ask --json) reads as the string inside", () => {
  const arch = five.sample(new Rng(9), 1)[0];
  const text = five.jsonOf(arch);
  // what `nas-assay ask --json | jq -c '.[0].arch'` prints: the string with its JSON quotes
  const quoted = JSON.stringify(text);
  assert.ok(quoted.startsWith('"|') && quoted.endsWith('|"'));
  assert.deepEqual(five.fromJSON(quoted), arch);
  assert.deepEqual(five.fromJSON(` ${quoted}\n`), arch, "a line break after it, as jq ends its line");
  assert.deepEqual(five.fromJSON({ arch: quoted }), arch);
  assert.deepEqual(five.fromRow({ arch: quoted }), arch);
  // the NAS-Bench-201 arch reader (cell --arch) is the same parser
  const nb201 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
  assert.deepEqual(parseArch(JSON.stringify(nb201)), parseArch(nb201));
  // a quoted string still has to be an arch string; text that is not a JSON string is read as it is
  assert.throws(() => five.fromJSON('"|conv~0|"'), /has 1 node groups; expected 4/);
  assert.throws(() => five.fromJSON('"|conv~0|+'), /node group|node groups/);
});

test("spaces beside the separators of an arch string are padding; a space inside an op name is refused", () => {
  const arch = five.sample(new Rng(4), 1)[0];
  const text = five.jsonOf(arch);
  // "| conv~0 | + | conv~0 | pool~1 | + …", as written for reading, and a tab or two around "~"
  const padded = text.replaceAll("|", " | ").replaceAll("+", " + ").replace("~", " \t~ ");
  assert.deepEqual(five.fromJSON(padded), arch);
  assert.deepEqual(five.fromRow({ arch: padded }), arch);
  assert.equal(five.key(five.fromJSON(padded)), five.key(arch), "stored in its one written form");
  // inside an op name a space is no padding: "po ol" is not "pool"
  assert.throws(
    () => five.fromJSON(text.replace(/zero|conv|pool/, (op) => `${op[0]} ${op.slice(1)}`)),
    /is not one of/,
  );
});

test("op names of an arch string match in Unicode NFC (café composed or decomposed)", () => {
  const space = new EdgeCellSpace(
    parseSpec({ name: "u", kind: "edge-cell", nodes: 3, ops: ["none", "caf\u00e9"], zero: "none" }) as never,
  );
  const nfd = "|cafe\u0301~0|+|none~0|cafe\u0301~1|";
  assert.deepEqual(space.fromJSON(nfd), [1, 0, 1]);
  assert.equal(space.jsonOf(space.fromJSON(nfd)), "|caf\u00e9~0|+|none~0|caf\u00e9~1|");
  // the zero op spelt decomposed in the spec is the composed op
  const zeroNfd = new EdgeCellSpace(
    parseSpec({
      name: "z",
      kind: "edge-cell",
      nodes: 2,
      ops: ["caf\u00e9", "conv"],
      zero: "cafe\u0301",
    }) as never,
  );
  assert.equal(zeroNfd.zero, 0);
  assert.equal(zeroNfd.outputReachable([0]), false);
});

test("an op-index list that is no architecture says which entry is wrong and what is allowed", () => {
  // from the library (study.tell(arch, …)), a bare "not an architecture: [0,…,9]" named no reason
  assert.throws(
    () => five.jsonOf([0, 0, 0, 0, 0, 0, 0, 0, 0, 9]),
    /^RangeError: not an architecture of five: \[0,0,0,0,0,0,0,0,0,9\] \(entry 9, 9, is no op index; expected an integer in 0\.\.2 \(zero, conv, pool\)\)$/,
  );
  assert.throws(() => five.jsonOf([0, 1]), /\(2 entries; expected 10, one op index per edge\)$/);
  assert.throws(() => five.jsonOf("x" as never), /\(expected a list of 10 op indexes, one per edge\)$/);
});
