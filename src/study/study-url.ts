/**
 * A study on a PostgreSQL server, named by a URL: `postgresql://user@host:port/db?study=NAME` (also
 * `postgres://`). The `study` parameter names the study in that database (one database holds many);
 * every other part, other query parameters included (`sslmode=require`, …), goes to the server as
 * node-postgres reads it. A password may be in the URL, but is never shown: messages name the study by
 * the URL without it. Without one, node-postgres takes `PGPASSWORD`, then `~/.pgpass` (or `PGPASSFILE`).
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { hidePasswords, shownValue, UserError } from "../errors.js";

export interface StudyUrl {
  /** What node-postgres connects with: the URL less its `study` parameter (password kept). */
  connectionString: string;
  /** The study's name in the database. */
  name: string;
  /** The URL without its password, for messages. */
  location: string;
  /**
   * How long (ms) to wait for the server to answer one query before giving up: the URL's
   * `query_timeout`, else DEFAULT_QUERY_TIMEOUT_MS; `undefined` (query_timeout=0) waits for ever.
   */
  queryTimeoutMs: number | undefined;
}

/**
 * How long a query waits for the server's answer unless the URL says (ms). Without a limit a command
 * on a frozen server (stopped, its machine hung, a network that drops packets) waited for ever. The
 * longest wait we know of behind a healthy server is a lock held by a frozen worker, which the server
 * ends after 60 s idle in a transaction (postgres-store.ts): twice that.
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 120_000;

/** The longest timeout a URL may give (ms): Node's timers and PostgreSQL's timeouts are 32-bit. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const SCHEME = /^postgres(?:ql)?:\/\//i;
/**
 * The query parameters node-postgres 8 reads from a URL (pg-connection-string and pg's
 * ConnectionParameters), besides `study`. Any other is dropped there without a word, so a misspelt
 * `sslmod=require` would connect without SSL; libpq's `connect_timeout` or `target_session_attrs` are
 * not read either.
 */
const READ_PARAMETERS = [
  "sslmode",
  "sslcert",
  "sslkey",
  "sslrootcert",
  "sslnegotiation",
  "uselibpqcompat",
  "ssl",
  "host",
  "port",
  "user",
  "password",
  "database",
  "application_name",
  "fallback_application_name",
  "client_encoding",
  "options",
  "statement_timeout",
  "query_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
  "replication",
];

/**
 * The values node-postgres would misread or fail on outside any message of ours: a port that is not a
 * number (the process ended with status 13 and no word), a socket folder or certificate file that does
 * not exist (an internal error from deep in pg), an sslmode it does not know (`disabled` turned SSL on),
 * a timeout that is not a number of milliseconds. Throws UserError naming the parameter.
 */
function checkParameterValues(url: URL, shown: string): void {
  const refuse = (name: string, value: string, expected: string) => {
    throw new UserError(`${shown}: the parameter ${name}=${value}; expected ${expected}`);
  };
  // node-postgres takes the last of a repeated parameter without a word (sslmode=require&sslmode=disable)
  const names = [...url.searchParams.keys()];
  const repeated = names.find((name, i) => names.indexOf(name) !== i && name !== "study");
  if (repeated !== undefined)
    throw new UserError(`${shown}: the parameter ${repeated} is given more than once; expected each once`);
  const port = url.searchParams.get("port");
  if (port !== null && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    refuse("port", port, "a port number in 1..65535");
  const host = url.searchParams.get("host");
  if (host?.startsWith("/") && !existsSync(host))
    refuse("host", host, "a host name, or the folder of the server's Unix socket (no such folder)");
  const sslmode = url.searchParams.get("sslmode");
  if (sslmode !== null && !SSL_MODES.includes(sslmode))
    refuse("sslmode", sslmode, `one of ${SSL_MODES.join(", ")}`);
  for (const name of ["sslcert", "sslkey", "sslrootcert"]) {
    const file = url.searchParams.get(name);
    if (file !== null && !readableFile(file))
      refuse(
        name,
        file,
        `a file this user can read (node-postgres reads it${name === "sslrootcert" ? "; libpq's value system is not read" : ""})`,
      );
  }
  const negotiation = url.searchParams.get("sslnegotiation");
  if (negotiation !== null && !["postgres", "direct"].includes(negotiation))
    refuse("sslnegotiation", negotiation, "postgres or direct");
  // node-postgres reads ssl=true, 1 and 0; any other text (false, off, no) counts as true: SSL on
  const ssl = url.searchParams.get("ssl");
  if (ssl !== null && !["true", "1", "0"].includes(ssl)) refuse("ssl", ssl, "true, 1 or 0 (or leave it out)");
  for (const name of [
    "statement_timeout",
    "query_timeout",
    "lock_timeout",
    "idle_in_transaction_session_timeout",
  ]) {
    const value = url.searchParams.get(name);
    // above 2^31 − 1 ms (about 24.8 days) node-postgres' timer fires at once (Node's setTimeout
    // limit: every query failed as "did not answer within 3000000 s") and PostgreSQL refuses its own
    if (value !== null && !(/^\d+$/.test(value) && Number(value) <= MAX_TIMEOUT_MS))
      refuse(name, value, `a number of milliseconds up to ${MAX_TIMEOUT_MS} (about 24 days; 0 for none)`);
  }
}

/** Whether `path` is a file this process can read. */
function readableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The sslmode values node-postgres 8 knows (pg-connection-string). */
const SSL_MODES = ["disable", "prefer", "require", "verify-ca", "verify-full", "no-verify"];

/** Longest study name accepted (characters). */
const MAX_NAME = 200;

/** Whether a `--study` argument names a PostgreSQL study (rather than a study file). */
export function isPostgresUrl(text: string): boolean {
  return SCHEME.test(text);
}

/**
 * What a `--study` that is no study file looks like: any `scheme://` (`mysql://…`, a misspelt
 * `postgesql://…`, `postgresql+psycopg2://…`), a known scheme without `//` (`postgresql:nas?study=m`), or
 * `postgresql//…` with its colon missing (a file under a folder `postgresql`, were there one).
 * Read as a file path, it would silently make a private study file of that name (and print it, password
 * included, in every message).
 */
const URL_LIKE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/|(?:postgres(?:ql)?|mysql|mariadb|sqlite|redis|rediss|https?|file|jdbc):|postgres(?:ql)?\/\/)/i;

