import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidCellError } from "../errors.js";
import { Rng } from "../random.js";
import { type ChoicesArch, ChoicesSpace } from "./choices.js";
import { parseSpec } from "./spec.js";

/** A choices space from its name and decisions, through the spec parser as a spec file would go. */
function choicesSpace(
  name: string,
  decisions: { name: string; options: (string | number)[] }[],
  stored = false,
): ChoicesSpace {
  return new ChoicesSpace(parseSpec({ name, kind: "choices", decisions }, "space spec", { stored }) as never);
}

/** 20 decisions of 10 options: 10^20 members. */
function huge(): ChoicesSpace {
  const decisions = Array.from({ length: 20 }, (_, i) => ({
    name: `layer${i + 1}`,
    options:
      i % 2 === 0
        ? Array.from({ length: 10 }, (_, k) => `op${k}`)
        : Array.from({ length: 10 }, (_, k) => 2 ** k),
  }));
  return choicesSpace("huge", decisions);
}

const small = choicesSpace("small", [
  { name: "type", options: ["identity", "mb3_k3", "mb6_k5"] },
  { name: "width", options: [16, 64, 32] },
  { name: "depth", options: [2] },
]);

test("a choices space of 10^20 members counts, samples, mutates and encodes without enumerating", () => {
  const space = huge();
  assert.equal(space.count, 10n ** 20n);
  assert.equal(space.countedBy, "computed");
  const rng = new Rng(1);
  const archs = space.sample(rng, 1000);
  assert.equal(new Set(archs.map((a) => space.key(a))).size, 1000);
  // uniform: each option of the first decision about 100 times in 1000 draws
  const counts = new Array(10).fill(0);
  for (const a of archs) counts[a[0]]++;
  assert.ok(Math.min(...counts) > 60 && Math.max(...counts) < 140, `counts ${counts}`);
  for (const a of archs.slice(0, 50)) {
    const m = space.mutate(rng, a);
    assert.equal(m.filter((x, i) => x !== a[i]).length, 1);
    assert.notEqual(space.key(m), space.key(a));
  }
  // 10 one-hot blocks of 10 and 10 ordinal values
  assert.equal(space.encoding.size, 110);
  const x = space.encode(archs.slice(0, 3));
  assert.equal(x.length, 330);
  assert.ok(x.every((v) => v >= 0 && v <= 1));
});

test("encoding: one-hot per categorical decision, the value scaled to [0, 1] per numeric one", () => {
  assert.deepEqual(small.encoding, {
    form: "flat",
    size: 5,
    features: ["type=identity", "type=mb3_k3", "type=mb6_k5", "width", "depth"],
  });
  const x = small.encode([
    [1, 0, 0],
    [2, 2, 0],
    [0, 1, 0],
  ]);
  assert.deepEqual(Array.from(x), [0, 1, 0, 0, 0, 0, 0, 1, Math.fround(1 / 3), 0, 1, 0, 0, 1, 0]);
});

test("JSON and row forms round-trip; bad values name the decision and the options", () => {
  const rng = new Rng(2);
  for (const arch of small.sample(rng, 9)) {
    assert.deepEqual(small.fromJSON(small.jsonOf(arch)), arch);
    assert.deepEqual(small.fromJSON(JSON.stringify(small.jsonOf(arch))), arch);
    assert.deepEqual(small.fromRow(small.toRow(arch)), arch);
  }
  assert.deepEqual(small.jsonOf([1, 2, 0]), { type: "mb3_k3", width: 32, depth: 2 });
  assert.deepEqual(small.toRow([1, 2, 0]), { type: "mb3_k3", width: "32", depth: "2" });
  assert.equal(small.key([1, 2, 0]), '{"type":"mb3_k3","width":32,"depth":2}');
  assert.deepEqual(small.fromRow({ type: "mb3_k3", width: "32", depth: "2", val_acc: "0.9" }), [1, 2, 0]);
  assert.deepEqual(small.columns, ["type", "width", "depth"]);
  assert.throws(
    () => small.fromJSON({ type: "mb3_k3", width: 48, depth: 2 }),
    (e: Error) =>
      e instanceof InvalidCellError &&
      /48 is not an option of decision "width"; expected one of 16, 64, 32/.test(e.message),
  );
  assert.throws(() => small.fromJSON({ type: "mb3_k3", depth: 2 }), /decision "width" has no option/);
  assert.throws(
    () => small.fromJSON({ type: "mb3_k3", width: 16, depth: 2, size: 1 }),
    /"size" is not a decision of small/,
  );
  assert.throws(() => small.fromJSON("{"), /text is not JSON/);
  // an object or array as an option is refused without writing it (20,000 levels overflowed the stack)
  const deep = `${'{"a":'.repeat(20000)}1${"}".repeat(20000)}`;
  assert.throws(
    () => small.fromJSON(`{"type":${deep},"width":16,"depth":2}`),
    /decision "type" holds an object; expected one of /,
  );
  assert.throws(
    () => small.fromJSON({ type: "mb3_k3", width: [16], depth: 2 }),
    /decision "width" holds an array/,
  );
});

