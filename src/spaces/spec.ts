/**
 * Search-space spec files: one JSON object naming a space, its kind and the kind's fields.
 *
 *   { "name": "macro8", "kind": "choices", "decisions": [ { "name": "layer1", "options": ["a", 3] } ] }
 *   { "name": "my201", "kind": "edge-cell", "nodes": 4, "ops": ["none", "conv"], "zero": "none" }
 *   { "name": "my101", "kind": "vertex-cell", "maxVertices": 7, "maxEdges": 9, "ops": ["conv", "pool"] }
 *
 * Kind names and field names are the file format. Loading checks every field and reports every
 * problem, one line each, naming the field, the value found and what is allowed.
 */

import { readFileSync } from "node:fs";
import { binaryKind, notUtf8 } from "../data/binary-kind.js";
import { withoutByteOrderMark } from "../data/byte-order-mark.js";
import { parseDecimal } from "../data/decimal.js";
import { nestsTooDeep, TOO_DEEP } from "../data/json-depth.js";
import { repeatedKeyAnywhere } from "../data/json-keys.js";
import {
  parseFailureReason,
  readFailure,
  shownValue,
  UserError,
  UserErrors,
  visibleJson,
} from "../errors.js";
import { SPACE_KINDS, type SpaceKind } from "./architecture-space.js";

/** One decision of a `choices` space: its options are strings or numbers (numbers only: ordinal). */
export interface Decision {
  name: string;
  options: readonly (string | number)[];
}

export interface ChoicesSpec {
  name: string;
  kind: "choices";
  decisions: readonly Decision[];
}

export interface EdgeCellSpec {
  name: string;
  kind: "edge-cell";
  /** Nodes of the cell, input (0) to output (nodes-1); every pair i < j is an edge. */
  nodes: number;
  /** Op names, in one-hot and arch-string order. */
  ops: readonly string[];
  /** The op meaning "no edge" (one of `ops`), if any. */
  zero?: string;
}

export interface VertexCellSpec {
  name: string;
  kind: "vertex-cell";
  /** Most vertices after pruning, input and output included (2..MAX_VERTEX_CELL_VERTICES). */
  maxVertices: number;
  /** Most edges after pruning. */
  maxEdges: number;
  /** Interior op names; an op's index is its label in the module hash. */
  ops: readonly string[];
}

export type SpaceSpec = ChoicesSpec | EdgeCellSpec | VertexCellSpec;

/**
 * Largest `maxVertices` of a vertex-cell: the canonical graphs are found among the 2^(V(V-1)/2)
 * upper-triangular matrices (2 million at 7, 268 million at 8) and edge patterns are 32-bit.
 */
export const MAX_VERTEX_CELL_VERTICES = 7;
/** Largest `nodes` of an edge-cell (its op-on-vertex DAG has nodes(nodes-1)/2 + 2 vertices). */
export const MAX_EDGE_CELL_NODES = 12;

const FIELDS: Record<SpaceKind, readonly string[]> = {
  choices: ["name", "kind", "decisions"],
  "edge-cell": ["name", "kind", "nodes", "ops", "zero"],
  "vertex-cell": ["name", "kind", "maxVertices", "maxEdges", "ops"],
};

/** A space's name, in Unicode NFC: a letter or digit, then up to 63 letters, marks, digits, . _ - */
const SPACE_NAME = /^[\p{L}\p{Nd}][\p{L}\p{M}\p{Nd}._-]{0,63}$/u;

/** Reserved vertex labels of a vertex-cell: its ops may not reuse them. */
const VERTEX_CELL_RESERVED = ["input", "output"];
/**
 * A control character (a line break, a tab, an escape, NUL), a bidirectional override or isolate, or an
 * invisible character (a soft hyphen, a zero-width space, a word joiner, a byte-order mark, the line
 * and paragraph separators): a name holding one is shown otherwise than it is, in a terminal (an
 * escape recolours it, a line break splits a message), a CSV header or a page (an override reverses
 * what follows it; "con\u200Bv" looks like "conv", a name no one typing it would match). The zero-width
 * joiner and non-joiner stay: emoji sequences and Persian words are written with them.
 */
