/** `nas-assay cell`: validate, prune, hash and look up one NAS-Bench-101 cell. */
import { Command } from "commander";
import { requireBenchmark } from "../benchmark.js";
import { parseFailureReason, UserError } from "../errors.js";
import { loadNb101Labels } from "../spaces/nb101/labels.js";
import { loadNb201Accuracies, NB201_DATASETS } from "../spaces/nb201/labels.js";
import { Nb201Space } from "../spaces/nb201/space.js";
import { spaceName } from "../spaces/registry.js";
import { parseCell } from "../spaces/vertex-cell/cell.js";
import { notJsonMatrix, notJsonOps } from "../spaces/vertex-cell/space.js";
import { globals, loadNb101, print } from "./context.js";
import { integerFlag } from "./flag-values.js";
import { spaceOption } from "./options.js";

interface CellOptions {
  space: string;
  arch?: string;
  matrix?: string;
  ops?: string;
  cell?: string;
  id?: number;
  hash?: string;
}

/** What `cell --json` prints besides matrix and ops (its labels too): ignored when read back by --cell. */
const CELL_JSON_KEYS = ["id", "hash", "vertices", "edges", "parameters", "testAccuracy", "flops"];

export function cellCommand(): Command {
  return new Command("cell")
    .description(
      "validate, prune and hash a NAS-Bench-101 cell, or look up a NAS-Bench-201 cell (--space nb201 --arch); show its id, parameters and labels",
    )
    .addOption(spaceOption())
    .option("--arch <arch>", "NAS-Bench-201 arch string, |op~0|+|op~0|op~1|+|op~0|op~1|op~2|")
    .option("--matrix <matrix>", "adjacency: row-major 0/1 string, or JSON nested arrays")
    .option("--ops <ops>", "comma-separated ops (or a JSON list), input first and output last")
    .option("--cell <json>", 'the whole cell as JSON: {"matrix": ..., "ops": ...}')
    .option("--id <id>", "look a cell up by its id (0..cells of the space − 1)", integerFlag(0))
    .option("--hash <hash>", "look a cell up by its module hash")
    .addHelpText(
      "after",
      "\nExample:\n  nas-assay cell --matrix 0111010000000100000010000100000000100000010000000 \\\n" +
        "    --ops input,conv1x1-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,conv3x3-bn-relu,maxpool3x3,output\n" +
        "  nas-assay cell --space nb201 --arch '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|'",
    )
    .action(async (opts: CellOptions, command: Command) => {
      const options = globals(command);
      if (spaceName(opts.space) === "nb201") return nb201Cell(opts, options);
      if (opts.arch !== undefined)
        throw new UserError("--arch is for --space nb201; NAS-Bench-101 cells take --matrix and --ops");
      const given = [
        opts.matrix !== undefined || opts.ops !== undefined,
        opts.cell !== undefined,
        opts.id !== undefined,
        opts.hash !== undefined,
      ].filter(Boolean);
      if (given.length !== 1)
        throw new UserError("give exactly one of --matrix with --ops, --cell, --id or --hash");
      if ((opts.matrix === undefined) !== (opts.ops === undefined))
        throw new UserError("--matrix and --ops go together");
      // text that is no JSON stops before any work (the space's loading, its first enumeration)
      const matrix = opts.matrix?.trim().startsWith("[") ? flagJson(opts.matrix, "--matrix") : opts.matrix;
      // a JSON list of ops, as label files take it (it was read as one comma list: 'the first op is "["input""')
      const ops = opts.ops?.trim().startsWith("[") ? flagJson(opts.ops, "--ops") : opts.ops;
      // the labels are read below: a data directory without them fails before the space's enumeration
      requireBenchmark("nb101", options.dataDir);
      const space = await loadNb101(options);
      let id: number;
      if (opts.id !== undefined) {
        id = opts.id;
        if (id >= space.size) {
          throw new UserError(
            `--id ${opts.id} is not a cell id; expected an integer in 0..${space.size - 1}`,
          );
        }
      } else if (opts.hash !== undefined) {
        id = space.idOfHash(opts.hash);
        if (id < 0) throw new UserError(`no NAS-Bench-101 cell has hash ${opts.hash}`);
      } else if (opts.cell !== undefined) {
        // a key beside matrix and ops is a typing slip ("opps"), as in a model file or a queue job; the
        // keys `cell --json` writes beside them are read back (its output is a --cell)
        id = space.idOf(parseCell(opts.cell, true, CELL_JSON_KEYS));
      } else {
        id = space.idOf({ matrix, ops });
      }
      const cell = space.describe(id);
      // a data directory without nb101/ (a typo in --data) is an error, as for nb201: answering without
      // labels and a note read as a complete answer
      const all = loadNb101Labels(space, options.dataDir);
      const labels = { testAccuracy: all.testAccuracy[id], flops: all.flops?.[id] };
      print(options, { ...cell, ...labels }, () =>
        [
          `id          ${cell.id}`,
          `hash        ${cell.hash}`,
          `vertices    ${cell.vertices}, edges ${cell.edges} (after pruning)`,
          `matrix      ${cell.matrix.map((r) => r.join("")).join(" ")}`,
          `ops         ${cell.ops.join(", ")}`,
          `parameters  ${cell.parameters.toLocaleString("en-US")}`,
          `test acc.   ${Number.isNaN(labels.testAccuracy) ? "none (cell not in the imported file)" : labels.testAccuracy.toFixed(4)} (CIFAR-10, 108 epochs, repeat 0)`,
          ...(labels.flops === undefined ? [] : [`FLOPs       ${labels.flops.toLocaleString("en-US")}`]),
        ].join("\n"),
      );
    });
}

