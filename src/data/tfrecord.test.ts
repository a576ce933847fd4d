import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { checkTfRecordFile, encodeTfRecord, maskedCrc32c, readTfRecords } from "./tfrecord.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-tfrecord-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of readTfRecords(path)) out.push(r.data.toString("latin1"));
  return out;
}

test("CRC-32C and its TensorFlow mask", () => {
  // CRC-32C("123456789") = 0xE3069283 (the standard check value); masked as TensorFlow does
  const crc = 0xe3069283;
  assert.equal(
    maskedCrc32c(Buffer.from("123456789")),
    ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0,
  );
});

test("records round trip, including one larger than the read buffer and an empty one", async () => {
  const big = "x".repeat(5 << 20);
  const records = ["hello", "", big, "world"];
  const path = join(dir, "ok.tfrecord");
  writeFileSync(path, Buffer.concat(records.map((r) => encodeTfRecord(Buffer.from(r, "latin1")))));
  assert.deepEqual(await readAll(path), records);
  const empty = join(dir, "empty.tfrecord");
  writeFileSync(empty, "");
  assert.deepEqual(await readAll(empty), []);
});

test("bad checksums and truncation are clear errors naming the record and byte", async () => {
  const good = Buffer.concat([encodeTfRecord(Buffer.from("first")), encodeTfRecord(Buffer.from("second"))]);
  const cases: [string, Buffer, RegExp][] = [
    ["data-crc", Buffer.from(good), /record 1 at byte 21: data checksum mismatch/],
    ["length-crc", Buffer.from(good), /record 1 at byte 21: length checksum mismatch/],
    [
      "truncated-data",
      good.subarray(0, good.length - 3),
      /truncated: record 1 at byte 21 needs 22 bytes, the file ends after 19/,
    ],
    [
      "truncated-header",
      good.subarray(0, 21 + 5),
      /truncated: record 1 at byte 21 has 5 of its 12 header bytes/,
    ],
  ];
  cases[0][1][21 + 12 + 2] ^= 0xff; // a byte of "second"
  cases[1][1][21 + 1] ^= 0x01; // a byte of the length
  for (const [name, bytes, pattern] of cases) {
    const path = join(dir, `${name}.tfrecord`);
    writeFileSync(path, bytes);
    await assert.rejects(
      readAll(path),
      (e: Error) => e instanceof BadFileError && pattern.test(e.message),
      name,
    );
  }
  // before: "cannot open: ENOENT: no such file or directory, stat '…'"
  const absent = join(dir, "absent.tfrecord");
  await assert.rejects(readAll(absent), (e: Error) => {
    assert.ok(e instanceof BadFileError);
    assert.equal(e.message, `${absent}: no such file; expected a TFRecord file`);
    return true;
  });
});

test("a file whose first record header fails its checksum is no TFRecord file; damage later is named by record", async () => {
  // it said "record 0 at byte 0: length checksum mismatch (corrupted file?)" for a CSV
  const csv = join(dir, "labels.csv");
  writeFileSync(csv, "arch,val_acc\n|nor_conv_3x3~0|,0.9\n");
  const notTfRecord = `${csv}: is not a TFRecord file (its first 12 bytes are no record header: the length's checksum does not match)`;
  assert.throws(
    () => checkTfRecordFile(csv, "the official file"),
    (e: Error) => e instanceof BadFileError && e.message === `${notTfRecord}; expected the official file`,
  );
  await assert.rejects(
    readAll(csv),
    (e: Error) => e instanceof BadFileError && e.message === `${notTfRecord}; expected a TFRecord file`,
  );
  // the first header damaged in a real file reads the same; a sound first record passes the check
  const good = Buffer.concat([encodeTfRecord(Buffer.from("first")), encodeTfRecord(Buffer.from("second"))]);
  const sound = join(dir, "sound.tfrecord");
  writeFileSync(sound, good);
  checkTfRecordFile(sound);
  const short = join(dir, "short.tfrecord");
  writeFileSync(short, good.subarray(0, 5));
  // shorter than one header: no TFRecord file (it was called "truncated: record 0 … has 5 of its 12 header bytes")
  const tooShort =
    /short\.tfrecord: is not a TFRecord file \(5 bytes, shorter than one record header of 12\)/;
  assert.throws(() => checkTfRecordFile(short), tooShort);
  await assert.rejects(readAll(short), tooShort);
});

test("encodeTfRecord refuses what is no bytes: a string or a list was framed as other bytes, a Uint16Array cut to 8 bits", () => {
  for (const [data, shown] of [
    ["abc", '"abc"'],
    [[1, 2, 3], "[1,2,3]"],
    [new Uint16Array([300]), "a Uint16Array"],
    [null, "null"],
  ] as const)
    assert.throws(
      () => encodeTfRecord(data as never),
      (e: Error) =>
        e instanceof UserError &&
        e.message ===
          `encodeTfRecord frames bytes: a Uint8Array or a Buffer (Buffer.from(text) for text), got ${shown}`,
    );
  assert.equal(encodeTfRecord(Buffer.from("abc")).length, 19);
});
