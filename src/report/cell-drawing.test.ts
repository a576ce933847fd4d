import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { drawCell } from "./cell-drawing.js";

/** Numbers of the viewBox, and every point of every path and box. */
function geometry(svg: string) {
  const [x, y, w, h] = (svg.match(/viewBox="([^"]+)"/)?.[1] ?? "").split(" ").map(Number);
  const points = [...svg.matchAll(/<path d="([^"]+)" fill="none"/g)].flatMap((m) =>
    m[1]
      .split(/[ML]/)
      .filter(Boolean)
      .map((p) => p.split(",").map(Number)),
  );
  const boxes = [
    ...svg.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/g),
  ].map((m) => m.slice(1).map(Number));
  return { x, y, w, h, points, boxes };
}

test("a NAS-Bench-101 cell: one labelled box per vertex, one arrow per edge, all inside the drawing", () => {
  // input → output directly as well as through the ops: a long edge routed around the others
  const matrix = [
    [0, 1, 1, 1, 0, 1],
    [0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 1, 0],
    [0, 0, 0, 0, 0, 1],
    [0, 0, 0, 0, 0, 0],
  ];
  const ops = ["input", "conv3x3-bn-relu", "conv1x1-bn-relu", "maxpool3x3", "conv3x3-bn-relu", "output"];
  const svg = drawCell({ space: "nb101", matrix, ops }, "a <cell>");
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<title>a &#60;cell&#62;<\/title>/);
  const labels = [...svg.matchAll(/<text [^>]*>([^<]+)<\/text>/g)].map((m) => m[1]).sort();
  assert.deepEqual(labels, ["conv1x1", "conv3x3", "conv3x3", "input", "maxpool3x3", "output"]);
  assert.equal(svg.match(/marker-end="url\(#arrow\)"/g)?.length, 8);
  const g = geometry(svg);
  assert.ok(g.points.length >= 16);
  for (const [px, py] of g.points)
    assert.ok(
      px >= g.x && px <= g.x + g.w && py >= g.y && py <= g.y + g.h,
      `(${px}, ${py}) inside ${g.w}×${g.h}`,
    );
  for (const [bx, by, bw, bh] of g.boxes)
    assert.ok(bx >= g.x && bx + bw <= g.x + g.w && by >= g.y && by + bh <= g.y + g.h, "box inside");
  // input on top, output at the bottom
  const yOf = (label: string) => Number(svg.match(new RegExp(`y="([-\\d.]+)"[^>]*>${label}<`))?.[1]);
  assert.ok(yOf("input") < yOf("maxpool3x3") && yOf("maxpool3x3") < yOf("output"));
});

test("a NAS-Bench-201 cell: 4 nodes, ops written on the edges, none edges left out", () => {
  const svg = drawCell(
    { space: "nb201", ops: ["nor_conv_3x3", "none", "skip_connect", "avg_pool_3x3", "none", "nor_conv_1x1"] },
    "c",
  );
  const texts = [...svg.matchAll(/<text [^>]*>([^<]+)<\/text>/g)].map((m) => m[1]).sort();
  assert.deepEqual(texts, ["1", "2", "avgpool3x3", "conv1x1", "conv3x3", "input", "output", "skip"]);
  assert.equal(svg.match(/marker-end=/g)?.length, 4);
});

test("drawCell refuses what is not a cell to draw in one line naming it (from JavaScript: a raw TypeError)", () => {
  const refused = (cell: unknown, why: RegExp, title: unknown = "t") =>
    assert.throws(
      () => drawCell(cell as never, title as never),
      (e: Error) => e instanceof UserError && why.test(e.message) && !e.message.includes("\n"),
      JSON.stringify(cell),
    );
  refused(null, /^drawCell's cell is null; expected \{ space: "nb101", matrix, ops \}/);
  refused(undefined, /^drawCell's cell is undefined; expected/);
  refused("|nor_conv_3x3~0|", /^drawCell's cell is "\|nor_conv_3x3~0\|"; expected/);
  refused({}, /^drawCell's cell has space undefined; expected/);
  refused(
    { space: "nb201", ops: ["none"] },
    /^drawCell's cell has ops \["none"\]; expected .*\(6 ops, one per edge\)$/,
  );
  refused(
    { space: "nb101", matrix: [[0, 1], [0]], ops: ["input", "output"] },
    /has matrix \[\[0,1\],\[0\]\]/,
  );
  refused(
    {
      space: "nb101",
      matrix: [
        [0, 1],
        [0, 0],
      ],
      ops: ["input"],
    },
    /has ops \["input"\] for a matrix of 2 vertices/,
  );
  refused({ space: "nb201", ops: Array(6).fill("none") }, /^drawCell's title must be text, got null$/, null);
  // a cell of either shape still draws
  assert.match(
    drawCell(
      {
        space: "nb101",
        matrix: [
          [0, 1],
          [0, 0],
        ],
        ops: ["input", "output"],
      },
      "t",
    ),
    /^<svg /,
  );
});
