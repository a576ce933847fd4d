import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonLines } from "./json-lines.js";

test("a line holding a string of millions of characters (a log kept in a column) is read as its object", () => {
  // the check for numbers JSON.parse changes recursed once per character: "Maximum call stack size
  // exceeded", and the file was refused as "no line is a JSON object"
  const log = `${"x".repeat(10_000_000)}\\"quoted\\\\`;
  const rows = jsonLines(
    "r.jsonl",
    `{"arch":"a","notes":"${log}","val_acc":0.9}\n{"arch":"b","val_acc":1e-400,"n":"${log}"}\n`,
  );
  assert.equal(rows.length, 2);
  assert.equal(rows[0].fields.val_acc, 0.9);
  assert.equal((rows[0].fields.notes as string).length, 10_000_000 + 8);
  // a number after such a string is still looked at as written
  assert.match(String(rows[1].fields.error), /^holds a number that cannot be read as written: /);
});
