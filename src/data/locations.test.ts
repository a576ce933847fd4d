import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { UserError } from "../errors.js";
import { cacheDir, dataDir, dataFile, requireDataFiles } from "./locations.js";

test("data directory: --data, else NAS_ASSAY_DATA, else the shipped copy decoded into the cache (never ./data)", () => {
  assert.deepEqual(dataDir("/x", { NAS_ASSAY_DATA: "/y" }), { dir: "/x", source: "--data" });
  assert.deepEqual(dataDir(undefined, { NAS_ASSAY_DATA: "/y" }), { dir: "/y", source: "NAS_ASSAY_DATA" });
  const cache = mkdtempSync(join(tmpdir(), "nas-assay-locations-"));
  try {
    const shipped = dataDir(undefined, { NAS_ASSAY_CACHE: cache });
    assert.equal(shipped.source, "shipped");
    assert.ok(shipped.dir.startsWith(join(cache, "benchmarks")), shipped.dir);
    assert.notEqual(shipped.dir, resolve("data"));
    assert.ok(existsSync(join(shipped.dir, "nb101", "test_accuracy_run0.npy")));
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

/** An empty folder for a test: a data directory that holds none of the files. */
function emptyFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "nas-assay-locations-"));
  after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

test("a missing data file names the file, the directory and how it was chosen", () => {
  const folder = emptyFolder();
  assert.throws(
    () => dataFile({ dir: folder, source: "NAS_ASSAY_DATA" }, "nb101/flops.npy", "FLOPs"),
    (e: Error) =>
      e instanceof UserError &&
      e.message.includes("nb101/flops.npy") &&
      e.message.includes(folder) &&
      e.message.includes("NAS_ASSAY_DATA"),
  );
});

test("a data directory that is a file or does not exist is named so, not searched for files", () => {
  // both said "looked for /etc/hostname/nb101/test_accuracy_run0.npy … Put the files there"
  const file = join(emptyFolder(), "hostname");
  writeFileSync(file, "x\n");
  const needed = [{ file: "nb101/test_accuracy_run0.npy", purpose: "test accuracy" }];
  assert.throws(
    () => requireDataFiles({ dir: file, source: "--data" }, needed),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        `--data ${file} is a file, not a folder; expected the folder that holds nb101/ and nb201/`,
  );
  assert.throws(
    () => requireDataFiles({ dir: "/nonexist", source: "--data" }, needed),
    (e: Error) =>
      e instanceof UserError &&
      e.message === "--data /nonexist: no such folder; expected the folder that holds nb101/ and nb201/",
  );
  // a file on the path (--data runs.csv/x) was reported as missing benchmark files under it
  assert.throws(
    () => requireDataFiles({ dir: join(file, "x"), source: "--data" }, needed),
    (e: Error) => e instanceof UserError && / no such folder \(a file is on its path\);/.test(e.message),
  );
  assert.throws(
    () => requireDataFiles({ dir: "/nonexist", source: "NAS_ASSAY_DATA" }, needed),
    (e: Error) => e instanceof UserError && e.message.startsWith("NAS_ASSAY_DATA=/nonexist: no such folder;"),
  );
});

test("cache directory: NAS_ASSAY_CACHE, else XDG_CACHE_HOME/nas-assay", () => {
  assert.equal(cacheDir({ NAS_ASSAY_CACHE: "/c" }), "/c");
  assert.equal(cacheDir({ XDG_CACHE_HOME: "/x" }), join("/x", "nas-assay"));
});

test("missing data files are named together, with the import of the official tfrecord for NAS-Bench-101", () => {
  const folder = emptyFolder();
  const data = { dir: folder, source: "NAS_ASSAY_DATA" } as const;
  assert.throws(
    () =>
      requireDataFiles(data, [
        { file: "nb201/cifar100.csv", purpose: "CIFAR-100" },
        { file: "nb101/test_accuracy_run0.npy", purpose: "test accuracy" },
      ]),
    (e: Error) =>
      e instanceof UserError &&
      e.message.startsWith(
        "missing benchmark files nb201/cifar100.csv (CIFAR-100), nb101/test_accuracy_run0.npy",
      ) &&
      e.message.includes(`looked in ${folder} (data directory from NAS_ASSAY_DATA)`) &&
      e.message.includes("nas-assay data import-nb101 nasbench_only108.tfrecord --out DIR"),
  );
  assert.throws(
    () => requireDataFiles(data, [{ file: "nb201/cifar100.csv", purpose: "CIFAR-100" }]),
    (e: Error) => !e.message.includes("import-nb101"),
  );
  assert.deepEqual(requireDataFiles({ dir: "/", source: "--data" }, [{ file: "tmp", purpose: "x" }]), [
    "/tmp",
  ]);
});

test("a data directory that is no DataDir (a path, null) is refused in one line, not a TypeError reading .dir", async () => {
  const { requireBenchmark } = await import("../benchmark.js");
  const { loadNb201Labels } = await import("../spaces/nb201/labels.js");
  const expected = (e: Error) =>
    e instanceof UserError &&
    /^the benchmark data directory must be a DataDir: dataDir\(\), or \{ dir: "\/path\/to\/data", source: "--data" \}, got /.test(
      e.message,
    );
  for (const data of [null, undefined, "/tmp", { folder: "/tmp" }]) {
    assert.throws(() => dataFile(data as never, "nb201/cifar10-valid.csv", "x"), expected, String(data));
    assert.throws(() => requireBenchmark("nb201", data as never), expected);
    assert.throws(() => loadNb201Labels(null as never, data as never, "cifar100"), expected);
  }
});

test("the shipped copy's folder given as the data directory is named as such, not as missing files (tester O)", () => {
  // benchmarks/ holds nb201/cifar10-valid.csv.br: "missing … cifar10-valid.csv: looked in …/benchmarks" read as a broken install
  const folder = emptyFolder();
  mkdirSync(join(folder, "nb201"));
  writeFileSync(join(folder, "nb201", "cifar10-valid.csv.br"), "");
  assert.throws(
    () => dataFile({ dir: folder, source: "NAS_ASSAY_DATA" }, "nb201/cifar10-valid.csv", "labels"),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        `${folder} (from NAS_ASSAY_DATA) holds nas-assay's shipped copy, compressed (nb201/cifar10-valid.csv.br), which nas-assay decodes itself: leave --data and NAS_ASSAY_DATA unset to use it, or point them at a folder of the plain files`,
  );
  // a folder without them: the missing file, as before
  assert.throws(
    () => dataFile({ dir: folder, source: "NAS_ASSAY_DATA" }, "nb201/cifar100.csv", "labels"),
    (e: Error) => e instanceof UserError && /missing benchmark file nb201\/cifar100\.csv/.test(e.message),
  );
});
