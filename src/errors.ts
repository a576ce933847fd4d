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
