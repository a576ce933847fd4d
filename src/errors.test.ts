import assert from "node:assert/strict";
import { test } from "node:test";
import {
  hasMembers,
  hidePasswords,
  oneLineMessage,
  openFilesExhausted,
  parseFailureReason,
  shownValue,
  UserError,
  UserErrors,
} from "./errors.js";

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

test("a user error's message as the command line prints it: one line, line breaks it quotes shown as \\n", () => {
  // --arch $'|conv~0|\n+|…|' and a results cell spanning lines printed the message over several lines
  assert.equal(
    oneLineMessage(new UserError('--arch |conv~0|\n+|conv~0|conv~1|: node 1 group "|conv~0|\r\n" must …')),
    '--arch |conv~0|\\n+|conv~0|conv~1|: node 1 group "|conv~0|\\r\\n" must …',
  );
  assert.equal(oneLineMessage(new UserError("plain")), "plain");
  // several problems (every bad field of a spec) stay one line each
  assert.equal(
    oneLineMessage(new UserErrors(['field "ops[0]" is "a\nb"', "field nodes"])),
    'field "ops[0]" is "a\\nb"\nfield nodes',
  );
});

test("shownValue names a Set or a Map and shows its members (JSON wrote both as {})", () => {
  assert.equal(shownValue(new Set([0, 3])), "a Set [0,3]");
  assert.equal(shownValue(new Map([["a", 1]])), 'a Map {"a":1}');
  assert.equal(shownValue(-0), "-0");
  assert.equal(shownValue({ a: [1, 2] }), '{"a":[1,2]}');
  // and a typed array as {"0":…} (tester Z)
  assert.equal(shownValue(Int32Array.from([0, 2])), "an Int32Array [0,2]");
  assert.equal(shownValue(Float64Array.from([0.5])), "a Float64Array [0.5]");
  // JSON writes a promise as {} as well
  assert.equal(shownValue(Promise.resolve(1)), "a Promise (not awaited?)");
});

test("hasMembers tells an object with members of the given types from anything else", () => {
  const space = { name: "s", key: () => "k", size: 3 };
  assert.equal(hasMembers(space, { name: "string", key: "function" }), true);
  assert.equal(hasMembers(space, { key: "function", size: "string" }), false);
  for (const wrong of [null, undefined, 5, "s", () => 0])
    assert.equal(hasMembers(wrong, { key: "function" }), false);
  assert.equal(hasMembers([1, 2], { length: "number" }), true);
});

test("a message never shows a URL's password, whichever code wrote it (a study URL given as --space)", () => {
  const said = oneLineMessage(
    new UserError(
      "cannot read the space spec postgresql://worker:a-long-secret@127.0.0.1:5432/nas?study=t1&password=pw2: no such file",
    ),
  );
  assert.equal(
    said,
    "cannot read the space spec postgresql://worker:***@127.0.0.1:5432/nas?study=t1&password=***: no such file",
  );
  // what holds no password is left alone: an example URL, a host and port, a file name
  const plain = "expected postgresql://user@host:port/database?study=NAME or redis://host:6379; runs.db";
  assert.equal(hidePasswords(plain), plain);
});

test("a URL mistyped with a slash missing does not show its password either (postgresql:/…, postgresql//…)", () => {
  for (const [given, shown] of [
    [
      "postgresql:/worker:wpw@127.0.0.1:5432/nas?study=m1",
      "postgresql:/worker:***@127.0.0.1:5432/nas?study=m1",
    ],
    [
      "postgresql:worker:wpw@127.0.0.1:5432/nas?study=m1",
      "postgresql:worker:***@127.0.0.1:5432/nas?study=m1",
    ],
    [
      "the folder postgresql//worker:wpw@127.0.0.1:5432 does not exist",
      "the folder postgresql//worker:***@127.0.0.1:5432 does not exist",
    ],
    ["redis:/:wpw@127.0.0.1:6379", "redis:/:***@127.0.0.1:6379"],
  ])
    assert.equal(oneLineMessage(new UserError(`${given}: not a study file`)), `${shown}: not a study file`);
  const plain = 'nas-assay: --arch {"layer1":"mb3_k3"}: at 10:30 ann@db.lab said so';
  assert.equal(hidePasswords(plain), plain);
});

test("shownValue cuts what it echoes at 200 characters unless told otherwise (a Set of 2,000 ids made a 10,641-character line)", () => {
  const ids = new Set(Array.from({ length: 2000 }, (_, i) => i));
  const shown = shownValue(ids);
  assert.ok(shown.startsWith("a Set [0,1,2,") && shown.endsWith("…"), shown);
  assert.ok(shown.length < 220, `${shown.length} characters`);
  assert.equal(shownValue("50"), '"50"');
});

test("running out of open files is said in one line naming the limit, whether as EMFILE or as a module not found", () => {
  const emfile = Object.assign(new Error("EMFILE: too many open files, open '/x/pending.js'"), {
    code: "EMFILE",
    path: "/x/pending.js",
  });
  assert.equal(
    openFilesExhausted(emfile, 64)?.message,
    "too many open files: this process reached its limit of open files (64, ulimit -n) opening /x/pending.js; " +
      "raise the limit (ulimit -n 1024) or run fewer jobs at once, and run again",
  );
  const notFound = Object.assign(new Error("Cannot find module '/x/node_modules/csv-parse/sync'"), {
    code: "ERR_MODULE_NOT_FOUND",
  });
  assert.match(
    openFilesExhausted(notFound, 64)?.message ?? "",
    /^too many open files: a module of nas-assay was not found, which under this low limit of open files \(64, ulimit -n\) is one that could not be opened; /,
  );
  // a module missing under an ordinary limit, and any other error, are left to be reported as they are
  assert.equal(openFilesExhausted(notFound, 4096), undefined);
  assert.equal(openFilesExhausted(new Error("boom"), 64), undefined);
  assert.equal(openFilesExhausted(undefined, 64), undefined);
});
