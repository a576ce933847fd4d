/**
 * Where the job queue lives: a Redis URL (`redis://[user:password@]host[:port][/db]`, or `rediss://`
 * for TLS), checked once, and shown everywhere without its password. The queue inside it is always the
 * one named `QUEUE_NAME`; several sweeps share it (a run's job id is the run's identity).
 */
import type { ConnectionOptions } from "bullmq";
import { hidePasswords, UserError } from "../errors.js";
import { inOurWords } from "./queue-messages.js";

/** The BullMQ queue every nas-assay reproducer and worker uses. */
export const QUEUE_NAME = "nas-assay-runs";

/** A checked Redis URL. */
export interface QueueAddress {
  /** The URL as given, password included: only ever handed to the Redis client. */
  url: string;
  /** The URL with its password replaced by `***`: for messages and output. */
  shown: string;
  /** Where it was given, for messages: `--queue` (the default) or `NAS_ASSAY_QUEUE`. */
  given?: string;
}

/**
 * Checks a `--queue` value; `given` names where it came from in messages (`NAS_ASSAY_QUEUE` when the
 * command read it from the environment).
 * @throws UserError naming the expected form (the message never holds the password).
 */
export function queueAddress(text: string, given = "--queue"): QueueAddress {
  const flag = given;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // a port out of range is the one part that makes a redis:// URL unparsable and is safe to name
    const hostPort = /^rediss?:\/\/([^/?#]*)/i.exec(text.trim())?.[1].replace(/^.*@/, "");
    const port = hostPort && /:(\d+)$/.exec(hostPort)?.[1];
    if (port && Number(port) > 65535)
      throw new UserError(
        `${flag}: port ${port} is out of range; expected a port in 1..65535 (redis://host:6379)`,
      );
    // not echoed: text that is no URL cannot be told apart from its password, but for a bare host:port
    // (the usual slip), which holds none
    const bare = /^[\w.-]+:\d+$/.test(text.trim());
    throw new UserError(
      `${flag} must be a Redis URL such as redis://host:6379 (or rediss:// for TLS)${bare ? `, got "${text.trim()}": write redis://${text.trim()}` : ""}`,
    );
  }
  const shown = hidePassword(url);
  if (url.port === "0")
    throw new UserError(
      `${flag}: port 0 is no port to connect to; expected a port in 1..65535, got "${shown}"`,
    );
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new UserError(`${flag} must be a redis:// or rediss:// URL, got "${shown}"`);
  if (!url.hostname) throw new UserError(`${flag} needs a host, as in redis://host:6379, got "${shown}"`);
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db))
    throw new UserError(
      `${flag}: the path of a Redis URL is a database number (redis://host:6379/0), got "${shown}"`,
    );
  if (url.search || url.hash)
    throw new UserError(
      `${flag}: a Redis URL takes no ?query or #fragment here, got "${shown}" followed by "${hidePasswords(url.search + url.hash)}"`,
    );
  return given === "--queue" ? { url: text, shown } : { url: text, shown, given };
}

/** The Redis database an address names: the number in its path, else 0. */
export function databaseIndex(address: QueueAddress): number {
  const db = new URL(address.url).pathname.replace(/^\//, "");
  return db === "" ? 0 : Number(db);
}

/** The URL without its password (`***`), query or fragment. */
function hidePassword(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = "***";
  copy.search = "";
  copy.hash = "";
  return copy.href;
}

/**
 * BullMQ's connection options for an address: the URL goes to ioredis as it is; requests wait for a
 * reconnect instead of failing (what BullMQ's workers need), and the client tries again after 0.5, 1, 1.5, then every 2 s.
 */
export function connectionOptions(address: QueueAddress): ConnectionOptions {
  if (new URL(address.url).password) routePasswordWarnings(address.shown);
  return {
    url: address.url,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(500 * times, 2000),
  };
}

/**
 * An error reply of Redis (it refused a command: out of memory, no permission, a read-only replica) as
 * one line naming the server; any other error as it is. Such a reply is the server's answer, not a bug
 * of nas-assay: it was reported as an internal error with a stack trace.
 */
export function refusedByRedis(error: unknown, address: QueueAddress): unknown {
  if (!(error instanceof Error) || error.name !== "ReplyError") return error;
  return new UserError(`Redis at ${address.shown} refused a command: ${inOurWords(error.message)}`);
}

/** Something with BullMQ's `waitUntilReady` and an `error` event (a Queue, a Worker). */
interface Connectable {
  waitUntilReady(): Promise<unknown>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * Waits until `client` has connected to Redis.
 * @throws UserError after `timeoutMs` without a connection, naming the URL (without password) and the
 *   last connection error; at once when the server refuses the credentials or the database, or answers
 *   as no Redis does (another server on that port).
 */
export async function reachable(
  client: Connectable,
  address: QueueAddress,
  timeoutMs = 10_000,
): Promise<void> {
  let last = "no answer";
  let refuse: (error: UserError) => void = () => {};
  client.on("error", (error) => {
    last = error.message;
    // the server answered, and waiting will not change its answer: say so now, not "start redis-server"
    if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(last))
      refuse(
        new UserError(
          `Redis at ${address.shown} refused the connection's credentials (${last}): check the user and password in ${address.given ?? "--queue"}`,
        ),
      );
    else if (/^Protocol error/.test(last))
      // ioredis's words ("… Please report this.") ask for a bug report; the server answered, not as Redis
      refuse(
        new UserError(
          `what answers at ${address.shown} is not Redis (its reply is no Redis reply: ${last.replace(/\.?\s*Please report this\.$/, "")}): check the host and port in ${address.given ?? "--queue"}`,
        ),
      );
    else if (/DB index is out of range/i.test(last))
      refuse(
        new UserError(
          `Redis at ${address.shown} has no such database (${last}): the path of the URL is a database number the server has (0–15 by default)`,
        ),
      );
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    refuse = reject;
    timer = setTimeout(
      () =>
        reject(
          new UserError(
            /ECONNRESET/.test(last)
              ? // something listens and hangs up on Redis's first command (PostgreSQL does; so does TLS
                // met with redis://): "start redis-server there" was no help
                `cannot reach Redis at ${address.shown} (${last}) within ${timeoutMs / 1000} s: something listens there and hangs up; is it Redis (or one that wants rediss://)? check ${address.given ?? "--queue"}`
              : `cannot reach Redis at ${address.shown} (${last}) within ${timeoutMs / 1000} s: start redis-server there, or check ${address.given ?? "--queue"}`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.waitUntilReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The queue whose password a server did not ask for (named in the warning); one queue per process. */
let passwordGivenTo: string | undefined;

/**
 * ioredis prints "[WARN] Redis server does not require a password, but a password was supplied." with
 * console.warn, once per connection (a worker holds several) and in its own format. It becomes one
 * process warning (which the CLI prints as one `nas-assay: warning:` line); other output is untouched.
 * ioredis offers no option or event for it, hence the wrapper.
 */
function routePasswordWarnings(shown: string): void {
  const installed = passwordGivenTo !== undefined;
  passwordGivenTo = shown;
  if (installed) return;
  const warn = console.warn;
  let told = false;
  console.warn = (...args: unknown[]) => {
    if (
      typeof args[0] === "string" &&
      /does not require a password, but a password was supplied/.test(args[0])
    ) {
      if (!told)
        process.emitWarning(
          `Redis at ${passwordGivenTo} asks for no password: the password in --queue is not used`,
        );
      told = true;
      return;
    }
    warn.apply(console, args);
  };
}
