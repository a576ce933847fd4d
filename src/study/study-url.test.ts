import assert from "node:assert/strict";
import { existsSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { oneLineMessage, UserError } from "../errors.js";
import { TINY_SPEC } from "../testing/study-fixtures.js";
import { DEFAULT_PENDING_TIMEOUT_MS, parseDuration } from "./pending.js";
import { SqliteStudyStore } from "./sqlite-store.js";
import { createStore, openStore } from "./store-location.js";
import { Study } from "./study.js";
import {
  checkNewStudyFileName,
  checkStudyLocation,
  DEFAULT_QUERY_TIMEOUT_MS,
  isPostgresUrl,
  parseStudyUrl,
  withoutPassword,
} from "./study-url.js";

test("a study URL: its connection (password kept, study dropped), its name, its location without password", () => {
  const parsed = parseStudyUrl("postgresql://ann:s3cret@db.lab:5433/nas?study=macro8&sslmode=require");
  assert.deepEqual(parsed, {
    connectionString: "postgresql://ann:s3cret@db.lab:5433/nas?sslmode=require",
    name: "macro8",
    location: "postgresql://ann@db.lab:5433/nas?study=macro8&sslmode=require",
    queryTimeoutMs: DEFAULT_QUERY_TIMEOUT_MS,
  });
  assert.equal(parseStudyUrl("postgres://ann@h/db?study=a%20b").name, "a b");
  assert.equal(parseStudyUrl("postgres://ann@h/db?study=a%2Bb%23c").name, "a+b#c");
  // composed or decomposed, one study (macOS may pass a name decomposed)
  assert.equal(parseStudyUrl("postgres://ann@h/db?study=cafe%CC%81").name, "caf\u00e9");
  // a password as a parameter (node-postgres reads it) is kept for the connection, hidden everywhere shown
  const inQuery = parseStudyUrl("postgresql://ann@db.lab/nas?study=a%20b&password=s3cret");
  assert.equal(inQuery.location, "postgresql://ann@db.lab/nas?study=a%20b&password=***");
  assert.equal(inQuery.connectionString, "postgresql://ann@db.lab/nas?password=s3cret");
  assert.ok(isPostgresUrl("postgresql://h/db?study=x") && isPostgresUrl("POSTGRES://h/db"));
  assert.ok(!isPostgresUrl("runs.db") && !isPostgresUrl("./postgresql/runs.db"));
});

test("a query waits DEFAULT_QUERY_TIMEOUT_MS for the server unless the URL's query_timeout says; 0 is no limit, not at once", () => {
  assert.ok(DEFAULT_QUERY_TIMEOUT_MS >= 60_000, "longer than the server's 60 s idle-in-transaction limit");
  assert.equal(parseStudyUrl("postgresql://h/db?study=a&query_timeout=2500").queryTimeoutMs, 2500);
  // node-postgres took the text "0" as a timer of 0 ms: every query failed at once
  assert.equal(parseStudyUrl("postgresql://h/db?study=a&query_timeout=0").queryTimeoutMs, undefined);
});

test("a timeout in the URL above 2^31 - 1 ms is refused: node-postgres' timer fired at once and every query failed", () => {
  assert.equal(
    parseStudyUrl("postgresql://h/db?study=a&query_timeout=2147483647").queryTimeoutMs,
    2147483647,
  );
  for (const name of [
    "query_timeout",
    "statement_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
  ])
    for (const value of ["2147483648", "3000000000", "99999999999999999999"])
      assert.throws(
        () => parseStudyUrl(`postgresql://h/db?study=a&${name}=${value}`),
        (e: Error) =>
          e instanceof UserError &&
          e.message.includes(
            `the parameter ${name}=${value}; expected a number of milliseconds up to 2147483647`,
          ),
        `${name}=${value}`,
      );
});

test("a bad study URL is refused in one line that never shows the password", () => {
  const cases: [string, RegExp][] = [
    [
      "postgresql://ann:s3cret@db.lab/nas",
      /^postgresql:\/\/ann@db\.lab\/nas: no study name; add one \?study=NAME/,
    ],
    ["postgresql://ann:s3cret@db.lab/nas?study=", /no study name/],
    [
      "postgresql://ann:s3cret@db.lab/nas?Study=m",
      /^postgresql:\/\/ann@db\.lab\/nas\?Study=m: no study name: "Study" is "study" in another case, and URL parameter names are compared case included; write \?study=NAME$/,
    ],
    ["postgresql://ann:s3cret@db.lab/nas?study=a&study=b", /more than one study=/],
    [
      "postgresql://ann:s3cret@/nas?study=a",
      /^postgresql:\/\/ann@\/nas\?study=a: not a valid URL; expected postgresql:\/\/user@host:port\/database\?study=NAME \(a password holding \/, @, : or # is written percent-encoded/,
    ],
    [
      "postgresql://ann:s3cret@db.lab:99999/nas?study=a",
      /^postgresql:\/\/ann@db\.lab:99999\/nas\?study=a: not a valid URL/,
    ],
    [`postgresql://h/db?study=${"x".repeat(201)}`, /study name is longer than 200 characters/],
    // a line break in a name printed as two lines; " t1" was another study than "t1"
    [
      "postgresql://ann:s3cret@db.lab/nas?study=%0Aevil&password=s3cret",
      /^postgresql:\/\/ann@db\.lab\/nas\?study=%0Aevil&password=\*\*\*: the study name holds a control character/,
    ],
    [
      "postgresql://h/nas?study=%20t1",
      /: the study name starts or ends with a space; expected the name without it \(study=t1\)$/,
    ],
    // a fragment was dropped (the study "a") and "+" read as a space (the study "a b"), silently
    [
      "postgresql://ann:s3cret@db.lab/nas?study=a#b",
      /^postgresql:\/\/ann@db\.lab\/nas\?study=a#b: holds "#", which starts a URL fragment .*write # in a name or password as %23$/,
    ],
    [
      "postgresql://h/nas?sslmode=disable&study=a+b",
      /: the study name holds "\+", which a URL query reads as a space; write %2B/,
    ],
    // the server's "invalid byte sequence" came out as an internal error with a stack trace
    [
      "postgresql://ann:s3cret@db.lab/nas?study=a%00b",
      /: the study name holds a NUL character \(%00\), which PostgreSQL/,
    ],
    ["postgresql://ann:s3cret@db.lab/n%00s?study=a", /: the database name holds a NUL character/],
    // node-postgres drops what it does not read: a misspelt sslmode would connect without SSL
    [
      "postgresql://ann:s3cret@db.lab/nas?study=a&sslmod=require",
      /^postgresql:\/\/ann@db\.lab\/nas\?study=a&sslmod=require: node-postgres does not read the parameter sslmod \(it would drop it silently\); expected study and any of sslmode, /,
    ],
    [
      "postgresql://h/db?study=a&connect_timeout=5&target_session_attrs=any",
      /parameters connect_timeout, target_session_attrs \(/,
    ],
    // values node-postgres misread or failed on outside any message (port=abc: exit 13 and no word)
    ["postgresql://h/db?study=a&port=abc", /the parameter port=abc; expected a port number in 1\.\.65535/],
    [
      "postgresql://h/db?study=a&sslmode=disabled",
      /sslmode=disabled; expected one of disable, prefer, require/,
    ],
    [
      "postgresql://h/db?study=a&sslkey=/no/such.key",
      /sslkey=\/no\/such\.key; expected a file this user can read/,
    ],
    // a folder passed the existence check, then pg failed reading it (EISDIR, an internal error)
    ["postgresql://h/db?study=a&sslcert=/tmp", /sslcert=\/tmp; expected a file this user can read/],
    ["postgresql://h/db?study=a&sslnegotiation=bogus", /sslnegotiation=bogus; expected postgres or direct/],
    // node-postgres reads only true, 1 and 0: "false" counted as true
    ["postgresql://h/db?study=a&ssl=false", /ssl=false; expected true, 1 or 0/],
    // node-postgres takes the last of a repeated parameter without a word
    [
      "postgresql://h/db?study=a&sslmode=require&sslmode=disable",
      /the parameter sslmode is given more than once/,
    ],
    [
      "postgresql://h/db?study=a&host=/no/such/folder",
      /host=\/no\/such\/folder; expected a host name, or the folder/,
    ],
    [
      "postgresql://h/db?study=a&statement_timeout=abc",
      /statement_timeout=abc; expected a number of milliseconds/,
    ],
  ];
  for (const [text, expected] of cases) {
    assert.throws(
      () => parseStudyUrl(text),
      (e: Error) => e instanceof UserError && expected.test(e.message) && !e.message.includes("s3cret"),
      text,
    );
  }
  assert.equal(
    withoutPassword("postgresql://ann:s3cret@db.lab:99999/nas"),
    "postgresql://ann@db.lab:99999/nas",
  );
  // nothing to hide: as given (it was echoed file:///runs.db, http://x/)
  for (const text of ["file:runs.db", "http://x", "postgresql://ann@db.lab/nas?study=a"])
    assert.equal(withoutPassword(text), text);
});

test("--pending-timeout durations: a number and its unit, above zero", () => {
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("30m"), 1_800_000);
  assert.equal(parseDuration("24h"), DEFAULT_PENDING_TIMEOUT_MS);
  assert.equal(parseDuration("1.5d"), 129_600_000);
  assert.equal(parseDuration("250ms"), 250);
  for (const bad of ["24", "0s", "-1h", "h", "1w", "", "1e3s"])
    assert.throws(
      () => parseDuration(bad),
      /expected a duration above zero with its unit \(ms, s, m, h or d\)/,
      bad,
    );
});

test("a password with / or @ in a URL that does not parse is still hidden, whole", () => {
  for (const [text, secret] of [
    ["postgresql://worker:Zm9v/YmFy+cXV4@127.0.0.1:55432/nas?study=m", ["Zm9v", "YmFy"]],
    ["postgresql://odd:p@ss:w%rd/x?y#z@127.0.0.1:55432/nas?study=m", ["ss:w", "w%rd", "x?y#z"]],
  ] as const) {
    const shown = withoutPassword(text);
    for (const part of secret) assert.ok(!shown.includes(part), `${shown} shows ${part}`);
    assert.throws(
      () => parseStudyUrl(text),
      (e: Error) => e instanceof UserError && secret.every((part) => !e.message.includes(part)),
    );
  }
});

test("a --study that looks like another URL is refused, not made a study file of that name", () => {
  for (const text of [
    "postgresql:nas?study=m",
    "mysql://u:pw@h/db",
    "redis://h:6379?study=x",
    "postgresql:/w@h/db",
    "postgesql://alice:pw@db.example:5432/nas?study=m",
    "postgresql+psycopg2://alice:pw@db/nas?study=m",
    "jdbc:postgresql://db/nas",
    "postgresql//alice:pw@db.example:5432/nas?study=m",
    "postgres//alice@db/nas?study=m",
  ])
    assert.throws(
      () => checkStudyLocation(text),
      (e: Error) =>
        e instanceof UserError &&
        /not a study file or a postgresql:\/\/ URL/.test(e.message) &&
        !oneLineMessage(e as UserError).includes("pw@"),
      text,
    );
  for (const text of ["runs.db", "./postgresql:nas", "studies/mysql.db", "postgresql://h/db?study=a"])
    checkStudyLocation(text);
});

test("--study :memory: is refused before anything is made (better-sqlite3 made a file of that name)", () => {
  assert.throws(
    () => checkStudyLocation(":memory:"),
    (e: Error) =>
      e instanceof UserError &&
      /^--study :memory: would be a file of that name in this folder; .*SqliteStudyStore\.memory/.test(
        e.message,
      ),
  );
});

test("a study location that is no text is refused in one line, not with a TypeError ('path.trim is not a function')", async () => {
  const refused = (e: unknown) =>
    e instanceof UserError &&
    /^a study is named by its file's path or a postgresql:\/\/ URL \(text\), got (5|undefined|\{"study":"runs\.db"\})$/.test(
      e.message,
    );
  for (const given of [5, undefined, { study: "runs.db" }]) {
    assert.throws(() => checkStudyLocation(given as never), refused);
    // "text.replace is not a function"
    assert.throws(() => parseStudyUrl(given as never), refused);
    await assert.rejects(openStore(given as never), refused);
    await assert.rejects(SqliteStudyStore.open(given as never), refused);
    await assert.rejects(
      createStore(given as never, Study.settings({ spec: TINY_SPEC, target: "val_acc" })),
      refused,
    );
  }
});

test("a new study named as a results, spec or page file (--study results.csv) is refused; one so named still opens", async () => {
  for (const [name, ext] of [
    ["results.csv", "csv"],
    ["out/asked.JSON", "JSON"],
    ["runs.jsonl", "jsonl"],
  ])
    assert.throws(
      () => checkNewStudyFileName(name),
      (e: Error) =>
        e instanceof UserError &&
        e.message ===
          `--study ${name}: a study is an SQLite database, not a .${ext} file; name it ${name.slice(0, -ext.length - 1)}.db, say (study show --csv writes a study's results as a CSV)`,
      name,
    );
  for (const name of ["runs.db", "runs.sqlite", "runs", "csv", "postgresql://h/db?study=a.csv"])
    checkNewStudyFileName(name);
  const settings = Study.settings({ spec: TINY_SPEC, target: "val_acc" });
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-name-"));
  try {
    const csv = join(dir, "results.csv");
    // createStore refuses it before making anything: an SQLite file named .csv was made
    await assert.rejects(createStore(csv, settings), /a study is an SQLite database, not a \.csv file/);
    assert.equal(existsSync(csv), false);
    // a study made under such a name before (renamed by hand) still opens
    const made = await createStore(join(dir, "old.db"), settings);
    await made.close();
    renameSync(join(dir, "old.db"), csv);
    await (await openStore(csv)).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
