import { readFileSync } from "node:fs";

/**
 * Errors caused by what the user gave us (a malformed cell, a missing file, a bad flag).
 * The command line prints their message alone and exits with status 1; anything else is a bug
 * and exits with status 2.
 */
export class UserError extends Error {
  override name = "UserError";
}

/** A cell that is not a valid NAS-Bench-101/201 cell; `rule` names the rule it broke. */
export class InvalidCellError extends UserError {
  override name = "InvalidCellError";
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`invalid cell: ${detail} (rule: ${rule})`);
  }
}

/** A file that exists but is not what it should be (truncated, corrupted, wrong format). */
export class BadFileError extends UserError {
  override name = "BadFileError";
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/**
 * A failure to read `file` as one line in plain words: no such file, a folder (`expected` says what was
 * wanted instead), no permission; else the system's message. Node's own said "cannot read: ENOENT: no
 * such file or directory, open 'nope.csv'".
 */
export function readFailure(file: string, e: unknown, expected = "a file"): BadFileError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT")
    return new BadFileError(
      file,
      `no such file${file === "-" ? " (standard input is not read here: give the file's name)" : ""}`,
    );
  if (code === "EISDIR") return new BadFileError(file, `is a folder; ${expected}`);
  if (code === "EACCES" || code === "EPERM")
    return new BadFileError(file, "cannot be read: permission denied");
  return new BadFileError(file, `cannot read: ${(e as Error).message}`);
}

/**
 * The reason a parser (JSON.parse) gives for `error`, on one line: JSON.parse quotes a short input
 * whole, so a file holding "nope\n" made the one-line message of a BadFileError two lines. Line breaks
 * are shown as "\n".
 */
export function parseFailureReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\r?\n/g, "\\n");
}

/**
 * Whether JSON.parse's `error` for `text` says the JSON ends early: the text stops before its value
 * does (a file cut short: V8 says "Unterminated string in JSON at position N" or "Expected ',' or '}'
 * after property value in JSON at position N" at its end), not a wrong character inside it.
 */
export function jsonEndsEarly(text: string, error: unknown): boolean {
  const reason = parseFailureReason(error);
  const at = /at position (\d+)/.exec(reason);
  return /end of JSON input/.test(reason) || (at !== null && Number(at[1]) >= text.trimEnd().length);
}

