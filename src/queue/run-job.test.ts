import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunSpec } from "../experiments/experiments.js";
import { methodFingerprint } from "../predictors/registry.js";
import { queueAddress } from "./address.js";
import { BadJobError, parseRunJob, parseSeedResult, runJob, runJobId } from "./run-job.js";

const TARGET = "cifar10-valid/test";
const LABELS = "0123456789abcdef";

test("a run's payload survives the trip through JSON, and its job id is its identity", () => {
  const run: RunSpec = {
    method: "ssa",
    labels: 1000,
    seed: 3,
    options: { sigma: 0.05 },
    series: "sigma",
    x: 0.05,
  };
  const job = runJob("nb201", TARGET, LABELS, run);
  assert.deepEqual(
    Object.keys(job.run).sort(),
    ["labels", "method", "options", "seed"],
    "where it is drawn stays home",
  );
  assert.deepEqual(parseRunJob(JSON.parse(JSON.stringify(job))), job);
  assert.equal(runJobId(job), runJobId(runJob("nb201", TARGET, LABELS, { ...run, series: "other", x: 9 })));
  // an option at its default value is the same run (runKey), another seed or space is not
  assert.equal(
    runJobId(
      runJob("nb201", TARGET, LABELS, { method: "ssa", labels: 100, seed: 0, options: { lambda: 0.5 } }),
    ),
    runJobId(runJob("nb201", TARGET, LABELS, { method: "ssa", labels: 100, seed: 0 })),
  );
  const ids = new Set(
    [
      runJob("nb201", TARGET, LABELS, { ...run, seed: 4 }),
      runJob("nb101", TARGET, LABELS, run),
      runJob("nb201", "cifar100/test", LABELS, run),
      // the same run on other labels (another --data) is another job: its result was not reused
      runJob("nb201", TARGET, "fedcba9876543210", run),
      job,
    ].map(runJobId),
  );
  assert.equal(ids.size, 5);
  assert.match(runJobId(job), /^run-[0-9a-f]{32}$/);
});

test("payloads that are not nas-assay runs are refused, naming the field", () => {
  const good = {
    version: 3,
    space: "nb201",
    target: TARGET,
    labelsDigest: LABELS,
    defaults: methodFingerprint("ssa"),
    run: { method: "ssa", labels: 100, seed: 0 },
  };
  const refused: [unknown, RegExp][] = [
    ["rm -rf /", /job must be an object/],
    [null, /job must be an object/],
    [[good], /job must be an object/],
    [{ ...good, code: "process.exit(1)" }, /unknown field\(s\) code/],
    [{ ...good, version: 2 }, /job\.version must be 3/],
    [{ ...good, defaults: undefined }, /job lacks defaults/],
    [{ ...good, labelsDigest: undefined }, /job lacks labelsDigest/],
    [{ ...good, labelsDigest: "../x" }, /job\.labelsDigest must be 16 hex digits/],
    [{ ...good, space: "../etc" }, /job\.space must be one of nb101, nb201/],
    [{ ...good, target: "../../x" }, /job\.target/],
    [{ ...good, target: undefined }, /job lacks target/],
    [{ ...good, run: { ...good.run, method: "eval" } }, /job\.run\.method must be one of/],
    [{ ...good, run: { ...good.run, labels: 1.5 } }, /job\.run\.labels must be an integer ≥ 2/],
    [{ ...good, run: { ...good.run, labels: "100" } }, /job\.run\.labels must be an integer/],
    [{ ...good, run: { ...good.run, seed: -1 } }, /job\.run\.seed must be an integer ≥ 0/],
    [{ ...good, run: { ...good.run, data: "/tmp" } }, /job\.run has unknown field\(s\) data/],
    [
      { ...good, run: { ...good.run, options: { require: "fs" } } },
      /job\.run\.options has unknown field\(s\) require/,
    ],
    [
      { ...good, run: { ...good.run, options: { sigma: "0.1" } } },
      /job\.run\.options\.sigma must be like 0\.1/,
    ],
    [{ ...good, run: { ...good.run, options: { sigma: -1 } } }, /sigma must be > 0/],
    [{ ...good, run: { ...good.run, options: { channels: [4] } } }, /channels must be like \[4,8\]/],
    [{ ...good, run: { ...good.run, unlabeled: -5 } }, /job\.run\.unlabeled must be an integer ≥ 0/],
    [Object.assign(Object.create({ polluted: true }), good), /job must be an object/],
  ];
  for (const [payload, message] of refused)
    assert.throws(
      () => parseRunJob(payload),
      (e: unknown) => e instanceof BadJobError && message.test((e as Error).message),
      `${JSON.stringify(payload)} → ${message}`,
    );
  assert.deepEqual(parseRunJob(good), good);
});

