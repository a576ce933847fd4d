import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Nb101Space } from "../nb101/space.js";
import { NB101_SPEC } from "../nb101/spec.js";
import { decodeTable, encodeTable, readTableCache, specFingerprint, writeTableCache } from "./cache.js";
import type { CellTable } from "./table.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-cache-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const small: CellTable = {
  count: 3,
  digests: Int32Array.from({ length: 12 }, (_, i) => i * 7919 - 5),
  bits: Uint32Array.from([1, 7, 100]),
  shape: Uint32Array.from([2, 3, 7 | (2 << 3) | (1 << 31)]),
};
const fingerprint = specFingerprint(NB101_SPEC);

test("a table survives the cache format", () => {
  const back = decodeTable(encodeTable(small, fingerprint), fingerprint);
  assert.ok(!("invalid" in back));
  assert.deepEqual(back, small);
  const path = join(dir, "t.bin");
  writeTableCache(path, small, fingerprint);
  assert.deepEqual(readTableCache(path, fingerprint), small);
  assert.equal(readTableCache(join(dir, "absent.bin"), fingerprint), undefined);
});

test("corrupted, truncated, foreign, other-space and old-version caches are detected", () => {
  const bytes = encodeTable(small, fingerprint);
  const other = specFingerprint({ ...NB101_SPEC, maxEdges: 8 });
  assert.notEqual(other, fingerprint);
  assert.match((decodeTable(bytes, other) as { invalid: string }).invalid, /another space/);
  const flipped = Buffer.from(bytes);
  flipped[90] ^= 1;
  assert.match((decodeTable(flipped, fingerprint) as { invalid: string }).invalid, /checksum/);
  assert.match(
    (decodeTable(bytes.subarray(0, bytes.length - 1), fingerprint) as { invalid: string }).invalid,
    /truncated/,
  );
  assert.match(
    (
      decodeTable(Buffer.from("hello world, not a cache at all, really.........".repeat(2)), fingerprint) as {
        invalid: string;
      }
    ).invalid,
    /not a cache/,
  );
  const old = Buffer.from(bytes);
  old.writeUInt32LE(0, 8);
  assert.match((decodeTable(old, fingerprint) as { invalid: string }).invalid, /version/);
});

test("an invalid cache file is rebuilt by enumeration and replaced", async () => {
  const path = Nb101Space.cachePath(dir);
  writeFileSync(path, "garbage");
  const notes: string[] = [];
  const space = await Nb101Space.load({ cacheDir: dir, onNote: (n) => notes.push(n) });
  assert.equal(space.origin, "rebuilt (cache invalid)");
  assert.equal(space.size, 423_624);
  assert.match(notes.join("\n"), /invalid/);
  assert.ok(readFileSync(path).length > 9_000_000);
  const again = await Nb101Space.load({ cacheDir: dir });
  assert.equal(again.origin, "cache");
  assert.equal(again.hashOf(307498), "ba0a27cafe7d648aa57f7d5dd64c0b48");
});

test("a cache directory that cannot be written costs a note, not the result", async () => {
  const blocked = join(dir, "blocked");
  writeFileSync(blocked, "a file where the cache directory should be");
  const notes: string[] = [];
  const space = await Nb101Space.load({ cacheDir: join(blocked, "sub"), onNote: (n) => notes.push(n) });
  assert.equal(space.size, 423_624);
  assert.match(notes.join("\n"), /could not write the space cache/);
});
