import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { Rng } from "../random.js";
import { tinyDir } from "../testing/study-fixtures.js";
import { createStudyFile, openStudyFile } from "./study-file.js";

test("study create keeps the scale it is given: a fraction study refuses a percent as its first value", async () => {
  const { dir, spec } = tinyDir();
  try {
    const path = join(dir, "fraction.db");
    const { study } = await createStudyFile({
      study: path,
      specFile: spec,
      target: "val_acc",
      scale: "fraction",
    });
    assert.equal(study.settings.scale, "fraction");
    const [arch] = study.space.sample(new Rng(0), 1);
    await assert.rejects(
      study.tell(arch, 93.1),
      /val_acc 93\.1 is not an accuracy; expected a fraction in \[0, 1\]/,
    );
    await study.close();
    const again = await openStudyFile(path);
    assert.equal(again.settings.scale, "fraction", "the scale is stored in the file");
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("study create refuses a scale for a target that is not an accuracy, and leaves no file", async () => {
  const { dir, spec } = tinyDir();
  try {
    const path = join(dir, "loss.db");
    await assert.rejects(
      createStudyFile({ study: path, specFile: spec, target: "loss", scale: "percent" }),
      /a scale \(percent\) is for accuracy-like targets/,
    );
    await assert.rejects(openStudyFile(path), /no such study/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("study create refuses a target named like a decision: no results file could hold both", async () => {
  const { dir, spec } = tinyDir();
  try {
    const path = join(dir, "width.db");
    await assert.rejects(
      createStudyFile({ study: path, specFile: spec, target: "width" }),
      /the target "width" is also a column of tiny's architectures \(layer1, layer2, layer3, layer4, width\)/,
    );
    await assert.rejects(openStudyFile(path), /no such study/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("study create --import '' (an unset shell variable) is refused, not a study made with nothing imported", async () => {
  const { dir, spec } = tinyDir();
  try {
    const path = join(dir, "empty-import.db");
    await assert.rejects(
      createStudyFile({ study: path, specFile: spec, target: "val_acc", importFile: "" }),
      (e: Error) =>
        e instanceof UserError && /^an empty file name; expected a results CSV file/.test(e.message),
    );
    await assert.rejects(openStudyFile(path), /no such study/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
