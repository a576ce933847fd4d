/**
 * What only the PostgreSQL store has (the rest is store-contract.test.ts and study-workers.test.ts):
 * the versioned tables made on first use, passwords kept out of every message, PGPASSWORD and a
 * password file, and the CLI taking a study URL wherever it takes a study file.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { UserError } from "../errors.js";
import { Rng } from "../random.js";
import { REPO_ROOT } from "../testing/fixtures.js";
import { freePort, startPostgres, type TestServer } from "../testing/servers.js";
import { TINY_SPEC, tinyAccuracy, tinyDir, tinyResults, tinySpace } from "../testing/study-fixtures.js";
import { explain, POSTGRES_SCHEMA_VERSION, PostgresStudyStore, RECORD_CHUNK } from "./postgres-store.js";
import { Study } from "./study.js";
import { parseStudyUrl } from "./study-url.js";

const CLI = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const SETTINGS = Study.settings({ spec: TINY_SPEC, target: "val_acc" });

let postgres: TestServer;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.stop());

/** Runs SQL as the server's superuser on `database`. */
async function admin(sql: string, database = "nas_assay"): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ host: "127.0.0.1", port: postgres.port, user: "postgres", database });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The CLI's exit code, stdout and stderr. */
function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    ),
  );
}

/** `study create` of `spec` into `study` for val_acc, importing `file` when given. */
function createArgs(spec: string, study: string, file?: string): string[] {
  return [
    "study",
    "create",
    "--space",
    spec,
    "--study",
    study,
    "--target",
    "val_acc",
    ...(file ? ["--import", file] : []),
  ];
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    return e as Error;
  }
  assert.fail("did not reject");
}

test("the tables are made on first use (two workers at once included) and a database of another schema version is refused", async () => {
  await admin("CREATE DATABASE first_use");
  const base = postgres.url.replace(/\/nas_assay$/, "/first_use");
  const [a, b] = await Promise.all([
    PostgresStudyStore.create(`${base}?study=a`, SETTINGS),
    PostgresStudyStore.create(`${base}?study=b`, SETTINGS),
  ]);
  await a.close();
  await b.close();
  assert.deepEqual(await admin("SELECT version FROM nas_assay_schema", "first_use"), [
    { version: POSTGRES_SCHEMA_VERSION },
  ]);
  assert.deepEqual(
    (await admin("SELECT name FROM nas_assay_studies ORDER BY name", "first_use")).map((r) => r.name),
    ["a", "b"],
  );
  await admin(`UPDATE nas_assay_schema SET version = ${POSTGRES_SCHEMA_VERSION + 1}`, "first_use");
  const expected =
    `${base}?study=a: the database holds nas-assay studies of schema version ${POSTGRES_SCHEMA_VERSION + 1}; ` +
    `this nas-assay reads version ${POSTGRES_SCHEMA_VERSION} (use the nas-assay that made them, or a newer one)`;
  const opened = await rejection(PostgresStudyStore.open(`${base}?study=a`));
  assert.ok(opened instanceof UserError);
  assert.equal(opened.message, expected);
  const made = await rejection(PostgresStudyStore.create(`${base}?study=c`, SETTINGS));
  assert.equal(made.message, expected.replace("study=a", "study=c"));
  // the CLI says the same in one line, exit 1
  const shown = await cli(["study", "show", "--study", `${base}?study=a`]);
  assert.equal(shown.code, 1);
  assert.equal(shown.stderr, `nas-assay: ${expected}\n`);
});

