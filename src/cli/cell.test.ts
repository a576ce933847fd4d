import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { REPO_ROOT } from "../testing/fixtures.js";
import { flagJson } from "./cell.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");

test("flagJson reads JSON and refuses other text saying what the flag takes", () => {
  assert.deepEqual(flagJson("[[0,1],[0,0]]", "--matrix"), [
    [0, 1],
    [0, 0],
  ]);
  assert.deepEqual(flagJson('["input","output"]', "--ops"), ["input", "output"]);
  const refused = (text: string, flag: "--matrix" | "--ops", message: RegExp) =>
    assert.throws(
      () => flagJson(text, flag),
      (e: unknown) => e instanceof UserError && message.test(e.message) && !e.message.includes("\n"),
    );
  // NumPy's and Python's text, as printed in a notebook: what to write instead
  refused(
    "[[0 1 1]\n [0 0 1]\n [0 0 0]]",
    "--matrix",
    /NumPy's array text .*write it as 011001000 \(row-major\)/,
  );
  refused(
    "['input', 'conv1x1-bn-relu', 'output']",
    "--ops",
    /Python's list text .*input,conv1x1-bn-relu,output$/,
  );
  // other text: why, and the forms the flag takes (before: "--matrix is not valid JSON: [[0,1]")
  refused(
    "[[0,1],[0,0]",
    "--matrix",
    /^--matrix "\[\[0,1\],\[0,0\]" is not JSON \(.*\); expected a row-major 0\/1 string/,
  );
  refused(
    '["input","output",]',
    "--ops",
    /^--ops "\["input","output",\]" is not JSON \(.*\); expected a comma list/,
  );
});

test("cell --matrix in NumPy's text exits 1 with one line saying what to write, before any work", () => {
  const cache = mkdtempSync(join(tmpdir(), "nas-assay-cell-"));
  const r = spawnSync(
    process.execPath,
    [MAIN, "cell", "--matrix", "[[0 1 1]\n [0 0 1]\n [0 0 0]]", "--ops", "input,conv1x1-bn-relu,output"],
    // an empty cache: the space is neither loaded nor enumerated for a flag refused
    { encoding: "utf8", env: { ...process.env, NAS_ASSAY_CACHE: join(cache, "cache") } },
  );
  const made = existsSync(join(cache, "cache"));
  rmSync(cache, { recursive: true, force: true });
  assert.equal(made, false);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    'nas-assay: --matrix "[[0 1 1]\\n [0 0 1]\\n [0 0 0]]" is NumPy\'s array text (no commas), not JSON; write it as 011001000 (row-major) or [[0,1,1],[0,0,1],[0,0,0]]\n',
  );
});
