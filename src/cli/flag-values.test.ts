import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "commander";
import { UserError } from "../errors.js";
import {
  integerFlag,
  MAX_SEED,
  measuredValueFlag,
  nonEmptyFlag,
  readSeedList,
  realFlag,
  scriptFlags,
  seedFlag,
} from "./flag-values.js";

/** The message a parser refuses `text` with (fails when it accepts it). */
function refusal(parse: (text: string) => unknown, text: string): string {
  try {
    parse(text);
  } catch (e) {
    assert.ok(e instanceof InvalidArgumentError, `${text}: ${e}`);
    return e.message;
  }
  assert.fail(`"${text}" was accepted`);
}

test("integers are decimal digits only, in their range", () => {
  const id = integerFlag(0);
  assert.equal(id("0"), 0);
  assert.equal(id("16"), 16);
  assert.equal(id("007"), 7);
  // Number() reads each of these as a number: "" and blanks as 0, hex as 16, an exponent as 1000
  for (const text of ["", " ", "0x10", "1e3", "1.0", "+3", "-3", " 5", "5 ", "Infinity", "1_000", "٣"])
    assert.match(refusal(id, text), /expected an integer ≥ 0 in decimal digits/, JSON.stringify(text));
  const labels = integerFlag(2, 15_623);
  assert.equal(labels("15623"), 15_623);
  assert.match(refusal(labels, "1"), /expected an integer in 2\.\.15,623/);
  assert.match(refusal(labels, "15624"), /in 2\.\.15,623/);
  // too large: the maximum is named (it said only "≥ 1 in decimal digits", which the value was)
  assert.match(
    refusal(integerFlag(1), "99999999999999999999"),
    /^expected an integer ≥ 1 in decimal digits; the value is above the maximum, 9,007,199,254,740,991 \(2\^53 - 1, the largest integer read exactly\)$/,
  );
  assert.match(refusal(labels, "15624"), /; the value is above the maximum, 15,623$/);
  assert.match(refusal(labels, "1"), /in 2\.\.15,623 in decimal digits$/, "below: the range says it");
});

test("seeds stop at 2^31 - 1: the generator reads 32 bits, so 2^32 would be seed 0", () => {
  const seed = seedFlag();
  assert.equal(seed(String(MAX_SEED)), 2 ** 31 - 1);
  assert.match(refusal(seed, "2147483648"), /in 0\.\.2,147,483,647/);
  assert.match(
    refusal(seed, "4294967296"),
    /in 0\.\.2,147,483,647 in decimal digits; the value is above the maximum, 2,147,483,647$/,
  );
});

test("reals: decimal notation in the flag's range", () => {
  const p = realFlag({ min: 0, max: 1 });
  assert.equal(p("0"), 0);
  assert.equal(p("1"), 1);
  assert.equal(p(".25"), 0.25);
  assert.equal(p("2.5e-1"), 0.25);
  for (const text of ["", " ", "1.5", "-0.1", "0x1", "NaN", "Infinity", "1/2", "0,5"])
    assert.match(refusal(p, text), /expected a decimal number ≥ 0 and ≤ 1/, JSON.stringify(text));
  const rate = realFlag({ above: 0 });
  assert.equal(rate("1e-3"), 0.001);
  assert.match(refusal(rate, "0"), /> 0/);
  assert.match(refusal(realFlag({ min: 0, below: 1 }), "1"), /≥ 0 and < 1/);
  // a decimal number read as Infinity: it said only "expected a decimal number"
  assert.match(
    refusal(realFlag({}), "1e400"),
    /expected a decimal number; 1e400 is beyond the largest number/,
  );
  // and one read as 0 (tell --value 1e-400 was stored as 0); zeros in any notation stay 0
  assert.match(refusal(realFlag({}), "1e-400"), /1e-400 is closer to 0 than the smallest number/);
  for (const zero of ["0", "0.0", "-0e5", "0e-400"]) assert.equal(Math.abs(realFlag({})(zero)), 0, zero);
  assert.equal(realFlag({})("5e-324"), 5e-324);
});

