/**
 * Pending architectures whose worker died. `ask` reserves what it hands out as pending; a worker that
 * is killed (machine lost, job pre-empted, `kill -9`) never tells, and its architecture would stay
 * pending for ever. So each `ask` first hands out again the pending architectures asked for longer ago
 * than the pending timeout (oldest first), then new ones. The timeout is given per call (`ask
 * --pending-timeout`), not stored in the study: the asking worker knows how long its training takes.
 * Default: 24 hours. A worker that was only slow and tells after its architecture was handed out again
 * is treated like any value told twice (tell-rules.ts): the same value is ignored, a different one
 * refused.
 */
import { shownValue, UserError } from "../errors.js";

/** How long an architecture may stay pending before `ask` hands it out again: 24 hours, in ms. */
export const DEFAULT_PENDING_TIMEOUT_MS = 24 * 3600 * 1000;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest pending timeout: 36,500 days (100 years, in ms), i.e. never hand out again. Longer ones
 * would put the cut-off time before the first date JavaScript (and PostgreSQL) can hold.
 */
export const MAX_PENDING_TIMEOUT_MS = 36_500 * 86_400_000;

/**
 * A duration written as a number and a unit — `90s`, `30m`, `24h`, `2d`, `500ms` — in milliseconds.
 * @throws UserError for anything else (no unit, a negative or zero duration, an unknown unit, more
 * than MAX_PENDING_TIMEOUT_MS).
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(text);
  // whole milliseconds: 0.4ms rounded to 0, which the check below would not see
  const ms = match ? Math.round(Number(match[1]) * UNITS[match[2]]) : Number.NaN;
  if (!(ms > 0) || !(ms <= MAX_PENDING_TIMEOUT_MS))
    throw new UserError(
      `expected a duration above zero with its unit (ms, s, m, h or d), e.g. 24h or 90s, ` +
        `at most 36500d (100 years), at least 1ms; got "${text}"`,
    );
  return ms;
}

/**
 * Checks a pending timeout given to `ask`: a number of milliseconds in (0, MAX_PENDING_TIMEOUT_MS];
 * UserError else (a string too: from JavaScript "5" compared as 5 ms, and "24h" is parseDuration's).
 */
export function checkPendingTimeout(ms: number): number {
  if (typeof ms === "string")
    throw new UserError(
      `the pending timeout must be a number of milliseconds, got the text ${JSON.stringify(ms)}; parseDuration turns a duration such as "24h" into one`,
    );
  if (typeof ms !== "number" || !(ms > 0) || !(ms <= MAX_PENDING_TIMEOUT_MS))
    throw new UserError(
      `the pending timeout must be a positive number of milliseconds, at most ${MAX_PENDING_TIMEOUT_MS} (100 years), got ${shownValue(ms)}`,
    );
  return ms;
}