const UNSHOWN = /[\p{Cc}\u00AD\u200B\u2028\u2029\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;
/**
 * The longest decision, option or op name: each is echoed whole in messages (`decision "…" has no
 * option; expected one of …`), CSV headers and pages; a name of 100,000 characters made a one-line
 * message of 100 kB.
 */
const NAME_LENGTH = 200;
const UNSHOWN_WHY =
  "without control characters (line breaks, tabs, escapes), direction overrides or invisible characters (zero-width spaces, soft hyphens, byte-order marks), which no terminal, CSV header or page shows as they are";

/**
 * What a name the user gives (a decision, option or op of a spec; a study's target) breaks of the rules on
 * names shown, as what it should be (`what`: "a name" gives "a name of at most 200 characters (it has
 * 201)"), or undefined: at most NAME_LENGTH characters, no control character or direction override
 * (UNSHOWN).
 */
export function unshownName(text: string, what: string): string | undefined {
  const n = characters(text);
  if (n > NAME_LENGTH) return `${what} of at most ${NAME_LENGTH} characters (it has ${n})`;
  if (UNSHOWN.test(text)) return `${what} ${UNSHOWN_WHY}`;
  return undefined;
}

/**
 * Why a hand-written spec's `text` is not JSON, with its line: V8 named no line, said "Unexpected token
 * ']', ...", 7] },\n  ]..." of a trailing comma and the same of a comment, and quoted a YAML spec's first
 * line without saying that YAML is not read. Other failures keep V8's words, its position as a line.
 */
function notJsonReason(text: string, error: unknown): string {
  const lineOf = (at: number) => text.slice(0, at).split("\n").length;
  if (/^(---|[\p{L}_][\p{L}\p{N}_-]*[ \t]*:)/u.test(text.trimStart()))
    return `it looks like YAML ("key: value"); a spec is JSON: { "name": …, "kind": …, … } (a YAML file converts with yq -o json)`;
  // a results file given as --space (study create --space trained.csv): V8 quoted its header
  if (/^[^{["\n][^\n]*,/.test(text.trimStart()))
    return 'it looks like CSV (a results file? study create reads one with --import); a spec is JSON: { "name": …, "kind": …, … }';
  let inString = false;
  let comma = -1; // the last comma, until something other than white space follows it
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      comma = -1;
    } else if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      return `line ${lineOf(i)}: a comment; JSON has no comments (remove it)`;
    } else if ((c === "]" || c === "}") && comma >= 0) {
      const closing = lineOf(i) === lineOf(comma) ? "" : ` (line ${lineOf(i)})`;
      return `line ${lineOf(comma)}: a comma before "${c}"${closing}; JSON allows no comma after the last item (remove it)`;
    } else if (c === ",") {
      comma = i;
    } else if (!/\s/.test(c)) {
      comma = -1;
    }
  }
  const reason = parseFailureReason(error);
  const at = /at position (\d+)/.exec(reason);
  if (at === null) return reason;
  const before = text.slice(0, Number(at[1]));
  return `${reason} (line ${lineOf(before.length)}, column ${before.length - before.lastIndexOf("\n")})`;
}

/** Reads and checks a spec file; throws UserError listing every problem (one line each). */
export function readSpecFile(path: string): SpaceSpec {
  // from JavaScript: readFileSync takes a number as a file descriptor (0 read standard input, and waited
  // on a terminal), and a spec object was refused as "The "path" argument must be of type string"
  if (typeof path !== "string")
    throw new UserError(
      `readSpecFile needs a spec file's path, got ${shownValue(path, 80)}; a spec object goes to parseSpec, then createSpace`,
    );
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EISDIR")
      throw new UserError(`cannot read the space spec ${path}: it is a folder; expected a spec file (JSON)`);
    // in plain words (readFailure): Node's said "ENOENT: no such file or directory, open 'nope.json'"
    throw new UserError(`cannot read the space spec ${readFailure(path, e).message}`);
  }
  // as results files are: a study given as --space said 'is not JSON: Unexpected token 'S', "SQLite for"...',
  // a UTF-16 spec the same of '��{', and a Latin-1 one refused its name "café" as "caf�" (accents allowed)
  const binary = binaryKind(bytes);
  if (binary)
    throw new UserError(
      binary === "UTF-16"
        ? `space spec ${path} is not UTF-8 text (UTF-16, as some editors save it); save it as UTF-8`
        : `space spec ${path} ${binary.startsWith("is a zip") ? "is a zip archive" : binary}, not text; expected a spec file (JSON)`,
    );
  const notText = notUtf8(bytes);
  if (notText) throw new UserError(`space spec ${path} is not UTF-8 text (${notText}); save it as UTF-8`);
  // a byte-order mark (Windows editors write one) is not JSON, but no reason to refuse the file
  const text = withoutByteOrderMark(bytes.toString("utf8"));
  if (text.trim() === "")
    throw new UserError(`space spec ${path} is empty; expected a JSON object with "name" and "kind"`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`space spec ${path} is not JSON: ${notJsonReason(text, e)}`);
  }
  // JSON.parse keeps the last of a repeated key ("name" twice: the first name dropped unsaid), in a
  // decision too: {"name":"x","options":[1,2],"options":[3,4]} read as options 3, 4
  const twice = repeatedKeyAnywhere(text);
  if (twice !== undefined)
    throw new UserError(
      `space spec ${path}: the key "${twice.key}" is given twice${twice.at === "" ? "" : ` in ${twice.at}`}; expected each key once`,
    );
  return parseSpec(value, path);
}

