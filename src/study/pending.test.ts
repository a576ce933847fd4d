import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { TINY_SPEC, tinySpace } from "../testing/study-fixtures.js";
import { checkPendingTimeout, MAX_PENDING_TIMEOUT_MS, parseDuration } from "./pending.js";
import { SqliteStudyStore } from "./sqlite-store.js";
import { Study } from "./study.js";

test("a pending timeout beyond 100 years is refused in one line, not an 'Invalid time value' crash", async () => {
  assert.equal(parseDuration("36500d"), MAX_PENDING_TIMEOUT_MS);
  for (const huge of ["36501d", "99999999999d", "1000000000000000000000h"])
    assert.throws(
      () => parseDuration(huge),
      (e: Error) =>
        e instanceof UserError && /at most 36500d \(100 years\), at least 1ms; got "/.test(e.message),
      huge,
    );
  // under half a millisecond rounds to 0: refused as the duration written, not passed on as 0
  assert.throws(() => parseDuration("0.4ms"), /at least 1ms; got "0\.4ms"/);
  assert.equal(parseDuration("0.5ms"), 1);
  assert.throws(() => checkPendingTimeout(MAX_PENDING_TIMEOUT_MS + 1), UserError);
  assert.equal(checkPendingTimeout(MAX_PENDING_TIMEOUT_MS), MAX_PENDING_TIMEOUT_MS);
  // the longest accepted timeout works end to end: the reclaim cut-off is a valid date
  const store = await SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target: "val_acc" }));
  const study = await Study.open(store, tinySpace());
  assert.equal((await study.ask(2, { pendingTimeoutMs: MAX_PENDING_TIMEOUT_MS })).length, 2);
  assert.equal((await study.ask(1, { pendingTimeoutMs: MAX_PENDING_TIMEOUT_MS })).length, 1);
  await assert.rejects(study.ask(1, { pendingTimeoutMs: 8.64e17 }), /at most 3153600000000 \(100 years\)/);
});

test('ask refuses a pending timeout given as text: from JavaScript "5" was taken as 5 ms and handed every pending one out again', async () => {
  const store = await SqliteStudyStore.memory(Study.settings({ spec: TINY_SPEC, target: "val_acc" }));
  const study = await Study.open(store, tinySpace());
  await study.ask(2);
  await new Promise((resolve) => setTimeout(resolve, 10));
  for (const text of ["5", "24h"])
    await assert.rejects(
      study.ask(1, { pendingTimeoutMs: text as never }),
      (e: Error) =>
        e instanceof UserError &&
        e.message ===
          `the pending timeout must be a number of milliseconds, got the text "${text}"; parseDuration turns a duration such as "24h" into one`,
    );
  await assert.rejects(study.ask(1, { pendingTimeoutMs: [5] as never }), /milliseconds, .*got \[5\]$/);
  // nothing was handed out again by the refused calls
  assert.equal((await study.summary()).pending, 2);
  assert.ok((await study.ask(1, { pendingTimeoutMs: parseDuration("24h") })).every((a) => !a.again));
  await study.close();
});
