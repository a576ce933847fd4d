import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { encodeNpy, parseNpy, readNpy, readNpyVector, writeNpy } from "./npy.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-npy-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function header(descr: string, shape: string, fortran = "False"): Buffer {
  let h = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  h += `${" ".repeat((64 - ((10 + h.length + 1) % 64)) % 64)}\n`;
  const head = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  head.writeUInt16LE(h.length, 8);
  return Buffer.concat([head, Buffer.from(h, "latin1")]);
}

test("float64 and int32 vectors round trip", () => {
  const path = join(dir, "a.npy");
  writeNpy(path, Float64Array.from([0.5, -1, 3e10]));
  assert.deepEqual(readNpy(path), { dtype: "<f8", shape: [3], data: Float64Array.from([0.5, -1, 3e10]) });
  writeNpy(path, Int32Array.from([1, -2]));
  assert.deepEqual(readNpyVector(path, 2), Float64Array.from([1, -2]));
});

test("float32 and 2-D arrays are read", () => {
  const data = Buffer.from(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer);
  const a = parseNpy(Buffer.concat([header("<f4", "(2, 3)"), data]), "x.npy");
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(a.data, Float64Array.from([1, 2, 3, 4, 5, 6]));
});

test("bad files are refused with a clear error naming the file", () => {
  const good = encodeNpy(Float64Array.from([1, 2, 3]));
  const cases: [Buffer, RegExp][] = [
    [good.subarray(0, good.length - 3), /truncated: 21 data bytes, expected 24/],
    [Buffer.concat([good, Buffer.from([0])]), /unexpected bytes/],
    [Buffer.from("PK\x03\x04 a zip file"), /magic/],
    [good.subarray(0, 20), /header is truncated/],
    [Buffer.concat([header(">f8", "(1,)"), Buffer.alloc(8)]), /dtype '>f8' is not supported/],
    [Buffer.concat([header("|O", "(1,)"), Buffer.alloc(8)]), /dtype '\|O'/],
    [Buffer.concat([header("<f8", "(1,)", "True"), Buffer.alloc(8)]), /Fortran/],
    [Buffer.concat([header("<f8", "(1, 1, 1)"), Buffer.alloc(8)]), /1 or 2 dimensions/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(
      () => parseNpy(bytes, "labels.npy"),
      (e: Error) => e instanceof BadFileError && /^labels\.npy: /.test(e.message) && pattern.test(e.message),
      String(pattern),
    );
  }
  const path = join(dir, "short.npy");
  writeFileSync(path, good);
  assert.throws(() => readNpyVector(path, 4), /shape \(3\); expected \(4,\)/);
  assert.throws(() => readNpy(join(dir, "missing.npy")), /missing\.npy: no such file$/);
});

test("writeNpy refuses what is no Float64Array or Int32Array, writing nothing: a Float32Array was written as int32", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-npy-"));
  try {
    const path = join(dir, "x.npy");
    for (const [values, shown] of [
      [new Float32Array([1]), "a Float32Array"],
      [new Uint8Array([1]), "a Uint8Array"],
      [[0.5, 0.6], "[0.5,0.6]"],
      [null, "null"],
    ] as const)
      assert.throws(
        () => writeNpy(path, values as never),
        (e: Error) =>
          e instanceof UserError &&
          e.message ===
            `a .npy file is written from a Float64Array or an Int32Array (Float64Array.from(list) for a list of numbers), got ${shown}`,
      );
    assert.equal(existsSync(path), false, "no file written");
    writeNpy(path, Float64Array.from([0.5, 0.6]));
    assert.deepEqual(Array.from(readNpy(path).data), [0.5, 0.6]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
