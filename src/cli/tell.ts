/** `nas-assay tell`: record a trained architecture's value (or its failure), or a results file of them. */
import { Command, Option } from "commander";
import { UserError } from "../errors.js";
import { readResultsFile } from "../study/results-file.js";
import { openStudyFile } from "../study/study-file.js";
import { repeatLines, retryText } from "../study/tell-rules.js";
import { globalsWithoutData, print, sayIfOutputLost, warnAll } from "./context.js";
import { measuredValueFlag, nonEmptyFlag } from "./flag-values.js";

const number = measuredValueFlag();

export function tellCommand(): Command {
  return new Command("tell")
    .description(
      "record results: --arch with --value (or --failed), or --file with many; refuses an architecture " +
        "outside the space, a value on another scale than the study's, a second different value (unless --replace)",
    )
    .requiredOption("--study <file.db|url>", "the study file, or postgresql://user@host:port/db?study=NAME")
    .option(
      "--arch <text>",
      "the architecture: choices → a JSON object of decision → option; edge-cell → its arch string; " +
        'vertex-cell → {"matrix": …, "ops": …}',
    )
    .addOption(new Option("--value <x>", "its value of the study's target").argParser(number))
    .addOption(new Option("--failed", "its training failed (it is never suggested again)").conflicts("value"))
    .addOption(
      new Option(
        "--file <results.csv>",
        "many results, CSV or JSON Lines: the architecture's columns and the target column (a number, or failed)",
      )
        .argParser(nonEmptyFlag("a results file (CSV or JSON Lines)"))
        .conflicts(["arch", "value", "failed"]),
    )
    .option(
      "--replace",
      "let a result replace a different one told before for the same architecture (a correction; each change is printed)",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  nas-assay tell --study runs.db --arch \'{"layer1":"mb3_k3",…}\' --value 0.931\n' +
        "  nas-assay tell --study runs.db --file results.csv\n" +
        '  nas-assay tell --study runs.db --arch \'{"layer1":"mb3_k3",…}\' --value 0.913 --replace   # it was 0.931',
    )
    .action(
      async (
        opts: {
          study: string;
          arch?: string;
          value?: number;
          failed?: boolean;
          file?: string;
          replace?: boolean;
        },
        cmd: Command,
      ) => {
        const options = globalsWithoutData(cmd);
        if (opts.file === undefined && opts.arch === undefined)
          throw new UserError("tell needs --arch with --value (or --failed), or --file results.csv");
        if (opts.arch !== undefined && opts.value === undefined && !opts.failed)
          throw new UserError("--arch needs --value <x> or --failed");
        const study = await openStudyFile(opts.study);
        try {
          const items =
            opts.file !== undefined
              ? readResultsFile(opts.file, study.space, study.settings.target).map((r) => ({
                  arch: r.arch,
                  outcome: r.outcome,
                  source: `${opts.file} line ${r.line}`,
                  written: r.written,
                }))
              : [
                  {
                    arch: study.parseArch(opts.arch, "--arch"),
                    outcome: opts.failed ? ({ failed: true } as const) : { value: opts.value as number },
                    source: `--arch ${opts.arch}`,
                    written: opts.arch,
                  },
                ];
          const told = await study.tellMany(items, opts.replace ? { replace: true } : {});
          // (also in --json's `warnings`, as study create's)
          warnAll(told.warnings ?? []);
          sayIfOutputLost(
            `the results were recorded all the same (${told.written} written to ${study.store.location}): telling them again changes nothing`,
          );
          print(options, told, () =>
            [
              `told ${told.written} result${told.written === 1 ? "" : "s"} to ${study.store.location}` +
                skippedNote(told.skipped, told.repeated ?? 0),
              ...repeatLines(told.repeats ?? []),
              ...(told.retried ?? []).map(retryText),
              ...(told.replaced ?? []).map((r) => `replaced ${r.source}: was ${r.was}, now ${r.now}`),
            ].join("\n"),
          );
        } finally {
          await study.close();
        }
      },
    );
}

/** " (2 already told with the same value, 1 repeated in the file, ignored)", or "" when none was skipped. */
function skippedNote(skipped: number, repeated: number): string {
  const parts = [
    ...(skipped > repeated ? [`${skipped - repeated} already told with the same value`] : []),
    ...(repeated > 0 ? [`${repeated} repeated in the file`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(", ")}, ignored)` : "";
}