test("a password in the URL is never printed: wrong port, no study, bad URL (library and CLI)", async () => {
  const port = await freePort();
  const secret = "pa55-word-never-shown";
  const wrongPort = `postgresql://postgres:${secret}@127.0.0.1:${port}/nas_assay?study=x`;
  const e = await rejection(PostgresStudyStore.open(wrongPort));
  assert.ok(e instanceof UserError);
  assert.equal(
    e.message,
    `cannot reach the PostgreSQL server of postgresql://postgres@127.0.0.1:${port}/nas_assay?study=x: ` +
      `connect ECONNREFUSED 127.0.0.1:${port}`,
  );
  const right = postgres.url.replace("postgres@", `postgres:${secret}@`);
  const noDatabase = `${right.replace(/\/nas_assay$/, "/no_such_db")}?study=x`;
  const missing = await rejection(PostgresStudyStore.open(noDatabase));
  assert.ok(missing instanceof UserError);
  assert.equal(
    missing.message,
    `postgresql://postgres@127.0.0.1:${postgres.port}/no_such_db?study=x: database "no_such_db" does not exist ` +
      "(make it first, e.g. createdb, or CREATE DATABASE)",
  );
  const { spec } = tinyDir();
  for (const args of [
    ["ask", "--study", wrongPort],
    ["study", "show", "--study", `${right}?study=none`],
    ["tell", "--study", right, "--arch", "{}", "--value", "0.5"],
    ["study", "create", "--space", spec, "--study", `${right}?study=x&study=y`, "--target", "acc"],
  ]) {
    const r = await cli(args);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^nas-assay: .*postgresql:\/\/postgres@127\.0\.0\.1:\d+\/nas_assay/);
    assert.equal(r.stderr.split("\n").length, 2, `one line: ${r.stderr}`);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(secret), `password printed: ${r.stderr}`);
  }
  // and when it works, what is printed names the study without it
  const made = await cli(createArgs(spec, `${right}?study=shown`));
  assert.equal(made.code, 0, made.stderr);
  assert.match(
    made.stdout,
    /^made postgresql:\/\/postgres@127\.0\.0\.1:\d+\/nas_assay\?study=shown: space tiny/,
  );
  const asked = await cli(["ask", "--study", `${right}?study=shown`, "-n", "2"]);
  assert.equal(asked.code, 0, asked.stderr);
  assert.match(
    asked.stdout,
    /pending in postgresql:\/\/postgres@127\.0\.0\.1:\d+\/nas_assay\?study=shown until told/,
  );
  assert.ok(!`${made.stdout}${asked.stdout}`.includes(secret));
});

test("a server that accepts the connection and never answers cannot be reached: nothing was written to roll back", () => {
  // node-postgres' words after connectionTimeoutMillis (15 s, too long to wait for here; seen with a
  // silent TCP listener); it read as a lost connection whose writes were rolled back
  const url = parseStudyUrl("postgresql://ann:s3cret@127.0.0.1:5/nas?study=m8");
  const e = explain(new Error("Connection terminated due to connection timeout"), url);
  assert.ok(e instanceof UserError);
  assert.equal(
    e.message,
    "cannot reach the PostgreSQL server of postgresql://ann@127.0.0.1:5/nas?study=m8: Connection terminated due to connection timeout",
  );
  const lost = explain(Object.assign(new Error("Connection terminated unexpectedly"), { code: "" }), url);
  assert.match((lost as Error).message, /^lost the connection to the PostgreSQL server of .*rolled back/);
});

test("a port where something else accepts and hangs up cannot be reached; it is not a lost connection", async () => {
  // the connection ended before any session began: "rolled back" misled, since nothing was sent
  const hangUp = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => hangUp.listen(0, "127.0.0.1", resolve));
  const { port } = hangUp.address() as AddressInfo;
  try {
    await assert.rejects(
      PostgresStudyStore.open(`postgresql://ann:s3cret@127.0.0.1:${port}/nas?study=m8`),
      (e: Error) =>
        e instanceof UserError &&
        e.message ===
          `cannot reach the PostgreSQL server of postgresql://ann@127.0.0.1:${port}/nas?study=m8: Connection terminated unexpectedly ` +
            "(something answered on that host and port and hung up: is it a PostgreSQL server?)",
    );
  } finally {
    hangUp.close();
  }
});

