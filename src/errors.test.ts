import assert from "node:assert/strict";
import { test } from "node:test";
import { parseFailureReason } from "./errors.js";

test("a parser's reason is one line, even when it quotes an input with line breaks", () => {
  let error: unknown;
  try {
    JSON.parse("a\r\nb\n");
  } catch (e) {
    error = e;
  }
  assert.match((error as Error).message, /\n/, "JSON.parse quotes the input whole");
  const reason = parseFailureReason(error);
  assert.doesNotMatch(reason, /[\r\n]/);
  assert.ok(reason.includes("a\\nb\\n"), reason);
  assert.equal(parseFailureReason("plain"), "plain");
});
