import assert from "node:assert/strict";
import { test } from "node:test";
import { JSON_NESTING_LIMIT, nestsTooDeep } from "./json-depth.js";
import { jsonLines } from "./json-lines.js";

const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

test("nestsTooDeep counts arrays and objects as levels, scalars as none, without recursion", () => {
  assert.equal(nestsTooDeep(0.5), false);
  assert.equal(nestsTooDeep(null), false);
  assert.equal(
    nestsTooDeep(
      {
        matrix: [
          [0, 1],
          [0, 0],
        ],
        ops: ["input", "output"],
      },
      3,
    ),
    false,
  );
  assert.equal(
    nestsTooDeep(
      {
        matrix: [
          [0, 1],
          [0, 0],
        ],
      },
      2,
    ),
    true,
  );
  assert.equal(nestsTooDeep(JSON.parse(nested(JSON_NESTING_LIMIT))), false);
  assert.equal(nestsTooDeep(JSON.parse(nested(JSON_NESTING_LIMIT + 1))), true);
  // a depth JSON.stringify cannot write (it overflows the stack) is measured all the same
  const deep = JSON.parse(nested(200_000));
  assert.throws(() => JSON.stringify(deep), RangeError);
  assert.equal(nestsTooDeep(deep), true);
});

test("a JSON Lines line nested 10,000 levels deep is a row refused by its line, not a stack overflow later", () => {
  const text = `{"arch":"a","val_acc":0.5}\n{"arch":"b","val_acc":0.5,"notes":${nested(10_000)}}\n`;
  const rows = jsonLines("r.jsonl", text);
  assert.deepEqual(rows[0], { line: 1, fields: { arch: "a", val_acc: 0.5 } });
  assert.deepEqual(rows[1], {
    line: 2,
    fields: {
      error:
        "nests arrays or objects more than 64 levels deep; expected one object of columns (a cell's matrix nests 2 levels)",
    },
  });
});
