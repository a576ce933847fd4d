/** `nas-assay predict`: predictions of a saved model for the cells of a file. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { readCellFile } from "../data/user-labels.js";
import { BadFileError, readFailure, UserError } from "../errors.js";
import {
  checkModelFormat,
  checkSpaceSize,
  type ModelTarget,
  modelTarget,
  parseModelJson,
} from "../predictors/model-file.js";
import type { Method } from "../predictors/registry.js";
import { loadPredictor } from "../predictors/registry.js";
import { predictionText } from "../report/text.js";
import { loadSpace, SPACE_CELLS, type SpaceName, spaceName } from "../spaces/registry.js";
import { DEFAULT_ASK } from "../study/ask-strategy.js";
import { predictStudyFile } from "../study/study-file.js";
import { archText } from "./arch-text.js";
import { globalsForSpace, globalsWithoutData, note, print } from "./context.js";
import { nonEmptyFlag } from "./flag-values.js";
import { methodOption } from "./options.js";

export function predictCommand(): Command {
  return new Command("predict")
    .description(
      "predict the value of the cells in a CSV/JSONL file: with --model, a model saved by train (NAS-Bench-101/201); " +
        "with --study, the predictor ask fits on a study's told results (a space of your own)",
    )
    .option("--model <file>", "model file written by train", nonEmptyFlag("a model file"))
    .option(
      "--study <file.db|url>",
      "a study (of your own space): ask's predictor, fitted on its told results, predicts the cells; nothing is reserved",
      nonEmptyFlag("a study file or postgresql:// URL"),
    )
    .addOption(
      methodOption(`with --study: the predictor fitted (default ${DEFAULT_ASK.method}, as ask's)`, null),
    )
    .requiredOption(
      "--cells <file>",
      "CSV/JSONL of cells: matrix+ops (NAS-Bench-101) or arch (NAS-Bench-201); with --study, the study's architecture columns (a results file without its value)",
      nonEmptyFlag("a CSV or JSONL file of cells"),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay predict --model model.nasa --cells candidates.jsonl --json\n" +
        "  nas-assay predict --study runs.db --cells candidates.csv",
    )
    .action(
      async (opts: { model?: string; study?: string; method?: Method; cells: string }, cmd: Command) => {
        if ((opts.model === undefined) === (opts.study === undefined))
          throw new UserError(
            opts.model === undefined
              ? "predict needs --model (a model saved by train) or --study (a study, whose ask predictor is fitted on its told results)"
              : "predict takes --model or --study, not both",
          );
        if (opts.study !== undefined) return predictFromStudy(opts.study, opts.cells, opts.method, cmd);
        if (opts.method !== undefined)
          throw new UserError(
            "--method goes with --study; a model file predicts with the method it was trained with (train --method)",
          );
        return predictFromModel(opts.model as string, opts.cells, cmd);
      },
    );
}

/** `predict --study`: the study's ask predictor on the architectures of `cells`. */
async function predictFromStudy(
  location: string,
  cells: string,
  method: Method | undefined,
  cmd: Command,
): Promise<void> {
  const options = globalsWithoutData(cmd);
  const result = await predictStudyFile(location, cells, method ? { method } : {});
  note(
    options,
    `${result.method} fitted on the ${result.told} told results of ${result.study}, as ask fits it; predicted ${result.target} (on the study's scale):`,
  );
  const stateNote = predictionStates(result);
  if (stateNote) note(options, stateNote);
  const { repeats } = result;
  if (repeats.length > 0)
    note(
      options,
      `${repeats.length} line${repeats.length === 1 ? "" : "s"} of ${cells} repeat${repeats.length === 1 ? "s" : ""} an earlier one's architecture, predicted alike: ` +
        repeats
          .slice(0, 3)
          .map((r) => `line ${r.line} repeats line ${r.of}`)
          .join(", ") +
        (repeats.length > 3 ? ", …" : ""),
    );
  const name = /[\t\r\n]/.test(result.target) ? JSON.stringify(result.target) : result.target;
  print(options, result, () =>
    [
      `line\tpredicted ${name}\ttold ${name}\tstate\tarchitecture`,
      ...result.predictions.map(
        (p) =>
          `${p.line}\t${predictionText(p.predicted)}\t${p.toldValue === null ? "" : String(p.toldValue)}\t${p.state ?? ""}\t${archText(p.arch)}`,
      ),
    ].join("\n"),
  );
}

