/**
 * The StudyStore contract, checked on both stores the same way: a study file (SQLite) and a study on a
 * throw-away PostgreSQL server. Same settings back, same refusals, same reserve/record semantics, the
 * same tell messages (bar the location), and pending architectures handed out again after the timeout.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { UserError } from "../errors.js";
import { Rng } from "../random.js";
import { startPostgres, type TestServer } from "../testing/servers.js";
import { TINY_SPEC, tinyDir, tinySpace } from "../testing/study-fixtures.js";
import type { StudySettings } from "./store.js";
import { createStore, openStore } from "./store-location.js";
import { Study } from "./study.js";

let postgres: TestServer;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

const SETTINGS: StudySettings = {
  space: TINY_SPEC,
  target: "val_acc",
  direction: "maximize",
  seed: 3,
  createdAt: "2026-01-01T00:00:00.000Z",
};

const proposal = (key: string) => ({ key, arch: { k: key }, predicted: 0.5, reason: "exploit" as const });

let made = 0;
/** A location for a new study of each kind. */
function newLocation(kind: string): string {
  made++;
  return kind === "postgresql" ? `${postgres.url}?study=contract${made}` : join(tinyDir().dir, `s${made}.db`);
}

/** The message of the error `promise` rejects with, the study's location replaced by LOCATION. */
async function messageOf(promise: Promise<unknown>, location: string): Promise<string> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof UserError, `not a UserError: ${(e as Error).stack}`);
    return e.message.split(location).join("LOCATION");
  }
  assert.fail("did not reject");
}

const KINDS = ["sqlite", "postgresql"] as const;

