/**
 * Drawings of cells as SVG, as the paper's Figures 3 and 4 draw them: a NAS-Bench-101 cell is a DAG of
 * labelled boxes (input, conv3x3, conv1x1, maxpool3x3, output) joined by arrows; a NAS-Bench-201 cell
 * is a DAG of its 4 nodes with the op written on each edge ("none" edges left out). The layout is
 * dagre's layered layout (top to bottom); this module only turns positions into SVG.
 */
import dagre from "@dagrejs/dagre";
// dagre's own type declarations use extension-less imports that NodeNext cannot follow: its graph
// type comes from graphlib, the graph library dagre lays out
import { Graph } from "@dagrejs/graphlib";
import { shownValue, UserError } from "../errors.js";
import { NB201_EDGES } from "../spaces/nb201/cell.js";
import type { CellToDraw } from "./document.js";

const FONT = 12;
/** Average advance of a character at 12 px in a sans-serif font: no text metrics outside a browser. */
const CHAR_WIDTH = 7;
const BOX_HEIGHT = 24;
const MARGIN = 8;

/** Short names of ops, as the paper writes them. */
const SHORT: Record<string, string> = {
  "conv3x3-bn-relu": "conv3x3",
  "conv1x1-bn-relu": "conv1x1",
  maxpool3x3: "maxpool3x3",
  nor_conv_3x3: "conv3x3",
  nor_conv_1x1: "conv1x1",
  avg_pool_3x3: "avgpool3x3",
  skip_connect: "skip",
};

/** Fill of a vertex by its (short) op: inputs and outputs grey, one colour per kind of layer. */
const FILL: Record<string, string> = {
  input: "#e8e8e8",
  output: "#e8e8e8",
  conv3x3: "#cfe2f3",
  conv1x1: "#d9ead3",
  maxpool3x3: "#fce5cd",
};

interface Layout {
  nodes: { x: number; y: number; width: number; height: number; label: string; round: boolean }[];
  edges: { points: { x: number; y: number }[]; label?: { x: number; y: number; text: string } }[];
}

/**
 * The cell as a standalone SVG element (its marker id is "arrow"; inline several with scoped ids).
 * Throws UserError for a `cell` that is not a CellToDraw (`{ space: "nb101", matrix, ops }`: a square
 * 0/1 matrix and one op per vertex; `{ space: "nb201", ops }`: 6 ops, one per edge) or a `title` that
 * is not text.
 */
export function drawCell(cell: CellToDraw, title: string): string {
  checkCell(cell);
  if (typeof title !== "string")
    throw new UserError(`drawCell's title must be text, got ${shownValue(title, 80)}`);
  return toSvg(cell.space === "nb101" ? layoutNb101(cell.matrix, cell.ops) : layoutNb201(cell.ops), title);
}

/** From JavaScript, drawCell(null) read `.space` of null, a cell of another shape `[0]` of undefined. */
function checkCell(cell: CellToDraw): void {
  const expected =
    'expected { space: "nb101", matrix, ops } (a square 0/1 matrix, one op per vertex) or { space: "nb201", ops } (6 ops, one per edge)';
  const refuse = (why: string): never => {
    throw new UserError(`drawCell's cell ${why}; ${expected}`);
  };
  if (cell === null || typeof cell !== "object" || Array.isArray(cell)) refuse(`is ${shownValue(cell, 80)}`);
  const ops = (cell as { ops?: unknown }).ops;
  const isOps = (n: number) =>
    Array.isArray(ops) && ops.length === n && ops.every((op) => typeof op === "string");
  if (cell.space === "nb201") {
    if (!isOps(NB201_EDGES.length)) refuse(`has ops ${shownValue(ops, 80)}`);
  } else if (cell.space === "nb101") {
    const matrix = (cell as { matrix?: unknown }).matrix;
    const n = Array.isArray(matrix) ? matrix.length : -1;
    const square =
      n > 0 &&
      (matrix as unknown[]).every(
        (row) => Array.isArray(row) && row.length === n && row.every((x) => x === 0 || x === 1),
      );
    if (!square) refuse(`has matrix ${shownValue(matrix, 80)}`);
    if (!isOps(n)) refuse(`has ops ${shownValue(ops, 80)} for a matrix of ${n} vertices`);
  } else refuse(`has space ${shownValue((cell as { space?: unknown }).space, 40)}`);
}

function textWidth(text: string): number {
  return text.length * CHAR_WIDTH;
}

interface Box {
  label: string;
  width: number;
  height: number;
  /** Written by the layout: the centre. */
  x?: number;
  y?: number;
}
interface Arrow {
  /** The op written on a NAS-Bench-201 edge, with the size of its label. */
  text?: string;
  width?: number;
  height?: number;
  labelpos?: "c";
  /** Written by the layout: the polyline, and the label's centre. */
  points?: { x: number; y: number }[];
  x?: number;
  y?: number;
}
type CellGraph = Graph<
  {
    rankdir: string;
    nodesep: number;
    ranksep: number;
    edgesep: number;
    marginx: number;
    marginy: number;
    width?: number;
    height?: number;
  },
  Box,
  Arrow
