/** Command-line flags for the assessor's hyper-parameters (shared by train and evaluate). */
import { type Command, Option } from "commander";
import { UserError } from "../errors.js";
import { type AssessorOptions, DEFAULT_ASSESSOR_OPTIONS } from "../predictors/assessor/options.js";

const NUMERIC: [flag: string, key: keyof AssessorOptions, help: string][] = [
  ["--sigma <x>", "sigma", "σ of the relation graph"],
  ["--tau <x>", "tau", "edge threshold τ"],
  ["--lambda <x>", "lambda", "weight of the reconstruction loss (0..1)"],
  ["--rank-weight <x>", "rankWeight", "weight of the pairwise ranking loss (0 = off)"],
  ["--epochs <n>", "epochs", "joint epochs (one epoch = one pass over the labeled cells)"],
  ["--min-steps <n>", "minSteps", "minimum joint steps"],
  ["--max-steps <n>", "maxSteps", "maximum joint steps"],
  ["--pretrain-steps <n>", "pretrainSteps", "auto-encoder pre-training steps"],
  ["--batch-size <n>", "batchSize", "cells per mini-batch"],
  ["--labeled-per-batch <n>", "labeledPerBatch", "labeled cells per mini-batch (at most)"],
  ["--learning-rate <x>", "learningRate", "Adam learning rate"],
  ["--embedding <n>", "embedding", "embedding size"],
  ["--hidden <n>", "hidden", "GCN hidden width"],
];

/** Adds the assessor flags to a command. */
export function withAssessorFlags(command: Command): Command {
  for (const [flag, key, help] of NUMERIC) {
    command.addOption(new Option(flag, `${help} (default ${DEFAULT_ASSESSOR_OPTIONS[key]})`));
  }
  command.addOption(
    new Option(
      "--graph-scale <scale>",
      `distance scale of the graph (default ${DEFAULT_ASSESSOR_OPTIONS.graphScale})`,
    ).choices(["normalized", "median"]),
  );
  command.addOption(
    new Option(
      "--label-transform <kind>",
      `label scale for training (default ${DEFAULT_ASSESSOR_OPTIONS.labelTransform})`,
    ).choices(["standard", "quantile"]),
  );
  return command;
}

/** The assessor options given on the command line (unset flags keep their defaults). */
export function assessorFlags(opts: Record<string, unknown>): Partial<AssessorOptions> {
  const out: Partial<AssessorOptions> = {};
  for (const [flag, key] of NUMERIC) {
    const name = flag.slice(2, flag.indexOf(" ")).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const raw = opts[name];
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new UserError(`${flag.split(" ")[0]} must be a number, got "${raw}"`);
    (out as Record<string, number>)[key] = value;
  }
  if (opts.graphScale !== undefined) out.graphScale = opts.graphScale as AssessorOptions["graphScale"];
  if (opts.labelTransform !== undefined)
    out.labelTransform = opts.labelTransform as AssessorOptions["labelTransform"];
  return out;
}
