/**
 * A study on a PostgreSQL server (node-postgres), for training workers on many machines asking and
 * telling at once. One set of tables per database holds every study, each under its name (the URL's
 * `?study=NAME`, see study-url.ts); the tables are made on first `create`, under an advisory lock so
 * that two workers starting together do not race, and carry a schema version: a database of another
 * version is refused, never reinterpreted.
 *
 * Concurrency, as the SQLite file does it with `BEGIN IMMEDIATE`:
 * - `reserve` and `record` lock the study's row (`SELECT … FOR UPDATE`) for their short transaction:
 *   writers of one study take turns, so trial numbers have no gaps and each tell's checks (the scale
 *   of the values so far, a value told before) see every result committed before it. UNIQUE (study,
 *   key) stands behind it: no architecture is ever stored twice, whatever the callers did.
 * - `reclaim` (pending architectures of dead workers) takes expired rows with `FOR UPDATE SKIP LOCKED`:
 *   two workers at once get disjoint ones, and neither waits for the other.
 * - Times come from the server's clock (`now()`), so machines with skewed clocks agree on expiry.
 *
 * Connection failures, a refused password, a missing database become one-line UserErrors naming the
 * study by its URL without the password.
 */
import { createRequire } from "node:module";
import type pg from "pg";
import { BadFileError, shownValue, UserError } from "../errors.js";
import type {
  Proposal,
  RecordCheck,
  RecordOptions,
  StudyCounts,
  StudySettings,
  StudyStore,
  Trial,
  TrialResult,
} from "./store.js";
import { addDoneValue, checkNewSettings, type DoneRange, readSettings } from "./store.js";
import { parseStudyUrl, type StudyUrl } from "./study-url.js";

/** Version of the tables below; bump it (and refuse or migrate older databases) when they change. */
export const POSTGRES_SCHEMA_VERSION = 1;
/**
 * Most architectures one statement of `record` reads or writes. Each statement must answer within the
 * URL's query_timeout (120 s by default), so a `tell --file` or import is written in statements of this
 * many, all in its one transaction, however large. Recording 200,000 results took 3.8 s as one
 * statement (the keys sent twice) and 2.7 s so (one run each on a loaded 2-core machine): one statement
 * would have reached the timeout at some millions of rows, or sooner on a busy server.
 */
export const RECORD_CHUNK = 10_000;
/** How many of a database's study names a "no such study" message lists. */
const SHOWN_STUDIES = 10;
/** Key of the advisory lock held while the tables are made ("NASA" in ASCII). */
const SCHEMA_LOCK = 0x4e415341;
/** How long to wait for the server to answer a connection (ms). */
const CONNECT_TIMEOUT_MS = 15_000;
/**
 * A session idle inside a transaction this long is ended by the server (ms): a worker stopped (SIGSTOP,
 * a frozen machine) while it holds the study's row lock would otherwise block every other writer. Our
 * transactions last milliseconds.
 */
const IDLE_IN_TRANSACTION_MS = 60_000;

const SCHEMA = `
CREATE TABLE nas_assay_schema (
  version integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE nas_assay_studies (
  id serial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  settings text NOT NULL,
  next_number integer NOT NULL DEFAULT 1
);
CREATE TABLE nas_assay_trials (
  study_id integer NOT NULL REFERENCES nas_assay_studies (id) ON DELETE CASCADE,
  number integer NOT NULL,
  key text NOT NULL,
  arch text NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
  value double precision,
  predicted double precision,
  reason text CHECK (reason IN ('exploit', 'explore')),
  asked_at timestamptz,
  told_at timestamptz,
  PRIMARY KEY (study_id, number),
  UNIQUE (study_id, key),
  CHECK ((state = 'done') = (value IS NOT NULL))
);
CREATE INDEX nas_assay_trials_pending ON nas_assay_trials (study_id, asked_at) WHERE state = 'pending';
`;

interface TrialRow {
  number: number;
  key: string;
  arch: string;
  state: Trial["state"];
  value: number | null;
  predicted: number | null;
  reason: Trial["reason"];
  asked_at: Date | null;
  told_at: Date | null;
}