test("PGPASSWORD and a password file give the password a URL without one leaves out", async (t) => {
  await admin("CREATE ROLE worker LOGIN PASSWORD 'right-pw'");
  await admin("CREATE DATABASE secured OWNER worker");
  // the superuser keeps trust; every other user must give a password (SCRAM)
  writeFileSync(
    join(postgres.dir, "data", "pg_hba.conf"),
    "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
  );
  await admin("SELECT pg_reload_conf()");
  const url = `postgresql://worker@127.0.0.1:${postgres.port}/secured?study=s`;
  const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
  t.after(() => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });
  const { dir } = tinyDir();
  process.env.PGPASSFILE = join(dir, "none.pgpass");
  delete process.env.PGPASSWORD;
  const none = await rejection(PostgresStudyStore.create(url, SETTINGS));
  assert.ok(none instanceof UserError);
  assert.equal(
    none.message,
    `${url}: the server asks for a password and none was given; give it with PGPASSWORD or in ~/.pgpass (it is never shown)`,
  );
  process.env.PGPASSWORD = "wrong-pw";
  const wrong = await rejection(PostgresStudyStore.create(url, SETTINGS));
  assert.ok(wrong instanceof UserError);
  assert.match(
    wrong.message,
    /password authentication failed for user "worker"; check the password given with PGPASSWORD or in ~\/\.pgpass \(it is never shown\)$/,
  );
  assert.ok(!wrong.message.includes("wrong-pw"));
  // a wrong password in the URL, before the host or as ?password=: said to be the URL's, and never shown
  for (const given of [
    `postgresql://worker:url-wrong-pw@127.0.0.1:${postgres.port}/secured?study=s`,
    `${url}&password=url-wrong-pw`,
  ]) {
    const refused = await rejection(PostgresStudyStore.create(given, SETTINGS));
    assert.ok(refused instanceof UserError);
    assert.match(
      refused.message,
      /; the password given in the URL was refused: check it \(it is never shown\)$/,
    );
    assert.ok(!refused.message.includes("url-wrong-pw"), refused.message);
  }
  const cliRefused = await cli(["study", "show", "--study", `${url}&password=url-wrong-pw`]);
  assert.equal(cliRefused.code, 1);
  assert.match(cliRefused.stderr, /\?study=s&password=\*\*\*: password authentication failed/);
  assert.ok(!cliRefused.stderr.includes("url-wrong-pw"), cliRefused.stderr);
  process.env.PGPASSWORD = "right-pw";
  const store = await PostgresStudyStore.create(url, SETTINGS);
  await store.reserve([{ key: "k", arch: {}, predicted: null, reason: "explore" }], 1);
  await store.close();
  delete process.env.PGPASSWORD;
  const pgpass = join(dir, "pgpass");
  writeFileSync(pgpass, `127.0.0.1:${postgres.port}:secured:worker:right-pw\n`);
  chmodSync(pgpass, 0o600);
  process.env.PGPASSFILE = pgpass;
  const reopened = await PostgresStudyStore.open(url);
  assert.deepEqual(await reopened.counts(), { pending: 1, done: 0, failed: 0 });
  await reopened.close();
  // the CLI too, with PGPASSWORD in its environment
  const shown = await cli(["study", "show", "--study", url, "--json"], {
    PGPASSWORD: "right-pw",
    PGPASSFILE: join(dir, "none"),
  });
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).pending, 1);
  // and with the password file: node-postgres' own reading of it printed a deprecation warning each time
  const fromFile = await cli(["study", "show", "--study", url], { PGPASSFILE: pgpass });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.equal(fromFile.stderr, "");
  // the right password as ?password=: every line naming the study hides it
  const inQuery = await cli(["study", "show", "--study", `${url}&password=right-pw`], {
    PGPASSFILE: join(dir, "none"),
  });
  assert.equal(inQuery.code, 0, inQuery.stderr);
  assert.match(inQuery.stdout, /\?study=s&password=\*\*\*: space tiny/);
  assert.ok(!inQuery.stdout.includes("right-pw"), inQuery.stdout);
  // without a password the command says so and ends: the half-open connection no longer keeps the
  // process waiting for the server's authentication timeout (60 s)
  const started = Date.now();
  const missing = await cli(["study", "show", "--study", url], { PGPASSFILE: join(dir, "none") });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /the server asks for a password and none was given/);
  assert.ok(Date.now() - started < 30_000, `ended after ${Date.now() - started} ms`);
});