/**
 * Refuses a study location that is no text (from JavaScript: a number, undefined, an options object),
 * which failed with a TypeError ("path.trim is not a function", "text.replace is not a function").
 * @throws UserError naming what was given.
 */
export function checkLocationText(location: unknown): asserts location is string {
  if (typeof location !== "string")
    throw new UserError(
      `a study is named by its file's path or a postgresql:// URL (text), got ${shownValue(location, 80)}`,
    );
}

/**
 * Refuses an `access` other than "read" or "write" (from JavaScript: "rw", "readonly", true), which was
 * taken as a write without a writer's checks: a read-only study was opened as it stood, its -wal and
 * -shm files then left with its mode (see SqliteStudyStore.open). @throws UserError naming it.
 */
export function checkAccess(access: unknown): asserts access is "read" | "write" {
  if (access !== "read" && access !== "write")
    throw new UserError(`a study is opened with access "read" or "write", got ${shownValue(access, 80)}`);
}

/**
 * Refuses a `--study` argument that looks like a URL but is no postgresql:// one. A study file whose
 * name starts so is still reachable as ./NAME.
 * @throws UserError naming it (without its password) and what is accepted.
 */
export function checkStudyLocation(text: string): void {
  checkLocationText(text);
  // SQLite's name for a database in memory: better-sqlite3 made a file of that name here, then said it
  // was not a study
  if (text === ":memory:")
    throw new UserError(
      "--study :memory: would be a file of that name in this folder; a study lives in a file (runs.db) or a " +
        "postgresql:// URL (in memory, from the library: SqliteStudyStore.memory(settings); simulate plays studies in memory)",
    );
  if (isPostgresUrl(text) || !URL_LIKE.test(text)) return;
  throw new UserError(
    `${withoutPassword(text)}: not a study file or a postgresql:// URL; expected a file path (runs.db) or ` +
      "postgresql://user@host:port/database?study=NAME (a file whose name starts like a URL: ./NAME)",
  );
}

/**
 * Refuses a new study file named as a results, spec or page file (`study create --study results.csv`,
 * --study taken for an output): an SQLite database was made under that name, which a spreadsheet then
 * opened as garbage and `tell --file` refused as "an SQLite database". A study already so named opens.
 */
export function checkNewStudyFileName(location: string): void {
  if (isPostgresUrl(location)) return;
  const ext = /\.(csv|tsv|txt|jsonl|ndjson|json|html?|ya?ml|svg)$/i.exec(location)?.[1];
  if (ext === undefined) return;
  throw new UserError(
    `--study ${location}: a study is an SQLite database, not a .${ext} file; name it ${location.slice(0, -ext.length - 1)}.db, say ` +
      "(study show --csv writes a study's results as a CSV)",
  );
}

/**
 * The URL without its password (for messages): none before the host, and a `password` parameter
 * (which node-postgres reads too) as `password=***`; the text as given when there is none to hide.
 */
export function withoutPassword(text: string): string {
  // the query's password, hidden in place (hidePasswords, which every message passes through):
  // searchParams would re-encode the rest (study=a%20b as a+b)
  const hideQuery = hidePasswords;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // not a URL (a password with "/" or "@" not percent-encoded breaks it): hide everything between
    // "//user:" and the last "@", whatever the password holds
    return hideQuery(text.replace(/(\/\/[^/:@]*):.*@/, "$1@"));
  }
  // as given when there is nothing to hide (URL's own spelling echoed file:runs.db as file:///runs.db)
  if (url.password === "" && hideQuery(url.search) === url.search) return text;
  url.password = "";
  url.search = hideQuery(url.search);
  return url.toString();
}