const TRIAL_COLUMNS = "number, key, arch, state, value, predicted, reason, asked_at, told_at";

function trialOf(row: TrialRow): Trial {
  return {
    number: row.number,
    key: row.key,
    arch: JSON.parse(row.arch),
    state: row.state,
    value: row.value,
    predicted: row.predicted,
    reason: row.reason,
    askedAt: row.asked_at?.toISOString() ?? null,
    toldAt: row.told_at?.toISOString() ?? null,
  };
}

/** How explain's messages for a server that stopped answering or was lost end. */
const TELL_AGAIN = "`nas-assay study show` tells, and telling again is safe";

/** SQLSTATE classes of errors caused by the server or what the user gave, not by nas-assay. */
const USER_CLASSES = ["08", "28", "3D", "53", "57"];
const NETWORK = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  // a Unix socket folder (host=/path) holding no server's socket
  "ENOENT",
]);

/**
 * The error a caller sees: a UserError naming the study (by its URL without password) for what the
 * server or the user caused (unreachable, a refused password, no such database, no permission, a
 * server shutting down); anything else (a bug of ours) as it is. `connecting`: the error came while
 * opening a connection, so no session began and nothing was written (never "lost … rolled back").
 */
export function explain(e: unknown, url: StudyUrl, connecting = false): unknown {
  if (e instanceof UserError) return e;
  const error = e as Error & { code?: string };
  const code = error.code ?? "";
  const message = error.message ?? String(e);
  // 57P01/57P02: the server ended the session (an administrator, a shutdown, a crash)
  // "Connection terminated due to connection timeout": no session was ever made (a server that
  // accepts the TCP connection and never answers), so nothing was written to roll back
  // `connecting`: the error came while opening a connection (no session, nothing written), e.g. a port
  // where something else than PostgreSQL accepts and hangs up ("Connection terminated unexpectedly")
  const neverConnected = /due to connection timeout/i.test(message);
  // node-postgres' query_timeout: the server took no part in ending it, so it may yet commit
  if (/^Query read timeout$/.test(message))
    return new UserError(
      `the PostgreSQL server of ${url.location} did not answer within ${(url.queryTimeoutMs ?? 0) / 1000} s ` +
        "(a stopped or overloaded server, or a network that drops packets; the URL's query_timeout=MS sets the wait, 0 for none): " +
        `what this command was writing is rolled back unless the server had committed it; ${TELL_AGAIN}`,
    );
  const ended =
    ["EPIPE", "ECONNRESET", "57P01", "57P02"].includes(code) ||
    /Connection terminated|not queryable/i.test(message);
  const lost = !neverConnected && !connecting && ended;
  if (ended || neverConnected || NETWORK.has(code) || /timeout (expired|exceeded)/i.test(message))
    return new UserError(
      lost
        ? `lost the connection to the PostgreSQL server of ${url.location} (${message}): what this command ` +
            `was writing was rolled back unless the server had committed it; ${TELL_AGAIN}`
        : `cannot reach the PostgreSQL server of ${url.location}: ${message}${
            /Connection terminated unexpectedly/i.test(message)
              ? " (something answered on that host and port and hung up: is it a PostgreSQL server?)"
              : ""
          }`,
    );
  if (/does not support SSL/i.test(message))
    return new UserError(
      `${url.location}: ${message} (the URL asks for SSL with sslmode=…: drop it, or enable SSL on the server)`,
    );
  // a table of ours made by something else (CREATE TABLE of one that exists, or a column it lacks)
  if (code === "42P07" || code === "42703")
    return new UserError(
      `${url.location}: the database holds a table named like nas-assay's (nas_assay_schema, nas_assay_studies, ` +
        `nas_assay_trials) that nas-assay did not make (${message}); use another database, or rename that table`,
    );
  if (/client password must be a string|password authentication failed|no password supplied/i.test(message)) {
    // "give it with PGPASSWORD" read as if none was given, when the URL's was refused
    const inUrl = (() => {
      try {
        const given = new URL(url.connectionString);
        return given.password !== "" || given.searchParams.has("password");
      } catch {
        return false;
      }
    })();
    return new UserError(
      /must be a string|no password/.test(message)
        ? `${url.location}: the server asks for a password and none was given; give it with PGPASSWORD or in ~/.pgpass (it is never shown)`
        : `${url.location}: ${message}; ${inUrl ? "the password given in the URL was refused: check it" : "check the password given with PGPASSWORD or in ~/.pgpass"} (it is never shown)`,
    );
  }
  // the server's words name no fix (no user in the URL, and USER unset where the command ran)
  if (/no PostgreSQL user name specified/i.test(message))
    return new UserError(
      `${url.location}: no user name to connect as; name one in the URL (postgresql://USER@host:port/database?study=NAME) or set PGUSER`,
    );
  if (code === "3D000")
    return new UserError(`${url.location}: ${message} (make it first, e.g. createdb, or CREATE DATABASE)`);
  if (code === "42501")
    return new UserError(
      `${url.location}: ${message} (the user must be able to make the nas_assay_* tables on first use, then read and write them)`,
    );
  if (USER_CLASSES.includes(code.slice(0, 2))) return new UserError(`${url.location}: ${message}`);
  return e;
}

