import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { BadFileError } from "../errors.js";
import { REPO_ROOT } from "../testing/fixtures.js";
import { readShippedManifest, SHIPPED_DIR, SHIPPED_SOURCES, shippedDataDir } from "./shipped.js";

const REFERENCE_README = join(REPO_ROOT, "..", "shared", "data", "README.md");
const scratch = mkdtempSync(join(tmpdir(), "nas-assay-shipped-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The `## sha256` block of the reference data README: path → sha256. */
function referenceSha256(): Map<string, string> {
  if (!existsSync(REFERENCE_README)) {
    throw new Error(
      `the shipped data is checked against the reference sha256 list of ${REFERENCE_README}, which is missing; ` +
        "run the tests in a checkout beside the project's shared/ folder",
    );
  }
  const text = readFileSync(REFERENCE_README, "utf8");
  const block = /## sha256\s*\n```\n([\s\S]*?)```/.exec(text)?.[1];
  if (!block) throw new Error(`${REFERENCE_README} has no "## sha256" block of \`sha256  path\` lines`);
  const out = new Map<string, string>();
  for (const line of block.split("\n").filter((l) => l.trim() !== "")) {
    const m = /^([0-9a-f]{64})\s+(\S+)$/.exec(line.trim());
    if (!m) throw new Error(`${REFERENCE_README}: sha256 line "${line}" is not "HASH  PATH"`);
    out.set(m[2], m[1]);
  }
  return out;
}

test("every shipped file decodes to the reference file of ../shared/data/README.md (sha256), and nothing is left out", () => {
  const reference = referenceSha256();
  const dir = shippedDataDir(join(scratch, "cache-ref"));
  const manifest = readShippedManifest();
  assert.deepEqual(manifest.files.map((f) => f.path).sort(), [...reference.keys()].sort());
  for (const file of manifest.files) {
    const decoded = readFileSync(join(dir, file.path));
    assert.equal(sha256(decoded), reference.get(file.path), `${file.path} differs from the reference data`);
    assert.equal(decoded.length, file.bytes);
    assert.equal(statSync(join(SHIPPED_DIR, `${file.path}.br`)).size, file.compressedBytes);
  }
});

test("the shipped data adds at most 10 MB, and names a source and a licence per file", () => {
  const manifest = readShippedManifest();
  const stored = manifest.files.reduce((a, f) => a + statSync(join(SHIPPED_DIR, `${f.path}.br`)).size, 0);
  assert.ok(stored <= 10e6, `${stored} bytes shipped`);
  for (const f of manifest.files) {
    const known = SHIPPED_SOURCES.find((s) => s.path === f.path);
    assert.ok(known && f.source === known.source && f.licence === known.licence, f.path);
  }
  assert.match(
    readFileSync(join(SHIPPED_DIR, "README.md"), "utf8"),
    /ObfuNAS[\s\S]*MIT[\s\S]*NASGraph-Public/,
  );
});

test("a damaged decoded copy is decoded again; a later run reuses a good copy", () => {
  const cache = join(scratch, "cache-damage");
  const dir = shippedDataDir(cache);
  const file = join(dir, "nb201", "cifar100.csv");
  const good = readFileSync(file);
  writeFileSync(file, good.subarray(0, 1000)); // truncated
  assert.equal(shippedDataDir(cache), dir);
  assert.ok(readFileSync(file).equals(good));
  const before = statSync(file).mtimeMs;
  shippedDataDir(cache);
  assert.equal(statSync(file).mtimeMs, before, "a good copy is not rewritten");
  assert.deepEqual(
    readdirSync(join(dir, "nb201")).filter((f) => f.endsWith(".tmp")),
    [],
    "no temporary file left",
  );
});

test("what a decode killed outright (kill -9) left is removed by the next decode; a live process's is kept", () => {
  const cache = join(scratch, "cache-killed");
  const dir = shippedDataDir(cache);
  const file = join(dir, "nb201", "cifar100.csv");
  rmSync(file); // the kill came before the rename: the file is missing, its temporary file left
  // a process id no process has (above Linux's largest), and this process's parent, which is alive
  const dead = `cifar100.csv.4194305-0272ed06.tmp`;
  const live = `cifar100.csv.${process.ppid}-1234abcd.tmp`;
  for (const name of [dead, live]) writeFileSync(join(dir, "nb201", name), "partial");
  shippedDataDir(cache);
  assert.ok(existsSync(file));
  assert.deepEqual(
    readdirSync(join(dir, "nb201")).filter((f) => f.endsWith(".tmp")),
    [live],
  );
});

test("a damaged shipped file is refused with its name, never decoded into the cache", () => {
  const copy = join(scratch, "benchmarks-copy");
  cpSync(SHIPPED_DIR, copy, { recursive: true });
  const br = join(copy, "nb101", "flops.npy.br");
  const bytes = readFileSync(br);
  bytes[bytes.length >> 1] ^= 0xff;
  writeFileSync(br, bytes);
  assert.throws(
    () => shippedDataDir(join(scratch, "cache-bad"), copy),
    (e: Error) => e instanceof BadFileError && e.message.startsWith(br) && /reinstall/.test(e.message),
  );
  assert.equal(
    existsSync(join(scratch, "cache-bad", "benchmarks")) && hasFile(join(scratch, "cache-bad"), "flops.npy"),
    false,
  );
});

function hasFile(dir: string, name: string): boolean {
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(name));
}

test("two processes decoding into one empty cache at once both succeed with correct files", async () => {
  const cache = join(scratch, "cache-race");
  const module = pathToFileURL(join(REPO_ROOT, "dist", "src", "data", "shipped.js")).href;
  const script = `import(${JSON.stringify(module)}).then((m) => console.log(m.shippedDataDir(${JSON.stringify(cache)})))`;
  const runOne = () =>
    new Promise<{ code: number | null; out: string; err: string }>((done) => {
      const child = spawn(process.execPath, ["-e", script]);
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.stderr.on("data", (d) => {
        err += d;
      });
      child.on("close", (code) => done({ code, out, err }));
    });
  const [a, b] = await Promise.all([runOne(), runOne()]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  assert.equal(a.out, b.out);
  const dir = a.out.trim();
  for (const f of readShippedManifest().files) {
    assert.equal(sha256(readFileSync(join(dir, f.path))), f.sha256, f.path);
  }
  assert.equal(hasFile(cache, ".tmp"), false);
});