test("the CLI on a PostgreSQL study: create --import, tell --file, ask --pending-timeout, and an import refused leaves no study behind", async () => {
  const { dir, spec } = tinyDir();
  const archs = tinySpace().sample(new Rng(4), 6);
  const trained = join(dir, "trained.csv");
  writeFileSync(trained, tinyResults(archs.slice(0, 4)));
  const url = `${postgres.url}?study=cli`;
  const made = await cli([...createArgs(spec, url, trained), "--json"]);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(JSON.parse(made.stdout).imported, 4);
  const more = join(dir, "more.csv");
  // two new results and one already told with the same value (ignored)
  writeFileSync(more, tinyResults([archs[4], archs[5], archs[0]]));
  const told = await cli(["tell", "--study", url, "--file", more]);
  assert.equal(told.code, 0, told.stderr);
  assert.equal(told.stdout, `told 2 results to ${url} (1 already told with the same value, ignored)\n`);
  // ask reserves; with a short --pending-timeout the next ask hands the same ones out again
  const asked = JSON.parse((await cli(["ask", "--study", url, "-n", "2", "--json"])).stdout);
  assert.equal(asked.length, 2);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const again = await cli(["ask", "--study", url, "-n", "2", "--pending-timeout", "10ms"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    again.stdout.match(/\(asked again: its earlier worker never told\)/g)?.length,
    2,
    again.stdout,
  );
  for (const a of asked) assert.ok(again.stdout.includes(JSON.stringify(a.arch)), again.stdout);
  const badTimeout = await cli(["ask", "--study", url, "--pending-timeout", "24"]);
  assert.equal(badTimeout.code, 1);
  assert.match(
    badTimeout.stderr,
    /--pending-timeout <duration>.*expected a duration above zero with its unit/,
  );
  const shown = JSON.parse((await cli(["study", "show", "--study", url, "--json"])).stdout);
  assert.equal(shown.done, 6);
  assert.equal(shown.pending, 2);
  assert.equal(shown.best.value, Math.max(...archs.map(tinyAccuracy)));
  // exported (study show --csv) and imported into an SQLite study: the same results; ask's facts as text
  const exported = join(dir, "export.csv");
  const wrote = await cli(["study", "show", "--study", url, "--csv", exported]);
  assert.equal(wrote.code, 0, wrote.stderr);
  const lines = readFileSync(exported, "utf8").trim().split("\n");
  assert.equal(lines.length, 7, "the header and the 6 done (the 2 pending are no results)");
  assert.match(lines[1], /^1,,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,,,/);
  const copy = join(dir, "copy.db");
  const moved = await cli(createArgs(spec, copy, exported));
  assert.equal(moved.code, 0, moved.stderr);
  const copied = JSON.parse((await cli(["study", "show", "--study", copy, "--json"])).stdout);
  assert.deepEqual(
    copied.trials,
    shown.trials.filter((t: { state: string }) => t.state !== "pending"),
  );
  // an import whose second row contradicts its first: refused whole, and the study is not left made
  const bad = join(dir, "bad.csv");
  writeFileSync(bad, `${tinyResults([archs[0]])}${tinyResults([archs[0]], "val_acc", 0.5).split("\n")[1]}\n`);
  const refused = await cli(createArgs(spec, `${url}2`, bad));
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^nas-assay: .*bad\.csv line 3 repeats the architecture of .*bad\.csv line 2 with another result/,
  );
  const gone = await cli(["study", "show", "--study", `${url}2`]);
  assert.match(
    gone.stderr,
    /^nas-assay: \S+\?study=cli2: no such study \(the database holds .*"cli".*; create one with: nas-assay study create --study \S+\?study=cli2 …\)\n$/,
  );
});

test("a database holding a table named like ours, made by something else, is refused in one line; its data stays", async () => {
  await admin("CREATE DATABASE foreign_tables");
  await admin("CREATE TABLE nas_assay_trials (id serial PRIMARY KEY, note text)", "foreign_tables");
  await admin("INSERT INTO nas_assay_trials (note) VALUES ('precious')", "foreign_tables");
  const url = `postgresql://postgres@127.0.0.1:${postgres.port}/foreign_tables?study=s`;
  const refused = await rejection(PostgresStudyStore.create(url, SETTINGS));
  assert.ok(refused instanceof UserError, String(refused));
  assert.match(
    refused.message,
    /holds a table named like nas-assay's .*that nas-assay did not make .*use another database/,
  );
  assert.deepEqual(await admin("SELECT note FROM nas_assay_trials", "foreign_tables"), [
    { note: "precious" },
  ]);
  // a foreign nas_assay_schema without our column
  await admin("CREATE DATABASE foreign_schema");
  await admin("CREATE TABLE nas_assay_schema (x text)", "foreign_schema");
  const other = `postgresql://postgres@127.0.0.1:${postgres.port}/foreign_schema?study=s`;
  for (const attempt of [
    () => PostgresStudyStore.create(other, SETTINGS),
    () => PostgresStudyStore.open(other),
  ]) {
    const e = await rejection(attempt());
    assert.ok(e instanceof UserError && /did not make/.test(e.message), String(e));
  }
});