/**
 * The password for `params` in the password file (PGPASSFILE, else ~/.pgpass; ignored when others may
 * read it, as libpq does), or undefined: the pgpass package, which node-postgres itself uses.
 */
function passwordFileEntry(params: pg.ConnectionConfig): Promise<string | undefined> {
  const pgpass = createRequire(import.meta.url)("pgpass") as (
    params: pg.ConnectionConfig,
    done: (password: string | undefined) => void,
  ) => void;
  return new Promise((resolve) => pgpass(params, resolve));
}

export class PostgresStudyStore implements StudyStore {
  readonly location: string;

  private constructor(
    private readonly url: StudyUrl,
    private readonly pool: pg.Pool,
    private readonly id: number,
  ) {
    this.location = url.location;
  }

  /**
   * Makes a study named by `text` (see study-url.ts), making the tables on first use.
   * @throws UserError when a study of that name exists, the database holds another schema version,
   *   or the server cannot be used (unreachable, refused password, no database).
   */
  static async create(
    text: string,
    settings: StudySettings,
    fill?: (store: StudyStore) => Promise<void>,
  ): Promise<PostgresStudyStore> {
    // before connecting, as a study file's are (a hand-made object was stored, then read back as damaged)
    checkNewSettings(settings, "PostgresStudyStore.create");
    const made = await PostgresStudyStore.createEmpty(text, settings);
    if (fill) {
      try {
        await fill(made);
      } catch (e) {
        throw await made.removeUnused(e);
      }
    }
    return made;
  }

  /**
   * After `fill` failed: removes the study made moments ago, but only while no trial is in it. A fill
   * (an import) writes all or nothing, so a trial there was asked or told by another process that
   * opened the study meanwhile — removing it would lose that. When the server cannot be used any more
   * (the fill failed because it stopped), the study stays and the error says so: it said another
   * process had used it. Returns the error to throw.
   */
  private async removeUnused(e: unknown): Promise<unknown> {
    let removed = false;
    let unreachable = false;
    try {
      const done = await this.pool.query(
        "DELETE FROM nas_assay_studies WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM nas_assay_trials WHERE study_id = $1)",
        [this.id],
      );
      removed = done.rowCount === 1;
    } catch {
      // the fill's error is what the user needs; the study stays as it is
      unreachable = true;
    } finally {
      await this.close();
    }
    // the server's failure says "`nas-assay study show` tells, and telling again is safe", advice for a
    // study that exists: this one is gone (study show: "no such study"), the import is what to run again
    if (removed && e instanceof UserError && e.message.endsWith(TELL_AGAIN))
      return new UserError(
        `${e.message.slice(0, -TELL_AGAIN.length)}${this.url.location} was made for the import and removed again: ` +
          "run the same `nas-assay study create` again",
      );
    if (removed || !(e instanceof UserError)) return e;
    return new UserError(
      unreachable
        ? `${e.message} (${this.url.location} was made and could not be removed, the server being out of reach: once it is back, \`nas-assay study show\` tells what it holds, and \`nas-assay tell --study … --file\` imports into it)`
        : `${e.message} (${this.url.location} was made and is kept: another process asked or told into it meanwhile)`,
    );
  }

