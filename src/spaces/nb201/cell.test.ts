import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidCellError } from "../../errors.js";
import { cellCode, cellFromCode, formatArch, NB201_CELLS, outputReachable, parseArch } from "./cell.js";

const EXAMPLE =
  "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

test("every one of the 15,625 cells round trips through its arch string and code", () => {
  const seen = new Set<string>();
  for (let code = 0; code < NB201_CELLS; code++) {
    const arch = formatArch(cellFromCode(code));
    assert.equal(cellCode(parseArch(arch)), code);
    seen.add(arch);
  }
  assert.equal(seen.size, NB201_CELLS);
  assert.deepEqual(parseArch(EXAMPLE).ops, [
    "nor_conv_3x3",
    "nor_conv_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "nor_conv_3x3",
    "skip_connect",
  ]);
});

test("malformed arch strings are clear errors naming the rule", () => {
  const rule = (arch: string) => {
    try {
      parseArch(arch);
    } catch (e) {
      assert.ok(e instanceof InvalidCellError);
      return e.rule;
    }
    return "accepted";
  };
  assert.equal(rule("|none~0|+|none~0|none~1|"), "format");
  assert.equal(rule("|none~0|+|none~0|none~1|+|none~0|none~1|"), "format");
  assert.equal(rule("none~0|+|none~0|none~1|+|none~0|none~1|none~2|"), "format");
  assert.equal(rule("|none~0|+|none~0|none~2|+|none~0|none~1|none~2|"), "edge-order");
  assert.equal(rule("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|"), "op");
  assert.equal(rule("|none-0|+|none~0|none~1|+|none~0|none~1|none~2|"), "format");
  assert.equal(rule(EXAMPLE), "accepted");
});

test("cells whose every input→output path has a none edge are recognised", () => {
  assert.equal(outputReachable(parseArch(EXAMPLE)), true);
  assert.equal(outputReachable(parseArch("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")), false);
  // input→1 is skip, but 1→3 and 1→2 are none and 0→2, 0→3 none: unreachable
  assert.equal(
    outputReachable(parseArch("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|nor_conv_3x3~2|")),
    false,
  );
  assert.equal(
    outputReachable(parseArch("|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|nor_conv_3x3~2|")),
    true,
  );
});

test("formatArch refuses what is no NAS-Bench-201 cell by its rule, naming what it got (from JavaScript: a TypeError, or op index -1)", () => {
  for (const cell of [null, undefined, "|none~0|", {}, { ops: ["none"] }, { ops: Array(6).fill("conv") }])
    assert.throws(
      () => formatArch(cell as never),
      (e: Error) =>
        e instanceof InvalidCellError &&
        /^invalid cell: formatArch needs a cell \{ ops \} of 6 ops, one per edge, each one of none, skip_connect, .*; got /.test(
          e.message,
        ),
      JSON.stringify(cell),
    );
  assert.equal(formatArch({ ops: Array(6).fill("none") }), "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
});
