/**
 * Regenerates the benchmark data shipped with nas-assay (benchmarks/*.br and benchmarks/manifest.json)
 * from a data directory holding the reference files (nb101/ and nb201/, e.g. ../shared/data).
 *
 * Usage: npm run build && node dist/scripts/pack-benchmarks.js DATA_DIR [OUT_DIR]   (OUT_DIR: ./benchmarks)
 * Takes about a minute (brotli at quality 11). The output is deterministic: packing the same files
 * again gives the same bytes, so `git status` shows whether the shipped copy matches DATA_DIR.
 */
import { resolve } from "node:path";
import { packShippedBenchmarks } from "../src/data/shipped.js";

const [dataDir, outDir = "benchmarks"] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write("usage: node dist/scripts/pack-benchmarks.js DATA_DIR [OUT_DIR]\n");
  process.exit(1);
}
const started = performance.now();
const manifest = packShippedBenchmarks(resolve(dataDir), resolve(outDir));
for (const f of manifest.files) {
  process.stdout.write(
    `${f.path}: ${f.bytes.toLocaleString("en-US")} → ${f.compressedBytes.toLocaleString("en-US")} bytes  ${f.sha256}\n`,
  );
}
const total = manifest.files.reduce((a, f) => a + f.compressedBytes, 0);
process.stdout.write(
  `${manifest.files.length} files, ${(total / 2 ** 20).toFixed(2)} MiB compressed, in ${((performance.now() - started) / 1000).toFixed(1)} s → ${resolve(outDir)}\n`,
);
