import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { cacheDir, dataDir, dataFile } from "./locations.js";

test("data directory: --data, else NAS_ASSAY_DATA, else ./data", () => {
  assert.deepEqual(dataDir("/x", { NAS_ASSAY_DATA: "/y" }), { dir: "/x", source: "--data" });
  assert.deepEqual(dataDir(undefined, { NAS_ASSAY_DATA: "/y" }), { dir: "/y", source: "NAS_ASSAY_DATA" });
  assert.deepEqual(dataDir(undefined, {}), { dir: resolve("data"), source: "default ./data" });
});

test("a missing data file names the file, the directory and how it was chosen", () => {
  assert.throws(
    () => dataFile({ dir: "/nowhere", source: "NAS_ASSAY_DATA" }, "nb101/flops.npy", "FLOPs"),
    (e: Error) =>
      e instanceof UserError &&
      e.message.includes("nb101/flops.npy") &&
      e.message.includes("/nowhere") &&
      e.message.includes("NAS_ASSAY_DATA"),
  );
});

test("cache directory: NAS_ASSAY_CACHE, else XDG_CACHE_HOME/nas-assay", () => {
  assert.equal(cacheDir({ NAS_ASSAY_CACHE: "/c" }), "/c");
  assert.equal(cacheDir({ XDG_CACHE_HOME: "/x" }), join("/x", "nas-assay"));
});
