import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { BadFileError, UserError } from "../errors.js";
import { tinyDir } from "../testing/study-fixtures.js";
import { fileError, SqliteStudyStore, STUDY_SCHEMA_VERSION } from "./sqlite-store.js";
import type { StudySettings } from "./store.js";

const SETTINGS: StudySettings = {
  space: { name: "tiny", kind: "choices", decisions: [] },
  target: "val_acc",
  direction: "maximize",
  seed: 3,
  createdAt: "2026-01-01T00:00:00.000Z",
};

const proposal = (key: string) => ({ key, arch: { k: key }, predicted: 0.5, reason: "exploit" as const });

test("a study file keeps its settings, is WAL, and refuses to be made twice", async () => {
  const path = join(tinyDir().dir, "s.db");
  const store = await SqliteStudyStore.create(path, SETTINGS);
  assert.deepEqual(await store.settings(), SETTINGS);
  await store.close();
  const db = new Database(path);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("user_version", { simple: true }), STUDY_SCHEMA_VERSION);
  db.close();
  await assert.rejects(SqliteStudyStore.create(path, SETTINGS), /s\.db already exists/);
  // a link to nothing: said so, not "already exists"
  const dangling = join(dirname(path), "link.db");
  symlinkSync(join(dirname(path), "nowhere.db"), dangling);
  await assert.rejects(
    SqliteStudyStore.create(dangling, SETTINGS),
    /link\.db is a symbolic link to \S+nowhere\.db, which does not exist; give the study's own path/,
  );
  const again = await SqliteStudyStore.open(path);
  assert.equal((await again.settings()).seed, 3);
  await again.close();
});

test("create refuses a -wal or -shm left beside the path by a removed study (SQLite would replay it into the new one)", async () => {
  const { dir } = tinyDir();
  const path = join(dir, "s.db");
  writeFileSync(`${path}-wal`, "the log of a study removed after a kill");
  await assert.rejects(SqliteStudyStore.create(path, SETTINGS), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.match(
      e.message,
      /^s\.db-wal is left beside .*s\.db from a study that is no longer there .*move it away/,
    );
    return true;
  });
  assert.equal(existsSync(path), false, "no study made");
  assert.equal(
    readFileSync(`${path}-wal`, "utf8"),
    "the log of a study removed after a kill",
    "the log kept",
  );
  rmSync(`${path}-wal`);
  // a lone -shm (SQLite's index of the log) is rebuilt harmlessly
  writeFileSync(`${path}-shm`, "");
  await (await SqliteStudyStore.create(path, SETTINGS)).close();
});

test("open refuses a missing file, a file that is not SQLite, another SQLite file, another schema version", async () => {
  const { dir } = tinyDir();
  await assert.rejects(SqliteStudyStore.open(join(dir, "none.db")), (e: Error) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /none\.db: no such study \(create one with: nas-assay study create/);
    return true;
  });
  // an empty --study ("" from an unset shell variable) is named as such, not ": no such study"
  await assert.rejects(SqliteStudyStore.open(""), /--study is empty \(""\); expected a study file/);
  const text = join(dir, "text.db");
  writeFileSync(text, "layer1,val_acc\nmb3,0.9\n".repeat(200));
  await assert.rejects(SqliteStudyStore.open(text), (e: Error) => {
    assert.ok(e instanceof BadFileError);
    assert.match(e.message, /text\.db: is not a nas-assay study \(file is not a database\)/);
    return true;
  });
  await assert.rejects(
    SqliteStudyStore.open(dir),
    /: is a folder; expected a study file \(made by nas-assay study create\)$/,
  );
  const other = join(dir, "other.db");
  new Database(other).exec("CREATE TABLE t (x)");
  await assert.rejects(
    SqliteStudyStore.open(other),
    /other\.db: is an SQLite file but not a nas-assay study/,
  );
  const empty = join(dir, "empty.db");
  writeFileSync(empty, "");
  await assert.rejects(SqliteStudyStore.open(empty), /empty\.db: is an empty file; expected a study file/);
  await assert.rejects(SqliteStudyStore.open(empty, "read"), /is an empty file/);
  const newer = join(dir, "newer.db");
  (await SqliteStudyStore.create(newer, SETTINGS)).close();
  const db = new Database(newer);
  db.pragma(`user_version = ${STUDY_SCHEMA_VERSION + 1}`);
  db.close();
  await assert.rejects(
    SqliteStudyStore.open(newer),
    new RegExp(
      `newer\\.db: is a study of schema version ${STUDY_SCHEMA_VERSION + 1}; this nas-assay reads version ${STUDY_SCHEMA_VERSION}`,
    ),
  );
});

