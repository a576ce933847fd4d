import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { Rng } from "../random.js";
import { tinyDir, tinyResults, tinySpace } from "../testing/study-fixtures.js";
import { simulate, simulateBaselines, simulateSeed } from "./simulate.js";

test("simulate refuses a --step above what one ask hands out, before reading anything", async () => {
  // --step 7000 reached Study.ask, which refuses more than its candidates can give (6,666 by default)
  const spec = { specFile: "missing.json", tableFile: "missing.csv", target: "val_acc", budget: 7000 };
  await assert.rejects(
    simulateSeed({ ...spec, batch: 6667 }, 0),
    (e: Error) =>
      e instanceof UserError && /simulate: batch \(--step\) must be at most 6666 .*got 6667/.test(e.message),
  );
  await assert.rejects(
    simulateSeed({ ...spec, batch: 11, ask: { candidates: 30 } }, 0),
    /batch \(--step\) must be at most 10 /,
  );
  // called with no settings at all: one line, not "Cannot convert undefined or null to object"
  for (const nothing of [undefined, null, 3])
    await assert.rejects(
      simulate(nothing as never, [0]),
      (e: Error) => e instanceof UserError && /simulate needs an object of settings/.test(e.message),
    );
  // within the bound the spec is read as before (here: a missing spec file, one line)
  await assert.rejects(
    simulateSeed({ ...spec, batch: 10 }, 0),
    (e: Error) => e instanceof UserError && !/--step/.test(e.message),
  );
});

test("simulate refuses seeds and jobs that are no list of distinct seeds, or no count, before reading anything", async () => {
  const spec = {
    specFile: "missing.json",
    tableFile: "missing.csv",
    target: "val_acc",
    budget: 10,
    batch: 5,
  };
  for (const [seeds, jobs, pattern] of [
    [3, 1, /simulate needs a list of seeds \(at least one\), got 3/],
    [[], 1, /simulate needs a list of seeds/],
    [[-1], 1, /simulate: a seed must be an integer in 0\.\.2147483647 \(2\^31 - 1\), got -1/],
    [[0, 0], 1, /simulate: the seed 0 is given twice/],
    [[0], 0, /simulate: jobs must be a positive integer, got 0/],
  ] as const)
    await assert.rejects(
      simulate(spec, seeds as never, jobs),
      (e: Error) => e instanceof UserError && pattern.test(e.message),
    );
  await assert.rejects(
    simulate({ ...spec, budget: 0 }, [0]),
    /simulate: budget \(--budget\) must be a positive integer, got 0/,
  );
  // a progress callback that is no function: refused before the table is read (here missing), not
  // "onProgress is not a function" once the first seed reports
  await assert.rejects(
    simulate(spec, [0], 1, 5 as never),
    (e: Error) =>
      e instanceof UserError &&
      /simulate: onProgress must be a function of the share done .*got 5/.test(e.message),
  );
});

