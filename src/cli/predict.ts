/** `nas-assay predict`: predictions of a saved model for the cells of a file. */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { readCellFile } from "../data/user-labels.js";
import { BadFileError, readFailure } from "../errors.js";
import { checkSpaceSize, type ModelTarget, modelTarget, parseModelJson } from "../predictors/model-file.js";
import { loadPredictor } from "../predictors/registry.js";
import { predictionText } from "../report/text.js";
import { loadSpace, SPACE_CELLS, type SpaceName, spaceName } from "../spaces/registry.js";
import { globalsForSpace, note, print } from "./context.js";
import { nonEmptyFlag } from "./flag-values.js";

export function predictCommand(): Command {
  return new Command("predict")
    .description(
      "predict, with a saved model, the label it learned (an accuracy, or your file's column) for the cells in a CSV/JSONL file",
    )
    .requiredOption("--model <file>", "model file written by train", nonEmptyFlag("a model file"))
    .requiredOption(
      "--cells <file>",
      "CSV/JSONL of cells: matrix+ops (NAS-Bench-101) or arch (NAS-Bench-201)",
      nonEmptyFlag("a CSV or JSONL file of cells"),
    )
    .addHelpText(
      "after",
      "\nExample:\n  nas-assay predict --model model.nasa --cells candidates.jsonl --json",
    )
    .action(async (opts: { model: string; cells: string }, cmd: Command) => {
      const { name, target } = modelHead(opts.model);
      const options = globalsForSpace(cmd, name);
      const space = await loadSpace(name, options.dataDir, (t) => note(options, t));
      const predictor = await loadPredictor(opts.model, space);
      // predict has no --space: the model's space is the cells' (an nb101 model cannot score nb201 cells)
      const { cells } = readCellFile(
        opts.cells,
        space,
        (other) =>
          `${opts.model} is a model of ${name}; predict them with one trained on ${other} (train --space ${other})`,
      );
      const predicted = await predictor.predict(cells.map((c) => c.id));
      const rows = cells.map((c, k) => ({ line: c.line, id: c.id, prediction: predicted[k] }));
      // a percent column was divided by 100 when the model was trained: its predictions are fractions
      if (target?.scale === "percent")
        note(
          options,
          `${target.target} was read in percent and learned as fractions: predictions are fractions`,
        );
      // the predictions' scale named apart from the labels': "scale": "percent" beside fractions misled
      const scales =
        target?.scale === undefined
          ? {}
          : {
              labelScale: target.scale,
              predictionScale: target.scale === "percent" ? "fraction" : target.scale,
            };
      print(options, { model: opts.model, target: target?.target, ...scales, predictions: rows }, () =>
        [
          // a name holding a tab or line end would split the tab-separated header: shown quoted then
          `line\tid\tpredicted ${target === undefined ? "label" : /[\t\r\n]/.test(target.target) ? JSON.stringify(target.target) : target.target}`,
          ...rows.map((r) => `${r.line}\t${r.id}\t${predictionText(r.prediction)}`),
        ].join("\n"),
      );
    });
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
  if (typeof head?.space !== "string") throw new BadFileError(path, "not a nas-assay model file (no space)");
  const name = spaceName(head.space);
  checkSpaceSize(path, head, name, SPACE_CELLS[name]);
  return { name, target: modelTarget(path, head) };
}
