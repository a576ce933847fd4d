/**
 * Throw-away Redis and PostgreSQL servers for tests: each on a free loopback port with its files in a
 * temporary folder, stopped and removed by `stop()` (and, should the test process exit without calling
 * it, by an exit hook). A missing server binary fails the test with the command that installs it; no
 * test skips and no mock stands in for either server.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";

/** The line that tells how to get both servers (Debian's packages, as .ci/run installs them). */
export const INSTALL_SERVERS = "apt-get install -y --no-install-recommends postgresql redis-server";

/** A running throw-away server. */
export interface TestServer {
  /** Connection URL on 127.0.0.1 (redis://127.0.0.1:PORT, postgresql://postgres@127.0.0.1:PORT/DB). */
  url: string;
  port: number;
  /** Its temporary folder (data, socket, log). */
  dir: string;
  /** Stops the server and removes its folder; safe to call twice. */
  stop(): Promise<void>;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Path of an executable on $PATH, or undefined. */
function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function missing(what: string): Error {
  return new Error(
    `${what} not found: the queue and study tests need real servers; install them with \`${INSTALL_SERVERS}\` (.ci/run does this)`,
  );
}

/** Stops whatever `stopNow` stops when the process exits before the test called `stop()`. */
function onExit(stopNow: () => void): () => void {
  const hook = () => stopNow();
  process.once("exit", hook);
  return () => process.removeListener("exit", hook);
}

/** Resolves once `child` prints `ready` on stdout; rejects (with its output) when it exits first. */
function waitForLine(child: ChildProcess, ready: RegExp, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(e);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.off("exit", exited);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = (code: number | null, signal: string | null) =>
      fail(new Error(`${what} exited (${signal ?? code}) before it was ready:\n${output}`));
    child.once("exit", exited);
    child.once("error", (e) => fail(e));
  });
}

/**
 * Starts `redis-server` on a free loopback port, without persistence (`--save '' --appendonly no`),
 * its working folder a new temporary one.
 * @throws Error naming the apt-get line when redis-server is not installed.
 */
export async function startRedis(): Promise<TestServer> {
  const binary = onPath("redis-server");
  if (!binary) throw missing("redis-server");
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-redis-"));
  const port = await freePort();
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const forget = onExit(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    await waitForLine(child, /Ready to accept connections/, `redis-server on port ${port}`);
  } catch (e) {
    forget();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve();
        else {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }
      }).then(() => {
        forget();
        rmSync(dir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}

/** The folder holding initdb and pg_ctl: $PATH, else `pg_config --bindir`, else Debian's newest. */
export function postgresBinaries(): string {
  const initdb = onPath("initdb");
  if (initdb) return join(initdb, "..");
  const pgConfig = onPath("pg_config");
  if (pgConfig) {
    const result = spawnSync(pgConfig, ["--bindir"], { encoding: "utf8" });
    const bindir = result.stdout?.trim();
    if (result.status === 0 && bindir && existsSync(join(bindir, "initdb"))) return bindir;
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(debian, versions[0], "bin");
  }
  throw missing("PostgreSQL (initdb, pg_ctl)");
}

/**
 * Starts a PostgreSQL cluster made by `initdb` in a temporary folder, on a free loopback port (unix
 * socket in that folder too), with trust authentication for the `postgres` user and one database
 * `nas_assay`. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
 * (which Debian's package creates) through `runuser`.
 * @throws Error naming the apt-get line when PostgreSQL is not installed, or with the server's log
 *   when it does not start.
 */
export async function startPostgres(): Promise<TestServer> {
  const bin = postgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ["runuser", ["-u", "postgres", "--", join(bin, command), ...args]]
      : [join(bin, command), args];
    return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  };
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-postgres-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  if (asRoot) {
    const ids = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
    let uid: number;
    let gid: number;
    try {
      uid = ids("-u");
      gid = ids("-g");
    } catch {
      rmSync(dir, { recursive: true, force: true });
      throw missing("the postgres user (made by Debian's postgresql package)");
    }
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  let started = false;
  const stopNow = () => {
    if (started) {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped; the folder goes all the same
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const forget = onExit(stopNow);
  try {
    run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync"]);
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    started = true;
    run("pg_ctl", ["-D", data, "-l", log, "-o", serverOptions, "-w", "-t", "30", "start"]);
    const admin = new pg.Client({ host: "127.0.0.1", port, user: "postgres", database: "postgres" });
    await admin.connect();
    try {
      await admin.query("create database nas_assay");
    } finally {
      await admin.end();
    }
  } catch (e) {
    const serverLog = existsSync(log) ? `\n${readFileSync(log, "utf8")}` : "";
    forget();
    stopNow();
    const output = (e as { stderr?: string }).stderr ?? "";
    throw new Error(`PostgreSQL on port ${port} did not start: ${(e as Error).message}${output}${serverLog}`);
  }
  let stopped = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/nas_assay`,
    port,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      forget();
      stopNow();
    },
  };
}
