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

test("a NaN or Infinity (Python's json.dumps writes them) is named as the reason a line is no JSON", () => {
  // every line holding one was refused as "no line is a JSON object", with no word of why
  assert.throws(
    () => jsonLines("r.jsonl", '{"arch":"a","val_acc":NaN}\n{"arch":"b","val_acc":-Infinity}\n'),
    /^BadFileError: r\.jsonl: no line is a JSON object \(line 1: NaN is not JSON, though Python's json\.dumps writes it for a float nan or inf: write a number, or "failed" for a run that did not finish\); expected JSON Lines/,
  );
  const rows = jsonLines("r.jsonl", '{"arch":"a","val_acc":0.5}\n{"arch":"NaN","t":-Infinity}\n');
  assert.match(String(rows[1].fields.error), /^not a JSON object \(-Infinity is not JSON, though/);
  // a NaN inside a string is text, not the reason
  const other = jsonLines("r.jsonl", '{"arch":"a","val_acc":0.5}\n{"arch":"NaN",}\n');
  assert.doesNotMatch(String(other[1].fields.error), /NaN is not JSON/);
  // no such token: JSON.parse's reason, said for the first line
  assert.throws(
    () => jsonLines("r.jsonl", "{x}\n{y}\n"),
    /no line is a JSON object \(line 1: .*JSON.*\); expected/,
  );
});

test("JSON written over several lines (pretty-printed) is refused as such, not as a file cut short", () => {
  // one object with indent, no line end at the end: it said "the file ends cut short (a copy interrupted?)"
  for (const text of [
    '{\n  "arch": "a",\n  "val_acc": 0.9\n}',
    '{\n  "arch": "a",\n  "val_acc": 0.9\n}\n{\n  "arch": "b",\n  "val_acc": 0.8\n}\n',
    '{"arch":"a","val_acc":0.9}\n{\r\n "arch": "b", "val_acc": 0.8\r\n}\r\n',
  ])
    assert.throws(
      () => jsonLines("r.jsonl", text),
      /^BadFileError: r\.jsonl: line [12] is "\{" alone: its objects are written over several lines \(pretty-printed JSON\); JSON Lines holds each whole object on one line/,
    );
  // a "{" inside a string is no such line
  assert.equal(jsonLines("r.jsonl", '{"arch":"a","notes":"x\\n{\\n"}\n').length, 1);
});