test("sample: distinct, all of a small space when asked for more; mutate and crossover stay valid", () => {
  assert.equal(small.count, 9n);
  const rng = new Rng(3);
  const all = small.sample(rng, 20);
  assert.equal(all.length, 9);
  assert.equal(new Set(all.map((a) => small.key(a))).size, 9);
  const valid = (a: ChoicesArch) => small.fromJSON(small.jsonOf(a));
  for (const a of all) {
    const m = small.mutate(rng, a);
    valid(m);
    assert.notEqual(small.key(m), small.key(a));
    assert.equal(m[2], 0, "the one-option decision never changes");
    const c = small.crossover(rng, a, all[0]);
    valid(c);
    for (const [i, x] of c.entries()) assert.ok(x === a[i] || x === all[0][i]);
  }
  const one = choicesSpace("one", [{ name: "d", options: [1] }]);
  assert.throws(() => one.mutate(rng, [0]), /one has a single architecture/);
});

test("sample: the first k drawn do not depend on how many are asked (simulate's budget 5 asks the first 5 of 10)", () => {
  // a 64-member space was sampled by rank for 10 and by redrawing repeats for 5: two different starts
  const c64 = choicesSpace("c64", [
    { name: "a", options: [1, 2, 3, 4] },
    { name: "b", options: ["x", "y", "z", "w"] },
    { name: "c", options: [-5, 0, 5, 1000000] },
  ]);
  for (const seed of [0, 1, 2]) {
    // ask draws 3 candidates per architecture asked: 15 for 5, 30 for 10
    const thirty = c64.sample(new Rng(seed), 30).map((a) => c64.key(a));
    for (const k of [1, 5, 15])
      assert.deepEqual(
        c64.sample(new Rng(seed), k).map((a) => c64.key(a)),
        thirty.slice(0, k),
        `seed ${seed}, ${k}`,
      );
  }
});
test("ordinal options spanning more than the largest double encode in [0, 1], not NaN", () => {
  const space = choicesSpace("wide", [{ name: "scale", options: [-1e308, 0, 1e308] }]);
  assert.deepEqual(Array.from(space.encode([[0], [1], [2]])), [0, 0.5, 1]);
});

test("a decision named like an Object property (constructor) is read from the architecture only", () => {
  const space = choicesSpace("named", [
    { name: "constructor", options: ["a", "b"] },
    { name: "toString", options: [1, 2] },
  ]);
  assert.deepEqual(space.fromJSON({ constructor: "b", toString: 2 }), [1, 1]);
  assert.deepEqual(space.fromJSON(space.jsonOf([1, 0])), [1, 0]);
  assert.throws(
    () => space.fromJSON({ toString: 2 }),
    /decision "constructor" has no option; expected one of "a", "b"/,
  );
  assert.throws(() => space.fromRow({ constructor: "a" }), /decision "toString" has no option/);
});

test("a numeric option is read in any decimal notation (16.0 from pandas, 1e-05 from Python); text options stay exact", () => {
  const space = choicesSpace(
    "lr",
    [
      { name: "lr", options: [0.00001, 0.001] },
      { name: "width", options: [16, 32] },
      // "1.0" and 1 in one decision are refused by the spec check ("1.00" would read as 1 alone); "1.0"
      // beside 2 is refused too now (a number quoted by mistake), but a study made before still opens
      { name: "tag", options: ["1.0", 2] },
    ],
    true,
  );
  assert.deepEqual(space.fromRow({ lr: "1e-05", width: "16.0", tag: "1.0" }), [0, 0, 0]);
  assert.deepEqual(space.fromRow({ lr: "1E-3", width: "3.2e1", tag: "2" }), [1, 1, 1]);
  assert.deepEqual(space.fromJSON({ lr: "0.001", width: "32.", tag: "2.00" }), [1, 1, 1]);
  assert.throws(
    () => space.fromRow({ lr: "1e-05", width: "16", tag: "1.00" }),
    /"1\.00" is not an option of decision "tag"/,
  );
  assert.throws(
    () => space.fromRow({ lr: "1e-4", width: "16", tag: "2" }),
    /"1e-4" is not an option of decision "lr"/,
  );
  assert.throws(() => space.fromRow({ lr: "0x1", width: "16", tag: "2" }), /"0x1" is not an option/);
});