test("a foreign nas_assay_schema with a version column but no row, several, or no number is a table nas-assay did not make, not another schema version", async () => {
  for (const [database, rows] of [
    ["schema_no_row", ""],
    ["schema_two_rows", "INSERT INTO nas_assay_schema (version) VALUES ('1'), ('1')"],
    ["schema_text", "INSERT INTO nas_assay_schema (version) VALUES ('v1')"],
  ]) {
    await admin(`CREATE DATABASE ${database}`);
    await admin("CREATE TABLE nas_assay_schema (version text)", database);
    if (rows) await admin(rows, database);
    const url = `postgresql://postgres@127.0.0.1:${postgres.port}/${database}?study=s`;
    for (const attempt of [
      () => PostgresStudyStore.create(url, SETTINGS),
      () => PostgresStudyStore.open(url),
    ]) {
      const e = await rejection(attempt());
      assert.ok(e instanceof UserError, String(e));
      assert.match(
        e.message,
        /holds a table named like nas-assay's \(nas_assay_schema\) that nas-assay did not make \(it holds .*use another database/,
      );
      assert.doesNotMatch(e.message, /schema version unknown|studies of schema version/);
    }
  }
});

test("a connection lost inside a transaction is one line naming the study, not an unhandled 'error' event", async () => {
  const url = `postgresql://postgres@127.0.0.1:${postgres.port}/nas_assay?study=lost`;
  const store = await PostgresStudyStore.create(url, SETTINGS);
  try {
    // the check runs inside the transaction: while it holds the event loop, a separate process ends
    // this session on the server (as a restart or the idle-in-transaction timeout would)
    const killer = execFile(process.execPath, [
      "-e",
      `const pg = require(${JSON.stringify(join(REPO_ROOT, "node_modules", "pg"))});
       const c = new pg.Client({ host: "127.0.0.1", port: ${postgres.port}, user: "postgres", database: "nas_assay" });
       c.connect().then(() => c.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'nas-assay' AND state LIKE 'idle in transaction%'")).then((r) => { console.log(r.rowCount); return c.end(); });`,
    ]);
    let first = true;
    const lost = await rejection(
      store.record([{ key: "k", arch: {}, outcome: { value: 0.9 } }], () => {
        if (first) {
          first = false;
          const until = Date.now() + 6000;
          while (Date.now() < until && killer.exitCode === null) {
            // busy: the transaction stays open, idle on the server, until the other process is done
          }
        }
        return "write";
      }),
    );
    // SSL asked of a server without it: one line, not an internal error
    const ssl = await rejection(
      PostgresStudyStore.create(
        `postgresql://postgres@127.0.0.1:${postgres.port}/nas_assay?study=s&sslmode=require`,
        SETTINGS,
      ),
    );
    assert.ok(ssl instanceof UserError && /does not support SSL.*sslmode/.test(ssl.message), String(ssl));
    assert.ok(lost instanceof UserError, String(lost));
    assert.match(lost.message, /lost the connection to the PostgreSQL server of .*study=lost.*study show/);
  } finally {
    await store.close();
  }
  const reopened = await PostgresStudyStore.open(url);
  assert.deepEqual(await reopened.counts(), { pending: 0, done: 0, failed: 0 }, "nothing half-written");
  await reopened.close();
});

/** The server's processes: its postmaster and every backend it started (sessions included). */
function serverProcesses(server: TestServer): number[] {
  const master = Number(readFileSync(join(server.dir, "data", "postmaster.pid"), "utf8").split("\n")[0]);
  const children = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // after "(name) state ": the parent's pid
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === master;
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
  return [master, ...children];
}

