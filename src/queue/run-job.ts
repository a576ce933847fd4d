/**
 * What travels on the queue: one run of an experiment as plain data (space, target, and the fields of a
 * `RunSpec` that determine its numbers), and its `SeedResult` back. Both are checked field by field
 * when they come off the queue: a worker runs nothing but nas-assay's own evaluation, with its own
 * data folder, and refuses any field it does not know; nothing from the queue is executed as code.
 */
import { createHash } from "node:crypto";
import { isPlainObject } from "../data/json-keys.js";
import type { DataDir } from "../data/locations.js";
import { shownValue, UserError } from "../errors.js";
import type { EvaluationSpec, SeedResult } from "../eval/evaluate.js";
import { checkedSeedResult } from "../eval/seed-result.js";
import { type RunSpec, runKey } from "../experiments/experiments.js";
import {
  type AssessorOptions,
  assessorOptions,
  DEFAULT_ASSESSOR_OPTIONS,
} from "../predictors/assessor/options.js";
import { METHODS, type Method, methodFingerprint } from "../predictors/registry.js";
import { SPACE_NAMES, type SpaceName } from "../spaces/registry.js";

/** Version of the job payload; a worker refuses any other. 3: jobs carry their method's `defaults`. */
export const RUN_JOB_VERSION = 3;

/** The fields of a run that determine its numbers (a `RunSpec` less where it is drawn). */
export type QueuedRun = Pick<RunSpec, "method" | "labels" | "seed" | "options" | "unlabeled" | "sample">;

/** A job's payload. */
export interface RunJob {
  version: typeof RUN_JOB_VERSION;
  space: SpaceName;
  /** The benchmark's label the run predicts (e.g. "test_accuracy"). */
  target: string;
  /**
   * labelsDigest of that label's values where the sweep was planned: a worker whose data differs
   * refuses the job, and results on other data never share a job (the digest is part of its id).
   */
  labelsDigest: string;
  /**
   * methodFingerprint of the run's method where the sweep was planned: a worker of another nas-assay
   * version, whose defaults differ (the transformer's epochs, say), refuses the job rather than return
   * numbers of another predictor for this one's table; part of the job id.
   */
  defaults: string;
  run: QueuedRun;
}

/** A payload that is not one of nas-assay's runs; a worker fails its job at once, without retries. */
export class BadJobError extends UserError {
  override name = "BadJobError";
}

/** The payload of one run. */
export function runJob(space: SpaceName, target: string, labelsDigest: string, run: RunSpec): RunJob {
  const queued: QueuedRun = { method: run.method, labels: run.labels, seed: run.seed };
  if (run.options && Object.keys(run.options).length > 0) queued.options = run.options;
  if (run.unlabeled !== undefined) queued.unlabeled = run.unlabeled;
  if (run.sample !== undefined) queued.sample = run.sample;
  return {
    version: RUN_JOB_VERSION,
    space,
    target,
    labelsDigest,
    defaults: methodFingerprint(run.method),
    run: queued,
  };
}

/**
 * The job id of a run: a digest of its space, target and run key, so that the same run is one job
 * however often, and by whichever sweep, it is enqueued (BullMQ ignores an add whose id exists).
 */
export function runJobId(job: RunJob): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([job.space, job.target, job.labelsDigest, job.defaults, runKey(job.run)]))
    .digest("hex");
  return `run-${digest.slice(0, 32)}`;
}

/** A run in words, for logs and messages ("nb201 ssa, 100 labels, seed 0"). */
export function describeRun(job: RunJob): string {
  const { run } = job;
  const extra = [
    ...Object.entries(run.options ?? {}).map(([k, v]) => `${k} ${JSON.stringify(v)}`),
    ...(run.unlabeled !== undefined ? [`${run.unlabeled} unlabeled`] : []),
    ...(run.sample ? [`sample ${run.sample}`] : []),
  ];
  return `${job.space} ${run.method}, ${run.labels} labels, seed ${run.seed}${extra.length ? `, ${extra.join(", ")}` : ""}`;
}

type Plain = Record<string, unknown>;

function fields(
  value: unknown,
  where: string,
  allowed: readonly string[],
  required: readonly string[],
): Plain {
  if (!isPlainObject(value)) throw new BadJobError(`${where} must be an object, got ${describe(value)}`);
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0)
    throw new BadJobError(
      `${where} has unknown field(s) ${unknown.join(", ")}; expected only ${allowed.join(", ")}`,
    );
  const absent = required.filter((k) => value[k] === undefined);
  if (absent.length > 0) throw new BadJobError(`${where} lacks ${absent.join(", ")}`);
  return value;
}

const describe = (value: unknown) => shownValue(value, 60);

function integer(value: unknown, where: string, min: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min)
    throw new BadJobError(`${where} must be an integer ≥ ${min}, got ${describe(value)}`);
  return value;
}

