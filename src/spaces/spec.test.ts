import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { UserError, UserErrors } from "../errors.js";
import { parseSpec, readSpecFile } from "./spec.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-spec-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const choices = { name: "macro", kind: "choices", decisions: [{ name: "layer1", options: ["a", "b"] }] };
const edge = { name: "e", kind: "edge-cell", nodes: 4, ops: ["none", "conv"], zero: "none" };
const vertex = { name: "v", kind: "vertex-cell", maxVertices: 5, maxEdges: 6, ops: ["conv", "pool"] };

/** The single line of the UserError a spec gives. */
function problem(spec: unknown): string {
  try {
    parseSpec(spec, "my.json");
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    assert.equal(e.message.split("\n").length, 1, e.message);
    return e.message;
  }
  assert.fail("the spec was accepted");
}

test("valid specs of each kind are accepted as given", () => {
  // names in any script, emoji joined by U+200D and right-to-left letters included
  const scripts = { ...choices, decisions: [{ name: "👨‍👩‍👧 שלום", options: ["مرحبا", "<b>&'", 3] }] };
  for (const spec of [choices, edge, vertex, { ...edge, zero: undefined }, scripts]) {
    const clean = JSON.parse(JSON.stringify(spec));
    assert.deepEqual(parseSpec(clean), clean);
  }
});

