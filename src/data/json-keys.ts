/**
 * Repeated keys in JSON text. `JSON.parse` keeps the last of a repeated key without a word, so
 * `{"layer1":"identity","layer1":"mb6_k5"}` reads as layer1 = mb6_k5 and a typo that repeats a key
 * hides the value meant for another. No JSON reader in this project's dependencies reports repeated
 * keys (@humanwhocodes/momoa would, but is not installed), so the top level of an object is scanned
 * here; nested objects are not looked into.
 */

/**
 * The first key that `text`'s top-level object names a second time (as JSON.parse reads it, escapes
 * decoded), or undefined when none repeats or the text is not an object. `same` maps a key to what
 * counts as equal (default: the key itself; e.g. NFC normalisation). Expects text JSON.parse accepts;
 * on other text the answer is unspecified but it does not throw.
 */
export function repeatedKey(text: string, same: (key: string) => string = (k) => k): string | undefined {
  return firstRepeatedKey(text, same, true)?.key;
}

/**
 * The first key that any object of `text` names a second time, at any depth, with where that object
 * is (`at`: "" for the top level, else a path such as `decisions[0]`), or undefined when none repeats.
 * A space spec's decisions are nested objects: `{"name":"x","options":[1,2],"options":[3,4]}` read
 * as options 3, 4 without a word, where repeatedKey (top level only) saw nothing. Expects text JSON.parse
 * accepts; on other text the answer is unspecified but it does not throw.
 */
export function repeatedKeyAnywhere(text: string): { key: string; at: string } | undefined {
  return firstRepeatedKey(text, (k) => k, false);
}

/**
 * The one scanner behind both: objects and arrays on a stack, each object's keys so far (through
 * `same`); `topOnly` looks at the keys of a top-level object alone (a top-level array: none).
 */
function firstRepeatedKey(
  text: string,
  same: (key: string) => string,
  topOnly: boolean,
): { key: string; at: string } | undefined {
  type Frame = { kind: "object"; seen: Set<string>; key?: string } | { kind: "array"; index: number };
  const stack: Frame[] = [];
  let expectKey = false;
  // where the innermost object sits: each enclosing frame's current key or index, outermost first
  const path = () =>
    stack
      .slice(0, -1)
      .map((frame, i) =>
        frame.kind === "array" ? `[${frame.index}]` : i === 0 ? `${frame.key}` : `.${frame.key}`,
      )
      .join("");
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (top?.kind === "object" && expectKey) {
        expectKey = false;
        if (topOnly && stack.length > 1) continue;
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return undefined;
        }
        const k = same(key);
        if (top.seen.has(k)) return { key, at: path() };
        top.seen.add(k);
        top.key = key;
      }
    } else if (c === "{") {
      stack.push({ kind: "object", seen: new Set() });
      expectKey = true;
    } else if (c === "[") {
      if (topOnly && stack.length === 0) return undefined;
      stack.push({ kind: "array", index: 0 });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      if (top?.kind === "object") expectKey = true;
      else if (top?.kind === "array") top.index++;
    }
  }
  return undefined;
}

/** A JSON object as JSON.parse makes it: not null, an array, or an object of another prototype. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
