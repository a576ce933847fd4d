import assert from "node:assert/strict";
import { test } from "node:test";
import { loadBenchmark, targetValues } from "./benchmark.js";
import { UserError } from "./errors.js";
import { testData } from "./testing/fixtures.js";

test("a benchmark is a space plus named label arrays, for both spaces", async () => {
  const nb101 = await loadBenchmark("nb101", testData());
  assert.equal(nb101.space.size, 423_624);
  assert.deepEqual(Object.keys(nb101.targets).sort(), ["flops", "test_accuracy_run0"]);
  assert.equal(targetValues(nb101)[307498], 0.9466145634651184);
  const nb201 = await loadBenchmark("nb201", testData());
  assert.equal(nb201.space.size, 15_625);
  assert.equal(Object.keys(nb201.targets).length, 9);
  const c100 = targetValues(nb201, "cifar100/test");
  assert.equal(c100.length, 15_625);
  assert.equal(Math.max(...c100).toFixed(4), "0.7351");
  assert.equal(targetValues(nb201), nb201.targets["cifar10-valid/test"]);
  assert.throws(
    () => targetValues(nb201, "cifar10/test"),
    (e: Error) =>
      e instanceof UserError &&
      /no target "cifar10\/test" in nb201; targets are cifar10-valid\/train/.test(e.message),
  );
  // the space instead of the benchmark, or nothing: said, not "reading 'defaultTarget'"
  assert.throws(
    () => targetValues(nb201.space as never),
    /^UserError: targetValues needs a benchmark .*got the space nb201 \(the benchmark's \.space; pass the benchmark\)$/,
  );
  assert.throws(
    () => targetValues(undefined as never),
    /^UserError: targetValues needs a benchmark .*got undefined$/,
  );
  // an empty path (an unset variable) is not the working directory
  await assert.rejects(
    loadBenchmark("nb201", ""),
    /^UserError: loadBenchmark: the data directory is an empty path/,
  );
  // a name on Object's prototype is no target
  assert.throws(() => targetValues(nb201, "constructor"), /no target "constructor" in nb201/);
});