test("each spec rule gives one line naming the field, the value and what is allowed", () => {
  const cases: [unknown, RegExp][] = [
    [
      { ...choices, kind: "choice" },
      /field "kind" is "choice"; expected one of "choices", "edge-cell", "vertex-cell"/,
    ],
    [{ ...choices, name: "" }, /field "name" is ""; expected a name/],
    [{ ...choices, decisions: [] }, /field "decisions" is \[\]; expected a non-empty list/],
    [
      { ...choices, decisions: [{ name: "l", options: [] }] },
      /field "decisions\[0\].options" is \[\]; expected a non-empty list/,
    ],
    [
      {
        ...choices,
        decisions: [
          { name: "l", options: ["a"] },
          { name: "l", options: ["b"] },
        ],
      },
      /field "decisions\[1\].name" is "l"; expected a name not used by another decision \(decisions\[0\] has it\)/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: ["a", "a"] }] },
      /field "decisions\[0\].options\[1\]" is "a"; expected an option not listed before/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: [3, "3"] }] },
      /"decisions\[0\].options\[1\]" is "3"; expected an option not listed before/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: [" a", "a"] }] },
      /"decisions\[0\].options\[0\]" is " a"; expected an option without spaces at either end/,
    ],
    [
      { ...choices, decisions: [{ name: "width ", options: [16, 32] }] },
      /"decisions\[0\].name" is "width "; expected a name without spaces at either end/,
    ],
    // a name no terminal, CSV header or page shows as it is: an escape recoloured every message naming
    // it, a line break split it, an override (U+202E) reversed it; each is shown escaped
    [
      { ...choices, decisions: [{ name: "a\u001b[31mred", options: [1] }] },
      /"decisions\[0\].name" is "a\\u001b\[31mred"; expected a name without control characters/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: ["ok", "two\nlines"] }] },
      /"decisions\[0\].options\[1\]" is "two\\nlines"; expected an option without control characters/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: ["x\u202Eevil"] }] },
      /"decisions\[0\].options\[0\]" is "x\\u202eevil"; expected an option without control characters/,
    ],
    // a name echoed whole in every message naming it: 100,000 characters made a 100 kB line
    [
      { ...choices, decisions: [{ name: "x".repeat(201), options: [1] }] },
      /"decisions\[0\].name" is "x{59}…; expected a name of at most 200 characters \(it has 201\)/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: ["y".repeat(100000)] }] },
      /"decisions\[0\].options\[0\]" is "y{59}…; expected an option of at most 200 characters \(it has 100000\)/,
    ],
    [
      { ...edge, ops: ["none", "z".repeat(300)] },
      /field "ops\[1\]" is "z{59}…; expected an op name of at most 200/,
    ],
    [
      { ...edge, ops: ["none", "a\u2066b"] },
      /field "ops\[1\]" is "a\\u2066b"; expected an op name without control characters/,
    ],
    // invisible: "con\u200Bv" looks like "conv", which no one typing the name would match
    [
      { ...choices, decisions: [{ name: "l", options: ["con\u200Bv", "pool"] }] },
      /"decisions\[0\].options\[0\]" is "con\\u200bv"; expected an option without control characters \(line breaks, tabs, escapes\), direction overrides or invisible characters/,
    ],
    [
      { ...choices, decisions: [{ name: "wi\u00ADdth", options: [1] }] },
      /"decisions\[0\].name" is "wi\\u00addth"; expected a name without control characters \(line breaks, tabs, escapes\), direction overrides or invisible/,
    ],
    [
      JSON.parse('{"name":"m","kind":"choices","decisions":[{"name":"__proto__","options":["a"]}]}'),
      /"decisions\[0\].name" is "__proto__"; expected another name/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: [true] }] },
      /"decisions\[0\].options\[0\]" is true; expected a non-empty string or a finite number/,
    ],
    [
      { ...choices, decisions: [{ name: "l", options: ["a"], kind: 1 }] },
      /"decisions\[0\].kind" is 1; expected no such field in a decision/,
    ],
    [{ ...choices, nodes: 4 }, /field "nodes" is 4; expected no such field in a choices spec/],
    [{ ...edge, nodes: 1 }, /field "nodes" is 1; expected an integer from 2/],
    [{ ...edge, maxEdges: 9 }, /field "maxEdges" is 9; expected no such field in an edge-cell spec/],
    [{ ...edge, nodes: 3.5 }, /field "nodes" is 3.5; expected an integer from 2/],
    [{ ...edge, zero: "zero" }, /field "zero" is "zero"; expected one of the ops \("none", "conv"\)/],
    [{ ...edge, ops: [] }, /field "ops" is \[\]; expected a non-empty list of op names/],
    [{ ...edge, ops: ["none", 3], zero: "none" }, /field "ops\[1\]" is 3; expected a non-empty op name/],
    [{ ...edge, ops: ["none", "a", "a"] }, /field "ops\[2\]" is "a"; expected an op not listed before/],
    [{ ...edge, ops: ["none"] }, /field "ops" is \["none"\]; expected at least one op besides "zero"/],
    [
      { ...edge, ops: ["no ne", "a"], zero: undefined },
      /field "ops\[0\]" is "no ne"; expected a non-empty op name without spaces/,
    ],
    [
      { ...vertex, maxVertices: 1 },
      /field "maxVertices" is 1; expected an integer from 2 \(input and output\) to 7/,
    ],
    [{ ...vertex, maxVertices: 9 }, /field "maxVertices" is 9; expected an integer from 2/],
    [
      { ...vertex, maxEdges: 0 },
      /field "maxEdges" is 0; expected an integer ≥ 1 \(at least the edge input→output\)/,
    ],
    [{ ...vertex, maxEdges: 11 }, /field "maxEdges" is 11; expected at most 10, the edges of a 5-vertex/],
    [
      { ...vertex, ops: ["conv", "input"] },
      /field "ops\[1\]" is "input"; expected an op name other than "input" and "output"/,
    ],
    [{ ...vertex, zero: "conv" }, /field "zero" is "conv"; expected no such field in a vertex-cell spec/],
    [{ ...vertex, maxEdges: undefined }, /field "maxEdges" is missing; expected an integer ≥ 1/],
  ];
  for (const [spec, expected] of cases) {
    const message = problem(JSON.parse(JSON.stringify(spec)));
    assert.match(message, expected);
    assert.match(message, /^my\.json: field "/);
  }
});

test("several bad fields give one line each; a non-object spec one line", () => {
  assert.throws(
    () => parseSpec({ ...vertex, maxVertices: 0, ops: [] }, "my.json"),
    (e: Error) =>
      e.message.split("\n").length === 2 && /maxVertices/.test(e.message) && /"ops"/.test(e.message),
  );
  assert.match(problem([1, 2]), /the spec is \[1,2\]; expected a JSON object/);
});