test("a JSON number names a string option by value, and is refused where two string options have that value", () => {
  const space = choicesSpace("vers", [
    { name: "lib", options: ["1.10", "1.1", "2.0"] },
    { name: "w", options: [16, 32] },
  ]);
  // as text each is its own option
  assert.deepEqual(space.fromJSON({ lib: "1.10", w: 16 }), [0, 0]);
  assert.deepEqual(space.fromJSON({ lib: "1.1", w: 16 }), [1, 0]);
  // the number 1.10 is 1.1: it read as "1.1" without a word
  assert.throws(
    () => space.fromJSON({ lib: 1.1, w: 16 }),
    /1\.1 is a number, and the options "1\.10" and "1\.1" of decision "lib" both read as it; write the option as a string/,
  );
  assert.deepEqual(space.fromJSON({ lib: 2, w: 32 }), [2, 1]);
});

test("arch text naming a decision twice is refused, naming it (JSON.parse kept the last value)", () => {
  const twice = '{"type":"identity","width":16,"depth":2,"type":"mb6_k5"}';
  assert.throws(
    () => small.fromJSON(twice),
    (e: unknown) =>
      e instanceof InvalidCellError &&
      /decision "type" is given twice; expected each decision once/.test(e.message),
  );
  // the same text without the repeat reads, and a JS object (which cannot repeat a key) is unchanged
  assert.deepEqual(small.fromJSON('{"type":"mb6_k5","width":16,"depth":2}'), [2, 0, 0]);
  assert.deepEqual(small.fromJSON({ type: "identity", width: 16, depth: 2 }), [0, 0, 0]);
});

test("decision names and options match in Unicode NFC: café composed or decomposed is one option", () => {
  const nfc = "caf\u00e9";
  const nfd = "cafe\u0301";
  // the spec spells the decision decomposed and the option composed; architectures spell them the other way
  const space = choicesSpace("u", [
    { name: `drink_${nfd}`, options: ["tea", nfc] },
    { name: "size", options: [1, 2] },
  ]);
  assert.deepEqual(space.fromJSON({ [`drink_${nfc}`]: nfd, size: 2 }), [1, 1]);
  assert.deepEqual(space.fromJSON(JSON.stringify({ [`drink_${nfc}`]: nfd, size: 1 })), [1, 0]);
  assert.deepEqual(space.fromRow({ [`drink_${nfc}`]: nfd, size: "2", val_acc: "0.9" }), [1, 1]);
  assert.deepEqual(space.fromRow({ [`drink_${nfd}`]: nfc, size: "2" }), [1, 1]);
  // the key and JSON form keep the spec's spelling, whichever spelling was read
  assert.equal(
    space.key(space.fromJSON({ [`drink_${nfc}`]: nfd, size: 2 })),
    JSON.stringify({ [`drink_${nfd}`]: nfc, size: 2 }),
  );
  // both spellings of one decision in one architecture: given twice
  for (const given of [
    { [`drink_${nfc}`]: "tea", [`drink_${nfd}`]: nfc, size: 1 },
    `{"drink_${nfc}":"tea","drink_${nfd}":"tea","size":1}`,
  ])
    assert.throws(
      () => space.fromJSON(given),
      (e: unknown) =>
        e instanceof InvalidCellError && /decision "drink_cafe?.*" is given twice/.test(e.message),
    );
});

test("neighbourKeys: two architectures share a key exactly when they differ in one decision (one mutation)", () => {
  const all = small.sample(new Rng(1), 9); // every member: 3 × 3 × 1
  assert.equal(all.length, 9);
  for (const a of all) {
    // the single-option decision (depth) gives no key: nothing can change there
    assert.equal(small.neighbourKeys(a).length, 2);
    for (const b of all) {
      if (a === b) continue;
      const shared = small.neighbourKeys(a).some((k) => small.neighbourKeys(b).includes(k));
      assert.equal(shared, a.filter((o, i) => o !== b[i]).length === 1, `${a} and ${b}`);
    }
  }
  const rng = new Rng(2);
  const space = huge();
  for (const a of space.sample(rng, 50)) {
    const m = space.mutate(rng, a);
    assert.ok(
      space.neighbourKeys(m).some((k) => space.neighbourKeys(a).includes(k)),
      "a mutation shares a key",
    );
  }
  // short keys however many decisions (keys spelling out the other decisions ran a 3,000-decision ask
  // out of memory): a mutation shares exactly one with its parent, two mutations apart share none
  const wide = new ChoicesSpace({
    name: "wide",
    kind: "choices",
    decisions: Array.from({ length: 3000 }, (_, i) => ({ name: `d${i}`, options: ["a", "b", "c"] })),
  });
  const [a] = wide.sample(rng, 1);
  const keys = wide.neighbourKeys(a);
  assert.equal(keys.length, 3000);
  assert.ok(
    keys.every((k) => k.length < 40),
    keys[0],
  );
  const once = wide.mutate(rng, a);
  const twice = wide.mutate(rng, once);
  const sharedWith = (b: ChoicesArch) => wide.neighbourKeys(b).filter((k) => keys.includes(k)).length;
  assert.equal(sharedWith(once), 1);
  if (twice.filter((o, i) => o !== a[i]).length === 2) assert.equal(sharedWith(twice), 0);
});
