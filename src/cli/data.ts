/** `nas-assay data …`: importing official benchmark files and checking your own labels. */
import { Command } from "commander";
import { checkOutputFolder } from "../data/output-path.js";
import { checkTfRecordFile } from "../data/tfrecord.js";
import { duplicateLine, failedLine, type LabelScale, readUserLabels } from "../data/user-labels.js";
import { importNb101, NB101_TFRECORD } from "../spaces/nb101/import.js";
import { loadSpace, spaceName } from "../spaces/registry.js";
import { globalsForSpace, globalsWithoutData, loadNb101, note, print, warnAll } from "./context.js";
import { nonEmptyFlag, TARGET_NAME } from "./flag-values.js";
import { inferredScaleNote, scaleOption, spaceOption } from "./options.js";
import { progressBar } from "./progress.js";

export function dataCommand(): Command {
  const data = new Command("data")
    .description("import benchmark files and read your own labels")
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay data import-nb101 nasbench_only108.tfrecord --out ./data\n" +
        "  nas-assay data labels my-runs.csv --target val_acc",
    );
  data
    .command("import-nb101")
    .description("convert an official NAS-Bench-101 tfrecord into label arrays (.npy) in id order")
    .argument("<file>", "nasbench_only108.tfrecord or nasbench_full.tfrecord")
    .requiredOption("--out <dir>", "data directory to write (arrays go to DIR/nb101)")
    .option("--force", "replace DIR/nb101 if it already holds files")
    .addHelpText("after", "\nExample:\n  nas-assay data import-nb101 nasbench_only108.tfrecord --out ./data")
    .action(async (file: string, opts: { out: string; force?: boolean }, command: Command) => {
      // it writes the data directory --out names and reads none: --data would go unread (usage.md)
      const options = globalsWithoutData(
        command,
        "it writes the data directory that --out names, and the NAS-Bench-101 space is enumerated, not read from one",
      );
      // both before NAS-Bench-101 is enumerated: a CSV given as the tfrecord is refused at once
      // (--out first: a wrong --out is the same refusal whatever the file)
      checkOutputFolder(opts.out, "--out");
      checkTfRecordFile(file, NB101_TFRECORD);
      const space = await loadNb101(options);
      const bar = progressBar(options, "import", "MB");
      let manifest: Awaited<ReturnType<typeof importNb101>>;
      try {
        manifest = await importNb101(file, opts.out, space, {
          force: opts.force,
          onNote: (text) => note(options, text),
          onProgress: (read, total) => bar?.update(read / 2 ** 20, total / 2 ** 20),
        });
      } finally {
        bar?.stop();
      }
      print(options, manifest, () =>
        [
          `imported ${manifest.source.records.toLocaleString("en-US")} records (${(manifest.source.bytes / 2 ** 20).toFixed(1)} MB) in ${manifest.seconds.toFixed(1)} s`,
          ...Object.entries(manifest.epochBudgets).map(
            ([e, b]) =>
              `  ${e} epochs: ${b.cells.toLocaleString("en-US")} cells, ${b.records.toLocaleString("en-US")} records → ${b.directory}`,
          ),
          `${manifest.arrays.length} arrays written under ${opts.out}/nb101; use --data ${opts.out}`,
        ].join("\n"),
      );
    });
  data
    .command("labels")
    .description("read a CSV/JSONL file of your own trained cells and map each row to a cell id")
    .argument("<file>", "CSV or JSONL: NAS-Bench-101 matrix+ops (or cell), NAS-Bench-201 arch")
    .addOption(spaceOption())
    .requiredOption(
      "--target <column>",
      "the numeric column to learn, e.g. accuracy",
      nonEmptyFlag(TARGET_NAME),
    )
    .addOption(scaleOption())
    .addHelpText("after", "\nExample:\n  nas-assay data labels my-runs.csv --space nb101 --target val_acc")
    .action(
      async (file: string, opts: { space: string; target: string; scale?: LabelScale }, command: Command) => {
        const name = spaceName(opts.space);
        const options = globalsForSpace(command, name);
        const space = await loadSpace(name, options.dataDir, (t) => note(options, t));
        const labels = readUserLabels(file, space, opts.target, opts.scale);
        const result = {
          file,
          space: space.name,
          target: opts.target,
          scale: labels.scale,
          rows: labels.rows,
          cells: labels.ids.length,
          duplicates: labels.duplicates,
          failed: labels.failed,
          ...(labels.warnings.length > 0 ? { warnings: labels.warnings } : {}),
        };
        warnAll(labels.warnings);
        print(options, result, () =>
          [
            `${labels.rows} ${labels.rows === 1 ? "row" : "rows"} → ${labels.ids.length} distinct ${space.name} ${labels.ids.length === 1 ? "cell" : "cells"} with ${opts.target}` +
              (inferredScaleNote(labels.scale, opts.scale)
                ? ` (${inferredScaleNote(labels.scale, opts.scale)})`
                : ""),
            ...labels.duplicates.map((d) => `  ${duplicateLine(d)}`),
            ...(labels.failed.length > 0 ? [`  ${failedLine(labels.failed)}`] : []),
          ].join("\n"),
        );
      },
    );
  return data;
}
