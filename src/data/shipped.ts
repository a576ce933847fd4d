/**
 * The benchmark labels that ship inside the package (folder `benchmarks/` at the package root): each
 * reference file compressed losslessly with brotli, and `manifest.json` giving, per file, the sha256
 * and byte size of the decoded file, its source and its licence. On first use they are decoded into
 * the cache directory and checked against the manifest; later runs reuse the decoded copy (re-decoding
 * any file that is missing or damaged). `packShippedBenchmarks` writes the folder from a data directory.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import { BadFileError, UserError } from "../errors.js";
import { removeStaleWrites, writeFileAtomic } from "./atomic-file.js";
import { createFolders } from "./output-path.js";

/** The shipped folder, beside dist/ (this file is dist/src/data/shipped.js once built). */
export const SHIPPED_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../benchmarks");

export const SHIPPED_MANIFEST = "manifest.json";
const FORMAT = "nas-assay shipped benchmarks";

/** One shipped file: `path` is relative to a data directory (`nb101/flops.npy`); stored as `path.br`. */
export interface ShippedFile {
  path: string;
  /** sha256 (lowercase hex) of the decoded file. */
  sha256: string;
  /** Size of the decoded file in bytes. */
  bytes: number;
  /** Size of the stored `.br` file in bytes. */
  compressedBytes: number;
  source: string;
  licence: string;
}

export interface ShippedManifest {
  format: typeof FORMAT;
  version: 1;
  compression: "brotli";
  files: ShippedFile[];
}

/** Where each reference file comes from and under which licence (see benchmarks/README.md). */
export const SHIPPED_SOURCES: { path: string; source: string; licence: string }[] = [
  {
    path: "nb101/test_accuracy_run0.npy",
    source:
      "github.com/Tongzhou0101/ObfuNAS data/test.npy, derived from NAS-Bench-101 (google-research/nasbench, Ying et al., ICML 2019)",
    licence: "MIT (ObfuNAS); NAS-Bench-101: Apache-2.0",
  },
  {
    path: "nb101/flops.npy",
    source:
      "github.com/Tongzhou0101/ObfuNAS data/flops.npy, derived from NAS-Bench-101 (google-research/nasbench, Ying et al., ICML 2019)",
    licence: "MIT (ObfuNAS); NAS-Bench-101: Apache-2.0",
  },
  ...(["cifar10-valid", "cifar100", "ImageNet16-120"] as const).map((dataset) => ({
    path: `nb201/${dataset}.csv`,
    source: `github.com/Zhenhan-Huang/NASGraph-Public data/nasbench201_${dataset}.csv, derived from NAS-Bench-201 (Dong & Yang, ICLR 2020)`,
    licence: "Apache-2.0 (NASGraph-Public)",
  })),
];

/** Reads and checks `benchmarks/manifest.json` (a damaged package is an error naming the file). */
export function readShippedManifest(dir = SHIPPED_DIR): ShippedManifest {
  const path = join(dir, SHIPPED_MANIFEST);
  let manifest: ShippedManifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new BadFileError(
      path,
      `cannot read the shipped benchmark manifest (${(e as Error).message}); reinstall nas-assay, or point --data / NAS_ASSAY_DATA at a data directory`,
    );
  }
  const fileOk = (f: ShippedFile) =>
    typeof f?.path === "string" &&
    /^[0-9a-f]{64}$/.test(f.sha256) &&
    Number.isInteger(f.bytes) &&
    f.bytes > 0 &&
    !f.path.split("/").includes("..");
  if (
    manifest?.format !== FORMAT ||
    manifest.version !== 1 ||
    !Array.isArray(manifest.files) ||
    !manifest.files.every(fileOk)
  ) {
    throw new BadFileError(
      path,
      `is not a version 1 "${FORMAT}" manifest with a path, sha256 and size per file`,
    );
  }
  return manifest;
}

/**
 * The decoded shipped data: a directory `cache/benchmarks/<first 16 hex of the manifest's sha256>`
 * holding every shipped file, each checked against the manifest's sha256 and size. Files missing or
 * damaged there are decoded again; each is written to a temporary file and renamed into place, so
 * several processes may do this at once. Takes ~0.1 s when decoding, ~0.05 s (hashing) after.
 * Throws BadFileError when a shipped `.br` file does not decode to the manifest's content.
 */
export function shippedDataDir(cache: string, dir = SHIPPED_DIR): string {
  const manifestBytes = readFileSync(join(dir, SHIPPED_MANIFEST));
  const manifest = readShippedManifest(dir);
  const out = join(cache, "benchmarks", sha256(manifestBytes).slice(0, 16));
  for (const file of manifest.files) {
    const target = join(out, file.path);
    if (
      existsSync(target) &&
      statSync(target).size === file.bytes &&
      sha256(readFileSync(target)) === file.sha256
    )
      continue;
    const stored = join(dir, `${file.path}.br`);
    let decoded: Buffer;
    try {
      decoded = brotliDecompressSync(readFileSync(stored), {
        params: { [constants.BROTLI_DECODER_PARAM_LARGE_WINDOW]: 1 },
      });
    } catch (e) {
      throw new BadFileError(
        stored,
        `cannot decode the shipped benchmark file (${(e as Error).message}); reinstall nas-assay`,
      );
    }
    if (decoded.length !== file.bytes || sha256(decoded) !== file.sha256) {
      throw new BadFileError(
        stored,
        `decodes to ${decoded.length} bytes with sha256 ${sha256(decoded)}; the manifest expects ${file.bytes} bytes, ${file.sha256}; reinstall nas-assay`,
      );
    }
    try {
      createFolders(dirname(target));
      // a decode killed outright (kill -9) left its temporary file: gone with its process
      removeStaleWrites(target);
      writeFileAtomic(target, decoded);
    } catch (e) {
      throw new UserError(
        `cannot write the shipped benchmark data, decoded, into the cache ${cache} (${(e as Error).message}); set NAS_ASSAY_CACHE to a writable directory, or point --data / NAS_ASSAY_DATA at a data directory`,
      );
    }
  }
  return out;
}

/**
 * Writes the shipped folder `outDir` from the reference files of `dataDir` (every file of
 * SHIPPED_SOURCES): `<path>.br` (brotli, quality 11, large window) and manifest.json. Deterministic:
 * the same input gives the same bytes. Throws UserError naming a missing input file.
 */
export function packShippedBenchmarks(dataDir: string, outDir: string): ShippedManifest {
  const files: ShippedFile[] = [];
  for (const { path, source, licence } of SHIPPED_SOURCES) {
    const input = join(dataDir, path);
    if (!existsSync(input))
      throw new UserError(`missing reference file ${input}; expected ${path} under ${dataDir}`);
    const bytes = readFileSync(input);
    const compressed = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_LARGE_WINDOW]: 1,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    });
    createFolders(dirname(join(outDir, path)));
    writeFileAtomic(join(outDir, `${path}.br`), compressed);
    files.push({
      path,
      sha256: sha256(bytes),
      bytes: bytes.length,
      compressedBytes: compressed.length,
      source,
      licence,
    });
  }
  const manifest: ShippedManifest = { format: FORMAT, version: 1, compression: "brotli", files };
  writeFileAtomic(join(outDir, SHIPPED_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