test("a server that stops answering ends a command after the URL's query_timeout, in one line, without waiting again for a ROLLBACK; nothing is half-written", async () => {
  const url = `postgresql://postgres@127.0.0.1:${postgres.port}/nas_assay?study=frozen&query_timeout=1500`;
  const store = await PostgresStudyStore.create(url, SETTINGS);
  let frozen: Error;
  const started = Date.now();
  // as a stopped server or a hung machine: the session stays open and nothing answers (it waited for ever)
  const processes = serverProcesses(postgres);
  for (const pid of processes) process.kill(pid, "SIGSTOP");
  try {
    frozen = await rejection(store.record([{ key: "k", arch: {}, outcome: { value: 0.9 } }], () => "write"));
  } finally {
    for (const pid of processes) process.kill(pid, "SIGCONT");
  }
  const waited = Date.now() - started;
  await store.close();
  assert.ok(frozen instanceof UserError, String(frozen));
  assert.match(
    frozen.message,
    /^the PostgreSQL server of .*study=frozen.* did not answer within 1\.5 s .*query_timeout=MS.*rolled back unless .*study show/,
  );
  assert.ok(waited < 2900, `one wait, not a second for the ROLLBACK: ${waited} ms`);
  const reopened = await PostgresStudyStore.open(url);
  assert.deepEqual(await reopened.counts(), { pending: 0, done: 0, failed: 0 }, "nothing half-written");
  await reopened.close();
});

test("a record of more than RECORD_CHUNK results is read and written in statements of RECORD_CHUNK, in one transaction: every result once, numbered in order", async () => {
  const url = `postgresql://postgres@127.0.0.1:${postgres.port}/nas_assay?study=chunks`;
  const store = await PostgresStudyStore.create(url, SETTINGS);
  try {
    const n = 2 * RECORD_CHUNK + 1;
    const results = (from: number, count: number, value: number) =>
      Array.from({ length: count }, (_, k) => ({
        key: `k${from + k}`,
        arch: { k: from + k },
        outcome: k % 7 === 3 ? ({ failed: true } as const) : { value },
      }));
    // an existing result with its value again is skipped, as tell does; every check sees what is stored
    const seen = new Set<string>();
    const check: Parameters<PostgresStudyStore["record"]>[1] = (result, { existing }) => {
      if (existing) seen.add(result.key);
      return existing?.state === "done" && "value" in result.outcome ? "skip" : "write";
    };
    assert.deepEqual(await store.record(results(0, n, 0.5), check), { written: n, skipped: 0 });
    // the second half again (stored: read from the later chunks too) and as many new ones: updates and inserts
    const again = await store.record(results(RECORD_CHUNK, n, 0.5), check);
    const told = await store.trials();
    assert.equal(told.length, RECORD_CHUNK + n);
    assert.equal(seen.size, n - RECORD_CHUNK, "every stored key was seen stored, past the first chunk too");
    // skipped: the stored ones, done after the first call, told a value again
    const first = new Map(results(0, n, 0.5).map((r) => [r.key, "value" in r.outcome]));
    const skipped = results(RECORD_CHUNK, n, 0.5).filter(
      (r) => first.get(r.key) && "value" in r.outcome,
    ).length;
    assert.ok(skipped > RECORD_CHUNK / 2);
    assert.deepEqual(again, { written: n - skipped, skipped });
    assert.deepEqual(
      told.map((t) => t.number).sort((a, b) => a - b),
      Array.from({ length: RECORD_CHUNK + n }, (_, k) => k + 1),
    );
    assert.equal(new Set(told.map((t) => t.key)).size, told.length);
    // each key as its last call told it (a failure replaced by a value, in a later chunk's update too)
    const last = new Map([...results(0, n, 0.5), ...results(RECORD_CHUNK, n, 0.5)].map((r) => [r.key, r]));
    for (const t of told)
      assert.equal(t.state, "value" in (last.get(t.key)?.outcome ?? {}) ? "done" : "failed", t.key);
  } finally {
    await store.close();
  }
});

test("an import the server did not answer in time, the study then removed, is not told to 'study show' and 'tell again': study create is", async () => {
  const url = `postgresql://postgres@127.0.0.1:${postgres.port}/nas_assay?study=slow-import&query_timeout=1500`;
  // as an import of many rows on a busy server: the import's query gave up, the server still answers
  const failed = await rejection(
    PostgresStudyStore.create(url, SETTINGS, async () => {
      throw explain(new Error("Query read timeout"), parseStudyUrl(url));
    }),
  );
  assert.ok(failed instanceof UserError, String(failed));
  // it said "`nas-assay study show` tells, and telling again is safe", and study show said "no such study"
  assert.doesNotMatch(failed.message, /study show|telling again/);
  assert.match(
    failed.message,
    /^the PostgreSQL server of .*study=slow-import.* did not answer within 1\.5 s .*rolled back unless the server had committed it; .*study=slow-import.* was made for the import and removed again: run the same `nas-assay study create` again$/,
  );
  await assert.rejects(PostgresStudyStore.open(url), /no such study/);
});