async function nb201Cell(opts: CellOptions, options: ReturnType<typeof globals>): Promise<void> {
  if (
    [opts.arch, opts.id].filter((x) => x !== undefined).length !== 1 ||
    opts.matrix !== undefined ||
    opts.ops !== undefined ||
    opts.cell !== undefined ||
    opts.hash !== undefined
  ) {
    throw new UserError("for --space nb201 give exactly one of --arch or --id");
  }
  const space = Nb201Space.load(options.dataDir);
  const id = opts.id ?? space.idOf(opts.arch);
  if (id >= space.size) {
    throw new UserError(`--id ${opts.id} is not a cell id; expected an integer in 0..${space.size - 1}`);
  }
  const cell = space.describe(id);
  const accuracy: Record<string, { train: number; valid: number; test: number }> = {};
  const all = loadNb201Accuracies(space, options.dataDir);
  for (const dataset of NB201_DATASETS) {
    const labels = all[dataset];
    accuracy[dataset] = { train: labels.train[id], valid: labels.valid[id], test: labels.test[id] };
  }
  print(options, { ...cell, accuracy }, () =>
    [
      `id          ${cell.id}`,
      `arch        ${cell.arch}`,
      `output      ${cell.outputReachable ? "reachable" : "unreachable (every input→output path has a none edge)"}`,
      ...Object.entries(accuracy).map(
        ([d, a]) =>
          `${d.padEnd(15)} test ${a.test.toFixed(4)}  valid ${a.valid.toFixed(4)}  train ${a.train.toFixed(4)}`,
      ),
    ].join("\n"),
  );
}

/**
 * The JSON value of a --matrix or --ops flag that starts with "[". Text that is no JSON is refused as a
 * label file's matrix or ops column is: NumPy's array text or Python's list text (pasted from a
 * notebook) with the flag's value to write instead, else the forms the flag takes.
 */
export function flagJson(text: string, flag: "--matrix" | "--ops"): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const value = text.trim();
    const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value).replace(/\\"/g, '"');
    const why = flag === "--matrix" ? notJsonMatrix(value) : notJsonOps(value);
    // NumPy's or Python's text: `why` says what to write instead
    if (!why.startsWith("is not JSON nor")) throw new UserError(`${flag} ${shown} ${why}`);
    const expected =
      flag === "--matrix"
        ? "a row-major 0/1 string (0100) or JSON nested arrays ([[0,1],[0,0]])"
        : 'a comma list (input,conv3x3-bn-relu,output) or a JSON list (["input","conv3x3-bn-relu","output"])';
    throw new UserError(`${flag} ${shown} is not JSON (${parseFailureReason(e)}); expected ${expected}`);
  }
}
