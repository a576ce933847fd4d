/** `nas-assay ask`: the next architectures to train, reserved in the study as pending. */
import { Command } from "commander";
import { openStudyFile } from "../study/study-file.js";
import { archText } from "./arch-text.js";
import { globals, print } from "./context.js";
import { integerAtLeast } from "./options.js";

export function askCommand(): Command {
  return new Command("ask")
    .description(
      "suggest architectures to train next, never suggested before: the predictor, refitted on every told " +
        "architecture, picks most (exploit), a share is drawn at random (explore)",
    )
    .requiredOption("--study <file.db>", "the study file")
    .option("-n <count>", "architectures to suggest", integerAtLeast(1), 1)
    .addHelpText("after", "\nExamples:\n  nas-assay ask --study runs.db -n 10 --json")
    .action(async (opts: { study: string; n: number }, cmd: Command) => {
      const options = globals(cmd);
      const study = await openStudyFile(opts.study);
      try {
        const asked = await study.ask(opts.n);
        const result = asked.map((a) => ({ arch: a.json, predicted: a.predicted, reason: a.reason }));
        const target = study.settings.target;
        print(options, result, () =>
          [
            asked.length < opts.n
              ? `only ${asked.length} architectures of ${study.space.name} were never suggested before`
              : `${asked.length} architectures to train (pending in ${opts.study} until told):`,
            ...result.map(
              (a) =>
                `${a.reason.padEnd(7)}  ${a.predicted === null ? "(no prediction yet)" : `predicted ${target} ${a.predicted.toPrecision(4)}`}  ${archText(a.arch)}`,
            ),
          ].join("\n"),
        );
      } finally {
        await study.close();
      }
    });
}