test("an import whose server stops is not said to have been kept for another process: the study could not be removed", async () => {
  // a server of its own: this one is stopped in the middle of the import
  const server = await startPostgres();
  try {
    const url = `postgresql://postgres@127.0.0.1:${server.port}/nas_assay?study=stopped`;
    const failed = await rejection(
      PostgresStudyStore.create(url, SETTINGS, async () => {
        await server.stop();
        throw new UserError("lost the connection to the PostgreSQL server (the import)");
      }),
    );
    assert.ok(failed instanceof UserError, String(failed));
    // it said "was made and is kept: another process asked or told into it meanwhile": none had
    assert.doesNotMatch(failed.message, /another process/);
    assert.match(
      failed.message,
      /^lost the connection to the PostgreSQL server \(the import\) \(.*study=stopped was made and could not be removed, the server being out of reach: once it is back, `nas-assay study show` tells what it holds/,
    );
    assert.equal(failed.message.split("\n").length, 1);
  } finally {
    await server.stop();
  }
});

test("study delete on PostgreSQL removes one study and its trials; the database's other studies stay; a process that had it open is told it was removed", async () => {
  const { dir, spec } = tinyDir();
  const archs = tinySpace().sample(new Rng(8), 6);
  const trained = join(dir, "trained.csv");
  writeFileSync(trained, tinyResults(archs.slice(0, 4)));
  const [gone, kept] = [`${postgres.url}?study=to-delete`, `${postgres.url}?study=to-keep`];
  for (const url of [gone, kept]) {
    const made = await cli(createArgs(spec, url, trained));
    assert.equal(made.code, 0, made.stderr);
  }
  assert.equal((await cli(["ask", "--study", gone, "-n", "1"])).code, 0);
  // a worker's open store (the library), which tells after the delete
  const open = await PostgresStudyStore.open(gone);
  try {
    const removed = await cli(["study", "delete", "--study", gone, "--json"]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), { study: gone, done: 4, pending: 1, failed: 0 });
    const late = await rejection(
      open.record([{ key: "k", arch: {}, outcome: { value: 0.9 } }], () => "write"),
    );
    assert.equal(late.message, `${gone}: the study was removed while in use`);
  } finally {
    await open.close();
  }
  const again = await cli(["study", "delete", "--study", gone]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^nas-assay: .*study=to-delete: no such study/);
  assert.deepEqual(
    await admin(
      "SELECT count(*)::integer AS n FROM nas_assay_trials t JOIN nas_assay_studies s ON s.id = t.study_id WHERE s.name = 'to-delete'",
    ),
    [{ n: 0 }],
  );
  const other = JSON.parse((await cli(["study", "show", "--study", kept, "--json"])).stdout);
  assert.equal(other.done, 4);
  // no trial of the removed study is left behind under no study
  assert.deepEqual(
    await admin(
      "SELECT count(*)::integer AS n FROM nas_assay_trials WHERE study_id NOT IN (SELECT id FROM nas_assay_studies)",
    ),
    [{ n: 0 }],
  );
});

test("a study name the database does not hold is answered with the names it holds (at most 10, then how many more)", async () => {
  await admin("CREATE DATABASE many_studies");
  const base = postgres.url.replace(/\/nas_assay$/, "/many_studies");
  const missing = `${base}?study=macro9`;
  // no tables yet: no names to give
  assert.equal(
    (await rejection(PostgresStudyStore.open(missing))).message,
    `${missing}: no such study (create one with: nas-assay study create --study ${missing} …)`,
  );
  for (const name of ["macro8", "a b", ...Array.from({ length: 10 }, (_, k) => `run-${k}`)])
    await (await PostgresStudyStore.create(`${base}?study=${encodeURIComponent(name)}`, SETTINGS)).close();
  assert.equal(
    (await rejection(PostgresStudyStore.open(missing))).message,
    `${missing}: no such study (the database holds "a b", "macro8", "run-0", "run-1", "run-2", "run-3", "run-4", ` +
      `"run-5", "run-6", "run-7", and 2 more; create one with: nas-assay study create --study ${missing} …)`,
  );
});