/**
 * Reads a study URL. @throws UserError (naming the URL without its password) for a URL that does not
 * parse, or that has no `?study=NAME`, or more than one `study`. A URL without a host
 * (`postgresql:///db?study=x`) connects as node-postgres does by default (PGHOST, else localhost).
 */
export function parseStudyUrl(text: string): StudyUrl {
  checkLocationText(text);
  const shown = withoutPassword(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(
      `${shown}: not a valid URL; expected postgresql://user@host:port/database?study=NAME ` +
        "(a password holding /, @, : or # is written percent-encoded: %2F, %40, %3A, %23)",
    );
  }
  if (!SCHEME.test(text))
    throw new UserError(
      `${shown}: expected a postgresql:// URL (postgresql://user@host:port/database?study=NAME)`,
    );
  // what follows "#" is a fragment, which URL parsing drops: "?study=a#b" named the study "a"
  if (text.includes("#"))
    throw new UserError(
      `${shown}: holds "#", which starts a URL fragment and would be dropped (study=a#b is the study "a"); ` +
        "write # in a name or password as %23",
    );
  // a query reads "+" as a space (form encoding), so "study=a+b" was the study "a b"
  const rawStudy = url.search
    .slice(1)
    .split("&")
    .find((part) => part.startsWith("study=") && part.includes("+"));
  if (rawStudy !== undefined)
    throw new UserError(
      `${shown}: the study name holds "+", which a URL query reads as a space; write %2B for a plus, %20 for a space`,
    );
  const names = url.searchParams.getAll("study");
  // "?Study=m" was said to have no study name, the parameter it does have left to be spotted
  const otherCase = [...new Set(url.searchParams.keys())].filter(
    (key) => key !== "study" && key.toLowerCase() === "study",
  );
  if (names.length === 0 && otherCase.length > 0)
    throw new UserError(
      `${shown}: no study name: ${otherCase.map((key) => `"${key}"`).join(", ")} is "study" in another case, and URL parameter names are compared case included; write ?study=NAME`,
    );
  if (names.length !== 1 || !names[0].trim())
    throw new UserError(
      `${shown}: ${names.length > 1 ? "more than one study=" : "no study name"}; ` +
        "add one ?study=NAME (one database holds many studies, each under its name)",
    );
  const unread = [...new Set(url.searchParams.keys())].filter(
    (key) => key !== "study" && !READ_PARAMETERS.includes(key),
  );
  if (unread.length > 0)
    throw new UserError(
      `${shown}: node-postgres does not read the parameter${unread.length > 1 ? "s" : ""} ${unread.join(", ")} ` +
        `(it would drop ${unread.length > 1 ? "them" : "it"} silently); expected study and any of ${READ_PARAMETERS.join(", ")}`,
    );
  checkParameterValues(url, shown);
  const name = names[0];
  // PostgreSQL text cannot hold a NUL character: the server refused "a%00b" with an internal error
  const decoded = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  for (const [what, text] of [
    ["the study name", name],
    ["the user name", decoded(url.username)],
    ["the database name", decoded(url.pathname)],
    ...[...url.searchParams].filter(([key]) => key !== "study").map(([key, value]) => [`the ${key}`, value]),
  ])
    if (text.includes("\0"))
      throw new UserError(
        `${shown}: ${what} holds a NUL character (%00), which PostgreSQL cannot store or read`,
      );
  if (name.length > MAX_NAME)
    throw new UserError(`${shown}: the study name is longer than ${MAX_NAME} characters`);
  // a name with a line break printed as two lines; " t1" was another study than "t1", unseen in any listing
  if (/\p{Cc}/u.test(name))
    throw new UserError(
      `${shown}: the study name holds a control character (a line break or tab, %0A or %09); expected a name of visible characters`,
    );
  if (name !== name.trim())
    throw new UserError(
      `${shown}: the study name starts or ends with a space; expected the name without it (study=${encodeURIComponent(name.trim())})`,
    );
  const connection = new URL(url.toString());
  connection.searchParams.delete("study");
  // "café" typed composed or decomposed (as macOS may pass it) names one study, as spec names compare
  const queryTimeout = url.searchParams.get("query_timeout");
  return {
    connectionString: connection.toString(),
    name: name.normalize("NFC"),
    location: withoutPassword(url.toString()),
    // node-postgres would pass the text to setTimeout, where "0" (none, as for PostgreSQL's own
    // timeouts) meant at once: every query failed
    queryTimeoutMs:
      queryTimeout === null
        ? DEFAULT_QUERY_TIMEOUT_MS
        : Number(queryTimeout) > 0
          ? Number(queryTimeout)
          : undefined,
  };
}