/**
 * Throws UserError unless `spec` is a valid spec of `kind` (parseSpec's checks), `source` naming the
 * caller: a space's constructor given a spec object written in a program, which its type says is checked
 * and JavaScript does not ("new ChoicesSpace({})" failed with "Cannot read properties of undefined").
 */
export function checkSpecOfKind(spec: unknown, kind: SpaceKind, source: string): void {
  if (spec === null || typeof spec !== "object" || (spec as { kind?: unknown }).kind !== kind)
    throw new UserError(
      `${source} needs a space spec of kind ${kind} (parseSpec or readSpaceSpec checks one), got ${shownValue(spec, 80)}`,
    );
  // its structure (as createSpace checks it): a study made before the rules on names still opens
  parseSpec(spec, `${source}'s spec`, { stored: true });
}

/**
 * Checks a parsed spec object. `source` names it in messages (a file path). Throws UserError whose
 * message has one line per problem: `<source>: field "decisions[1].options" is []; expected …`.
 * `stored`: the spec of a study already made, whose names are not held to the rules names got later
 * (at most NAME_LENGTH characters, none UNSHOWN), so that such a study still opens.
 */
export function parseSpec(value: unknown, source = "space spec", { stored = false } = {}): SpaceSpec {
  const problems: string[] = [];
  const bad = (field: string, found: unknown, expected: string) =>
    problems.push(`${source}: field "${field}" is ${show(found)}; expected ${expected}`);
  // checked first: the checks below (and show's JSON.stringify) recurse, and 10,000 levels overflowed
  if (nestsTooDeep(value))
    throw new UserError(
      `${source}: the spec ${TOO_DEEP}; expected a JSON object with "name" and "kind" (a choices spec nests 3 levels)`,
    );
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError(
      `${source}: the spec is ${show(value)}; expected a JSON object with "name" and "kind"`,
    );
  }
  const spec = value as Record<string, unknown>;
  const kind = spec.kind;
  if (!(SPACE_KINDS as readonly unknown[]).includes(kind)) {
    bad("kind", kind, `one of ${SPACE_KINDS.map((k) => `"${k}"`).join(", ")}`);
  }
  // The name goes into messages and a study's settings (compared there in NFC), never into a file name,
  // URL or SQL name (the vertex-cell cache is named by the spec's fingerprint): letters and digits of
  // any script are as safe as ASCII ones; spaces, quotes and slashes stay out of the name on one line.
  if (typeof spec.name !== "string" || !SPACE_NAME.test(spec.name.normalize("NFC"))) {
    bad(
      "name",
      spec.name,
      "a name of 1-64 letters (any script, accents included), digits, '.', '_' or '-', starting with a letter or digit",
    );
  }
  if (problems.length > 0 && !(SPACE_KINDS as readonly unknown[]).includes(kind)) fail(problems);
  const k = kind as SpaceKind;
  for (const field of Object.keys(spec)) {
    if (!FIELDS[k].includes(field))
      bad(
        field,
        spec[field],
        `no such field in ${k === "edge-cell" ? "an" : "a"} ${k} spec (fields: ${FIELDS[k].join(", ")})`,
      );
  }
  // a name's display rules, left out for a study made before them
  const shownName = (text: string, what: string): string | undefined =>
    stored ? undefined : unshownName(text, what);
  if (k === "choices") checkChoices(spec, bad, shownName, stored);
  else if (k === "edge-cell") checkEdgeCell(spec, bad, shownName);
  else checkVertexCell(spec, bad, shownName);
  if (problems.length > 0) fail(problems);
  return value as SpaceSpec;
}

