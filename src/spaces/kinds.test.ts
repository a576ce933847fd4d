import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { Rng } from "../random.js";
import { ChoicesSpace } from "./choices.js";
import { EdgeCellSpace } from "./edge-cell.js";
import { createSpace, loadSpaceSpec, readSpaceSpec } from "./kinds.js";
import { NB101_SPEC } from "./nb101/spec.js";
import { NB201_SPEC } from "./nb201/spec.js";
import { readSpecFile } from "./spec.js";
import { VertexCellSpace } from "./vertex-cell/space.js";

test("--space: a built-in space's name is its spec where no file has that name; a missing file says what is expected", () => {
  assert.ok(!existsSync("nb201") && !existsSync("nb101"));
  assert.deepEqual(readSpaceSpec("nb201"), NB201_SPEC);
  assert.deepEqual(readSpaceSpec("nb101"), NB101_SPEC);
  assert.notEqual(readSpaceSpec("nb201"), NB201_SPEC, "a copy: the caller may change it");
  assert.throws(
    () => readSpaceSpec("nb301"),
    /cannot read the space spec nb301: no such file \(expected a spec file, or a built-in space: nb101, nb201\)$/,
  );
  // a file of that name in the working folder is read as a file
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-kinds-"));
  const cwd = process.cwd();
  try {
    writeFileSync(
      join(dir, "nb201"),
      JSON.stringify({ name: "mine", kind: "choices", decisions: [{ name: "a", options: [1] }] }),
    );
    process.chdir(dir);
    assert.equal(readSpaceSpec("nb201").name, "mine");
    // a folder of that name (a data folder holds nb101/ and nb201/) is not a spec: the built-in space
    mkdirSync("nb101");
    assert.deepEqual(readSpaceSpec("nb101"), NB101_SPEC);
    // a file of that name that is no spec: the message says which file was read
    writeFileSync("nb201", "");
    assert.throws(
      () => readSpaceSpec("nb201"),
      /\(the file nb201 in this folder is read as --space nb201, not the built-in space: rename it, or run from another folder\)$/,
    );
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--space: an empty name or a folder says so (it said 'cannot read the space spec : no such file' and 'EISDIR: illegal operation')", () => {
  assert.throws(
    () => readSpaceSpec(""),
    (e: Error) => e.message === "an empty --space; expected a spec file, or a built-in space: nb101, nb201",
  );
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-kinds-"));
  try {
    assert.throws(
      () => readSpaceSpec(dir),
      (e: Error) =>
        e.message === `cannot read the space spec ${dir}: it is a folder; expected a spec file (JSON)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("createSpace checks a spec written in a program as parseSpec does: UserError naming the field, not a TypeError or RangeError, and no space of nothing", async () => {
  const refused = async (spec: unknown, expected: RegExp) =>
    assert.rejects(
      createSpace(spec as never),
      (e: unknown) => e instanceof UserError && expected.test(e.message),
    );
  // TypeError "spec.decisions.map is not a function"
  await refused(
    { name: "m", kind: "choices", decisions: 5 },
    /^createSpace's spec: field "decisions" is 5; expected a non-empty list/,
  );
  // TypeError "spec.ops.map is not a function"
  await refused({ name: "e", kind: "edge-cell", nodes: 4, ops: 3 }, /^createSpace's spec: field "ops" is 3/);
  // RangeError "graphs are listed for 2..7 vertices, not 100"
  await refused(
    { name: "v", kind: "vertex-cell", maxVertices: 100, maxEdges: 9, ops: ["conv"] },
    /^createSpace's spec: field "maxVertices" is 100/,
  );
  // taken: a decision of no option made a space whose ask handed out nothing
  await refused(
    { name: "m", kind: "choices", decisions: [{ name: "a", options: [] }] },
    /^createSpace's spec: field "decisions\[0\]\.options"/,
  );
  await refused({}, /^createSpace needs a space spec of kind choices, edge-cell or vertex-cell/);
  // a checked spec, and a spec object written right, still make their spaces
  assert.equal((await createSpace(NB201_SPEC)).name, "nb201");
  const space = await createSpace({
    name: "m",
    kind: "choices",
    decisions: [{ name: "a", options: [1, 2] }],
  });
  assert.equal(space.kind, "choices");
});

test("readSpaceSpec, loadSpaceSpec and readSpecFile refuse what is no path in one line: a TypeError, or (a number) a read of that file descriptor", async () => {
  const refused = (call: () => unknown, expected: RegExp) =>
    assert.throws(call, (e: unknown) => e instanceof UserError && expected.test(e.message));
  const spec = { name: "m", kind: "choices", decisions: [{ name: "a", options: [1, 2] }] };
  // TypeError "nameOrFile.trim is not a function"
  refused(
    () => readSpaceSpec(spec as never),
    /^a space is named by its spec file's path or a built-in space's name \(nb101, nb201\), got \{"name":"m".*; a spec object goes to parseSpec, then createSpace$/,
  );
  refused(() => readSpaceSpec(undefined as never), /got undefined; a spec object goes to parseSpec/);
  await assert.rejects(
    loadSpaceSpec(undefined as never),
    /^UserError: a space is named by its spec file's path/,
  );
  // readFileSync(0) read standard input: the call waited on a terminal
  refused(
    () => readSpecFile(0 as never),
    /^readSpecFile needs a spec file's path, got 0; a spec object goes to parseSpec/,
  );
  refused(() => readSpecFile(spec as never), /^readSpecFile needs a spec file's path, got \{"name":"m"/);
});

test("the space classes check a spec given to them directly as createSpace does (from JavaScript, their types are no check)", async () => {
  const refused = (make: () => unknown, message: RegExp) =>
    assert.throws(make, (e: Error) => e instanceof UserError && message.test(e.message));
  const unchecked = (spec: unknown) => spec as never;
  refused(
    () => new ChoicesSpace(unchecked({})),
    /^new ChoicesSpace needs a space spec of kind choices \(parseSpec or readSpaceSpec checks one\), got \{\}$/,
  );
  refused(
    () =>
      new ChoicesSpace(unchecked({ kind: "choices", name: "m", decisions: [{ name: "a", options: [] }] })),
    /^new ChoicesSpace's spec: field "decisions\[0\]\.options" is \[\]/,
  );
  refused(
    () => new EdgeCellSpace(unchecked({ kind: "edge-cell", name: "e", nodes: 1, ops: ["a"] })),
    /^new EdgeCellSpace's spec: field "nodes" is 1; expected an integer from 2/,
  );
  refused(
    () => new EdgeCellSpace(unchecked(NB101_SPEC)),
    /^new EdgeCellSpace needs a space spec of kind edge-cell/,
  );
  await assert.rejects(
    VertexCellSpace.load(unchecked({ ...NB101_SPEC, maxVertices: 100 })),
    (e: Error) =>
      e instanceof UserError && /^VertexCellSpace\.load's spec: field "maxVertices" is 100/.test(e.message),
  );
  // a checked spec is taken as before
  assert.equal(new EdgeCellSpace(NB201_SPEC as never).count, 15625n);
});

test('every kind\'s sample refuses a count that is no integer ≥ 0, or no Rng, in one line ("2" said it cannot draw 2 of 12)', async () => {
  const spaces = [
    await createSpace({
      name: "c",
      kind: "choices",
      decisions: [
        { name: "a", options: ["p", "q", "r"] },
        { name: "b", options: [1, 2, 3, 4] },
      ],
    }),
    await createSpace({ name: "e", kind: "edge-cell", nodes: 3, ops: ["a", "b"] }),
    await createSpace({ name: "v", kind: "vertex-cell", maxVertices: 3, maxEdges: 3, ops: ["a", "b"] }),
  ];
  for (const space of spaces) {
    for (const n of ["2", 1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, null, undefined])
      assert.throws(
        () => space.sample(new Rng(1), n as never),
        (e: Error) =>
          e instanceof UserError &&
          e.message.startsWith(`${space.name} sample needs a count, an integer ≥ 0, got `),
        `${space.kind} ${String(n)}`,
      );
    for (const rng of [null, 3, "x"])
      assert.throws(
        () => space.sample(rng as never, 2),
        (e: Error) =>
          e instanceof UserError &&
          e.message.startsWith(`${space.name} sample needs a random generator (new Rng(seed)), got `),
      );
    assert.equal(space.sample(new Rng(1), 0).length, 0);
    assert.equal(space.sample(new Rng(1), 99).length, Number(space.count));
  }
});

test("createSpace refuses a misspelt load option for every kind, as VertexCellSpace.load does", async () => {
  for (const spec of [
    NB201_SPEC,
    { name: "v", kind: "vertex-cell", maxVertices: 3, maxEdges: 3, ops: ["a", "b"] },
  ])
    await assert.rejects(
      createSpace(spec as never, { cachedir: "/x" } as never),
      (e: Error) =>
        e instanceof UserError &&
        /^createSpace: unknown option "cachedir"; expected cacheDir, threads, onNote, enumerationLimit$/.test(
          e.message,
        ),
    );
});
