/**
 * How deep a parsed JSON value of the user's nests. `JSON.parse` reads any depth without recursion,
 * but `JSON.stringify` and the checks that walk a value recurse: a spec, a results file's line or an
 * `--arch` of 10,000 nested brackets ended a command with "Maximum call stack size exceeded" and a
 * stack trace. Such values are refused where they are read, naming the limit.
 */

/** The most levels of arrays and objects a value read from the user may nest (a cell `{ matrix }`: 3). */
export const JSON_NESTING_LIMIT = 64;

/** The refusal's words: "nests arrays or objects more than 64 levels deep". */
export const TOO_DEEP = `nests arrays or objects more than ${JSON_NESTING_LIMIT} levels deep`;

/**
 * Whether `value` nests arrays or objects more than `limit` levels deep (an object or array is one
 * level, a scalar none), found without recursion, so that any depth JSON.parse returns is measured.
 */
export function nestsTooDeep(value: unknown, limit = JSON_NESTING_LIMIT): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.value === null || typeof top.value !== "object") continue;
    const depth = top.depth + 1;
    if (depth > limit) return true;
    for (const child of Array.isArray(top.value) ? top.value : Object.values(top.value))
      stack.push({ value: child, depth });
  }
  return false;
}
