/**
 * `data import-nb101`: the official NAS-Bench-101 tfrecord → label arrays in id order (`.npy`), read by
 * the rest of the tool exactly like the shared data. Every record's hash is checked against the hash
 * of its own adjacency and ops.
 *
 * Output, under OUT/nb101/ for 108 epochs and OUT/nb101/epochs-E/ for the other budgets:
 *   {train,validation,test}_accuracy_run{0,1,2}.npy and _mean.npy   (final evaluation)
 *   halfway_{train,validation,test}_accuracy_run{0,1,2}.npy and _mean.npy
 *   training_time_run{0,1,2}.npy and _mean.npy, parameters.npy, manifest.json
 * Cells absent from the file are NaN (the manifest says how many).
 *
 * The arrays are written into OUT/.nb101-import-PID and moved into place when complete: an import that
 * fails or is interrupted (Ctrl-C, kill) removes that folder, and the next import into OUT removes the
 * leftovers of one killed outright (its process gone).
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeNpy } from "../../data/npy.js";
import { createFolders } from "../../data/output-path.js";
import { removeOnInterrupt, removeStaleTempDirs, staleEntries, tempDirOf } from "../../data/temp-dir.js";
import { readTfRecords } from "../../data/tfrecord.js";
import { BadFileError, hasMembers, InvalidCellError, shownValue, UserError } from "../../errors.js";
import { compactOf } from "../vertex-cell/space.js";
import { cellFromParts, INTERIOR_OPS, pruneCell } from "./cell.js";
import { type Evaluation, parseOfficialRecord } from "./official-record.js";
import type { Nb101Space } from "./space.js";

export const NB101_MANIFEST = "nb101/manifest.json";
const REPEATS = 3;
const DEFAULT_EPOCHS = 108;
const METRICS = ["train_accuracy", "validation_accuracy", "test_accuracy", "training_time"] as const;
const STAGES = [
  { prefix: "", evaluation: 2, label: "final" },
  { prefix: "halfway_", evaluation: 1, label: "half-way" },
] as const;

export interface ImportOptions {
  /** Replace an existing OUT/nb101 (it is only removed once the new arrays are complete). */
  force?: boolean;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Told what the import cleaned up of an earlier, interrupted one. */
  onNote?: (text: string) => void;
}

/** The temporary folder of an import in progress, OUT/.nb101-import-PID. */
const TEMP_PREFIX = ".nb101-import";
/** An OUT/nb101 being replaced (--force) is moved to OUT/nb101.replaced-PID for a moment. */
const REPLACED_PREFIX = "nb101.replaced";
/** The files importNb101 reads, as a message names them when it is given something else. */
export const NB101_TFRECORD = "NAS-Bench-101's nasbench_full.tfrecord or nasbench_only108.tfrecord";

export interface ImportManifest {
  format: "nas-assay nb101 labels";
  version: 1;
  source: { file: string; bytes: number; records: number };
  cellsInSpace: number;
  epochBudgets: Record<string, { cells: number; records: number; directory: string }>;
  repeats: number;
  missingValues: "NaN";
  arrays: string[];
  seconds: number;
}

/** Per-budget accumulators: one array per (stage, metric, repeat), created when first needed. */
class Budget {
  readonly values = new Map<string, Float64Array>();
  /** arrays[stage][metric][repeat], the same arrays as in `values`, without building names per record. */
  private readonly arrays: (Float64Array | undefined)[][][] = STAGES.map(() => METRICS.map(() => []));
  readonly repeats: Uint8Array;
  readonly parameters: Float64Array;
  records = 0;

  constructor(readonly size: number) {
    this.repeats = new Uint8Array(size);
    this.parameters = new Float64Array(size).fill(Number.NaN);
  }

  array(stage: number, metric: number, repeat: number): Float64Array {
    let a = this.arrays[stage][metric][repeat];
    if (!a) {
      a = new Float64Array(this.size).fill(Number.NaN);
      this.arrays[stage][metric][repeat] = a;
      this.values.set(`${STAGES[stage].prefix}${METRICS[metric]}_run${repeat}`, a);
    }
    return a;
  }
}

