/**
 * Opening an SQLite database through better-sqlite3, whose native part (`better_sqlite3.node`) is
 * built or downloaded by its install script. That script does not always run: npm 12 skips a
 * dependency's install script unless the installing project's package.json lists it under
 * `allowScripts`, and `--ignore-scripts` skips them all; a Node.js upgrade leaves a part built for the
 * old version. Each failed as an internal error with better-sqlite3's fourteen-line list of paths
 * tried (or, opening a study, as "cannot open" the study file, which is not at fault); this says what
 * is missing and the command that builds it.
 */
import { createRequire } from "node:module";
import { sep } from "node:path";
import Database from "better-sqlite3";
import { UserError } from "../errors.js";

/**
 * `new Database(file, options)`, with a native part that cannot be loaded said in one line
 * (UserError, from sqliteBindingError). Other errors (a file SQLite cannot open) are thrown as they
 * come, for the caller to word.
 */
export function openSqlite(file: string, options?: Database.Options): Database.Database {
  try {
    return new Database(file, options);
  } catch (e) {
    throw sqliteBindingError(e) ?? e;
  }
}

/**
 * The one-line UserError for an error of loading better-sqlite3's native part: the `bindings`
 * package's "Could not locate the bindings file" (never built) or Node's ERR_DLOPEN_FAILED (built for
 * another Node.js version, or not a loadable file); undefined for any other error.
 */
export function sqliteBindingError(e: unknown): UserError | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  let why: string;
  if (e.message.startsWith("Could not locate the bindings file"))
    why = "no better_sqlite3.node was built (its install script did not run)";
  else if (code === "ERR_DLOPEN_FAILED") {
    const versions =
      /NODE_MODULE_VERSION (\d+)\.\s+This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(
        e.message,
      );
    why = versions
      ? `it was built for another Node.js version (NODE_MODULE_VERSION ${versions[1]}; this one needs ${versions[2]})`
      : `it cannot be loaded (${(e.message.split("\n")[0] ?? "").trim()})`;
  } else return undefined;
  const where = installFolder();
  return new UserError(
    `SQLite's native part (better-sqlite3) is not usable with this Node.js ${process.version}: ${why}; ` +
      `run "npm rebuild better-sqlite3"${where ? ` in ${where}` : ""} (npm 12 and later skip a dependency's ` +
      'install script unless package.json\'s "allowScripts" approves it: npm install-scripts approve better-sqlite3)',
  );
}

/** The project folder whose node_modules holds better-sqlite3 (where `npm rebuild` runs), if found. */
function installFolder(): string | undefined {
  try {
    const file = createRequire(import.meta.url).resolve("better-sqlite3/package.json");
    // the first node_modules: \`npm rebuild\` in the outermost project also rebuilds nested copies
    const at = file.indexOf(`${sep}node_modules${sep}`);
    return at > 0 ? file.slice(0, at) : undefined;
  } catch {
    return undefined;
  }
}
