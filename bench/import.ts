/**
 * Benchmark of reading benchmark files: import throughput (MB/s) of a generated ~100 MB NAS-Bench-101
 * tfrecord (official record layout, 3 repeats per cell, ~400-byte records like the real file, whose
 * 1,270,872 records take 499 MB), and
 * NAS-Bench-201 load time (space + the three csv files). Each run is a fresh Node process.
 * Usage: node dist/bench/import.js [--mb 100] [--runs 3]
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dataDir } from "../src/data/locations.js";
import { encodeTfRecord } from "../src/data/tfrecord.js";
import { Rng } from "../src/random.js";
import { matrixText } from "../src/spaces/nb101/cell.js";
import { importNb101 } from "../src/spaces/nb101/import.js";
import { encodeOfficialRecord } from "../src/spaces/nb101/official-record.js";
import { Nb101Space } from "../src/spaces/nb101/space.js";
import { loadNb201Labels, NB201_DATASETS } from "../src/spaces/nb201/labels.js";
import { Nb201Space } from "../src/spaces/nb201/space.js";

/** Records in the official nasbench_only108.tfrecord: 423,624 cells × 3 repeats. */
const ONLY108_RECORDS = 1_270_872;

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function generate(path: string, megabytes: number): Promise<number> {
  const space = await Nb101Space.load();
  const rng = new Rng(0);
  const fd = openSync(path, "w");
  let bytes = 0;
  let records = 0;
  try {
    for (const id of space.sample(rng, space.size)) {
      const { matrix, ops } = space.cell(id);
      for (let repeat = 0; repeat < 3; repeat++) {
        const evaluation = (epoch: number) => ({
          current_epoch: epoch,
          training_time: epoch * 10 + rng.float(),
          train_accuracy: rng.float(),
          validation_accuracy: rng.float(),
          test_accuracy: rng.float(),
        });
        const record = encodeTfRecord(
          encodeOfficialRecord({
            hash: space.hashOf(id),
            epochs: 108,
            adjacency: matrixText(matrix),
            operations: ops.join(","),
            metrics: {
              evaluation_data: [evaluation(0), evaluation(54), evaluation(108)],
              trainable_parameters: 1e6,
              total_time: 3000,
            },
          }),
        );
        writeSync(fd, record);
        bytes += record.length;
        records++;
      }
      if (bytes >= megabytes * 2 ** 20) break;
    }
  } finally {
    closeSync(fd);
  }
  return records;
}

const [, , child, mode, a, b] = process.argv; // the import child also gets the record count (argv[6])
if (child === "--child") {
  const started = performance.now();
  if (mode === "import") {
    const space = await Nb101Space.load();
    const t = performance.now();
    await importNb101(a, b, space);
    const seconds = (performance.now() - t) / 1000;
    const mb = statSync(a).size / 2 ** 20;
    console.log(
      JSON.stringify({
        mode,
        seconds,
        mbPerSecond: mb / seconds,
        recordsPerSecond: Number(process.argv[6]) / seconds,
        peakRssMB: process.resourceUsage().maxRSS / 1024,
      }),
    );
  } else {
    const data = dataDir(undefined);
    const space = Nb201Space.load(data);
    const spaceSeconds = (performance.now() - started) / 1000;
    for (const d of NB201_DATASETS) loadNb201Labels(space, data, d);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({ mode, seconds, spaceSeconds, peakRssMB: process.resourceUsage().maxRSS / 1024 }),
    );
  }
} else {
  const megabytes = arg("--mb", 100);
  const runs = arg("--runs", 3);
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-bench-import-"));
  try {
    const file = join(dir, "generated.tfrecord");
    const records = await generate(file, megabytes);
    const self = fileURLToPath(import.meta.url);
    const runChild = (...args: string[]) => {
      const out = spawnSync(process.execPath, [self, "--child", ...args], { encoding: "utf8" });
      if (out.status !== 0) throw new Error(out.stderr);
      return JSON.parse(out.stdout);
    };
    const imports = Array.from({ length: runs }, (_, r) =>
      runChild("import", file, join(dir, `out${r}`), String(records)),
    );
    const nb201 = Array.from({ length: runs + 2 }, () => runChild("nb201"));
    const sizeMB = statSync(file).size / 2 ** 20;
    console.log(
      JSON.stringify(
        {
          benchmark: "benchmark-files",
          node: process.version,
          tfrecord: { megabytes: sizeMB, records },
          runs: { imports, nb201 },
          median: {
            importSeconds: median(imports.map((r) => r.seconds)),
            importMBPerSecond: median(imports.map((r) => r.mbPerSecond)),
            importPeakRssMB: median(imports.map((r) => r.peakRssMB)),
            importRecordsPerSecond: median(imports.map((r) => r.recordsPerSecond)),
            projectedOnly108Seconds: ONLY108_RECORDS / median(imports.map((r) => r.recordsPerSecond)),
            nb201LoadSeconds: median(nb201.map((r) => r.seconds)),
            nb201SpaceSeconds: median(nb201.map((r) => r.spaceSeconds)),
          },
          targets: { only108Seconds: 60 },
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