/** What the state column's failed and pending rows mean, when there are any; else undefined. */
function predictionStates({ failed, pending }: { failed: number; pending: number }): string | undefined {
  const parts = [
    ...(failed
      ? [`${failed} failed in the study (ask hands ${failed === 1 ? "it" : "them"} out no more)`]
      : []),
    ...(pending ? [`${pending} pending (handed out by ask, being trained)`] : []),
  ];
  return parts.length ? `of these architectures, ${parts.join(" and ")}: see the state column` : undefined;
}

/** `predict --model`: a saved model on the cells of a benchmark space. */
async function predictFromModel(model: string, cellsFile: string, cmd: Command): Promise<void> {
  const { name, target } = modelHead(model);
  const options = globalsForSpace(cmd, name);
  const space = await loadSpace(name, options.dataDir, (t) => note(options, t));
  const predictor = await loadPredictor(model, space);
  // predict has no --space: the model's space is the cells' (an nb101 model cannot score nb201 cells)
  const { cells } = readCellFile(
    cellsFile,
    space,
    (other) =>
      `${model} is a model of ${name}; predict them with one trained on ${other} (train --space ${other})`,
  );
  const predicted = await predictor.predict(cells.map((c) => c.id));
  const rows = cells.map((c, k) => ({ line: c.line, id: c.id, prediction: predicted[k] }));
  // a percent column was divided by 100 when the model was trained: its predictions are fractions
  if (target?.scale === "percent")
    note(options, `${target.target} was read in percent and learned as fractions: predictions are fractions`);
  // the predictions' scale named apart from the labels': "scale": "percent" beside fractions misled
  const scales =
    target?.scale === undefined
      ? {}
      : {
          labelScale: target.scale,
          predictionScale: target.scale === "percent" ? "fraction" : target.scale,
        };
  print(options, { model, target: target?.target, ...scales, predictions: rows }, () =>
    [
      // a name holding a tab or line end would split the tab-separated header: shown quoted then
      `line\tid\tpredicted ${target === undefined ? "label" : /[\t\r\n]/.test(target.target) ? JSON.stringify(target.target) : target.target}`,
      ...rows.map((r) => `${r.line}\t${r.id}\t${predictionText(r.prediction)}`),
    ].join("\n"),
  );
}

/**
 * The space a model file was trained on (read before loading the space it needs) and the target it learned (when recorded), its size checked
 * against the space's known one first: a file edited to name another space is refused without loading it.
 */
function modelHead(path: string): { name: SpaceName; target: ModelTarget | undefined } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new BadFileError(path, "no such file (the model file train --out wrote)");
    if (code === "EISDIR")
      throw new BadFileError(path, "is a folder; expected the model file train --out wrote");
    throw readFailure(path, e, "expected the model file train --out wrote");
  }
  const head = parseModelJson(path, bytes) as {
    space?: unknown;
    spaceSize?: unknown;
    target?: unknown;
    scale?: unknown;
  } | null;
  checkModelFormat(path, head);
  if (typeof head?.space !== "string")
    throw new BadFileError(
      path,
      `field "space" is ${JSON.stringify(head?.space) ?? "missing"}; expected the name of the space the model was trained on (a model file cut or edited?)`,
    );
  const name = spaceName(head.space);
  checkSpaceSize(path, head, name, SPACE_CELLS[name]);
  return { name, target: modelTarget(path, head) };
}