for (const kind of KINDS) {
  test(`${kind}: a study keeps its settings, is refused a second time, and a missing one is named`, async () => {
    const location = newLocation(kind);
    const store = await createStore(location, SETTINGS);
    assert.equal(store.location, location);
    assert.deepEqual(await store.settings(), SETTINGS);
    await store.close();
    await assert.rejects(createStore(location, SETTINGS), /already exists; choose another/);
    const again = await openStore(location);
    assert.deepEqual(await again.settings(), SETTINGS);
    assert.deepEqual(await again.counts(), { pending: 0, done: 0, failed: 0 });
    await again.close();
    const missing = newLocation(kind);
    // a PostgreSQL database names the studies it does hold (this one, at least)
    assert.match(
      await messageOf(openStore(missing), missing),
      kind === "sqlite"
        ? /^LOCATION: no such study \(create one with: nas-assay study create --study LOCATION …\)$/
        : /^LOCATION: no such study \(the database holds "[^;]*; create one with: nas-assay study create --study LOCATION …\)$/,
    );
  });

  test(`${kind}: reserve hands out each key once, skipping held ones, in the order proposed`, async () => {
    const store = await createStore(newLocation(kind), SETTINGS);
    const first = await store.reserve(["a", "b", "c"].map(proposal), 2);
    assert.deepEqual(
      first.map((t) => [t.key, t.state, t.number, t.predicted, t.reason]),
      [
        ["a", "pending", 1, 0.5, "exploit"],
        ["b", "pending", 2, 0.5, "exploit"],
      ],
    );
    assert.ok(first.every((t) => t.askedAt !== null && t.toldAt === null));
    const second = await store.reserve(["a", "b", "c", "d", "e"].map(proposal), 2);
    assert.deepEqual(
      second.map((t) => t.key),
      ["c", "d"],
    );
    // numbers follow the order of arrival with no gaps: a skipped (held) key uses up no number
    assert.deepEqual(
      second.map((t) => t.number),
      [3, 4],
    );
    assert.deepEqual(await store.reserve(["a", "b"].map(proposal), 2), []);
    assert.deepEqual([...(await store.keys())].sort(), ["a", "b", "c", "d"]);
    assert.deepEqual(await store.counts(), { pending: 4, done: 0, failed: 0 });
    // two callers at once: disjoint
    const [x, y] = await Promise.all([
      store.reserve(["e", "f", "g", "h"].map(proposal), 2),
      store.reserve(["e", "f", "g", "h"].map(proposal), 2),
    ]);
    assert.equal(new Set([...x, ...y].map((t) => t.key)).size, 4);
    assert.deepEqual(
      [...x, ...y].map((t) => t.number).sort((a, b) => a - b),
      [5, 6, 7, 8],
      "the second caller's skipped keys use up no numbers",
    );
    await store.close();
  });

  test(`${kind}: record writes all results or none, and each check sees what came before it in the call`, async () => {
    const store = await createStore(newLocation(kind), SETTINGS);
    await store.reserve([proposal("a")], 1);
    const seen: [number, string | undefined][] = [];
    const r = await store.record(
      [
        { key: "a", arch: { k: "a" }, outcome: { value: 0.5 } },
        { key: "b", arch: { k: "b" }, outcome: { value: 0.7 } },
        { key: "c", arch: { k: "c" }, outcome: { failed: true } },
        { key: "c", arch: { k: "c" }, outcome: { value: 0.6 } },
        { key: "b", arch: { k: "b" }, outcome: { value: 0.7 } },
      ],
      (_result, context) => {
        seen.push([context.done.count, context.existing?.state]);
        return context.existing?.state === "done" ? "skip" : "write";
      },
    );
    assert.deepEqual(r, { written: 4, skipped: 1 });
    assert.deepEqual(seen, [
      [0, "pending"],
      [1, undefined],
      [2, undefined],
      [2, "failed"],
      [3, "done"],
    ]);
    const trials = await store.trials();
    assert.deepEqual(
      trials.map((t) => [t.number, t.key, t.state, t.value, t.predicted, t.reason]),
      [
        [1, "a", "done", 0.5, 0.5, "exploit"],
        [2, "b", "done", 0.7, null, null],
        [3, "c", "done", 0.6, null, null],
      ],
    );
    assert.ok(trials.every((t) => t.toldAt !== null && !Number.isNaN(Date.parse(t.toldAt))));
    await assert.rejects(
      store.record(
        [
          { key: "d", arch: {}, outcome: { value: 0.1 } },
          { key: "e", arch: {}, outcome: { value: 0.2 } },
        ],
        (result) => {
          if (result.key === "e") throw new UserError("no e");
          return "write";
        },
      ),
      /no e/,
    );
    assert.deepEqual(await store.counts(), { pending: 0, done: 3, failed: 0 }, "d was not kept");
    // the next number follows on (with no gap left by the refused call on the server)
    const [f] = await store.reserve([proposal("f")], 1);
    assert.ok(f.number > 3);
    if (kind === "postgresql") assert.equal(f.number, 4);
    await store.close();
  });

  test(`${kind}: reclaim hands out again pending trials older than the timeout, once, oldest first`, async () => {
    const store = await createStore(newLocation(kind), SETTINGS);
    await store.reserve(["a", "b"].map(proposal), 2);
    await sleep(1200);
    await store.reserve(["c"].map(proposal), 1);
    await store.record([{ key: "b", arch: { k: "b" }, outcome: { value: 0.5 } }], () => "write");
    assert.deepEqual(await store.reclaim(60_000, 5), [], "none older than a minute");
    const reclaimed = await store.reclaim(800, 5);
    assert.deepEqual(
      reclaimed.map((t) => [t.key, t.state, t.reason]),
      [["a", "pending", "exploit"]],
      "b is told, c is young",
    );
    assert.deepEqual(await store.reclaim(800, 5), [], "its asked time was renewed");
    await sleep(1200);
    // c, asked just before a was handed out again, is now the oldest
    assert.deepEqual(
      (await store.reclaim(800, 1)).map((t) => t.key),
      ["c"],
      "the oldest first, n at most",
    );
    // two callers at once share the expired ones without overlap
    await sleep(1200);
    const [x, y] = await Promise.all([store.reclaim(800, 5), store.reclaim(800, 5)]);
    assert.deepEqual([...x, ...y].map((t) => t.key).sort(), ["a", "c"]);
    assert.deepEqual(await store.counts(), { pending: 2, done: 1, failed: 0 });
    await store.close();
  });

  test(`${kind}: release removes pending trials only, and a later reserve takes their keys again`, async () => {
    const store = await createStore(newLocation(kind), SETTINGS);
    await store.reserve(["a", "b", "c"].map(proposal), 3);
    await store.record([{ key: "b", arch: { k: "b" }, outcome: { value: 0.5 } }], () => "write");
    assert.equal(await store.release([]), 0);
    // b was told meanwhile and z was never in the study: both left alone
    assert.equal(await store.release(["a", "b", "z"]), 1);
    assert.deepEqual(
      (await store.trials()).map((t) => [t.key, t.state]),
      [
        ["b", "done"],
        ["c", "pending"],
      ],
    );
    assert.deepEqual(await store.keys(), new Set(["b", "c"]));
    const again = await store.reserve(["a", "c"].map(proposal), 2);
    assert.deepEqual(
      again.map((t) => t.key),
      ["a"],
      "a can be handed out again, c is still pending",
    );
    assert.ok(again[0].number > 3, "numbers are never given twice");
    // two callers releasing the same keys at once remove each trial once
    const [x, y] = await Promise.all([store.release(["a", "c"]), store.release(["a", "c"])]);
    assert.equal(x + y, 2);
    assert.deepEqual(await store.counts(), { pending: 0, done: 1, failed: 0 });
    await store.close();
  });

  test(`${kind}: a create whose fill (an import) fails leaves no study, and never removes what another process wrote`, async () => {
    const location = newLocation(kind);
    const refused = new UserError("the import was refused");
    await assert.rejects(
      createStore(location, SETTINGS, async (made) => {
        // a study file is filled under another name: no other process can reach it before it is whole,
        // and what the fill wrote goes with it (an import writes all or nothing: a PostgreSQL study
        // holding a trial after a failed fill holds another process's)
        if (kind === "sqlite") {
          await made.reserve([proposal("a")], 1);
          await assert.rejects(openStore(location), /no such study/);
        }
        throw refused;
      }),
      (e) => e === refused,
    );
    await assert.rejects(openStore(location), /no such study/);
    if (kind === "sqlite")
      assert.deepEqual(
        readdirSync(dirname(location)).filter((f) => f.includes(".creating")),
        [],
      );
    (await createStore(location, SETTINGS)).close();
    if (kind === "postgresql") {
      // a PostgreSQL study is reachable while it is filled: what another process asked into it meanwhile
      // keeps it (removing it lost a result another tell had confirmed)
      const shared = newLocation(kind);
      await assert.rejects(
        createStore(shared, SETTINGS, async () => {
          const other = await openStore(shared);
          await other.reserve([proposal("b")], 1);
          await other.close();
          throw refused;
        }),
        /the import was refused \(.* was made and is kept: another process asked or told into it meanwhile\)/,
      );
      const kept = await openStore(shared);
      assert.deepEqual(await kept.counts(), { pending: 1, done: 0, failed: 0 });
      await kept.close();
    }
  });

  test(`${kind}: Study.ask hands out expired pending architectures first (again: true), then new ones`, async () => {
    const store = await createStore(
      newLocation(kind),
      Study.settings({ spec: TINY_SPEC, target: "val_acc" }),
    );
    const study = await Study.open(store, tinySpace());
    const first = await study.ask(3);
    assert.ok(first.every((a) => !a.again));
    await study.tell(first[0].arch, 0.9);
    await sleep(200);
    const second = await study.ask(4, { pendingTimeoutMs: 100 });
    assert.deepEqual(
      second.map((a) => a.again),
      [true, true, false, false],
    );
    assert.deepEqual(
      second.slice(0, 2).map((a) => a.key),
      first.slice(1).map((a) => a.key),
    );
    assert.equal(new Set([...first, ...second].map((a) => a.key)).size, 5);
    assert.equal((await study.ask(1)).length, 1, "the default timeout (24 h) hands out none again");
    await assert.rejects(study.ask(1, { pendingTimeoutMs: 0 }), /pending timeout must be a positive number/);
    await study.close();
  });
}

test("both stores: replace corrects a told result in place (same trial, counts kept) and says what changed", async () => {
  for (const kind of KINDS) {
    const location = newLocation(kind);
    const study = await Study.open(
      await createStore(location, Study.settings({ spec: TINY_SPEC, target: "val_acc" })),
      tinySpace(),
    );
    const [a, b, c] = tinySpace().sample(new Rng(2), 3);
    await study.tellMany([
      { arch: a, outcome: { value: 0.39 }, source: "a" },
      { arch: b, outcome: { value: 0.9 }, source: "b" },
      { arch: c, outcome: { failed: true }, source: "c" },
    ]);
    const before = await study.trials();
    await assert.rejects(study.tell(a, 0.93), /refusing a second value 0\.93.*--replace/, kind);
    assert.deepEqual(
      await study.tellMany(
        [
          { arch: a, outcome: { value: 0.93 }, source: "fixed.csv line 2" },
          { arch: b, outcome: { value: 0.9 }, source: "fixed.csv line 3" },
          { arch: c, outcome: { value: 0.8 }, source: "fixed.csv line 4" },
        ],
        { replace: true },
      ),
      {
        written: 2,
        skipped: 1,
        replaced: [
          { source: "fixed.csv line 2", was: 0.39, now: 0.93 },
          { source: "fixed.csv line 4", was: "failed", now: 0.8 },
        ],
      },
      `${kind}: every change is listed under replace (a value over failed too); the same value is skipped`,
    );
    assert.deepEqual(await study.tell(b, { failed: true }, { replace: true }), {
      written: 1,
      skipped: 0,
      replaced: [{ source: JSON.stringify(tinySpace().jsonOf(b)), was: 0.9, now: "failed" }],
    });
    const after = await study.trials();
    assert.deepEqual(
      after.map((t) => [t.number, t.key, t.state, t.value]),
      before.map((t) => [
        t.number,
        t.key,
        t.key === before[1].key ? "failed" : "done",
        t.key === before[0].key
          ? 0.93
          : t.key === before[1].key
            ? null
            : t.key === before[2].key
              ? 0.8
              : t.value,
      ]),
      `${kind}: the same trials, corrected in place`,
    );
    assert.deepEqual(await study.store.counts(), { pending: 0, done: 2, failed: 1 });
    assert.equal((await study.best())?.value, 0.93);
    // a correction keeps the trial's told time (the best-so-far curve orders by it)
    assert.equal(
      (await study.trials()).find((t) => t.key === before[0].key)?.toldAt,
      before[0].toldAt,
      `${kind}: told time kept`,
    );
    // replace does not lift the other rules
    await assert.rejects(study.tell(a, 93, { replace: true }), /looks like a percent/, kind);
    // a value told again unchanged stays in the range the rules judge by: a file repeating the study's
    // fractions let a percent in beside them
    const [d] = tinySpace().sample(new Rng(9), 1);
    await assert.rejects(
      study.tellMany(
        [
          { arch: a, outcome: { value: 0.93 }, source: "again.csv line 2" },
          { arch: d, outcome: { value: 45 }, source: "again.csv line 3" },
        ],
        { replace: true },
      ),
      /again\.csv line 3: val_acc 45 looks like a percent, but this study's values are fractions/,
      kind,
    );
    await assert.rejects(study.tell(a, 0.5, { replace: "yes" } as never), /replace must be true or false/);
    await assert.rejects(study.tell(a, 0.5, { overwrite: true } as never), /unknown option "overwrite"/);
    await assert.rejects(study.tell(a, 0.5, null as never), /tell options must be an object/);
    await study.close();
    // the mistake the scale rules warn of most, corrected: a percent told first into what is a study of
    // fractions (the value being replaced is no part of the scale its correction is judged on)
    const typo = await Study.open(
      await createStore(newLocation(kind), Study.settings({ spec: TINY_SPEC, target: "val_acc" })),
      tinySpace(),
    );
    await typo.tell(a, 93.1);
    await assert.rejects(typo.tell(a, 0.931), /refusing a second value/);
    assert.deepEqual((await typo.tell(a, 0.931, { replace: true })).replaced?.[0], {
      source: JSON.stringify(tinySpace().jsonOf(a)),
      was: 93.1,
      now: 0.931,
    });
    await assert.rejects(typo.tell(b, 93.2), /looks like a percent/, `${kind}: a study of fractions now`);
    await typo.close();
  }
});

test("both stores give the same tell refusals, word for word bar the location", async () => {
  const messages: Record<string, string[]> = {};
  for (const kind of KINDS) {
    const location = newLocation(kind);
    const study = await Study.open(
      await createStore(location, Study.settings({ spec: TINY_SPEC, target: "val_acc" })),
      tinySpace(),
    );
    const [a, b] = tinySpace().sample(new Rng(1), 2);
    await study.tell(a, 0.91);
    // the told time differs between runs: keep it out of the comparison
    const strip = (m: string) => m.replace(/\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/, "(TIME)");
    messages[kind] = [
      strip(await messageOf(study.tell(b, 93.2), location)),
      strip(await messageOf(study.tell(a, 0.92), location)),
      strip(await messageOf(study.tell(a, { failed: true }), location)),
      strip(await messageOf(study.tell(b, Number.NaN), location)),
      strip(await messageOf(study.tell([9, 0, 0, 0, 0], 0.5), location)),
    ];
    assert.deepEqual(await study.tell(a, 0.91), { written: 0, skipped: 1 });
    assert.deepEqual(await study.store.counts(), { pending: 0, done: 1, failed: 0 });
    await study.close();
  }
  assert.match(messages.sqlite[0], /looks like a percent, but this study's values are fractions/);
  assert.match(messages.sqlite[1], /was told 0\.91 \(TIME\); refusing a second value 0\.92/);
  assert.deepEqual(messages.postgresql, messages.sqlite);
});

test("both stores under --scale percent: the spread of values of 1 or less across calls, and the warnings, alike", async () => {
  // PostgreSQL's read of the done values left out their largest of 1 or less: falling fractions told
  // one at a time all got in there, and no value told before its percents was warned of (tester B)
  const said: Record<string, unknown[]> = {};
  for (const kind of KINDS) {
    const location = newLocation(kind);
    const study = await Study.open(
      await createStore(location, Study.settings({ spec: TINY_SPEC, target: "val_acc", scale: "percent" })),
      tinySpace(),
    );
    const archs = tinySpace().sample(new Rng(2), 5);
    await study.tell(archs[0], 0.9);
    await study.tell(archs[1], 0.931);
    const refused = await messageOf(study.tell(archs[2], 0.85), location);
    const warned = await study.tellMany(
      [60, 94].map((value, k) => ({ arch: archs[k + 3], outcome: { value } })),
    );
    said[kind] = [refused, warned.warnings];
    await study.close();
  }
  assert.match(
    String(said.sqlite[0]),
    /val_acc 0\.85 and its 0\.931, kept as 0\.931 %, spread this study's values of 1 or less 0\.85–0\.931/,
  );
  assert.equal((said.sqlite[1] as string[]).length, 2, "0.9 and 0.931, each named");
  assert.deepEqual(said.postgresql, said.sqlite);
});