/** Several problems with one input (every bad field of a spec file), reported one line each. */
export class UserErrors extends UserError {
  override name = "UserErrors";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

/**
 * A user error's message as the command line prints it ("nas-assay: …"): one line (a UserErrors: one
 * per problem), line breaks it quotes from the input (an --arch or a results cell spanning lines) shown
 * as \r and \n.
 */
export function oneLineMessage(error: UserError): string {
  // every message passes here on its way out: a password it echoes (a study URL given as --space or
  // --file, where no URL was expected) is hidden whichever code wrote it
  const showBreaks = (text: string) => hidePasswords(text).replace(/\r/g, "\\r").replace(/\n/g, "\\n");
  return error instanceof UserErrors ? error.problems.map(showBreaks).join("\n") : showBreaks(error.message);
}

/**
 * Refuses the keys of a caller's options object that the function does not read: from JavaScript a
 * misspelt or guessed option (`minimize: true` where the option is `direction: "minimize"`) would
 * otherwise be dropped in silence and the call would do something else than asked. `what` names the
 * object in the message.
 * @throws UserError naming the unknown keys and the known ones.
 */
export function refuseUnknownKeys(given: object, known: readonly string[], what: string): void {
  // options given as null, a number or a list are refused here too (Object.keys(null) is a TypeError)
  if (given === null || typeof given !== "object" || Array.isArray(given))
    throw new UserError(
      `${what}: the options must be an object of ${known.join(", ")}, got ${shownValue(given, 80)}`,
    );
  const unknown = Object.keys(given).filter((k) => !known.includes(k));
  if (unknown.length > 0)
    throw new UserError(
      `${what}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => JSON.stringify(k)).join(", ")}; ` +
        `expected ${known.join(", ")}`,
    );
}

/**
 * True when `value` is an object holding each member of `members` with that `typeof` ("function",
 * "number", …): how library entry points tell the argument they need (a space, a store, an Rng) from a
 * wrong or missing one before using it, and refuse in one line rather than with a TypeError.
 */
export function hasMembers<T>(value: T, members: Readonly<Record<string, string>>): value is NonNullable<T> {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  return Object.entries(members).every(([name, type]) => typeof record[name] === type);
}

/**
 * The most characters of a file's field an error message echoes (shownValue's maxLength): a field of
 * 5,000 characters made a message line of 10,000.
 */
export const SHOWN_FIELD = 40;

/**
 * The most characters shownValue echoes when its caller sets no limit: a Set of 2,000 ids given as
 * `labeled` made a one-line message of 10,641 characters.
 */
export const SHOWN_DEFAULT = 200;

/**
 * JSON text with the characters JSON.stringify leaves as they are but a terminal does not show as
 * they are (DEL, the C1 controls, bidirectional overrides and isolates: U+202E reverses the rest of
 * the line; invisible ones: a soft hyphen, a zero-width space, a word joiner, a byte-order mark, the
 * line and paragraph separators) written as \uXXXX escapes, which JSON reads back the same.
 */
export function visibleJson(json: string): string {
  return json.replace(
    /[\u007F-\u009F\u00AD\u200B\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A value's kind with its article, as a message says it: "a string", "a list", "an object", "null",
 * "undefined" (typeof's word after "a" wrote "a object" and "a undefined").
 */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * A value as an error message shows it: numbers as written (NaN as NaN, -0 as -0), bigints as `1n`,
 * strings quoted, a promise as one, the rest as JSON (what JSON cannot write, a cycle or a bigint
 * inside, by its type), cut at `maxLength` characters.
 */
export function shownValue(value: unknown, maxLength = SHOWN_DEFAULT): string {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  // JSON writes a Set or Map as {}: name it and show its members
  if (value instanceof Set) return `a Set ${shownValue([...value], maxLength)}`;
  if (value instanceof Map) return `a Map ${shownValue(Object.fromEntries(value), maxLength)}`;
  // JSON writes a typed array as {"0":…}: named, its members shown (study.tell(Int32Array.from(…)): tester Z)
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name} ${shownValue(Array.from(value as unknown as ArrayLike<number>), maxLength)}`;
  }
  // JSON writes a promise as {} too: a value not awaited (loadSpace(…) passed on as the space: tester Y)
  if (typeof (value as { then?: unknown } | null)?.then === "function") return "a Promise (not awaited?)";
  let text: string;
  try {
    text = visibleJson(JSON.stringify(value) ?? String(value));
  } catch {
    return Array.isArray(value) ? "an array" : `a value of type ${typeof value}`;
  }
  // a payload's whole content would bury the message: cut, marked
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/**
 * `text` with the passwords of the URLs in it hidden: `scheme://user:secret@` → `scheme://user:***@`
 * (and so in a URL with a slash missing: `scheme:/user:secret@`, `scheme//user:secret@`),
 * `?password=secret` / `&password=secret` → `password=***` (node-postgres reads a password there too).
 * Messages echo what was given (a file name, a URL), and none may show a password.
 */
export function hidePasswords(text: string): string {
  // a query's password runs up to the next parameter, a space, or the ": " a message goes on with
  return (
    text
      // a URL mistyped with one slash or none after its scheme (postgresql:/u:pw@h, postgresql//u:pw@h)
      // still holds its password
      .replace(/(\b[a-z][a-z0-9+.-]*:\/{0,2}[^/\s:@"]*|\/\/[^/\s:@"]*):[^@\s"]*@/gi, "$1:***@")
      .replace(/([?&]password=)[^&#\s"]*?(?=:\s|:$|[&#\s"]|$)/gi, "$1***")
  );
}

/**
 * This process's soft open-file limit (`ulimit -n`), from /proc/self/limits; undefined where there is
 * none. Read once, at the first call or when this module loads: once the files ran out it could not be.
 */
export function openFileLimit(): number | undefined {
  if (limitRead) return limitFound;
  limitRead = true;
  try {
    const found = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    limitFound = found ? Number(found[1]) : undefined;
  } catch {
    limitRead = false; // no descriptor left to read it with: perhaps later
  }
  return limitFound;
}
/** An open-file limit below which a module not found is taken for one that could not be opened. */
export const LOW_OPEN_FILE_LIMIT = 1024;
let limitRead = false;
let limitFound: number | undefined;
openFileLimit();

/**
 * Whether `error` comes from running out of open files, and how: the system's table full (ENFILE), this
 * process's limit reached (EMFILE), or a module not found under a `limit` below LOW_OPEN_FILE_LIMIT
 * (Node's loader takes a module file it could not stat for lack of descriptors for a missing one);
 * undefined for any other error.
 */
export function openFilesFailure(
  error: unknown,
  limit: number | undefined,
): "system" | "process" | "module" | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENFILE") return "system";
  if (code === "EMFILE") return "process";
  if (code === "ERR_MODULE_NOT_FOUND" && limit !== undefined && limit < LOW_OPEN_FILE_LIMIT) return "module";
  return undefined;
}

/**
 * A failure from running out of open files (EMFILE, ENFILE: `ulimit -n`, or the system's table) as one
 * line saying so and what to do; undefined for any other error. Under `ulimit -n 64`, `simulate --jobs 2`
 * failed as an internal error with a stack trace: each worker thread loads its modules, all at once,
 * and a module file could not be opened. `limit` is the open-file limit, when known.
 */
export function openFilesExhausted(error: unknown, limit = openFileLimit()): UserError | undefined {
  const kind = openFilesFailure(error, limit);
  if (kind === undefined) return undefined;
  const limitText = limit === undefined ? "" : ` (${limit}, ulimit -n)`;
  const which =
    kind === "system"
      ? "the system's table of open files is full"
      : kind === "module"
        ? `a module of nas-assay was not found, which under this low limit of open files${limitText} is one that could not be opened`
        : `this process reached its limit of open files${limitText}`;
  const path = (error as NodeJS.ErrnoException).path;
  return new UserError(
    `too many open files: ${which}${path ? ` opening ${path}` : ""}; raise the limit (ulimit -n ${LOW_OPEN_FILE_LIMIT}) or run fewer jobs at once, and run again`,
  );
}
