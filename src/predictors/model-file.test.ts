/**
 * A model file edited by hand or damaged is refused at load, naming the field, never predicted from:
 * each case edits a real saved model (a small forest, a small MLP and an ensemble of them).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { Rng } from "../random.js";
import type { SearchSpace } from "../spaces/search-space.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";
import { nb201WithLabels } from "../testing/predictor-checks.js";
import { E2eppPredictor } from "./e2epp.js";
import { EnsemblePredictor } from "./ensemble.js";
import { mlpNetwork } from "./mlp.js";
import { checkModelOutput, MODEL_VERSION, modelTarget } from "./model-file.js";
import { loadPredictor } from "./registry.js";
import { MAX_PREDICT_ORDERS, SupervisedPredictor } from "./supervised.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "nas-assay-model-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let space: SearchSpace<unknown>;
/** Saved models: their paths, and their JSON. */
const saved: Record<"e2epp" | "mlp" | "ensemble", { path: string; json: Record<string, unknown> }> =
  Object.create(null);

/** A small MLP: seconds to fit, the same file format as a real one. */
function smallMlp(): SupervisedPredictor {
  return new SupervisedPredictor("mlp", space, mlpNetwork(space, { hidden: [16] }), {
    minSteps: 10,
    maxSteps: 10,
    predictOrders: 2,
  });
}

before(async () => {
  const data = await nb201WithLabels();
  space = data.space;
  const labeled = space.sample(new Rng(0), 60);
  const input = { space, labeled, labels: Float64Array.from(labeled, (id) => data.truth[id]), seed: 0 };
  const models = {
    e2epp: new E2eppPredictor(space, { trees: 5 }),
    mlp: smallMlp(),
    ensemble: new EnsemblePredictor("mlp-ensemble", space, [smallMlp(), smallMlp()]),
  };
  for (const [name, model] of Object.entries(models)) {
    await model.fit(input);
    const path = join(dir, `${name}.nasa`);
    model.save(path);
    saved[name as keyof typeof saved] = { path, json: JSON.parse(readFileSync(path, "utf8")) };
  }
});

/** The fields of the saved models that the cases below edit. */
interface EditableModel {
  method: unknown;
  version: unknown;
  weights: { data: string }[];
  trees: { value: string; threshold: string }[];
  training: { predictOrders: unknown };
  calibration: { scores: unknown[] };
  members: EditableModel[];
}