test("a study holding a setting this nas-assay does not know (a newer version's) is refused, and left as it was", async () => {
  // its settings were read past it: a newer version's rule for ask or tell was ignored, in silence
  const { dir } = tinyDir();
  const path = join(dir, "newer-setting.db");
  (await SqliteStudyStore.create(path, SETTINGS)).close();
  const db = new Database(path);
  db.prepare("INSERT INTO settings (name, value) VALUES (?, ?)").run("exploration", "0.3");
  db.close();
  const before = readFileSync(path);
  for (const access of ["write", "read"] as const) {
    const store = await SqliteStudyStore.open(path, access);
    await assert.rejects(store.settings(), (e: Error) => {
      assert.ok(e instanceof BadFileError);
      assert.equal(
        e.message,
        `${path}: has the setting "exploration", which this nas-assay does not know (space, target, direction, scale, seed, createdAt): a study of a newer nas-assay version, or an edit; use the nas-assay that made it`,
      );
      return true;
    });
    store.close();
  }
  assert.deepEqual(readFileSync(path), before, "the study is left as it was");
  // the settings every nas-assay wrote still read, scale or none
  const known = join(dir, "known-settings.db");
  (await SqliteStudyStore.create(known, { ...SETTINGS, scale: "percent" })).close();
  const store = await SqliteStudyStore.open(known, "read");
  assert.equal((await store.settings()).scale, "percent");
  store.close();
});

test("SqliteStudyStore.memory refuses settings a study could not be opened with, naming what is missing", async () => {
  const { createdAt: _, ...noDate } = SETTINGS;
  // a hand-made object was taken, then refused at Study.open as a "damaged study"
  await assert.rejects(
    SqliteStudyStore.memory(noDate as never),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        'SqliteStudyStore.memory: no setting "createdAt" in the settings; make them with Study.settings({ spec, target, … })',
  );
  await assert.rejects(
    SqliteStudyStore.memory({ ...SETTINGS, direction: "up" } as never),
    /^UserError: SqliteStudyStore\.memory: the direction is "up"; expected "maximize" or "minimize" in the settings/,
  );
  // an optional setting given as undefined is one not given
  const store = await SqliteStudyStore.memory({ ...SETTINGS, scale: undefined });
  assert.deepEqual(await store.settings(), SETTINGS);
});