test("simulate refuses a table of fractions with a row in percent, naming the row (it ranked first)", async () => {
  const { dir, spec } = tinyDir();
  try {
    const lines = tinyResults(tinySpace().sample(new Rng(5), 40))
      .trim()
      .split("\n");
    // the 7th row (line 8) logged in percent: 0.8-0.9 elsewhere
    lines[7] = lines[7].replace(/,([0-9.]+)$/, (_, v: string) => `,${+(Number(v) * 100).toFixed(4)}`);
    const tableFile = join(dir, "all.csv");
    writeFileSync(tableFile, `${lines.join("\n")}\n`);
    await assert.rejects(
      simulateSeed({ specFile: spec, tableFile, target: "val_acc", budget: 20, batch: 10 }, 0),
      (e: Error) =>
        e instanceof UserError &&
        /all\.csv: val_acc mixes percentages and fractions: 1 value above 1 \(line 8: \d+(\.\d+)?\)/.test(
          e.message,
        ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("simulate refuses a failed row with one message (it offered 'failed', then refused it)", async () => {
  const { dir, spec } = tinyDir();
  try {
    const lines = tinyResults(tinySpace().sample(new Rng(6), 20))
      .trim()
      .split("\n");
    lines[3] = lines[3].replace(/,[0-9.]+$/, ",failed");
    const tableFile = join(dir, "all.csv");
    writeFileSync(tableFile, `${lines.join("\n")}\n`);
    await assert.rejects(
      simulateSeed({ specFile: spec, tableFile, target: "val_acc", budget: 10, batch: 10 }, 0),
      (e: Error) =>
        e instanceof UserError &&
        /all\.csv: line 4: val_acc is "failed"; expected a decimal number \(a table for simulate needs a value on every row\)$/.test(
          e.message,
        ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("simulate: a table accepted is played to the end (the loop does not judge its values again), --scale as study create", async () => {
  const { dir, spec } = tinyDir();
  try {
    // error rates in percent, many of 1 % or less (a train error): refused without --scale, which says
    // so; with --scale percent the whole loop runs (it stopped halfway on a table it had accepted)
    const lines = tinyResults(tinySpace().sample(new Rng(7), 60), "train_error")
      .trim()
      .split("\n")
      .map((line, k) =>
        k === 0
          ? line
          : line.replace(
              /,([0-9.]+)$/,
              (_, v: string) => `,${k % 3 === 0 ? 20 + k : +(1 - Number(v)).toFixed(4)}`,
            ),
      );
    const tableFile = join(dir, "err.csv");
    writeFileSync(tableFile, `${lines.join("\n")}\n`);
    const base = { specFile: spec, tableFile, target: "train_error", minimize: true, budget: 60, batch: 5 };
    await assert.rejects(
      simulateSeed(base, 0),
      /err\.csv: train_error mixes percentages and fractions: .*as fractions \(23 → 0\.23\) .*\(if those of 1 or less are percents — error rates of 1 % or less — give simulate --scale percent\)$/,
    );
    const curves = await simulateSeed({ ...base, scale: "percent" }, 0);
    assert.equal(curves.ask.length, 60);
    // from JavaScript, a guessed key or a truthy string would change the direction unsaid
    await assert.rejects(
      simulateSeed({ ...base, direction: "minimize" } as never, 0),
      /simulate: unknown option "direction"/,
    );
    await assert.rejects(
      simulateSeed({ ...base, minimize: "false" } as never, 0),
      /minimize must be true or false/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the baselines' seeds are independent: on a table sorted by value, seeds 0–19 draw their first row all over it", async () => {
  // with new Rng(seed), seed s drew row N − 1 − s first: on a table sorted by value random search's first
  // pick was among the 20 best rows on every seed
  const { dir, spec } = tinyDir();
  try {
    const archs = tinySpace().sample(new Rng(9), 64);
    const lines = tinyResults(archs).trim().split("\n");
    const value = (line: string) => Number(line.slice(line.lastIndexOf(",") + 1));
    const rows = lines.slice(1).sort((a, b) => value(a) - value(b));
    const tableFile = join(dir, "sorted.csv");
    writeFileSync(tableFile, `${[lines[0], ...rows].join("\n")}\n`);
    const seeds = Array.from({ length: 20 }, (_, s) => s);
    const { perSeed } = await simulateBaselines(
      { specFile: spec, tableFile, target: "val_acc", budget: 1, batch: 10 },
      seeds,
    );
    const ranks = perSeed.random["1"].map((x) => x.rank);
    // 20 uniform draws of 64 rows span fewer than 32 ranks with probability about 1e-5
    assert.ok(Math.max(...ranks) - Math.min(...ranks) >= 32, `first draws' ranks ${ranks.join(" ")}`);
    assert.deepEqual(
      perSeed.evolution["1"],
      perSeed.random["1"],
      "evolution starts with random search's draws",
    );
    // the baselines alone give what simulate gives
    const one = await simulateSeed({ specFile: spec, tableFile, target: "val_acc", budget: 1, batch: 10 }, 3);
    assert.equal(one.random[0], perSeed.random["1"][3].value);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("simulate's means and stds stay numbers on values near the largest double (--scale none): the sums overflowed to null in JSON", async () => {
  const { dir, spec } = tinyDir();
  try {
    const archs = tinySpace().sample(new Rng(3), 12);
    const lines = tinyResults(archs, "score").trim().split("\n");
    // every value ±1e308: the mean of two seeds' bests summed to Infinity, their squared deviations too
    const rows = lines.slice(1).map((line, k) => line.replace(/,[^,]*$/, `,${k % 2 ? "1e308" : "-1e308"}`));
    const tableFile = join(dir, "huge.csv");
    writeFileSync(tableFile, `${[lines[0], ...rows].join("\n")}\n`);
    const base = { specFile: spec, tableFile, target: "score", scale: "none" as const, budget: 4, batch: 10 };
    for (const minimize of [false, true]) {
      const { strategies } = await simulateBaselines({ ...base, minimize }, [0, 1, 2, 3]);
      for (const { curve, at } of Object.values(strategies)) {
        assert.equal(curve.length, 4);
        assert.ok(curve.every(Number.isFinite), `curve ${curve.join(" ")}`);
        for (const { mean, std } of Object.values(at))
          assert.ok(Number.isFinite(mean) && Number.isFinite(std));
      }
      const best = minimize ? -1e308 : 1e308;
      assert.equal(strategies.random.curve.at(-1), best, "every seed found a best of ±1e308 by 4 of 12");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("simulate refuses an empty or missing target as no column's name, before reading anything", async () => {
  for (const target of ["", undefined, 3])
    await assert.rejects(
      simulateSeed(
        { specFile: "none.json", tableFile: "none.csv", target, budget: 4, batch: 10 } as never,
        0,
      ),
      (e: Error) =>
        e instanceof UserError &&
        e.message.startsWith(
          "simulate: target (--target) must be the name of the table's column to optimize, got ",
        ),
      String(target),
    );
});

test("simulate --scale percent warns of a fraction kept among the table's percents, as tell does", async () => {
  const { dir, spec } = tinyDir();
  try {
    const lines = tinyResults(tinySpace().sample(new Rng(8), 30), "val_acc", 100)
      .trim()
      .split("\n");
    // line 6 written as a fraction (0.8…) among percents of 80–90
    lines[5] = lines[5].replace(/,([0-9.]+)$/, (_, v: string) => `,${+(Number(v) / 100).toFixed(6)}`);
    const tableFile = join(dir, "p.csv");
    writeFileSync(tableFile, `${lines.join("\n")}\n`);
    const run = await simulate(
      { specFile: spec, tableFile, target: "val_acc", scale: "percent", budget: 12, batch: 4 },
      [0],
    );
    assert.equal(run.warnings.length, 1);
    assert.match(
      run.warnings[0],
      /p\.csv line 6: val_acc 0\.8\d* is read as 0\.8\d* % \(the table's scale is percent: --scale percent\), far below the table's values \(8\d(\.\d+)?–\d+(\.\d+)? %\); if it is 8\d(\.\d+)? %, write 8\d(\.\d+)? in the table$/,
    );
    // the same table without the slip: no warning
    lines[5] = lines[4];
    writeFileSync(tableFile, `${lines.join("\n")}\n`);
    const clean = await simulate(
      { specFile: spec, tableFile, target: "val_acc", scale: "percent", budget: 12, batch: 4 },
      [0],
    );
    assert.deepEqual(clean.warnings, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