test("spec files: unreadable or not JSON is one clear line", () => {
  const path = join(dir, "bad.json");
  writeFileSync(path, "{ name: 1");
  assert.throws(() => readSpecFile(path), /space spec .*bad\.json is not JSON/);
  // JSON.parse keeps the last of a repeated key: the first name would be dropped unsaid
  writeFileSync(path, '{"name":"a","name":"b","kind":"choices","decisions":[{"name":"x","options":[1,2]}]}');
  assert.throws(
    () => readSpecFile(path),
    /space spec .*bad\.json: the key "name" is given twice; expected each key once/,
  );
  // ...in a decision too (the edited options kept, the old line left above them): it read as the last
  writeFileSync(
    path,
    '{"name":"a","kind":"choices","decisions":[{"name":"w","options":[1]},{"name":"x","options":[1,2],"options":[3,4]}]}',
  );
  assert.throws(
    () => readSpecFile(path),
    /space spec .*bad\.json: the key "options" is given twice in decisions\[1\]; expected each key once/,
  );
  // the same key in two decisions is no repeat
  writeFileSync(
    path,
    '{"name":"a","kind":"choices","decisions":[{"name":"w","options":[1]},{"name":"x","options":["a,\\"name\\":"]}]}',
  );
  assert.equal(readSpecFile(path).name, "a");
  // JSON.parse quotes a short file whole: its line break made the message two lines
  writeFileSync(path, "nope\n");
  assert.throws(
    () => readSpecFile(path),
    (e: Error) =>
      e instanceof UserError && !e.message.includes("\n") && /is not JSON: .*"nope\\n"/.test(e.message),
  );
  for (const empty of ["", " \n", "\uFEFF"]) {
    writeFileSync(path, empty);
    assert.throws(() => readSpecFile(path), /space spec .*bad\.json is empty; expected a JSON object/);
  }
  assert.throws(
    () => readSpecFile(join(dir, "absent.json")),
    /^UserError: cannot read the space spec \S*absent\.json: no such file$/,
  );
  writeFileSync(path, JSON.stringify(choices));
  assert.equal(readSpecFile(path).name, "macro");
  // a UTF-8 byte-order mark before the JSON (it was "not JSON: Unexpected token '\uFEFF'")
  writeFileSync(path, `\uFEFF${JSON.stringify(choices)}`);
  assert.equal(readSpecFile(path).name, "macro");
});

test("a spec that is not JSON by a hand-written slip names the slip and its line (V8 named no line)", () => {
  const path = join(dir, "slip.json");
  const refused = (text: string) => {
    writeFileSync(path, text);
    try {
      readSpecFile(path);
    } catch (e) {
      assert.ok(e instanceof UserError && !e.message.includes("\n"), String(e));
      return e.message;
    }
    assert.fail("the spec was accepted");
  };
  // a trailing comma (it was: Unexpected token ']', ...", 7] },\n  ]\n}\n" is not valid JSON)
  const trailing =
    '{\n  "name": "m",\n  "kind": "choices",\n  "decisions": [\n    { "name": "k", "options": [3, 5] },\n  ]\n}\n';
  assert.match(
    refused(trailing),
    /slip\.json is not JSON: line 5: a comma before "\]" \(line 6\); JSON allows no comma after the last item \(remove it\)$/,
  );
  // a comma inside a string is no slip: the comment after it is
  assert.match(
    refused('{ "name": "a,]", // mine\n "kind": "choices" }'),
    /is not JSON: line 1: a comment; JSON has no comments/,
  );
  assert.match(
    refused("name: mbnet\nkind: choices\n"),
    /is not JSON: it looks like YAML \("key: value"\); a spec is JSON: \{ "name": …, "kind": …, … \}/,
  );
  // a results file given as --space: V8 quoted its header
  assert.match(
    refused(",depth,width,val_acc\n0,2,16,0.91\n"),
    /is not JSON: it looks like CSV \(a results file\? study create reads one with --import\); a spec is JSON/,
  );
  // any other failure keeps V8's words, with the line and column of its position
  assert.match(
    refused('{\n  "name": "a"\n  "kind": "choices" }'),
    /is not JSON: .* at position 18 .*\(line 3, column 3\)$/,
  );
});

test("a spec file that is not UTF-8 text says what it is, as a results file does, not a garbled JSON error", () => {
  const path = join(dir, "not-text.json");
  const spec = JSON.stringify({ ...choices, name: "café" });
  const refused = (bytes: Buffer, message: string) => {
    writeFileSync(path, bytes);
    assert.throws(
      () => readSpecFile(path),
      (e: unknown) => e instanceof UserError && e.message === `space spec ${path} ${message}`,
    );
  };
  // Notepad's "Unicode": it said 'is not JSON: Unexpected token '\uFFFD', "\uFFFD\uFFFD{ " n a "...'
  refused(
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(spec, "utf16le")]),
    "is not UTF-8 text (UTF-16, as some editors save it); save it as UTF-8",
  );
  // Latin-1: the name "café" was refused as "caf\uFFFD", beside "accents included"
  refused(
    Buffer.from(spec, "latin1"),
    "is not UTF-8 text (byte 0xE9 at line 1 is not UTF-8; Latin-1 or Windows-1252?); save it as UTF-8",
  );
  // a study given as --space: 'is not JSON: Unexpected token 'S', "SQLite for"...'
  refused(
    Buffer.concat([Buffer.from("SQLite format 3\0", "latin1"), Buffer.alloc(100)]),
    "is an SQLite database (a study file?), not text; expected a spec file (JSON)",
  );
  refused(
    Buffer.from("PK\u0003\u0004rest", "latin1"),
    "is a zip archive, not text; expected a spec file (JSON)",
  );
  writeFileSync(path, spec);
  assert.equal(readSpecFile(path).name, "café");
});