/** Assessor options: known names only, each of its default's type, then the assessor's own checks. */
function options(value: unknown, where: string): Partial<AssessorOptions> {
  const names = Object.keys(DEFAULT_ASSESSOR_OPTIONS);
  const given = fields(value, where, names, []);
  for (const [name, v] of Object.entries(given)) {
    const expected = DEFAULT_ASSESSOR_OPTIONS[name as keyof AssessorOptions];
    const ok = Array.isArray(expected)
      ? Array.isArray(v) && v.length === expected.length && v.every((c) => typeof c === "number")
      : typeof v === typeof expected;
    if (!ok)
      throw new BadJobError(`${where}.${name} must be like ${JSON.stringify(expected)}, got ${describe(v)}`);
  }
  try {
    assessorOptions(given as Partial<AssessorOptions>);
  } catch (e) {
    throw new BadJobError(`${where}: ${(e as Error).message}`);
  }
  return given as Partial<AssessorOptions>;
}

/**
 * Checks a payload taken off the queue.
 * @throws BadJobError naming the first field that is unknown, missing or of the wrong kind, or when the
 * job's method defaults are not this nas-assay's (`defaults`: a sweep planned by another version).
 */
export function parseRunJob(data: unknown): RunJob {
  const job = fields(
    data,
    "job",
    ["version", "space", "target", "labelsDigest", "defaults", "run"],
    ["version", "space", "target", "labelsDigest", "defaults", "run"],
  );
  if (job.version !== RUN_JOB_VERSION)
    throw new BadJobError(`job.version must be ${RUN_JOB_VERSION}, got ${describe(job.version)}`);
  if (!(SPACE_NAMES as readonly unknown[]).includes(job.space))
    throw new BadJobError(`job.space must be one of ${SPACE_NAMES.join(", ")}, got ${describe(job.space)}`);
  // looked up among the benchmark's labels, never used as a path
  if (
    typeof job.target !== "string" ||
    !/^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)*$/.test(job.target) ||
    job.target.length > 64
  )
    throw new BadJobError(
      `job.target must be a label name such as "cifar10-valid/test", got ${describe(job.target)}`,
    );
  if (typeof job.labelsDigest !== "string" || !/^[0-9a-f]{16}$/.test(job.labelsDigest))
    throw new BadJobError(`job.labelsDigest must be 16 hex digits, got ${describe(job.labelsDigest)}`);
  const run = fields(
    job.run,
    "job.run",
    ["method", "labels", "seed", "options", "unlabeled", "sample"],
    ["method", "labels", "seed"],
  );
  if (!(METHODS as readonly unknown[]).includes(run.method))
    throw new BadJobError(`job.run.method must be one of ${METHODS.join(", ")}, got ${describe(run.method)}`);
  const ours = methodFingerprint(run.method as Method);
  if (job.defaults !== ours)
    throw new BadJobError(
      `job.defaults is ${describe(job.defaults)}, not this worker's ${run.method as string} defaults (${ours}): ` +
        "the sweep was planned by another nas-assay version; run workers of the sweep's version",
    );
  const queued: QueuedRun = {
    method: run.method as Method,
    labels: integer(run.labels, "job.run.labels", 2),
    seed: integer(run.seed, "job.run.seed", 0),
  };
  if (run.options !== undefined) queued.options = options(run.options, "job.run.options");
  if (run.unlabeled !== undefined) queued.unlabeled = integer(run.unlabeled, "job.run.unlabeled", 0);
  if (run.sample !== undefined) queued.sample = integer(run.sample, "job.run.sample", 0);
  return {
    version: RUN_JOB_VERSION,
    space: job.space as SpaceName,
    target: job.target,
    labelsDigest: job.labelsDigest,
    defaults: ours,
    run: queued,
  };
}

/** What `evaluateSeed` runs for a job, on this machine's data. */
export function evaluationOf(job: RunJob, data: DataDir): { spec: EvaluationSpec; seed: number } {
  const { run } = job;
  return {
    spec: {
      method: run.method,
      space: job.space,
      data,
      target: job.target,
      labels: run.labels,
      options: run.options,
      unlabeled: run.unlabeled,
      sample: run.sample,
      labelsDigest: job.labelsDigest,
    },
    seed: run.seed,
  };
}

/**
 * Checks a result taken off the queue (a worker's return value) for the run of `job`. A score may be
 * null: JSON, here as in the results file, writes NaN (e.g. a correlation of constant predictions) so.
 * @throws BadJobError naming what is wrong.
 */
export function parseSeedResult(value: unknown, job: RunJob): SeedResult {
  const where = `the result of ${describeRun(job)}`;
  return checkedSeedResult(
    value,
    job.run.seed,
    job.run.sample ?? 0,
    (problem) => new BadJobError(`${where}: ${problem}`),
  );
}