test("SqliteStudyStore.create refuses settings a study could not be opened with, as memory does, and makes no file", async () => {
  const dir = tinyDir().dir;
  const { space: _, ...noSpace } = SETTINGS;
  const cases: [unknown, RegExp][] = [
    // SQLite said "NOT NULL constraint failed: settings.value" (a SqliteError) for these two
    [
      noSpace,
      /^SqliteStudyStore\.create: no setting "space" in the settings; make them with Study\.settings/,
    ],
    [{ ...SETTINGS, seed: undefined }, /^SqliteStudyStore\.create: no setting "seed" in the settings/],
    // this one was made, then refused by openStudyFile as a damaged study
    [
      { ...SETTINGS, direction: "up" },
      /^SqliteStudyStore\.create: the direction is "up"; expected "maximize" or "minimize"/,
    ],
    [null, /^SqliteStudyStore\.create needs the study's settings/],
  ];
  for (const [k, [settings, expected]] of cases.entries()) {
    const path = join(dir, `hand-made-${k}.db`);
    await assert.rejects(
      SqliteStudyStore.create(path, settings as never),
      (e: unknown) => e instanceof UserError && expected.test(e.message),
    );
    assert.equal(existsSync(path), false);
  }
  // an optional setting given as undefined is one not given, as for memory()
  const store = await SqliteStudyStore.create(join(dir, "no-scale.db"), { ...SETTINGS, scale: undefined });
  assert.deepEqual(await store.settings(), SETTINGS);
  await store.close();
});

test("reserve hands out each key once, skipping held ones, in the order proposed", async () => {
  const store = await SqliteStudyStore.memory(SETTINGS);
  const first = await store.reserve(["a", "b", "c"].map(proposal), 2);
  assert.deepEqual(
    first.map((t) => [t.key, t.state, t.number]),
    [
      ["a", "pending", 1],
      ["b", "pending", 2],
    ],
  );
  const second = await store.reserve(["a", "b", "c", "d", "e"].map(proposal), 2);
  assert.deepEqual(
    second.map((t) => t.key),
    ["c", "d"],
  );
  assert.deepEqual(await store.reserve(["a", "b"].map(proposal), 2), []);
  assert.deepEqual([...(await store.keys())].sort(), ["a", "b", "c", "d"]);
  assert.deepEqual(await store.counts(), { pending: 4, done: 0, failed: 0 });
});

test("record writes all results or none, and shows each check the values recorded so far", async () => {
  const store = await SqliteStudyStore.memory(SETTINGS);
  await store.reserve([proposal("a")], 1);
  const seen: number[] = [];
  const r = await store.record(
    [
      { key: "a", arch: { k: "a" }, outcome: { value: 0.5 } },
      { key: "b", arch: { k: "b" }, outcome: { value: 0.7 } },
      { key: "c", arch: { k: "c" }, outcome: { failed: true } },
    ],
    (_result, context) => {
      seen.push(context.done.count);
      return "write";
    },
  );
  assert.deepEqual(r, { written: 3, skipped: 0 });
  assert.deepEqual(seen, [0, 1, 2]);
  const trials = await store.trials();
  assert.deepEqual(
    trials.map((t) => [t.key, t.state, t.value, t.reason]),
    [
      ["a", "done", 0.5, "exploit"],
      ["b", "done", 0.7, null],
      ["c", "failed", null, null],
    ],
  );
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
  assert.deepEqual(await store.counts(), { pending: 0, done: 2, failed: 1 }, "d was not kept");
});

test("create says in one line what is wrong with the path: a missing folder, a file on the way, an empty path", async () => {
  const { dir } = tinyDir();
  const refused = async (path: string, message: RegExp) =>
    assert.rejects(SqliteStudyStore.create(path, SETTINGS), (e: Error) => {
      assert.ok(e instanceof UserError, `${e.name}: ${e.message}`);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
  await refused(join(dir, "missing", "s.db"), /--study .*s\.db: the folder .*missing does not exist/);
  const file = join(dir, "a-file");
  writeFileSync(file, "");
  await refused(join(file, "s.db"), /--study .*s\.db: .*a-file is a file, not a folder/);
  await refused("", /--study : an empty path; expected a file name/);
});

test("a damaged study file is named in one line, not a stack trace, by every read and write", async () => {
  const path = join(tinyDir().dir, "damaged.db");
  const store = await SqliteStudyStore.create(path, SETTINGS);
  await store.reserve(["a", "b"].map(proposal), 2);
  await store.close();
  // overwrite the pages after the schema (settings and trials) with text
  const bytes = readFileSync(path);
  bytes.fill("garbage", 4096, Math.min(bytes.length, 4 * 4096));
  writeFileSync(path, bytes);
  const damaged = await SqliteStudyStore.open(path);
  for (const read of [
    () => damaged.settings(),
    () => damaged.trials(),
    () => damaged.reserve([proposal("c")], 1),
  ])
    await assert.rejects(read(), (e: Error) => {
      assert.ok(e instanceof BadFileError, `${e.name}: ${e.message}`);
      assert.match(e.message, /damaged\.db: is damaged \(SQLite: .*\); restore it from a copy/);
      return true;
    });
  await damaged.close();
});

test("a study file cut short (a copy interrupted) is called damaged when opened, not 'not a study'", async () => {
  const path = join(tinyDir().dir, "cut.db");
  const store = await SqliteStudyStore.create(path, SETTINGS);
  await store.reserve(["a", "b"].map(proposal), 2);
  await store.close();
  const bytes = readFileSync(path);
  assert.ok(bytes.length > 4096, `the study file has ${bytes.length} bytes`);
  writeFileSync(path, bytes.subarray(0, 4096));
  await assert.rejects(SqliteStudyStore.open(path), (e: Error) => {
    assert.ok(e instanceof BadFileError, `${e.name}: ${e.message}`);
    assert.match(e.message, /cut\.db: is damaged \(SQLite: .*\); restore it from a copy/);
    return true;
  });
});

test("a study path too long for the file system or for SQLite is refused in one line saying so", async () => {
  const { dir } = tinyDir();
  // a name the file system takes, but not with -wal and .creating-PID after it: ENAMETOOLONG, an internal error
  const long = join(dir, `${"n".repeat(250)}.db`);
  await assert.rejects(SqliteStudyStore.create(long, SETTINGS), (e: Error) => {
    assert.ok(e instanceof UserError, e.stack);
    assert.match(
      e.message,
      /its name \(253 bytes\) is too long for the file system .*choose a shorter name$/,
    );
    return true;
  });
  // a path of over 500 bytes, each name short: SQLite said "unable to open database file"
  let deep = dir;
  while (deep.length < 430) deep = join(deep, "d".repeat(60));
  mkdirSync(deep, { recursive: true });
  const far = join(deep, `${"s".repeat(Math.max(1, 500 - deep.length))}.db`);
  await assert.rejects(
    SqliteStudyStore.create(far, SETTINGS),
    /: its path is too long for SQLite \(\d+ bytes as the name it is made under, .*\.creating-\d+; .*choose a shorter path$/,
  );
  assert.deepEqual(readdirSync(deep), []);
});

test("a full disk is said to be one, also when SQLite cannot make the -shm file beside the study", () => {
  // measured on a full 2 MB tmpfs: tell and ask said only "cannot read or write the study (SQLite: disk I/O error)"
  for (const code of ["SQLITE_IOERR_SHMSIZE", "SQLITE_FULL"]) {
    const said = fileError(
      "runs.db",
      new Database.SqliteError(code === "SQLITE_FULL" ? "database or disk is full" : "disk I/O error", code),
    );
    assert.ok(said instanceof UserError);
    assert.match(
      said.message,
      /^runs\.db: the disk holding the study is full \(SQLite: .*\); free some space and run the command again$/,
    );
  }
  const other = fileError(
    "runs.db",
    new Database.SqliteError("disk I/O error", "SQLITE_IOERR_WRITE"),
  ) as Error;
  assert.match(other.message, /^runs\.db: cannot read or write the study \(SQLite: disk I\/O error\)$/);
});

test("remove: the study file, its -wal and -shm go (a link's target too); a process that had it open is told, not written into a removed file", async () => {
  const { dir } = tinyDir();
  const path = join(dir, "runs.db");
  const made = await SqliteStudyStore.create(path, SETTINGS);
  await made.record([{ key: "a", arch: {}, outcome: { value: 0.5 } }], () => "write");
  await made.close();
  const open = await SqliteStudyStore.open(path);
  const removing = await SqliteStudyStore.open(path);
  try {
    assert.deepEqual(await removing.remove(), { pending: 0, done: 1, failed: 0 });
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith("runs.db")),
      [],
    );
    await assert.rejects(
      open.record([{ key: "b", arch: {}, outcome: { value: 0.6 } }], () => "write"),
      (e: unknown) => e instanceof UserError && e.message === `${path}: the study was removed while in use`,
    );
    await assert.rejects(
      open.reserve([{ key: "c", arch: {}, predicted: null, reason: "explore" }], 1),
      /removed while in use/,
    );
  } finally {
    await open.close();
  }
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("runs.db")),
    [],
    "nothing made again by the late writer",
  );
  // through a symbolic link: the study it names goes with the link
  const real = join(dir, "real.db");
  await (await SqliteStudyStore.create(real, SETTINGS)).close();
  symlinkSync(real, join(dir, "link.db"));
  await (await SqliteStudyStore.open(join(dir, "link.db"))).remove();
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.endsWith(".db") || f.includes(".db-")),
    [],
  );
});