test("seed lists: seeds and inclusive ranges, in the order written", () => {
  assert.deepEqual(readSeedList("777"), [777]);
  assert.deepEqual(
    readSeedList("0-19"),
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.deepEqual(readSeedList("0,2,5-7"), [0, 2, 5, 6, 7]);
  assert.deepEqual(readSeedList("9, 3"), [9, 3]);
  assert.deepEqual(readSeedList("4-4"), [4]);
  assert.deepEqual(readSeedList(String(MAX_SEED)), [MAX_SEED]);
});

test("seed lists: empty items, duplicates, reversed ranges and seeds above 2^31 - 1 are refused", () => {
  const cases: [string, RegExp][] = [
    ["", /no seeds given/],
    [" ", /no seeds given/],
    ["0,,1", /an empty item in "0,,1"/],
    ["3,", /an empty item in "3,"/],
    [",3", /an empty item/],
    ["0,0", /seed 0 is given twice/],
    ["0-5,3", /seed 3 is given twice/],
    ["5-3", /the range "5-3" runs backwards; write 3-5/],
    ["4294967296", /seed 4294967296 is above 2,147,483,647/],
    ["0-2147483648", /seed 2147483648 is above/],
    ["0x10", /"0x10" is not a seed or a range/],
    ["1e3", /"1e3" is not a seed or a range/],
    ["-1", /"-1" is not a seed or a range/],
    ["1-2-3", /"1-2-3" is not a seed or a range/],
    ["0-99999", /more than 10,000 seeds/],
  ];
  for (const [text, message] of cases) assert.throws(() => readSeedList(text), message, JSON.stringify(text));
});

test("an empty path is refused, not read as 'use the default'", () => {
  const dir = nonEmptyFlag("a directory");
  assert.equal(dir("../data"), "../data");
  assert.match(refusal(dir, ""), /expected a directory, got an empty value/);
  assert.match(refusal(dir, "  "), /expected a directory/);
});

test("a bench script's flags: a misspelt, repeated or value-less flag is refused, not read as absent (break I)", () => {
  const known = ["--seeds", "--out"];
  const flag = scriptFlags(["a.json", "--seeds", "0-1", "b.json"], known);
  assert.equal(flag("--seeds", "0-19"), "0-1");
  assert.equal(flag("--out", "default.json"), "default.json");
  assert.equal(flag("--out"), undefined);
  const refused = (argv: string[], pattern: RegExp) =>
    assert.throws(
      () => scriptFlags(argv, known),
      (e: unknown) => e instanceof UserError && pattern.test(e.message),
    );
  // --sedes was read as no flag: the default 20 seeds ran and wrote over docs/results/simulate/nb201-cifar100.json
  refused(["--sedes", "0-1"], /^unknown flag --sedes; it takes --seeds, --out$/);
  refused(["--seeds"], /^--seeds needs a value$/);
  refused(["--seeds", "--out", "x.json"], /^--seeds needs a value$/);
  refused(["--seeds", "0", "--seeds", "1"], /^--seeds is given twice; give it once$/);
  assert.throws(() => scriptFlags(["--x", "1"], []), /unknown flag --x; it takes no flags/);
});

test("tell --value names a decimal comma or a % sign as a results file does (it said 'expected a decimal number' alone)", () => {
  const value = measuredValueFlag();
  assert.equal(value("84.2"), 84.2);
  assert.match(
    refusal(value, "84,2"),
    /^expected a decimal number with a point \(84\.2 for the decimal comma of 84,2, /,
  );
  assert.match(refusal(value, "84.2%"), /^expected a decimal number without a % sign \(84\.2 for 84\.2%\)$/);
  assert.match(refusal(value, "5."), /with digits after its point \(a value cut short\?\)$/);
});