  private static async createEmpty(text: string, settings: StudySettings): Promise<PostgresStudyStore> {
    const url = parseStudyUrl(text);
    const pool = PostgresStudyStore.pool(url);
    try {
      const id = await PostgresStudyStore.transaction(pool, url, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
        const { rows } = await client.query("SELECT to_regclass('nas_assay_schema') IS NOT NULL AS made");
        if (rows[0].made) await PostgresStudyStore.checkVersion(client, url);
        else {
          await client.query(SCHEMA);
          await client.query("INSERT INTO nas_assay_schema (version) VALUES ($1)", [POSTGRES_SCHEMA_VERSION]);
        }
        const made = await client.query(
          "INSERT INTO nas_assay_studies (name, settings) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id",
          [url.name, JSON.stringify(settings)],
        );
        if (made.rowCount !== 1)
          throw new UserError(`${url.location} already exists; choose another study name (?study=NAME)`);
        return made.rows[0].id as number;
      });
      return new PostgresStudyStore(url, pool, id);
    } catch (e) {
      await pool.end();
      throw e;
    }
  }

  /**
   * Opens the study named by `text`.
   * @throws UserError for a study that does not exist, a database of another schema version, or a
   *   server that cannot be used.
   */
  static async open(text: string): Promise<PostgresStudyStore> {
    const url = parseStudyUrl(text);
    const pool = PostgresStudyStore.pool(url);
    try {
      const id = await PostgresStudyStore.transaction(pool, url, async (client) => {
        const { rows } = await client.query("SELECT to_regclass('nas_assay_schema') IS NOT NULL AS made");
        if (rows[0].made) {
          await PostgresStudyStore.checkVersion(client, url);
          const found = await client.query("SELECT id FROM nas_assay_studies WHERE name = $1", [url.name]);
          if (found.rowCount === 1) return found.rows[0].id as number;
        }
        // the names the database does hold: a misspelt ?study= is seen at once (there is no list command)
        const held = rows[0].made
          ? (
              await client.query<{ name: string; n: number }>(
                `SELECT name, count(*) OVER ()::integer AS n FROM nas_assay_studies ORDER BY name LIMIT ${SHOWN_STUDIES}`,
              )
            ).rows
          : [];
        const names = held.map((r) => shownValue(r.name, 60)).join(", ");
        const more =
          held.length > 0 && held[0].n > held.length ? `, and ${held[0].n - held.length} more` : "";
        throw new UserError(
          `${url.location}: no such study (` +
            (held.length > 0 ? `the database holds ${names}${more}; ` : "") +
            `create one with: nas-assay study create --study ${url.location} …)`,
        );
      });
      return new PostgresStudyStore(url, pool, id);
    } catch (e) {
      await pool.end();
      throw e;
    }
  }

  private static pool(url: StudyUrl): pg.Pool {
    // pg is loaded when a PostgreSQL study is opened, not at every command's start (about 0.1 s on 2 cores)
    const require = createRequire(import.meta.url);
    const { Pool } = require("pg") as typeof pg;
    // the URL parsed here as node-postgres parses a connectionString (its values over the defaults
    // before them), so that a URL without a password can leave the password to the function below: a
    // connectionString always set it, to "" when absent
    const { parse } = require("pg-connection-string") as typeof import("pg-connection-string");
    // query_timeout as the URL read it (a number, 0 for none), not as text
    const { password, query_timeout: _, ...connection } = parse(url.connectionString);
    const pool = new Pool({
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: "nas-assay",
      options: `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`,
      // one connection at a time is all a study needs; a second caller waits its turn
      max: 2,
      ...(connection as pg.PoolConfig),
      query_timeout: url.queryTimeoutMs,
      // the URL's password, else (asked only when the server wants one) PGPASSWORD, else the password
      // file, as libpq does. node-postgres reads the file itself too, but prints a deprecation warning
      // (pgpass support leaves in pg 9) on every command that uses it. (node-postgres calls the
      // function with the connection's parameters and takes undefined as "none"; its types say neither.)
      password:
        password ||
        (((params: pg.ConnectionConfig) =>
          process.env.PGPASSWORD || passwordFileEntry(params)) as unknown as () => Promise<string>),
    });
    // an idle connection the server dropped: the next query opens another (errors reach the caller there)
    pool.on("error", () => {});
    return pool;
  }

  private static async checkVersion(client: pg.PoolClient, url: StudyUrl): Promise<void> {
    const { rows } = await client.query("SELECT version FROM nas_assay_schema");
    const versions = rows.map((r) => r.version as unknown);
    // nas-assay makes the table and its one row in one transaction: no row, several, or a version that
    // is no whole number is a table of that name made by something else, not studies of another version
    if (versions.length !== 1 || !Number.isSafeInteger(versions[0]))
      throw new UserError(
        `${url.location}: the database holds a table named like nas-assay's (nas_assay_schema) that nas-assay ` +
          `did not make (it holds ${versions.length === 1 ? `the version ${JSON.stringify(versions[0])}` : `${versions.length} rows`}; ` +
          "nas-assay's holds one row, its whole-number schema version); use another database, or rename that table",
      );
    if (versions[0] !== POSTGRES_SCHEMA_VERSION) {
      const version = versions[0] as number;
      throw new UserError(
        `${url.location}: the database holds nas-assay studies of schema version ${version}; this nas-assay ` +
          `reads version ${POSTGRES_SCHEMA_VERSION} (use the nas-assay that made them` +
          `${version > POSTGRES_SCHEMA_VERSION ? ", or a newer one" : ""})`,
      );
    }
  }

  /**
   * Runs `body` in one transaction on one connection: committed when it returns, rolled back when it
   * throws. `begin` is sent with BEGIN in one round trip (a statement without parameters) and its
   * last result handed to `body`.
   */
  private static async transaction<T>(
    pool: pg.Pool,
    url: StudyUrl,
    body: (client: pg.PoolClient, begun: pg.QueryResult) => Promise<T>,
    begin = "",
  ): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      throw explain(e, url, true);
    }
    let broken: Error | undefined;
    // a connection lost mid-transaction (a server restart, a worker stopped past the idle timeout) is
    // emitted as an 'error' event too: without a listener Node ends the process with a stack trace; the
    // query in flight fails as well, and that failure is what the caller is told (explain)
    const lost = (e: Error) => {
      broken = e;
    };
    client.on("error", lost);
    try {
      const begun = (await client.query(begin ? `BEGIN; ${begin}` : "BEGIN")) as
        | pg.QueryResult
        | pg.QueryResult[];
      const result = await body(client, Array.isArray(begun) ? (begun.at(-1) as pg.QueryResult) : begun);
      await client.query("COMMIT");
      return result;
    } catch (e) {
      // a server that did not answer would not answer a ROLLBACK either (the user waited the timeout
      // twice): the connection is dropped instead, and the server rolls back a dropped session's work
      if ((e as Error).message === "Query read timeout") broken = e as Error;
      else
        try {
          await client.query("ROLLBACK");
        } catch (rollback) {
          broken = rollback as Error;
        }
      throw explain(e, url);
    } finally {
      client.off("error", lost);
      client.release(broken);
    }
  }

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (e) {
      throw explain(e, this.url);
    }
  }

  async settings(): Promise<StudySettings> {
    const rows = await this.query<{ settings: string }>(
      "SELECT settings FROM nas_assay_studies WHERE id = $1",
      [this.id],
    );
    if (rows.length !== 1) throw new UserError(`${this.location}: the study was removed while in use`);
    let stored: unknown;
    try {
      stored = JSON.parse(rows[0].settings);
    } catch {
      stored = undefined;
    }
    if (stored === null || typeof stored !== "object" || Array.isArray(stored))
      throw new BadFileError(this.location, "damaged study: its settings are not a JSON object");
    // the settings are one JSON object here; readSettings reads each setting's JSON text
    return readSettings(
      this.location,
      Object.fromEntries(Object.entries(stored).map(([name, value]) => [name, JSON.stringify(value)])),
    );
  }

  async trials(): Promise<Trial[]> {
    const rows = await this.query<TrialRow>(
      `SELECT ${TRIAL_COLUMNS} FROM nas_assay_trials WHERE study_id = $1 ORDER BY number`,
      [this.id],
    );
    return rows.map(trialOf);
  }

  async counts(): Promise<StudyCounts> {
    const counts: StudyCounts = { pending: 0, done: 0, failed: 0 };
    const rows = await this.query<{ state: Trial["state"]; n: number }>(
      "SELECT state, count(*)::integer AS n FROM nas_assay_trials WHERE study_id = $1 GROUP BY state",
      [this.id],
    );
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  async keys(): Promise<Set<string>> {
    const rows = await this.query<{ key: string }>("SELECT key FROM nas_assay_trials WHERE study_id = $1", [
      this.id,
    ]);
    return new Set(rows.map((r) => r.key));
  }

  /**
   * Runs `body` in a transaction that first locks the study's row (writers of one study take turns),
   * handing it the study's next trial number. BEGIN and the lock go in one round trip.
   */
  private writing<T>(body: (client: pg.PoolClient, next: number) => Promise<T>): Promise<T> {
    // the id is an integer the server gave: safe inside the statement's text
    if (!Number.isSafeInteger(this.id)) throw new Error(`bad study id ${this.id}`);
    return PostgresStudyStore.transaction(
      this.pool,
      this.url,
      async (client, locked) => {
        if (locked.rows.length !== 1)
          throw new UserError(`${this.location}: the study was removed while in use`);
        return body(client, locked.rows[0].next_number as number);
      },
      `SELECT next_number FROM nas_assay_studies WHERE id = ${this.id} FOR UPDATE`,
    );
  }

  async reserve(proposals: readonly Proposal[], n: number): Promise<Trial[]> {
    const distinct = [...new Map(proposals.map((p) => [p.key, p])).values()];
    if (n < 1 || distinct.length === 0) return [];
    return this.writing(async (client, next) => {
      // under the study's lock, this statement sees every trial committed before: it takes the first
      // n proposals the study does not hold, numbers them on, and moves the study's next number.
      // UNIQUE (study_id, key) would stop a second row for a key regardless.
      const { rows } = await client.query<TrialRow>(
        `WITH proposed AS (
           SELECT k, a, p, r, i FROM unnest($2::text[], $3::text[], $4::double precision[], $5::text[])
             WITH ORDINALITY AS u (k, a, p, r, i)
         ), free AS (
           SELECT proposed.*, row_number() OVER (ORDER BY i) AS rank FROM proposed
           WHERE NOT EXISTS (SELECT 1 FROM nas_assay_trials t WHERE t.study_id = $1 AND t.key = proposed.k)
         ), chosen AS (
           SELECT * FROM free WHERE rank <= $6
         ), inserted AS (
           INSERT INTO nas_assay_trials (study_id, number, key, arch, state, predicted, reason, asked_at)
           SELECT $1, $7 + rank - 1, k, a, 'pending', p, r, now() FROM chosen
           RETURNING ${TRIAL_COLUMNS}
         ), moved AS (
           UPDATE nas_assay_studies SET next_number = $7 + (SELECT count(*) FROM chosen) WHERE id = $1
         )
         SELECT * FROM inserted`,
        [
          this.id,
          distinct.map((p) => p.key),
          distinct.map((p) => JSON.stringify(p.arch)),
          distinct.map((p) => p.predicted),
          distinct.map((p) => p.reason),
          n,
          next,
        ],
      );
      return rows.map(trialOf).sort((a, b) => a.number - b.number);
    });
  }

  async record(
    results: readonly TrialResult[],
    check: RecordCheck,
    options: RecordOptions = {},
  ): Promise<{ written: number; skipped: number }> {
    if (results.length === 0) return { written: 0, skipped: 0 };
    return this.writing(async (client, first) => {
      let next = first;
      // the done values' range, the transaction's time, and the trials already stored under the keys:
      // the first RECORD_CHUNK keys with the range, the others by themselves (see RECORD_CHUNK)
      const keys = [...new Set(results.map((r) => r.key))];
      const read = await client.query<
        Partial<TrialRow> & {
          done_count: number;
          done_min: number | null;
          done_min_above_one: number | null;
          done_max_up_to_one: number | null;
          done_max: number | null;
          now: Date;
        }
      >(
        `SELECT r.done_count, r.done_min, r.done_min_above_one, r.done_max_up_to_one, r.done_max, now() AS now,
                ${TRIAL_COLUMNS.split(", ")
                  .map((c) => `t.${c}`)
                  .join(", ")}
         FROM (SELECT count(*)::integer AS done_count, min(value) FILTER (WHERE value > 0) AS done_min,
                 min(value) FILTER (WHERE value > 1) AS done_min_above_one,
                 max(value) FILTER (WHERE value > 0 AND value <= 1) AS done_max_up_to_one, max(value) AS done_max
               FROM nas_assay_trials WHERE study_id = $1 AND state = 'done'
                 -- the stored values that results change (RecordOptions.replacing): a result for the key
                 -- with another value, or failed (NULL)
                 AND NOT ($3 AND EXISTS (SELECT 1 FROM unnest($4::text[], $5::float8[]) AS n(key, value)
                                         WHERE n.key = nas_assay_trials.key
                                           AND n.value IS DISTINCT FROM nas_assay_trials.value))) AS r
         LEFT JOIN nas_assay_trials AS t ON t.study_id = $1 AND t.key = ANY($2::text[])`,
        [
          this.id,
          keys.slice(0, RECORD_CHUNK),
          options.replacing === true,
          // only --replace reads them: a large file's every key and value was sent twice
          options.replacing === true ? results.map((r) => r.key) : [],
          options.replacing === true
            ? results.map((r) => ("value" in r.outcome ? r.outcome.value : null))
            : [],
        ],
      );
      const {
        done_count: count,
        done_min: min,
        done_min_above_one: minAboveOne,
        done_max_up_to_one: maxUpToOne,
        done_max: max,
      } = read.rows[0];
      const now = read.rows[0].now.toISOString();
      const rows: Partial<TrialRow>[] = read.rows.filter((row) => row.key != null);
      for (let from = RECORD_CHUNK; from < keys.length; from += RECORD_CHUNK)
        rows.push(
          ...(
            await client.query<TrialRow>(
              `SELECT ${TRIAL_COLUMNS} FROM nas_assay_trials WHERE study_id = $1 AND key = ANY($2::text[])`,
              [this.id, keys.slice(from, from + RECORD_CHUNK)],
            )
          ).rows,
        );
      // each key's trial as this call leaves it: what later results of the same call see, as in SQLite
      const trials = new Map(rows.map((row) => [row.key as string, trialOf(row as TrialRow)]));
      const stored = new Set(trials.keys());
      const changed = new Set<string>();
      const seen: DoneRange = {
        count,
        min: min ?? Number.NaN,
        minAboveOne: minAboveOne ?? Number.NaN,
        maxUpToOne: maxUpToOne ?? Number.NaN,
        max: max ?? Number.NaN,
      };
      const before = { ...seen };
      let written = 0;
      let skipped = 0;
      for (const result of results) {
        const existing = trials.get(result.key);
        if (check(result, { existing: existing && { ...existing }, done: { ...seen }, before }) === "skip") {
          skipped++;
          continue;
        }
        const value = "value" in result.outcome ? result.outcome.value : null;
        trials.set(result.key, {
          number: existing?.number ?? next++,
          key: result.key,
          arch: existing?.arch ?? result.arch,
          state: value === null ? "failed" : "done",
          value,
          predicted: existing?.predicted ?? null,
          reason: existing?.reason ?? null,
          askedAt: existing?.askedAt ?? null,
          toldAt: now,
        });
        changed.add(result.key);
        if (value !== null) addDoneValue(seen, value);
        written++;
      }
      if (changed.size === 0) return { written, skipped };
      const updates = [...changed].filter((k) => stored.has(k)).map((k) => trials.get(k) as Trial);
      const inserts = [...changed].filter((k) => !stored.has(k)).map((k) => trials.get(k) as Trial);
      // every write of the call in one statement per RECORD_CHUNK updates and inserts
      for (let from = 0; from < Math.max(updates.length, inserts.length); from += RECORD_CHUNK) {
        const update = updates.slice(from, from + RECORD_CHUNK);
        const insert = inserts.slice(from, from + RECORD_CHUNK);
        await client.query(
          `WITH updated AS (
           UPDATE nas_assay_trials AS t SET state = u.s, value = u.v,
             told_at = CASE WHEN t.state = 'done' THEN t.told_at ELSE now() END
           FROM unnest($2::text[], $3::text[], $4::double precision[]) AS u (k, s, v)
           WHERE t.study_id = $1 AND t.key = u.k
         ), inserted AS (
           INSERT INTO nas_assay_trials (study_id, number, key, arch, state, value, told_at)
           SELECT $1, n, k, a, s, v, now()
           FROM unnest($5::integer[], $6::text[], $7::text[], $8::text[], $9::double precision[]) AS i (n, k, a, s, v)
         )
         UPDATE nas_assay_studies SET next_number = $10 WHERE id = $1`,
          [
            this.id,
            update.map((t) => t.key),
            update.map((t) => t.state),
            update.map((t) => t.value),
            insert.map((t) => t.number),
            insert.map((t) => t.key),
            insert.map((t) => JSON.stringify(t.arch)),
            insert.map((t) => t.state),
            insert.map((t) => t.value),
            next,
          ],
        );
      }
      return { written, skipped };
    });
  }

  async reclaim(timeoutMs: number, n: number): Promise<Trial[]> {
    if (n < 1) return [];
    const rows = await this.query<TrialRow>(
      `WITH expired AS (
         SELECT study_id, number FROM nas_assay_trials
         WHERE study_id = $1 AND state = 'pending' AND asked_at < now() - make_interval(secs => $2::double precision / 1000)
         ORDER BY asked_at, number LIMIT $3
         FOR UPDATE SKIP LOCKED
       )
       UPDATE nas_assay_trials AS t SET asked_at = now() FROM expired
       WHERE t.study_id = expired.study_id AND t.number = expired.number
       RETURNING ${TRIAL_COLUMNS.split(", ")
         .map((c) => `t.${c}`)
         .join(", ")}`,
      [this.id, timeoutMs, n],
    );
    return rows.map(trialOf).sort((a, b) => a.number - b.number);
  }

  async release(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    // one statement: atomic on its own; numbers stay as they were (next_number is not wound back)
    const rows = await this.query<{ number: number }>(
      `DELETE FROM nas_assay_trials WHERE study_id = $1 AND state = 'pending' AND key = ANY($2::text[])
       RETURNING number`,
      [this.id, [...keys]],
    );
    return rows.length;
  }

  async remove(): Promise<StudyCounts> {
    try {
      // under the study's row lock, as every writer takes it: a tell under way finishes first, and is counted
      return await this.writing(async (client) => {
        const counts: StudyCounts = { pending: 0, done: 0, failed: 0 };
        const { rows } = await client.query<{ state: Trial["state"]; n: number }>(
          "SELECT state, count(*)::integer AS n FROM nas_assay_trials WHERE study_id = $1 GROUP BY state",
          [this.id],
        );
        for (const row of rows) counts[row.state] = row.n;
        // its trials go with it (ON DELETE CASCADE)
        await client.query("DELETE FROM nas_assay_studies WHERE id = $1", [this.id]);
        return counts;
      });
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