/** A copy of a saved model with `edit` applied, written to NAME.nasa; its path. */
function edited(of: keyof typeof saved, name: string, edit: (file: EditableModel) => void): string {
  const file = structuredClone(saved[of].json) as unknown as EditableModel;
  edit(file);
  const path = join(dir, `${name}.nasa`);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

/** Writes the sha256 of the edited `file` into it, as train does (the field last, over the rest as written). */
function resealed(file: EditableModel): void {
  const body = file as unknown as Record<string, unknown>;
  delete body.sha256;
  body.sha256 = createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

/** base64 float32 values with value `x` at `index`. */
function withValue(base64: string, index: number, x: number): string {
  const values = new Float32Array(new Uint8Array(Buffer.from(base64, "base64")).buffer);
  values[index] = x;
  return Buffer.from(values.buffer).toString("base64");
}

/** loadPredictor refuses `path` with a BadFileError whose message names the file and matches `message`. */
async function refused(path: string, message: RegExp): Promise<void> {
  await assert.rejects(loadPredictor(path, space), (e: Error) => {
    assert.ok(e instanceof BadFileError, `${e.name}: ${e.message}`);
    assert.ok(e.message.startsWith(`${path}: `), e.message);
    assert.match(e.message, message);
    return true;
  });
}

test("the models as saved load and predict finite values (the edits below are the only fault)", async () => {
  for (const { path } of Object.values(saved)) {
    const values = await (await loadPredictor(path, space)).predict([0, 1, 2]);
    assert.ok(values.every(Number.isFinite), path);
  }
  // a number was read as a file descriptor (0: standard input, forever); a folder, a missing file in words
  await assert.rejects(
    loadPredictor(0 as never, space),
    /loadPredictor: the model file's path must be a file name, got 0/,
  );
  await assert.rejects(
    loadPredictor(dir, space),
    (e: Error) => e.message === `${dir}: is a folder; expected a model file (train --out writes one)`,
  );
  await assert.rejects(loadPredictor(join(dir, "none.nasa"), space), /none\.nasa: no such file$/);
  // no space, or a space of no ids (a spec's ArchitectureSpace): said, not "nb201 has undefined cells"
  for (const wrong of [undefined, { name: "nb201", kind: "edge-cell" }])
    await assert.rejects(
      loadPredictor(saved.mlp.path, wrong as never),
      (e: Error) =>
        e instanceof UserError &&
        /space must be the search space of cell ids the model was trained on/.test(e.message),
    );
});

test("a NaN or infinite weight, threshold or leaf value is refused, naming the field and the index", async () => {
  await refused(
    edited("mlp", "mlp-nan", (f) => {
      f.weights[1].data = withValue(f.weights[1].data, 3, Number.NaN);
    }),
    /field "weights\[1\]\.data" holds NaN at index 3; every value must be finite/,
  );
  await refused(
    edited("mlp", "mlp-inf", (f) => {
      f.weights[0].data = withValue(f.weights[0].data, 0, Number.POSITIVE_INFINITY);
    }),
    /field "weights\[0\]\.data" holds Infinity at index 0/,
  );
  await refused(
    edited("e2epp", "forest-nan", (f) => {
      f.trees[2].value = withValue(f.trees[2].value, 0, Number.NaN);
    }),
    /field "trees\[2\]\.value" holds NaN at index 0/,
  );
  await refused(
    edited("e2epp", "forest-threshold", (f) => {
      f.trees[0].threshold = withValue(f.trees[0].threshold, 0, Number.NEGATIVE_INFINITY);
    }),
    /field "trees\[0\]\.threshold" holds -Infinity at index 0/,
  );
  await refused(
    edited("mlp", "mlp-calibration", (f) => {
      f.calibration.scores[0] = "0.5";
    }),
    /field "calibration\.scores" must be a non-empty array of finite numbers/,
  );
  await refused(
    edited("ensemble", "ensemble-nan", (f) => {
      f.members[1].weights[0].data = withValue(f.members[1].weights[0].data, 7, Number.NaN);
    }),
    /members\[1\]: field "weights\[0\]\.data" holds NaN at index 7/,
  );
});

test("an e2epp model without trees is refused", async () => {
  await refused(
    edited("e2epp", "no-trees", (f) => {
      f.trees = [];
    }),
    /field "trees" is empty; a forest has at least one tree/,
  );
  await refused(
    edited("e2epp", "trees-object", (f) => {
      (f as unknown as Record<string, unknown>).trees = {};
    }),
    /field "trees" is an object; expected a JSON array/,
  );
});

test(`predictOrders is bounded to 1..${MAX_PREDICT_ORDERS} at load`, async () => {
  for (const orders of [1e9, MAX_PREDICT_ORDERS + 1, 0, 1.5, "4"])
    await refused(
      edited("mlp", "orders", (f) => {
        f.training.predictOrders = orders;
      }),
      new RegExp(
        `field "training\\.predictOrders" is ${JSON.stringify(orders).replace(/[.]/g, "\\.")}; expected an integer from 1 to ${MAX_PREDICT_ORDERS}`,
      ),
    );
  // the bound itself loads (an edit, with the file's sha256 made again)
  const most = edited("mlp", "most-orders", (f) => {
    f.training.predictOrders = MAX_PREDICT_ORDERS;
    resealed(f);
  });
  assert.equal(
    ((await loadPredictor(most, space)) as SupervisedPredictor).training.predictOrders,
    MAX_PREDICT_ORDERS,
  );
});

test("a network or training option this nas-assay does not know (a newer version's model) is refused, not dropped", async () => {
  // the network was rebuilt from its defaults and the file's known options: a newer version's variant
  // was predicted as this version's network, in silence
  const network = edited("mlp", "newer-network", (f) => {
    (f as unknown as { network: Record<string, unknown> }).network.pooling = "sum";
    resealed(f);
  });
  await refused(
    network,
    /field "network\.pooling" is "sum"; this nas-assay's mlp has no such option \(a model of a newer nas-assay version, or an edit\)/,
  );
  const training = edited("mlp", "newer-training", (f) => {
    (f.training as Record<string, unknown>).predictFlips = 2;
    resealed(f);
  });
  await refused(training, /field "training\.predictFlips" is 2; this nas-assay's mlp has no such option/);
  // inside an ensemble too
  const member = edited("ensemble", "newer-member", (f) => {
    (f.members[1] as unknown as { network: Record<string, unknown> }).network.dropout = 0.1;
    resealed(f);
  });
  await assert.rejects(
    loadPredictor(member, space),
    /field "network\.dropout" is 0\.1; this nas-assay's mlp/,
  );
});

test("an edited method is refused, naming the field the other method needs", async () => {
  await refused(
    edited("mlp", "mlp-as-ssa", (f) => {
      f.method = "ssa";
    }),
    /field "options" is missing; a "ssa" model has it \(was "method" edited\?\)/,
  );
  await refused(
    edited("e2epp", "forest-as-mlp", (f) => {
      f.method = "mlp";
    }),
    /field "network" is missing; a "mlp" model has it/,
  );
  await refused(
    edited("mlp", "mlp-as-e2epp", (f) => {
      f.method = "e2epp";
    }),
    /field "options" is missing; a "e2epp" model has it/,
  );
  await refused(
    edited("e2epp", "forest-as-ensemble", (f) => {
      f.method = "mlp-ensemble";
    }),
    /field "members" is missing; a "mlp-ensemble" model has it/,
  );
  await refused(
    edited("ensemble", "ensemble-of-forests", (f) => {
      f.members[0] = saved.e2epp.json as unknown as EditableModel;
    }),
    /members\[0\]: field "method" is "e2epp"; the members of mlp-ensemble are mlp models/,
  );
  // a member's method edited to another network's: refused for its method, not for its weights
  await refused(
    edited("ensemble", "ensemble-member-as-transformer", (f) => {
      f.members[1].method = "transformer";
    }),
    /members\[1\]: field "method" is "transformer"; the members of mlp-ensemble are mlp models/,
  );
  await refused(
    edited("ensemble", "mlp-ensemble-as-self-training", (f) => {
      f.method = "transformer-self-training";
    }),
    /members\[0\]: field "method" is "mlp"; the members of transformer-self-training are transformer models/,
  );
  await refused(
    edited("mlp", "unknown-method", (f) => {
      f.method = "xgboost";
    }),
    /field "method" is "xgboost", not a method of this nas-assay \(ssa, /,
  );
  await refused(
    edited("mlp", "no-method", (f) => {
      f.method = 3;
    }),
    /field "method" is 3; expected a method name/,
  );
});

test("an edited version is refused, saying what it is and what is read", async () => {
  await refused(
    edited("mlp", "version-text", (f) => {
      f.version = String(MODEL_VERSION);
    }),
    new RegExp(
      `field "version" is "${MODEL_VERSION}"; this nas-assay reads model files of version ${MODEL_VERSION} \\(the number\\)`,
    ),
  );
  await refused(
    edited("e2epp", "version-next", (f) => {
      f.version = MODEL_VERSION + 1;
    }),
    new RegExp(
      `field "version" is ${MODEL_VERSION + 1}; this nas-assay reads model files of version ${MODEL_VERSION} \\(the number\\): written by a newer nas-assay; read it with that one`,
    ),
  );
  await refused(
    edited("e2epp", "version-before", (f) => {
      f.version = MODEL_VERSION - 1;
    }),
    new RegExp(
      `field "version" is ${MODEL_VERSION - 1}; this nas-assay reads model files of version ${MODEL_VERSION} \\(the number\\): written by an older nas-assay; train the model again`,
    ),
  );
});

test("an edited space or space size is refused, saying what the file says and what the space has", async () => {
  // the message said "was trained on nb201 (15626 cells), not nb201"
  await refused(
    edited("e2epp", "space-size", (f) => {
      (f as unknown as { spaceSize: number }).spaceSize = space.size + 1;
    }),
    new RegExp(`field "spaceSize" is ${space.size + 1}, but ${space.name} has ${space.size} cells`),
  );
  await refused(
    edited("e2epp", "space-name", (f) => {
      (f as unknown as { space: string }).space = "nb101";
    }),
    new RegExp(`was trained on "nb101", not on ${space.name}$`),
  );
});

test("predict with an edited model: one line naming the file and the field, status 1", () => {
  const cells = join(dir, "cells.jsonl");
  writeFileSync(
    cells,
    '{"arch": "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"}\n',
  );
  for (const [model, field] of [
    [join(dir, "mlp-nan.nasa"), "weights[1].data"],
    [join(dir, "no-trees.nasa"), "trees"],
    [join(dir, "orders.nasa"), "training.predictOrders"],
  ]) {
    const r = spawnSync(
      process.execPath,
      [MAIN, "--data", testData().dir, "predict", "--model", model, "--cells", cells],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    assert.ok(r.stderr.startsWith(`nas-assay: ${model}: field "${field}" `), r.stderr);
  }
});

test("predict with a short file that is not JSON: one line (JSON.parse quoted its line break)", () => {
  const model = join(dir, "nope.nasa");
  writeFileSync(model, "nope\n");
  const r = spawnSync(
    process.execPath,
    [MAIN, "--data", testData().dir, "predict", "--model", model, "--cells", model],
    {
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr.split("\n").length, 2, r.stderr); // one line (V8's wording may change)
  assert.ok(r.stderr.startsWith(`nas-assay: ${model}: not a nas-assay model file (`), r.stderr);
  assert.ok(r.stderr.includes('"nope\\n"'), r.stderr);
});

test("a model file cut short, empty, damaged or binary says so, never quoting unprintable bytes", async () => {
  const whole = readFileSync(saved.mlp.path);
  const cut = join(dir, "cut.nasa");
  writeFileSync(cut, whole.subarray(0, whole.length - 100));
  // it said "not a nas-assay model file (Unterminated string in JSON at position …)"
  const cutShort = new RegExp(
    `^${cut.replace(/[.\\/]/g, "\\$&")}: a nas-assay model file cut short or damaged \\(its JSON ends early, ` +
      `after [0-9,]+ bytes: a copy or save interrupted\\?\\); train and save it again \\(train --out\\)$`,
  );
  await refused(cut, cutShort);
  const damaged = join(dir, "damaged.nasa");
  writeFileSync(damaged, whole.toString("utf8").replace('"weights"', '"wei"ghts"'));
  await refused(
    damaged,
    /: a nas-assay model file damaged \(its JSON is not valid: .*\); train and save it again/,
  );
  // random bytes: V8's message quoted them ("Unexpected token 'r', "riy\uFFFD\uFFFD…")
  const binary = join(dir, "binary.nasa");
  writeFileSync(binary, Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 151 + 7) % 256)));
  await refused(
    binary,
    /: not a nas-assay model file \(binary, not JSON\); expected the model file train --out writes$/,
  );
  // without a zero byte and valid UTF-8, control characters are binary too
  const control = join(dir, "control.nasa");
  writeFileSync(control, "r\u0001\u0002iy\u0007");
  await refused(control, /\(binary, not JSON\)/);
  // an empty file: it said "not a nas-assay model file (Unexpected end of JSON input)"
  const empty = join(dir, "empty.nasa");
  writeFileSync(empty, "");
  const emptyMessage =
    /: is empty \(a copy or save interrupted, a full disk\?\); expected the model file train --out writes: train and save it again \(train --out\)$/;
  await refused(empty, emptyMessage);
  // predict reads the space from the file first: the same messages there
  for (const [model, message] of [
    [cut, cutShort],
    [empty, emptyMessage],
    [binary, /\(binary, not JSON\)/],
  ] as const) {
    const r = spawnSync(process.execPath, [MAIN, "predict", "--model", model, "--cells", model], {
      encoding: "utf8",
    });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    assert.match(r.stderr.replace(/^nas-assay: /, "").trimEnd(), message);
  }
});

test("predict refuses a model whose space was edited to another before loading that space", () => {
  const moved = edited("mlp", "mlp-nb101", (f) => {
    (f as unknown as { space: string }).space = "nb101";
  });
  // an empty cache: loading NAS-Bench-101 would enumerate it there (seconds) before the refusal
  const cache = join(dir, "empty-cache");
  const r = spawnSync(process.execPath, [MAIN, "predict", "--model", moved, "--cells", moved], {
    encoding: "utf8",
    env: { ...process.env, NAS_ASSAY_CACHE: cache },
  });
  assert.equal(r.status, 1, r.stderr);
  assert.equal(
    r.stderr,
    `nas-assay: ${moved}: field "spaceSize" is 15625, but nb101 has 423624 cells (the file was edited, or written for another version of the space)\n`,
  );
  assert.ok(!existsSync(cache), "NAS-Bench-101 was not enumerated into the cache");
});

test("a byte changed on disk that every field's check lets through is refused by the file's sha256, and so is a file without one", async () => {
  // a weight still a finite number (what flipping bytes in the middle of a file does): predicted from before
  const changed = edited("mlp", "mlp-one-weight", (f) => {
    f.weights[0].data = withValue(f.weights[0].data, 3, 12345);
  });
  await refused(changed, /does not match the sha256 written with it: it was changed after train wrote it/);
  const member = edited("ensemble", "ensemble-member-weight", (f) => {
    f.members[1].weights[0].data = withValue(f.members[1].weights[0].data, 0, -7);
  });
  await refused(member, /does not match the sha256 written with it/);
  // the field deleted (with an edit it would have caught: break test), or a file written before it
  for (const [name, edit] of [
    ["e2epp-no-digest", () => {}],
    ["e2epp-no-digest-scale", (f: EditableModel) => Object.assign(f, { scale: "percent" })],
  ] as const)
    await refused(
      edited("e2epp", name, (f) => {
        edit(f);
        delete (f as { sha256?: unknown }).sha256;
      }),
      /^\S+: field "sha256" is missing; train writes it with every model, so the file was edited \(or written by a nas-assay before 2026-12-01, which did not write it\): train it again$/,
    );
  assert.match(String(saved.e2epp.json.sha256), /^[0-9a-f]{64}$/);
});

test("a model file's target and scale are read back, and a wrong one is refused by field", () => {
  assert.equal(modelTarget("m.nasa", {}), undefined, "a file written before targets were recorded");
  assert.deepEqual(modelTarget("m.nasa", { target: "val_acc", scale: "percent" }), {
    target: "val_acc",
    scale: "percent",
  });
  assert.throws(
    () => modelTarget("m.nasa", { target: 3 }),
    /m\.nasa: field "target" is 3; expected the name/,
  );
  assert.throws(
    () => modelTarget("m.nasa", { target: "acc", scale: "permille" }),
    /field "scale" is "permille"; expected fraction, percent or none/,
  );
});

test("a model file saved again with a byte-order mark (an editor's) loads, as label files do: it was 'Unexpected token'", async () => {
  const path = join(dir, "bom.nasa");
  writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(saved.mlp.path)]));
  // and train --out may write over it: it is a model, not a file of the user's
  checkModelOutput(path, "--out");
  const withMark = await loadPredictor(path, space);
  const plain = await loadPredictor(saved.mlp.path, space);
  try {
    assert.deepEqual(await withMark.predict([0, 1, 2]), await plain.predict([0, 1, 2]));
  } finally {
    withMark.dispose();
    plain.dispose();
  }
});

test("the library's save(path) refuses a file that is no model, as train --out does (it replaced a study, a CSV, a page)", async () => {
  const model = await loadPredictor(saved.ensemble.path, space);
  try {
    const files = {
      "runs.db": Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(100)]),
      "trained.csv": Buffer.from(
        "arch,val_acc\n|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|,0.9\n",
      ),
      "report.html": Buffer.from("<html>my report</html>\n"),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      assert.throws(
        () => model.save(path),
        (e: Error) =>
          e instanceof UserError &&
          e.message ===
            `save ${path}: a file that is not a nas-assay model is there; writing would destroy it: give another name (model.nasa, say)`,
      );
      assert.deepEqual(readFileSync(path), bytes, `${name} is kept`);
    }
    // a model, an empty file or no file may be written (saved again after a refit)
    const again = join(dir, "again.nasa");
    writeFileSync(again, "");
    model.save(again);
    model.save(again);
    assert.equal(JSON.parse(readFileSync(again, "utf8")).method, "mlp-ensemble");
  } finally {
    model.dispose();
  }
});