test("a job planned with other method defaults (another nas-assay version) is refused by the worker, and is another job", () => {
  // a worker of an older version ran the transformer with its own epochs and flow layers, and its
  // numbers went into the sweep's table beside this version's
  const run: RunSpec = { method: "transformer", labels: 78, seed: 0 };
  const job = runJob("nb201", TARGET, LABELS, run);
  assert.equal(job.defaults, methodFingerprint("transformer"));
  const older = { ...job, defaults: "0123456789abcdef" };
  assert.throws(
    () => parseRunJob(JSON.parse(JSON.stringify(older))),
    (e: unknown) =>
      e instanceof BadJobError &&
      /^job\.defaults is "0123456789abcdef", not this worker's transformer defaults \([0-9a-f]{16}\): the sweep was planned by another nas-assay version/.test(
        (e as Error).message,
      ),
  );
  assert.notEqual(runJobId(older), runJobId(job), "its result is not this version's job's");
});

test("a worker's result is checked before it lands in the results file", () => {
  const job = runJob("nb201", TARGET, LABELS, { method: "ssa", labels: 100, seed: 2, sample: 3 });
  const result = {
    seed: 2,
    ktau: 0.5,
    spearman: 0.6,
    pearson: 0.7,
    mse: null, // NaN, as JSON writes it
    precisionAt100: 0.1,
    predictedBestTruth: 0.9,
    fitSeconds: 1,
    predictSeconds: 0.1,
    sample: { predicted: [1, 2, 3], actual: [3, 2, 1] },
  };
  // null is NaN again, as evaluateSeed gave it (left null, it counted as 0 in a mean over seeds)
  assert.deepEqual(parseSeedResult(result, job), { ...result, mse: Number.NaN });
  // a run whose predictions were constant (its correlations NaN, with the reason) was refused as an unknown field
  const constant = {
    ...result,
    ktau: null,
    spearman: null,
    pearson: null,
    undefinedCorrelation: "the predictions are constant",
  };
  assert.deepEqual(parseSeedResult(constant, job), {
    ...constant,
    ktau: Number.NaN,
    spearman: Number.NaN,
    pearson: Number.NaN,
    mse: Number.NaN,
  });
  assert.throws(
    () => parseSeedResult({ ...result, pearson: 1.5 }, job),
    /pearson must be a number in -1\.\.1/,
  );
  assert.throws(() => parseSeedResult({ ...result, seed: 1 }, job), /for seed 1, not 2/);
  assert.throws(() => parseSeedResult({ ...result, ktau: "high" }, job), /ktau must be a number/);
  assert.throws(() => parseSeedResult({ ...result, extra: 1 }, job), /unknown field\(s\) extra/);
  assert.throws(() => parseSeedResult({ ...result, spearman: undefined }, job), /lacks spearman/);
  assert.throws(
    () => parseSeedResult({ ...result, sample: { predicted: [1, 2, 3, 4], actual: [] } }, job),
    /sample\.predicted must be at most 3 numbers/,
  );
});

test("a Redis URL is checked and shown without its password", () => {
  assert.deepEqual(queueAddress("redis://127.0.0.1:6379"), {
    url: "redis://127.0.0.1:6379",
    shown: "redis://127.0.0.1:6379",
  });
  const secret = queueAddress("rediss://worker:s3cr%40t@queue.example:6380/2");
  assert.equal(secret.shown, "rediss://worker:***@queue.example:6380/2");
  for (const [text, message] of [
    ["http://u:s3cret@host", /redis:\/\/ or rediss:\/\/ URL, got "http:\/\/u:\*\*\*@host\/"/],
    ["not a url :s3cret@", /--queue must be a Redis URL/],
    ["redis://:s3cret@host:6379/queue", /database number .*redis:\/\/:\*\*\*@host:6379\/queue/],
    [
      "redis://host:6379/0?password=s3cret",
      /no \?query or #fragment here, got "redis:\/\/host:6379\/0" followed by "\?password=\*\*\*"$/,
    ],
    // a bare host:port holds no password: echoed, with the fix
    ["127.0.0.1:56379", /, got "127\.0\.0\.1:56379": write redis:\/\/127\.0\.0\.1:56379$/],
  ] as const)
    assert.throws(
      () => queueAddress(text),
      (e: unknown) => message.test((e as Error).message) && !(e as Error).message.includes("s3cret"),
      text,
    );
});
