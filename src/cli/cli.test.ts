import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, test } from "node:test";
import { REPO_ROOT, testData, testSpace } from "../testing/fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const EXAMPLE_MATRIX = "0111010000000100000010000100000000100000010000000";
const EXAMPLE_OPS = "input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output";

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, NAS_ASSAY_CACHE: join(REPO_ROOT, ".nas-assay-cache"), ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  await testSpace(); // make sure the cache exists, so the commands below load it
});

test("space nb101 --json prints count, byVertices and sha256", () => {
  const r = run(["space", "nb101", "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), {
    count: 423624,
    byVertices: { 2: 1, 3: 6, 4: 84, 5: 2441, 6: 62010, 7: 359082 },
    sha256: "53e1438d11675d9eb3899166c29ca07fe0c4b81af9d99d5aec3ecd31bd5bca7f",
  });
});

test("cell --matrix --ops prints hash, id, parameters and labels", () => {
  const r = run([
    "cell",
    "--matrix",
    EXAMPLE_MATRIX,
    "--ops",
    EXAMPLE_OPS,
    "--json",
    "--data",
    testData().dir,
  ]);
  assert.equal(r.code, 0, r.err);
  const cell = JSON.parse(r.out);
  assert.equal(cell.id, 67206);
  assert.equal(cell.hash, "28cfc7874f6d200472e1a9dcd8650aa0");
  assert.equal(cell.parameters, 2694282);
  assert.equal(cell.testAccuracy, 0.9311898946762085);
  assert.ok(cell.flops > 0);
  const text = run(["cell", "--id", "307498", "--data", testData().dir]);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /ba0a27cafe7d648aa57f7d5dd64c0b48/);
  assert.match(text.out, /0\.9466/);
});

test("cell without labels still answers, and says where it looked", () => {
  const r = run(["cell", "--hash", "28cfc7874f6d200472e1a9dcd8650aa0", "--data", "/nonexistent-dir"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /id\s+67206/);
  assert.match(r.err, /no labels.*\/nonexistent-dir/);
});

test("invalid cells, bad flags and missing data exit 1 with one clear line", () => {
  const invalid = run(["cell", "--matrix", "0100", "--ops", "input,conv3x3-bn-relu"]);
  assert.equal(invalid.code, 1);
  assert.match(
    invalid.err,
    /invalid cell: the last op is "conv3x3-bn-relu"; it must be "output" \(rule: last-op\)/,
  );
  assert.doesNotMatch(invalid.err, /at .*\.js/); // no stack trace
  const flag = run(["cell", "--bogus"]);
  assert.equal(flag.code, 1);
  assert.match(flag.err, /unknown option '--bogus'/);
  const space = run(["space", "nb999"]);
  assert.equal(space.code, 1);
  assert.match(space.err, /unknown space "nb999"; expected nb101/);
  const noData = run(["tour"], { NAS_ASSAY_DATA: "/nonexistent-dir" });
  assert.equal(noData.code, 1);
  assert.match(
    noData.err,
    /missing benchmark file nb101\/test_accuracy_run0\.npy.*\/nonexistent-dir.*NAS_ASSAY_DATA/,
  );
  const id = run(["cell", "--id", "-3"]);
  assert.equal(id.code, 1);
  assert.match(id.err, /--id -3 is not a cell id/);
});

test("--help gives an example", () => {
  const r = run(["cell", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /Example:/);
});