test("a number past the largest double (1e400, read as Infinity) is named as written, not as null", () => {
  const path = join(dir, "inf.json");
  writeFileSync(
    path,
    '{"name":"a","kind":"choices","decisions":[{"name":"x","options":[1e400,"c"]}],"nodes":-1e999}',
  );
  assert.throws(
    () => readSpecFile(path),
    (e: Error) =>
      /field "decisions\[0\]\.options\[0\]" is Infinity \(a number past the largest double\); expected a non-empty string or a finite number/.test(
        e.message,
      ) && !/ is null/.test(e.message),
  );
});

test("an option -0 beside 0 is named as written (it was shown as 0)", () => {
  const path = join(dir, "minus-zero.json");
  writeFileSync(path, '{"name":"a","kind":"choices","decisions":[{"name":"x","options":[0,-0,1]}]}');
  assert.throws(
    () => readSpecFile(path),
    /field "decisions\[0\]\.options\[1\]" is -0; expected an option not listed before/,
  );
});

/** "café" composed (é one code point) and decomposed (e + combining acute): one text to a reader. */
const CAFE_NFC = "caf\u00e9";
const CAFE_NFD = "cafe\u0301";

test("names and options equal in Unicode NFC are duplicates (café composed and decomposed)", () => {
  assert.notEqual(CAFE_NFC, CAFE_NFD);
  assert.match(
    problem({ ...choices, decisions: [{ name: "layer1", options: [CAFE_NFC, CAFE_NFD] }] }),
    /field "decisions\[0\]\.options\[1\]" is "cafe\u0301"; expected an option not listed before \(options\[0\] is the same text, written with other Unicode code points: the same text in Unicode NFC\)/,
  );
  assert.match(
    problem({
      ...choices,
      decisions: [
        { name: CAFE_NFC, options: ["a"] },
        { name: CAFE_NFD, options: ["b"] },
      ],
    }),
    /field "decisions\[1\]\.name" .*expected a name not used by another decision \(decisions\[0\] has it, written with other Unicode code points/,
  );
  for (const kind of [{ ...edge, zero: "conv" }, vertex])
    assert.match(
      problem({ ...kind, ops: [CAFE_NFC, "conv", CAFE_NFD] }),
      /field "ops\[2\]" .*expected an op not listed before \(ops\[0\] is the same, written with other Unicode code points/,
    );
  // the zero op may be spelt either way
  const zeroNfd = { ...edge, ops: [CAFE_NFC, "conv"], zero: CAFE_NFD };
  assert.deepEqual(parseSpec(zeroNfd), zeroNfd);
});

test("options of one decision that a CSV cell or --arch would read as one number are refused, naming both", () => {
  const decision = (options: unknown[]) => ({ ...choices, decisions: [{ name: "width", options }] });
  // a numeric option and a string of the same number in another notation: "1.00" would read as 1 alone
  assert.match(
    problem(decision([1, "x", "1.0"])),
    /field "decisions\[0\]\.options\[2\]" is "1\.0"; expected an option that is not options\[0\] \(1\) of decision "width" written another way \(a CSV cell or --arch reads both as the number 1\)/,
  );
  // two strings are matched by their text ("1.10" and "1.1": library versions), so they are two options
  assert.deepEqual(parseSpec(decision(["1.10", "1.1"])), decision(["1.10", "1.1"]));
  // but a number beside them is read by value: refused, naming the first string of that value
  assert.match(
    problem(decision(["0.50", ".5", 0.5])),
    /field "decisions\[0\]\.options\[2\]" is 0\.5; expected an option that is not options\[0\] \("0\.50"\) of decision "width" written another way \(a CSV cell or --arch reads both as the number 0\.5\)/,
  );
  assert.match(problem(decision([0, "-0"])), /options\[1\]" is "-0"; .*options\[0\] \(0\)/);
  // each repeat is its own problem, one line each
  try {
    parseSpec(decision([1, "1.0", "x", "1e0"]), "my.json");
    assert.fail("the spec was accepted");
  } catch (e) {
    assert.ok(e instanceof UserErrors, String(e));
    assert.deepEqual(
      e.problems.map((p) => /options\[(\d)\]" is/.exec(p)?.[1]),
      ["1", "3"],
    );
  }
  // other numbers, and strings that are not decimal numbers, stay apart
  const apart = decision([1, "0x1", "1e", "one", 2e-5]);
  assert.deepEqual(parseSpec(apart), apart);
});

test('a number quoted beside numbers ("0.5" beside 0.75 and 1) is refused: it made the decision one-hot in silence', () => {
  const decision = (options: unknown[]) => ({ ...choices, decisions: [{ name: "width", options }] });
  assert.match(
    problem(decision(["0.5", 0.75, 1])),
    /field "decisions\[0\]\.options\[0\]" is "0\.5"; expected the number 0\.5, without quotes: the other options of decision "width" are numbers \(options\[1\] is 0\.75\), and text among them makes the decision one-hot instead of ordinal/,
  );
  // a duplicate ("3" beside 3) is one line, the duplicate's
  assert.match(problem(decision([3, "3", 6])), /options\[1\]" is "3"; expected an option not listed before/);
  // text that is no number beside numbers, and numbers all quoted, stay allowed (one-hot, as asked)
  for (const options of [
    ["none", 3, 5],
    ["1", "10", "1.5"],
  ])
    assert.deepEqual(parseSpec(decision(options)), decision(options));
  // a study made before the rule still opens its space
  assert.deepEqual(parseSpec(decision(["0.5", 1]), "stored", { stored: true }), decision(["0.5", 1]));
});

test("a space name may hold letters of any script (módulo, either Unicode form); the message says what is allowed", () => {
  for (const name of ["m\u00f3dulo", "mo\u0301dulo", "пространство", "空間8", "nb201-small_v1.2"]) {
    const spec = { ...choices, name };
    assert.deepEqual(parseSpec(spec), spec, name);
  }
  for (const name of ["my space", "a/b", "-lead", "", "\u0301mark-first", "x".repeat(65), 'q"uote'])
    assert.match(
      problem({ ...choices, name }),
      /field "name" is .*; expected a name of 1-64 letters \(any script, accents included\), digits, '\.', '_' or '-', starting with a letter or digit/,
      name,
    );
});

test("a spec nested 10,000 levels deep is one line naming the limit, not a stack overflow", () => {
  const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
  // an unknown field holding it, an option holding it, and the whole spec being it
  for (const [file, text] of [
    ["field.json", `{"name":"a","kind":"choices","decisions":[{"name":"x","options":[1,2]}],"zz":${deep}}`],
    ["option.json", `{"name":"a","kind":"choices","decisions":[{"name":"x","options":[${deep}]}]}`],
    ["whole.json", deep],
  ]) {
    const path = join(dir, file);
    writeFileSync(path, text);
    assert.throws(
      () => readSpecFile(path),
      (e: unknown) =>
        e instanceof UserError &&
        e.message ===
          `${path}: the spec nests arrays or objects more than 64 levels deep; expected a JSON object with "name" and "kind" (a choices spec nests 3 levels)`,
    );
  }
  // 64 levels in all (the spec, decisions, a decision, options, then 60) are read, and refused for what they hold
  const at64 = {
    ...choices,
    decisions: [{ name: "x", options: [JSON.parse(`${"[".repeat(60)}${"]".repeat(60)}`)] }],
  };
  assert.match(problem(at64), /field "decisions\[0\]\.options\[0\]" is \[\[\[/);
});

test("names of any script are accepted; a name's length is counted in characters, an emoji one, not two", () => {
  const names = [
    "café",
    "e\u0301",
    "日本語",
    "👨‍👩‍👧‍👦",
    "مرحبا",
    "שלום",
    "\u200Fעברית",
    "नमस्ते",
    "😀".repeat(200),
  ];
  const spec = { name: "intl", kind: "choices", decisions: [{ name: "ñame", options: [...names, 3, 0.5] }] };
  assert.doesNotThrow(() => parseSpec(spec));
  assert.throws(
    () => parseSpec({ ...spec, decisions: [{ name: "😀".repeat(201), options: [1] }] }),
    (e: Error) =>
      /expected a name of at most 200 characters \(it has 201\)/.test(e.message) &&
      !e.message.includes("\uFFFD"),
  );
});
