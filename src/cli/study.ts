/** `nas-assay study create` and `nas-assay study show`: make a study from a spec file, and look at one. */
import { Command } from "commander";
import { writeFileAtomic } from "../data/atomic-file.js";
import { checkOutputFile, HTML_PAGE } from "../data/output-path.js";
import { toHtml } from "../report/html.js";
import { RESULTS_CSV, resultsCsv } from "../study/results-file.js";
import { createStudyFile, openStudyFile, removeStudyFile } from "../study/study-file.js";
import { studyDocument } from "../study/study-report.js";
import { repeatLines, retryText } from "../study/tell-rules.js";
import { archText } from "./arch-text.js";
import { globalsWithoutData, print, sayIfOutputLost, warnAll } from "./context.js";
import { nonEmptyFlag, TARGET_NAME } from "./flag-values.js";
import { valueScaleOption } from "./options.js";

export function studyCommand(): Command {
  return new Command("study")
    .description(
      "make a study (a search space, the architectures suggested and told, the settings), show one, or delete one",
    )
    .addCommand(createCommand())
    .addCommand(showCommand())
    .addCommand(deleteCommand())
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay study create --space macro8.json --study runs.db --target val_acc --import trained.csv\n" +
        "  nas-assay study show --study runs.db --json",
    );
}

function createCommand(): Command {
  return new Command("create")
    .description("make a study file from a space spec; --import tells what you have already trained")
    .requiredOption(
      "--space <spec.json>",
      "the space spec file (kinds: choices, edge-cell, vertex-cell), or a built-in space: nb101, nb201",
    )
    .requiredOption(
      "--study <file.db|url>",
      "the study to make (refused if it exists): an SQLite file (runs.db; not a .csv or .json name: study show --csv writes the CSV), or postgresql://user@host:port/db?study=NAME",
    )
    .requiredOption(
      "--target <name>",
      "the value told (a column of results files), e.g. val_acc",
      nonEmptyFlag(TARGET_NAME),
    )
    .option("--minimize", "lower values are better (error, latency); default: higher is better")
    .addOption(valueScaleOption())
    .option(
      "--import <results.csv>",
      "architectures already trained, CSV or JSON Lines: their columns and the target column",
      nonEmptyFlag("a results file (CSV or JSON Lines)"),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay study create --space macro8.json --study runs.db --target val_acc --import trained.csv",
    )
    .action(
      async (
        opts: {
          space: string;
          study: string;
          target: string;
          minimize?: boolean;
          scale?: "fraction" | "percent" | "none";
          import?: string;
        },
        cmd: Command,
      ) => {
        const options = globalsWithoutData(cmd);
        const { study, imported, warnings } = await createStudyFile({
          study: opts.study,
          specFile: opts.space,
          target: opts.target,
          direction: opts.minimize ? "minimize" : "maximize",
          scale: opts.scale,
          importFile: opts.import,
        });
        const result = {
          study: study.store.location,
          space: study.space.name,
          kind: study.space.kind,
          size: study.space.count.toString(),
          target: study.settings.target,
          direction: study.settings.direction,
          imported: imported.written,
          repeated: imported.skipped,
          ...(imported.repeats ? { repeats: imported.repeats } : {}),
          ...(imported.retried ? { retried: imported.retried } : {}),
          // the warnings stderr carries, in the JSON too (tester U)
          ...(warnings.length > 0 ? { warnings } : {}),
        };
        await study.close();
        // after the study is made: a refused command says one line, its error
        warnAll(warnings);
        sayIfOutputLost(
          `the study was made all the same (${result.study}, ${imported.written} result${imported.written === 1 ? "" : "s"} imported): ` +
            "use it, or remove it to make it again",
        );
        print(options, result, () =>
          [
            `made ${result.study}: space ${result.space} (${result.kind}, ${result.size} architecture${result.size === "1" ? "" : "s"}), ` +
              `${result.direction} ${result.target}`,
            ...(opts.import !== undefined
              ? [
                  `imported ${imported.written} result${imported.written === 1 ? "" : "s"} from ${opts.import}` +
                    (imported.skipped ? ` (${imported.skipped} repeated in the file, ignored)` : ""),
                  ...repeatLines(imported.repeats ?? []),
                  ...(imported.retried ?? []).map(retryText),
                ]
              : []),
          ].join("\n"),
        );
      },
    );
}