test("a study opened by a relative name takes writes and is removed after the program changes its working folder", async () => {
  const { dir } = tinyDir();
  await (await SqliteStudyStore.create(join(dir, "runs.db"), SETTINGS)).close();
  const before = process.cwd();
  process.chdir(dir);
  const store = await SqliteStudyStore.open("runs.db");
  try {
    // every write was refused as 'the study was removed while in use': the check looked in the new folder
    process.chdir(tinyDir().dir);
    await store.record([{ key: "a", arch: {}, outcome: { value: 0.5 } }], () => "write");
    assert.deepEqual(await store.remove(), { pending: 0, done: 1, failed: 0 });
  } finally {
    process.chdir(before);
    await store.close();
  }
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.startsWith("runs.db")),
    [],
  );
});

test("a study removed between SQLite's open and the store's look at it refuses writes (they went into the removed file, said as told)", async () => {
  const { dir } = tinyDir();
  const path = join(dir, "runs.db");
  await (await SqliteStudyStore.create(path, SETTINGS)).close();
  // what open does, with study delete in the moment between its two steps (a race of a millisecond)
  const db = new Database(path, { fileMustExist: true });
  db.pragma("application_id", { simple: true });
  db.pragma("journal_mode = WAL");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${path}${suffix}`, { force: true });
  const Store = SqliteStudyStore as unknown as new (
    location: string,
    db: Database.Database,
  ) => SqliteStudyStore;
  const store = new Store(path, db);
  try {
    await assert.rejects(
      store.record([{ key: "a", arch: {}, outcome: { value: 0.5 } }], () => "write"),
      (e: unknown) => e instanceof UserError && e.message === `${path}: the study was removed while in use`,
    );
  } finally {
    await store.close();
  }
});
