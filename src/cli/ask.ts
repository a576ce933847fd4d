/** `nas-assay ask`: the next architectures to train, reserved in the study as pending. */
import { Command, Option } from "commander";
import { oneLineMessage, UserError } from "../errors.js";
import type { Method } from "../predictors/registry.js";
import { DEFAULT_ASK, maxAskCount } from "../study/ask-strategy.js";
import { DEFAULT_PENDING_TIMEOUT_MS, parseDuration } from "../study/pending.js";
import type { Asked, Study } from "../study/study.js";
import { openStudyFile } from "../study/study-file.js";
import { archText } from "./arch-text.js";
import { globalsWithoutData, outputErrorText, printDelivered } from "./context.js";
import { integerFlag, parsedBy } from "./flag-values.js";
import { methodOption } from "./options.js";

export function askCommand(): Command {
  return new Command("ask")
    .description(
      "suggest architectures to train next, never suggested before: the predictor, refitted on every told " +
        "architecture, picks them (exploit), kept one mutation apart from each other and from the pending ones; " +
        "until 10 have a value told, every suggestion is drawn at random (explore)",
    )
    .requiredOption("--study <file.db|url>", "the study file, or postgresql://user@host:port/db?study=NAME")
    .option(
      "-n <count>",
      `architectures to suggest (at most ${maxAskCount(DEFAULT_ASK).toLocaleString("en-US")}: one ask's candidates)`,
      integerFlag(1, maxAskCount(DEFAULT_ASK)),
      1,
    )
    .addOption(
      new Option(
        "--pending-timeout <duration>",
        "hand out again an architecture pending longer than this (its worker died): 90s, 30m, 24h, 2d",
      )
        .argParser(parsedBy(parseDuration))
        // the help shows the default as the flag takes it (24h), not in milliseconds
        .default(DEFAULT_PENDING_TIMEOUT_MS, "24h"),
    )
    .addOption(
      methodOption(
        `the predictor ask refits (default ${DEFAULT_ASK.method}; simulate --method compares them)`,
        null,
      ),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay ask --study runs.db -n 10 --json\n" +
        "  nas-assay ask --study postgresql://worker@db.lab:5432/nas?study=macro8 --pending-timeout 6h",
    )
    .action(
      async (opts: { study: string; n: number; pendingTimeout: number; method?: Method }, cmd: Command) => {
        const options = globalsWithoutData(cmd);
        const study = await openStudyFile(opts.study, opts.method ? { method: opts.method } : {});
        try {
          const asked = await study.ask(opts.n, { pendingTimeoutMs: opts.pendingTimeout });
          // `again`: handed out before and never told (its worker died): a JSON-driven worker must know
          const result = asked.map((a) => ({
            arch: a.json,
            predicted: a.predicted,
            reason: a.reason,
            again: a.again,
          }));
          const target = study.settings.target;
          // one number of decimals for the whole list, 4 significant digits at its largest value
          // (per value, toPrecision(4) wrote 0.03305 beside 0.4923)
          // (values below 0.001 or from a million up in exponent form: 4.500e-10, not 0.00000000)
          const largest = Math.max(0, ...result.map((a) => Math.abs(a.predicted ?? 0)));
          const exponent = largest > 0 && (largest < 1e-3 || largest >= 1e6);
          const decimals = largest > 0 ? Math.max(0, 3 - Math.floor(Math.log10(largest))) : 4;
          const shown = (x: number) => (exponent ? x.toExponential(3) : x.toFixed(decimals));
          const shortfall =
            asked.length === 0
              ? `every architecture of ${study.space.name} is in the study already (told, imported or pending): none left to ask for`
              : `only ${architectures(asked.length)} of ${study.space.name} ${asked.length === 1 ? "is" : "are"} left to ask for` +
                " (never suggested before, or asked before and never told)";
          // under --json too, on stderr: a list shorter than -n was otherwise unexplained (tester Z)
          if (options.json && asked.length < opts.n)
            process.stderr.write(`${shortfall}, of the ${opts.n} asked for (-n)\n`);
          const text = () =>
            [
              asked.length < opts.n
                ? `${shortfall}${asked.length === 0 ? "" : ":"}`
                : `${architectures(asked.length)} to train (pending in ${study.store.location} until told):`,
              ...result.map(
                (a) =>
                  `${a.reason.padEnd(7)}  ${a.predicted === null ? "(no prediction yet)" : `predicted ${target} ${shown(a.predicted)}`}  ${archText(a.arch)}` +
                  (a.again ? "  (asked again: its earlier worker never told)" : ""),
              ),
            ].join("\n");
          try {
            await printDelivered(options, result, text);
          } catch (error) {
            // nobody saw them: pending, they would be handed out to nobody else until --pending-timeout
            throw new UserError(
              `${outputErrorText(error as NodeJS.ErrnoException)}; ${await handedBack(study, asked)}`,
            );
          }
        } finally {
          await study.close();
        }
      },
    );
}

/** "1 architecture", "6 architectures". */
function architectures(n: number): string {
  return `${n} architecture${n === 1 ? "" : "s"}`;
}

/**
 * Hands `asked` back to the study after the output that listed them was lost, and says what became of
 * them: removed (a later ask suggests them again at once), or, should that fail too, still pending.
 */
async function handedBack<A>(study: Study<A>, asked: readonly Asked<A>[]): Promise<string> {
  if (asked.length === 0) return "nothing was asked";
  try {
    await study.release(asked);
    return `the ${architectures(asked.length)} asked ${asked.length === 1 ? "was" : "were"} handed back to ${study.store.location} (not pending): ask again`;
  } catch (error) {
    return (
      `the ${architectures(asked.length)} asked ${asked.length === 1 ? "is" : "are"} pending in ${study.store.location}, handed out again ` +
      `once pending longer than --pending-timeout (default 24h): handing ${asked.length === 1 ? "it" : "them"} back failed too (${oneLineMessage(error as Error)})`
    );
  }
}