function showCommand(): Command {
  return new Command("show")
    .description(
      "how many done/pending/failed, the best so far, the pending architectures (asked, not told yet); --html draws the best-so-far curve and predicted vs observed",
    )
    .requiredOption("--study <file.db|url>", "the study file, or postgresql://user@host:port/db?study=NAME")
    .option("--html <page.html>", "also write an HTML page with the plots")
    .option(
      "--csv <results.csv>",
      "also write every told trial (done and failed) as a results file: trial, asked_at, told_at, reason, " +
        "predicted, the architecture's columns, the target; tell --file and study create --import read it",
      nonEmptyFlag("a CSV file to write"),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay study show --study runs.db --html runs.html\n" +
        "  nas-assay study show --study runs.db --csv runs.csv   # for a spreadsheet, or: study create --import runs.csv",
    )
    .action(async (opts: { study: string; html?: string; csv?: string }, cmd: Command) => {
      const options = globalsWithoutData(cmd);
      if (opts.html !== undefined)
        checkOutputFile(opts.html, "--html", HTML_PAGE, [{ flag: "--study", path: opts.study }]);
      if (opts.csv !== undefined)
        checkOutputFile(opts.csv, "--csv", RESULTS_CSV, [{ flag: "--study", path: opts.study }]);
      const study = await openStudyFile(opts.study, {}, "read");
      try {
        const summary = await study.summary();
        let exported: number | undefined;
        if (opts.csv !== undefined) {
          const { text, rows } = resultsCsv(study.space, await study.trials(), study.settings.target);
          writeFileAtomic(opts.csv, text);
          exported = rows;
        }
        if (opts.html) {
          const document = studyDocument(
            study.store.location,
            await study.trials(),
            study.settings.target,
            study.settings.direction,
          );
          writeFileAtomic(opts.html, await toHtml(document.title, [document]));
        }
        const { target, direction } = study.settings;
        // the pending ones are what is being trained: a user who lost ask's output (a closed terminal, a
        // second ask over it) saw only their count, and could not tell them without the list
        const pending = summary.trials.filter((t) => t.state === "pending");
        const shownPending = pending.slice(0, PENDING_SHOWN).map((t) => `  ${archText(t.arch)}`);
        if (pending.length > PENDING_SHOWN)
          shownPending.push(
            `  … and ${pending.length - PENDING_SHOWN} more (study show --json lists every trial)`,
          );
        print(options, summary, () =>
          [
            `${study.store.location}: space ${study.space.name}, ${direction} ${target}`,
            `${summary.done} done, ${summary.pending} pending, ${summary.failed} failed`,
            summary.best
              ? `best ${target} ${summary.best.value}: ${archText(summary.best.arch)}`
              : summary.failed > 0
                ? "no value told yet (only failures)"
                : "nothing told yet",
            ...(pending.length > 0 ? ["pending (asked, not told yet):", ...shownPending] : []),
            ...(opts.html ? [`wrote ${opts.html}`] : []),
            ...(exported !== undefined
              ? [`wrote ${opts.csv} (${exported} result${exported === 1 ? "" : "s"}: done and failed)`]
              : []),
          ].join("\n"),
        );
      } finally {
        await study.close();
      }
    });
}

/** The pending architectures study show lists in text (--json lists every trial). */
const PENDING_SHOWN = 10;

function deleteCommand(): Command {
  return new Command("delete")
    .description(
      "remove a study and every result told to it (a study file with its -wal and -shm files, or one " +
        "study of a PostgreSQL database); cannot be undone: study show --csv keeps the results first",
    )
    .requiredOption("--study <file.db|url>", "the study file, or postgresql://user@host:port/db?study=NAME")
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay study show --study runs.db --csv runs.csv && nas-assay study delete --study runs.db",
    )
    .action(async (opts: { study: string }, cmd: Command) => {
      const options = globalsWithoutData(cmd);
      const { study, removed } = await removeStudyFile(opts.study);
      const result = { study, done: removed.done, pending: removed.pending, failed: removed.failed };
      print(
        options,
        result,
        () =>
          `removed ${study}: ${removed.done} done, ${removed.pending} pending, ${removed.failed} failed` +
          (removed.pending > 0
            ? " (a worker still training a pending one will find no study when it tells)"
            : ""),
      );
    });
}
