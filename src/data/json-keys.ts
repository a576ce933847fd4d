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
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      if (depth === 1 && expectKey) {
        expectKey = false;
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return undefined;
        }
        const k = same(key);
        if (seen.has(k)) return key;
        seen.add(k);
      }
    } else if (c === "{" || c === "[") {
      depth++;
      if (depth === 1) {
        if (c === "[") return undefined;
        expectKey = true;
      }
    } else if (c === "}" || c === "]") {
      depth--;
    } else if (c === "," && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/** A JSON object as JSON.parse makes it: not null, an array, or an object of another prototype. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
