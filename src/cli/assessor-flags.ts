/** Command-line flags for the assessor's hyper-parameters (shared by train, evaluate and paper). */
import { type Command, Option } from "commander";
import {
  type AssessorOptions,
  DEFAULT_ASSESSOR_OPTIONS,
  MAX_ASSESSOR_BATCH,
  MAX_ASSESSOR_WIDTH,
} from "../predictors/assessor/options.js";
import { integerFlag, probabilityFlag, realFlag } from "./flag-values.js";

type NumericKey = {
  [K in keyof AssessorOptions]: AssessorOptions[K] extends number ? K : never;
}[keyof AssessorOptions];

/** Flag, option key, help, and the parser that holds the value to the range `assessorOptions` accepts. */
const NUMERIC: [flag: string, key: NumericKey, help: string, parse: (text: string) => number][] = [
  ["--sigma <x>", "sigma", "σ of the relation graph (> 0)", realFlag({ above: 0 })],
  ["--tau <x>", "tau", "edge threshold τ (0 ≤ τ < 1)", realFlag({ min: 0, below: 1 })],
  ["--lambda <x>", "lambda", "weight of the reconstruction loss (0..1)", probabilityFlag()],
  ["--rank-weight <x>", "rankWeight", "weight of the pairwise ranking loss (0 = off)", realFlag({ min: 0 })],
  ["--epochs <n>", "epochs", "joint epochs (one epoch = one pass over the labeled cells)", integerFlag(1)],
  ["--min-steps <n>", "minSteps", "minimum joint steps", integerFlag(0)],
  ["--max-steps <n>", "maxSteps", "maximum joint steps", integerFlag(1)],
  ["--pretrain-steps <n>", "pretrainSteps", "auto-encoder pre-training steps", integerFlag(0)],
  [
    "--batch-size <n>",
    "batchSize",
    `cells per mini-batch (at most ${MAX_ASSESSOR_BATCH})`,
    integerFlag(1, MAX_ASSESSOR_BATCH),
  ],
  [
    "--labeled-per-batch <n>",
    "labeledPerBatch",
    `labeled cells per mini-batch (at most; below --batch-size, and at most ${MAX_ASSESSOR_BATCH - 1})`,
    integerFlag(1, MAX_ASSESSOR_BATCH - 1),
  ],
  ["--learning-rate <x>", "learningRate", "Adam learning rate (> 0)", realFlag({ above: 0 })],
  [
    "--embedding <n>",
    "embedding",
    `embedding size (at most ${MAX_ASSESSOR_WIDTH})`,
    integerFlag(1, MAX_ASSESSOR_WIDTH),
  ],
  [
    "--hidden <n>",
    "hidden",
    `GCN hidden width (at most ${MAX_ASSESSOR_WIDTH})`,
    integerFlag(1, MAX_ASSESSOR_WIDTH),
  ],
];

/**
 * The heading the assessor flags are listed under in `--help`: names like `--learning-rate` and
 * `--epochs` would otherwise read as every predictor's, though they set the assessor's only (and,
 * given without `--method`, make `train` and `evaluate` fit it).
 */
export const ASSESSOR_FLAGS_HEADING = "Options of the assessor (ssa) only:";

/** Adds the assessor flags to a command, under their own heading in its help. */
export function withAssessorFlags(command: Command): Command {
  const add = (option: Option) => command.addOption(option.helpGroup(ASSESSOR_FLAGS_HEADING));
  for (const [flag, key, help, parse] of NUMERIC) {
    add(new Option(flag, `${help} (default ${DEFAULT_ASSESSOR_OPTIONS[key]})`).argParser(parse));
  }
  add(
    new Option(
      "--graph-scale <scale>",
      `distance scale of the graph (default ${DEFAULT_ASSESSOR_OPTIONS.graphScale})`,
    ).choices(["normalized", "median"]),
  );
  add(
    new Option(
      "--label-transform <kind>",
      `label scale for training (default ${DEFAULT_ASSESSOR_OPTIONS.labelTransform})`,
    ).choices(["standard", "quantile"]),
  );
  return command;
}

/** The assessor options given on the command line, already parsed (unset flags keep their defaults). */
export function assessorFlags(opts: Record<string, unknown>): Partial<AssessorOptions> {
  const out: Partial<AssessorOptions> = {};
  for (const [, key] of NUMERIC) if (typeof opts[key] === "number") out[key] = opts[key];
  if (opts.graphScale !== undefined) out.graphScale = opts.graphScale as AssessorOptions["graphScale"];
  if (opts.labelTransform !== undefined)
    out.labelTransform = opts.labelTransform as AssessorOptions["labelTransform"];
  return out;
}

/** The flags behind assessor options given (`{ sigma: 0.2 }` → `--sigma`), in the order --help lists them. */
export function assessorFlagNames(given: Partial<AssessorOptions>): string[] {
  const names = NUMERIC.filter(([, key]) => given[key] !== undefined).map(([flag]) => flag.split(" ")[0]);
  if (given.graphScale !== undefined) names.push("--graph-scale");
  if (given.labelTransform !== undefined) names.push("--label-transform");
  return names;
}