>;

function newGraph(): CellGraph {
  const g: CellGraph = new Graph();
  g.setGraph({ rankdir: "TB", nodesep: 18, ranksep: 26, edgesep: 10, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  return g;
}

/** Lays the graph out (dagre writes positions into its node and edge labels) and reads them back. */
function readLayout(g: CellGraph, round: boolean): Layout {
  dagre.layout(g);
  return {
    nodes: g.nodes().map((v) => {
      const n = g.node(v);
      return { x: n.x ?? 0, y: n.y ?? 0, width: n.width, height: n.height, label: n.label, round };
    }),
    edges: g.edges().map((e) => {
      const edge = g.edge(e);
      return {
        points: edge.points ?? [],
        label: edge.text === undefined ? undefined : { x: edge.x ?? 0, y: edge.y ?? 0, text: edge.text },
      };
    }),
  };
}

function layoutNb101(matrix: number[][], ops: string[]): Layout {
  const g = newGraph();
  ops.forEach((op, v) => {
    const label = SHORT[op] ?? op;
    g.setNode(String(v), { label, width: textWidth(label) + 16, height: BOX_HEIGHT });
  });
  for (let i = 0; i < matrix.length; i++)
    for (let j = 0; j < matrix.length; j++) if (matrix[i][j]) g.setEdge(String(i), String(j));
  return readLayout(g, false);
}

function layoutNb201(ops: string[]): Layout {
  const g = newGraph();
  const names = ["input", "1", "2", "output"];
  names.forEach((label, v) => {
    g.setNode(String(v), { label, width: Math.max(BOX_HEIGHT, textWidth(label) + 16), height: BOX_HEIGHT });
  });
  NB201_EDGES.forEach(([from, to], k) => {
    if (ops[k] === "none") return;
    const text = SHORT[ops[k]] ?? ops[k];
    g.setEdge(String(from), String(to), {
      text,
      width: textWidth(text) + 6,
      height: FONT + 4,
      labelpos: "c",
    });
  });
  return readLayout(g, true);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const r1 = (x: number) => Math.round(x * 10) / 10;

/** The box around everything drawn: dagre's graph size leaves out the bends of long edges. */
function bounds(layout: Layout): { x: number; y: number; width: number; height: number } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const n of layout.nodes) {
    xs.push(n.x - n.width / 2, n.x + n.width / 2);
    ys.push(n.y - n.height / 2, n.y + n.height / 2);
  }
  for (const e of layout.edges) {
    xs.push(...e.points.map((p) => p.x));
    ys.push(...e.points.map((p) => p.y));
    if (e.label) {
      const w = textWidth(e.label.text) / 2 + 3;
      xs.push(e.label.x - w, e.label.x + w);
    }
  }
  const x = Math.floor(Math.min(...xs) - MARGIN);
  const y = Math.floor(Math.min(...ys) - MARGIN);
  return {
    x,
    y,
    width: Math.ceil(Math.max(...xs) + MARGIN) - x,
    height: Math.ceil(Math.max(...ys) + MARGIN) - y,
  };
}

function toSvg(layout: Layout, title: string): string {
  const box = bounds(layout);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="cell" width="${box.width}" height="${box.height}" viewBox="${box.x} ${box.y} ${box.width} ${box.height}" role="img" aria-label="${escapeXml(title)}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`,
    `<title>${escapeXml(title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
  ];
  for (const edge of layout.edges) {
    const d = edge.points.map((p, i) => `${i === 0 ? "M" : "L"}${r1(p.x)},${r1(p.y)}`).join("");
    parts.push(`<path d="${d}" fill="none" stroke="#555" stroke-width="1.3" marker-end="url(#arrow)"/>`);
  }
  for (const edge of layout.edges) {
    if (!edge.label) continue;
    const { x, y, text } = edge.label;
    const w = textWidth(text) + 6;
    parts.push(
      `<rect x="${r1(x - w / 2)}" y="${r1(y - FONT / 2 - 2)}" width="${w}" height="${FONT + 4}" fill="white" fill-opacity="0.9"/>`,
      `<text x="${r1(x)}" y="${r1(y)}" text-anchor="middle" dominant-baseline="central" fill="#333">${escapeXml(text)}</text>`,
    );
  }
  for (const n of layout.nodes) {
    const fill = FILL[n.label] ?? "#ffffff";
    const rx = n.round ? n.height / 2 : 4;
    parts.push(
      `<rect x="${r1(n.x - n.width / 2)}" y="${r1(n.y - n.height / 2)}" width="${n.width}" height="${n.height}" rx="${rx}" fill="${fill}" stroke="#333"/>`,
      `<text x="${r1(n.x)}" y="${r1(n.y)}" text-anchor="middle" dominant-baseline="central">${escapeXml(n.label)}</text>`,
    );
  }
  parts.push("</svg>");
  return parts.join("");
}