/** Imports an official NAS-Bench-101 tfrecord into `outDir`/nb101. */
export async function importNb101(
  file: string,
  outDir: string,
  space: Nb101Space,
  options: ImportOptions = {},
): Promise<ImportManifest> {
  // from JavaScript, importNb101(5, 6) failed inside node:path ("The \"path\" argument must be of type string")
  for (const [name, value] of [
    ["file", file],
    ["outDir", outDir],
  ] as const)
    if (typeof value !== "string" || value === "")
      throw new UserError(
        `importNb101: ${name} must be a path (a non-empty string), got ${shownValue(value, 60)}`,
      );
  if (!hasMembers(space, { idOfHash: "function", compactOf: "function", pruned: "function" }))
    throw new UserError(
      `importNb101 needs the NAS-Bench-101 space (await Nb101Space.load()), got ${shownValue(space, 60)}`,
    );
  const started = performance.now();
  const target = join(outDir, "nb101");
  cleanUpInterrupted(outDir, target, options.onNote);
  if (existsSync(target) && !statSync(target).isDirectory())
    throw new UserError(`${target} is a file; the arrays go into a folder of that name: move the file away`);
  if (existsSync(target) && readdirSync(target).length > 0 && !options.force) {
    throw new UserError(
      `${target} already holds files; choose another --out, or pass --force to replace them`,
    );
  }
  const budgets = new Map<number, Budget>();
  let records = 0;
  let lastKey = "";
  let lastId = -1;
  for await (const record of readTfRecords(file, options.onProgress, NB101_TFRECORD)) {
    const where = `record ${record.index} at byte ${record.offset}`;
    let parsed: ReturnType<typeof parseOfficialRecord>;
    try {
      parsed = parseOfficialRecord(record.data);
    } catch (e) {
      throw new BadFileError(file, `${where}: ${(e as Error).message}`);
    }
    // the repeats and budgets of one cell follow each other: check each distinct cell once
    const key = `${parsed.hash}|${parsed.adjacency}|${parsed.operations}`;
    if (key !== lastKey) {
      lastId = verifiedId(space, parsed.hash, parsed.adjacency, parsed.operations, file, where);
      lastKey = key;
    }
    const id = lastId;
    let budget = budgets.get(parsed.epochs);
    if (!budget) {
      budget = new Budget(space.size);
      budgets.set(parsed.epochs, budget);
    }
    const repeat = budget.repeats[id];
    if (repeat >= REPEATS) {
      throw new BadFileError(
        file,
        `${where}: a ${REPEATS + 1}th repeat of cell ${parsed.hash} at ${parsed.epochs} epochs`,
      );
    }
    budget.repeats[id]++;
    budget.records++;
    const evaluations = parsed.metrics.evaluation_data;
    if (evaluations.length < 3) {
      throw new BadFileError(
        file,
        `${where}: ${evaluations.length} evaluations; expected 3 (start, half-way, final)`,
      );
    }
    for (let stage = 0; stage < STAGES.length; stage++) {
      const evaluation: Evaluation = evaluations[STAGES[stage].evaluation];
      for (let metric = 0; metric < METRICS.length; metric++) {
        const value = evaluation[METRICS[metric]];
        if (value !== undefined) budget.array(stage, metric, repeat)[id] = value;
      }
    }
    if (parsed.metrics.trainable_parameters !== undefined)
      budget.parameters[id] = parsed.metrics.trainable_parameters;
    records++;
  }
  if (records === 0) throw new BadFileError(file, "holds no records");

  // write everything into a temporary directory, then move it into place
  const tmp = tempDirOf(outDir, TEMP_PREFIX);
  rmSync(tmp, { recursive: true, force: true });
  const kept = removeOnInterrupt(tmp);
  const arrays: string[] = [];
  const epochBudgets: ImportManifest["epochBudgets"] = {};
  try {
    for (const [epochs, budget] of [...budgets].sort((a, b) => a[0] - b[0])) {
      const dir = epochs === DEFAULT_EPOCHS ? "" : `epochs-${epochs}`;
      createFolders(join(tmp, dir));
      const write = async (name: string, values: Float64Array) => {
        writeNpy(join(tmp, dir, `${name}.npy`), values);
        arrays.push(join(dir, `${name}.npy`));
        await yieldToSignals();
      };
      for (const name of [...budget.values.keys()].sort())
        await write(name, budget.values.get(name) as Float64Array);
      for (const stage of STAGES) {
        for (const metric of METRICS) {
          const runs = Array.from({ length: REPEATS }, (_, r) =>
            budget.values.get(`${stage.prefix}${metric}_run${r}`),
          );
          if (runs.some((r) => r === undefined)) continue;
          const mean = new Float64Array(space.size);
          for (let id = 0; id < space.size; id++) {
            mean[id] = runs.reduce((a, r) => a + (r as Float64Array)[id], 0) / REPEATS;
          }
          await write(`${stage.prefix}${metric}_mean`, mean);
        }
      }
      await write("parameters", budget.parameters);
      const cells = budget.repeats.reduce((a, r) => a + (r > 0 ? 1 : 0), 0);
      epochBudgets[String(epochs)] = { cells, records: budget.records, directory: join("nb101", dir) };
    }
    const manifest: ImportManifest = {
      format: "nas-assay nb101 labels",
      version: 1,
      source: { file, bytes: statSync(file).size, records },
      cellsInSpace: space.size,
      epochBudgets,
      repeats: REPEATS,
      missingValues: "NaN",
      arrays,
      seconds: (performance.now() - started) / 1000,
    };
    writeFileSync(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    createFolders(outDir);
    // without --force, another import into the same --out that finished meanwhile must not be replaced
    // in silence (both printed "written", one was gone): a rename onto a folder that holds files fails
    // (ENOTEMPTY), atomically, where a check before it would leave a window
    if (!options.force) {
      try {
        renameSync(tmp, target);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw e;
        throw new UserError(
          `${target} was filled by another import while this one ran; choose another --out, or pass --force to replace it`,
        );
      }
    } else if (existsSync(target)) {
      const old = tempDirOf(outDir, REPLACED_PREFIX);
      renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    kept();
  }
}

/** Lets the event loop run, so that a Ctrl-C between two arrays is handled (and the folder removed). */
function yieldToSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Cleans up after imports into `outDir` whose process is gone: removes their temporary folders, and
 * puts back an OUT/nb101 that was being replaced when its process was killed (or removes it, when the
 * new one had already taken its place).
 */
function cleanUpInterrupted(outDir: string, target: string, onNote?: (text: string) => void): void {
  for (const path of removeStaleTempDirs(outDir, TEMP_PREFIX))
    onNote?.(`removed ${path}, left by an interrupted import`);
  for (const [name] of staleEntries(outDir, REPLACED_PREFIX)) {
    const path = join(outDir, name);
    if (existsSync(target)) {
      rmSync(path, { recursive: true, force: true });
      onNote?.(`removed ${path}, the old arrays an interrupted import had replaced`);
    } else {
      renameSync(path, target);
      onNote?.(`put back ${target} from ${path}, where an interrupted import had moved it`);
    }
  }
}

/** The id of a record's cell, after checking that its hash is the hash of its own adjacency and ops. */
function verifiedId(
  space: Nb101Space,
  hash: string,
  adjacency: string,
  operations: string,
  file: string,
  where: string,
): number {
  let pruned: ReturnType<typeof pruneCell>;
  try {
    pruned = pruneCell(cellFromParts(adjacency, operations));
  } catch (e) {
    if (e instanceof InvalidCellError) throw new BadFileError(file, `${where}: ${e.message}`);
    throw e;
  }
  const id = space.idOfHash(hash);
  // Fast path: the file stores the same representative matrix as the space, so equal compact forms
  // prove the hash without computing it.
  const same =
    id >= 0 &&
    space.compactOf(id).bits === pruned.bits &&
    space.compactOf(id).shape === compactOf(pruned, INTERIOR_OPS.length).shape;
  if (!same) {
    const computed = space.pruned({ matrix: adjacency, ops: operations }).hash;
    if (computed !== hash) {
      throw new BadFileError(
        file,
        `${where}: module hash ${hash} does not match its cell, whose hash is ${computed}`,
      );
    }
    if (id < 0) throw new BadFileError(file, `${where}: hash ${hash} is not a cell of NAS-Bench-101`);
  }
  return id;
}
