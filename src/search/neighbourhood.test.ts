import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { cellCode } from "../spaces/nb201/cell.js";
import { Nb201Space } from "../spaces/nb201/space.js";
import {
  candidateCount,
  chooseByNeighbourhood,
  DEFAULT_NEIGHBOURHOOD,
  neighbourhoodOptions,
} from "./neighbourhood.js";

// ids = cell codes: the space needs no benchmark file
const space = new Nb201Space(Int32Array.from({ length: 15_625 }, (_, code) => code));
const allConv = cellCode({ ops: Array(6).fill("nor_conv_3x3") });
const lonePeak = cellCode({ ops: ["nor_conv_3x3", ...Array(5).fill("none")] });

/** A smooth landscape (one point per 3x3 convolution) with one isolated spike, above its top. */
function prediction(id: number): number {
  if (id === lonePeak) return 6.5;
  return space.cell(id).ops.filter((op) => op === "nor_conv_3x3").length;
}

test("a cell predicted best alone loses to one whose mutations are predicted well too", async () => {
  const asked: number[] = [];
  const predict = async (ids: Int32Array) => {
    asked.push(...ids);
    return Float64Array.from(ids, prediction);
  };
  const ranked = [lonePeak, allConv, 7, 8, 9];
  const plain = await chooseByNeighbourhood(space, ranked, predict, 0, 2, { weight: 0 });
  assert.deepEqual(Array.from(plain.top), [lonePeak, allConv]);
  assert.equal(plain.neighbourEvaluations, 0);
  assert.equal(asked.length, 0);

  const chosen = await chooseByNeighbourhood(space, ranked, predict, 0, 2, { weight: 1 });
  assert.deepEqual(Array.from(chosen.top), [allConv, lonePeak]);
  // every cell predicted once, each a valid cell of the space; the candidates are not counted
  assert.equal(new Set(asked).size, asked.length);
  assert.ok(asked.every((id) => Number.isInteger(id) && id >= 0 && id < space.size));
  assert.equal(chosen.neighbourEvaluations, asked.length - ranked.length);
  assert.ok(chosen.neighbourEvaluations >= 20, `${chosen.neighbourEvaluations} mutations scored`);
  // the same seed draws the same mutations; the cells past `candidates` are never chosen
  const again = await chooseByNeighbourhood(space, ranked, predict, 0, 2, { weight: 1 });
  assert.deepEqual(again, chosen);
  // mutations kept between calls give the same choice without drawing them again
  const drawn = new Map<number, Int32Array>();
  await chooseByNeighbourhood(space, ranked, predict, 0, 2, { weight: 1 }, drawn);
  assert.equal(drawn.size, ranked.length);
  const kept = await chooseByNeighbourhood(space, ranked, predict, 0, 2, { weight: 1 }, drawn);
  assert.deepEqual(kept, chosen);
  const few = await chooseByNeighbourhood(space, ranked, predict, 0, 1, { weight: 1, candidates: 1 });
  assert.deepEqual(Array.from(few.top), [lonePeak]);
  // asked for more cells than `candidates`, it rescores as many as it must return
  const more = await chooseByNeighbourhood(space, ranked, predict, 0, 4, { weight: 1, candidates: 2 });
  assert.equal(more.top.length, 4);
});

test("the cells rescored are the 500 predicted best of those the search scored, at least the top, at most all it scored", () => {
  // what search --help and search's text state: 300 evaluations rescore 300, not 500
  assert.equal(candidateCount(DEFAULT_NEIGHBOURHOOD, 10, 5000), 500);
  assert.equal(candidateCount(DEFAULT_NEIGHBOURHOOD, 10, 300), 300);
  assert.equal(candidateCount(DEFAULT_NEIGHBOURHOOD, 800, 5000), 800);
  assert.equal(
    candidateCount({ ...DEFAULT_NEIGHBOURHOOD, weight: 0 }, 10, 5000),
    10,
    "the paper's choice: the top",
  );
});

test("neighbourhood options are checked", () => {
  assert.throws(() => neighbourhoodOptions({ weight: -1 }), /weight must be a number ≥ 0, got -1/);
  assert.throws(() => neighbourhoodOptions({ weight: Number.NaN }), /weight must be a number ≥ 0/);
  assert.throws(() => neighbourhoodOptions({ draws: 0 }), /draws must be a positive integer, got 0/);
  assert.throws(() => neighbourhoodOptions({ candidates: 2.5 }), /candidates must be a positive integer/);
});

test("chooseByNeighbourhood refuses arguments of the wrong kind, and a predict that scores fewer cells than asked", async () => {
  const predict = async (ids: Int32Array) => Float64Array.from(ids, prediction);
  const refused = (call: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(call, (e: Error) => e instanceof UserError && pattern.test(e.message));
  const ranked = [lonePeak, allConv, 7];
  // a top of -1 chose all but the last candidate, an undefined one none
  for (const top of [-1, 0, undefined, "2", 1.5])
    await refused(
      chooseByNeighbourhood(space, ranked, predict, 0, top as never),
      /^chooseByNeighbourhood needs top, how many cells to choose \(an integer ≥ 1\), got /,
    );
  await refused(
    chooseByNeighbourhood(null as never, ranked, predict, 0, 2),
    /needs a search space of cell ids/,
  );
  await refused(chooseByNeighbourhood(space, null as never, predict, 0, 2), /needs the cell ids ranked best/);
  await refused(chooseByNeighbourhood(space, ranked, {} as never, 0, 2), /needs predict, a function/);
  await refused(
    chooseByNeighbourhood(space, ranked, predict, "x" as never, 2),
    /needs a seed \(an integer\), got "x"$/,
  );
  // one prediction for every cell asked: a shorter list scored the rest NaN and chose at random
  await refused(
    chooseByNeighbourhood(space, ranked, async () => [1], 0, 2),
    /^chooseByNeighbourhood: predict must give one prediction per cell asked, in order: asked \d+, got \[1\]$/,
  );
  assert.equal((await chooseByNeighbourhood(space, ranked, predict, 0, 2)).top.length, 2);
});

test('a neighbourhood option given as text is shown as text: "50" was refused as "got 50"', () => {
  assert.throws(
    () => neighbourhoodOptions({ draws: "50" as never }),
    /^RangeError: neighbourhood draws must be a positive integer, got "50"$/,
  );
  assert.throws(() => neighbourhoodOptions({ weight: "1" as never }), /must be a number ≥ 0, got "1"$/);
});
