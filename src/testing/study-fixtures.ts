/** A small made-up `choices` space for study tests, with a made-up "accuracy" of each architecture. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChoicesSpace } from "../spaces/choices.js";
import { parseSpec } from "../spaces/spec.js";

/** 4 layers of 3 options and a width of 2: 162 architectures. */
export const TINY_SPEC = {
  name: "tiny",
  kind: "choices",
  decisions: [
    { name: "layer1", options: ["identity", "mb3", "mb6"] },
    { name: "layer2", options: ["identity", "mb3", "mb6"] },
    { name: "layer3", options: ["identity", "mb3", "mb6"] },
    { name: "layer4", options: ["identity", "mb3", "mb6"] },
    { name: "width", options: [16, 32] },
  ],
};

export function tinySpace(): ChoicesSpace {
  return new ChoicesSpace(parseSpec(TINY_SPEC) as never);
}

/** A made-up accuracy (fraction) of a tiny architecture given as option indices: deterministic, with a unique best. */
export function tinyAccuracy(arch: readonly number[]): number {
  let v = 0.8;
  arch.slice(0, 4).forEach((o, i) => {
    v += o === 2 ? 0.02 - 0.002 * i : o === 1 ? 0.012 : 0;
  });
  v += arch[4] === 1 ? 0.015 : 0;
  return Math.round(v * 1e4) / 1e4;
}

/** The folders tinyDir made in this process: removed when it exits (test runs left hundreds in /tmp). */
const made: string[] = [];
process.on("exit", () => {
  for (const dir of made)
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // a folder a test left unremovable (made read-only) stays
    }
});

/** A fresh temporary directory holding the tiny spec as `tiny.json`, removed when the process exits. */
export function tinyDir(): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-study-"));
  made.push(dir);
  const spec = join(dir, "tiny.json");
  writeFileSync(spec, JSON.stringify(TINY_SPEC));
  return { dir, spec };
}

/** A results CSV of the given architectures (option indices) with their made-up accuracy × `scale`. */
export function tinyResults(archs: readonly (readonly number[])[], target = "val_acc", scale = 1): string {
  const space = tinySpace();
  const rows = archs.map((a) => {
    const row = space.toRow(a);
    return [...space.columns.map((c) => row[c]), String(+(tinyAccuracy(a) * scale).toFixed(6))].join(",");
  });
  return `${[...space.columns, target].join(",")}\n${rows.join("\n")}\n`;
}

/** A made-up accuracy in [0.4, 0.9) for any architecture key (a string hash). */
export function madeUpValue(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return 0.4 + ((h >>> 0) % 5000) / 10000;
}

/** 10 decisions of 4 options (about a million architectures): room for long tell loops. */
export const WIDE_SPEC = {
  name: "wide",
  kind: "choices",
  decisions: Array.from({ length: 10 }, (_, i) => ({ name: `d${i}`, options: ["a", "b", "c", "d"] })),
};