type Bad = (field: string, found: unknown, expected: string) => void;

/**
 * The characters (code points) of `text`: its length counted an emoji or a CJK extension ideograph (one
 * character, two UTF-16 units) twice, so that 101 emoji were refused as "it has 202".
 */
function characters(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** What a name breaks of the rules on names shown (length, control characters), or undefined. */
type ShownName = (text: string, what: string) => string | undefined;

function checkChoices(spec: Record<string, unknown>, bad: Bad, shownName: ShownName, stored: boolean): void {
  const decisions = spec.decisions;
  if (!Array.isArray(decisions) || decisions.length === 0) {
    bad("decisions", decisions, 'a non-empty list of { "name": …, "options": [...] }');
    return;
  }
  // names and options compare in Unicode NFC: "café" and "cafe\u0301" are one text to a reader
  const names = new Map<string, { at: number; name: string }>();
  decisions.forEach((d, i) => {
    const at = `decisions[${i}]`;
    if (d === null || typeof d !== "object" || Array.isArray(d)) {
      bad(at, d, 'an object { "name": …, "options": [...] }');
      return;
    }
    const decision = d as Record<string, unknown>;
    for (const field of Object.keys(decision)) {
      if (field !== "name" && field !== "options")
        bad(`${at}.${field}`, decision[field], "no such field in a decision (fields: name, options)");
    }
    if (typeof decision.name !== "string" || decision.name.trim() === "") {
      bad(`${at}.name`, decision.name, "a non-empty string");
    } else if (decision.name !== decision.name.trim()) {
      // results files are read with their cells trimmed: " width" would be a column no file can have
      bad(`${at}.name`, decision.name, "a name without spaces at either end (CSV cells are read trimmed)");
    } else if (shownName(decision.name, "a name")) {
      bad(`${at}.name`, decision.name, shownName(decision.name, "a name") as string);
    } else if (decision.name === "__proto__") {
      bad(`${at}.name`, decision.name, "another name (__proto__ cannot be a key of a JSON object here)");
    } else if (names.has(decision.name.normalize("NFC"))) {
      const first = names.get(decision.name.normalize("NFC")) as { at: number; name: string };
      bad(
        `${at}.name`,
        decision.name,
        `a name not used by another decision (decisions[${first.at}] has it${sameText(first.name, decision.name)})`,
      );
    } else {
      names.set(decision.name.normalize("NFC"), { at: i, name: decision.name });
    }
    const options = decision.options;
    if (!Array.isArray(options) || options.length === 0) {
      bad(`${at}.options`, options, "a non-empty list of strings or numbers");
      return;
    }
    const seen = new Map<string, { at: number; text: string }>();
    // a CSV cell or --arch value reads a numeric option in any decimal notation ("1.00" for 1), so
    // 1, "1.0" and "1e0" in one decision would leave "1.00" reading as the number alone
    const values = new Map<number, { at: number; option: string | number }>();
    const of = typeof decision.name === "string" ? ` of decision ${JSON.stringify(decision.name)}` : "";
    options.forEach((o, j) => {
      if (!(typeof o === "string" && o.trim() !== "") && !(typeof o === "number" && Number.isFinite(o))) {
        bad(`${at}.options[${j}]`, o, "a non-empty string or a finite number");
        return;
      }
      if (typeof o === "string" && o !== o.trim()) {
        // " a" and "a" would read back as one option from a results file or --arch (cells are trimmed)
        bad(`${at}.options[${j}]`, o, "an option without spaces at either end (CSV cells are read trimmed)");
        return;
      }
      const notShown = typeof o === "string" ? shownName(o, "an option") : undefined;
      if (notShown) {
        bad(`${at}.options[${j}]`, o, notShown);
        return;
      }
      const text = String(o);
      const first = seen.get(text.normalize("NFC"));
      if (first)
        bad(
          `${at}.options[${j}]`,
          o,
          `an option not listed before (options[${first.at}] is the same text${sameText(first.text, text)})`,
        );
      else {
        seen.set(text.normalize("NFC"), { at: j, text });
        const value = typeof o === "number" ? o : parseDecimal(o);
        const same = values.get(value);
        // a cell is matched to string options by its text and to number options by its value: "1.10"
        // and "1.1" are two options, 1 and "1.0" would be one
        if (same && (typeof o === "number" || typeof same.option === "number"))
          bad(
            `${at}.options[${j}]`,
            o,
            `an option that is not options[${same.at}] (${show(same.option)})${of} written another way (a CSV cell or --arch reads both as the number ${value})`,
          );
        else if (Number.isFinite(value) && !same) values.set(value, { at: j, option: o });
      }
    });
    // A number quoted by mistake ("0.5" beside 0.75 and 1) made the decision one-hot in silence: a
    // decision is ordinal only when all its options are numbers. Text that is no number ("none" beside
    // 3 and 5) stays allowed; a study made before this rule still opens.
    const number = options.findIndex((o) => typeof o === "number" && Number.isFinite(o));
    if (!stored && number >= 0)
      options.forEach((o, j) => {
        if (typeof o !== "string") return;
        const value = parseDecimal(o);
        // a duplicate of another option ("3" beside 3, either first) is reported above, once
        if (Number.isFinite(value) && values.get(value)?.at === j && !options.includes(value))
          bad(
            `${at}.options[${j}]`,
            o,
            `the number ${value}, without quotes: the other options${of} are numbers (options[${number}] is ${show(options[number])}), and text among them makes the decision one-hot instead of ordinal`,
          );
      });
  });
}

function checkOps(
  spec: Record<string, unknown>,
  bad: Bad,
  reserved: readonly string[],
  shownName: ShownName,
): void {
  const ops = spec.ops;
  if (!Array.isArray(ops) || ops.length === 0) {
    bad("ops", ops, "a non-empty list of op names (strings)");
    return;
  }
  const seen = new Map<string, { at: number; op: string }>();
  ops.forEach((op, i) => {
    if (typeof op !== "string" || !/^[^\s,|~+"]+$/.test(op)) {
      bad(`ops[${i}]`, op, 'a non-empty op name without spaces or any of , | ~ + "');
    } else if (shownName(op, "an op name")) {
      bad(`ops[${i}]`, op, shownName(op, "an op name") as string);
    } else if (reserved.includes(op)) {
      bad(
        `ops[${i}]`,
        op,
        `an op name other than ${reserved.map((r) => `"${r}"`).join(" and ")} (they name the input and output vertices)`,
      );
    } else if (seen.has(op.normalize("NFC"))) {
      const first = seen.get(op.normalize("NFC")) as { at: number; op: string };
      bad(`ops[${i}]`, op, `an op not listed before (ops[${first.at}] is the same${sameText(first.op, op)})`);
    } else {
      seen.set(op.normalize("NFC"), { at: i, op });
    }
  });
}

function checkEdgeCell(spec: Record<string, unknown>, bad: Bad, shownName: ShownName): void {
  const nodes = spec.nodes;
  if (!Number.isInteger(nodes) || (nodes as number) < 2 || (nodes as number) > MAX_EDGE_CELL_NODES) {
    bad("nodes", nodes, `an integer from 2 (input and output) to ${MAX_EDGE_CELL_NODES}`);
  }
  checkOps(spec, bad, [], shownName);
  const ops = spec.ops;
  if ("zero" in spec && Array.isArray(ops) && ops.length > 0) {
    const zero = spec.zero;
    if (
      typeof zero !== "string" ||
      !ops.some((op) => op === zero || String(op).normalize("NFC") === zero.normalize("NFC"))
    ) {
      bad(
        "zero",
        spec.zero,
        `one of the ops (${ops.map((o) => JSON.stringify(o)).join(", ")}), or no "zero" field`,
      );
    } else if (ops.length < 2) {
      bad("ops", ops, 'at least one op besides "zero" (else no cell has an edge)');
    }
  }
}

function checkVertexCell(spec: Record<string, unknown>, bad: Bad, shownName: ShownName): void {
  const maxVertices = spec.maxVertices;
  const verticesOk =
    Number.isInteger(maxVertices) &&
    (maxVertices as number) >= 2 &&
    (maxVertices as number) <= MAX_VERTEX_CELL_VERTICES;
  if (!verticesOk) {
    bad("maxVertices", maxVertices, `an integer from 2 (input and output) to ${MAX_VERTEX_CELL_VERTICES}`);
  }
  const maxEdges = spec.maxEdges;
  if (!Number.isInteger(maxEdges) || (maxEdges as number) < 1) {
    bad("maxEdges", maxEdges, "an integer ≥ 1 (at least the edge input→output)");
  } else if (verticesOk) {
    const v = maxVertices as number;
    const possible = (v * (v - 1)) / 2;
    if ((maxEdges as number) > possible) {
      bad("maxEdges", maxEdges, `at most ${possible}, the edges of a ${v}-vertex upper-triangular matrix`);
    }
  }
  checkOps(spec, bad, VERTEX_CELL_RESERVED, shownName);
}

/** For a message: what to add when two texts equal in Unicode NFC are written with other code points. */
function sameText(first: string, again: string): string {
  return first === again ? "" : ", written with other Unicode code points: the same text in Unicode NFC";
}

function fail(problems: string[]): never {
  throw new UserErrors(problems);
}

/** A value as JSON, clipped to 60 characters; `undefined` as "missing". */
function show(value: unknown): string {
  if (value === undefined) return "missing";
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify writes as null
  if (typeof value === "number" && !Number.isFinite(value))
    return `${value} (a number past the largest double)`;
  if (Object.is(value, -0)) return "-0";
  const text = visibleJson(JSON.stringify(value) ?? String(value));
  // cut between characters: a cut inside an emoji (two UTF-16 units) printed its lone half as a replacement character
  return text.length > 60 ? `${Array.from(text).slice(0, 60).join("")}…` : text;
}

/**
 * Where two specs first differ (`field`: `decisions[0].options[1]`, `ops[0]`, `zero`; `a`, `b`: the two
 * values there), or undefined when they describe the same space: object keys in any order
 * (PostgreSQL's jsonb reorders them), strings compared in Unicode NFC (a spec saved again may spell
 * "módulo" decomposed), numbers by value. A study compares the spec it stores with the space it is
 * opened with: keys and encodings follow the spec, so reordered ops or a new option under the same
 * name would misread every stored architecture.
 */
export function specDifference(
  a: unknown,
  b: unknown,
  path = "",
): { field: string; a: unknown; b: unknown } | undefined {
  const here = { field: path || "the spec", a, b };
  if (typeof a === "string" && typeof b === "string")
    return a.normalize("NFC") === b.normalize("NFC") ? undefined : here;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return here;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const at = specDifference(a[i], b[i], `${path}[${i}]`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      const at = specDifference(x[key], y[key], path ? `${path}.${key}` : key);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  return a === b ? undefined : here;
}
