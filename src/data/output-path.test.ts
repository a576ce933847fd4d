import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import { checkOutputFile, checkOutputFolder } from "./output-path.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-output-path-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const folder = join(dir, "folder");
const file = join(dir, "file");
mkdirSync(folder);
writeFileSync(file, "x");

function refuses(check: () => void, message: RegExp): void {
  assert.throws(check, (e: Error) => e instanceof UserError && message.test(e.message));
}

test("a file may be written: new or existing, in an existing folder; the check leaves nothing behind", () => {
  checkOutputFile(join(folder, "new.nasa"), "--out");
  checkOutputFile(file, "--out");
  assert.deepEqual(readdirSync(folder), []);
  assert.deepEqual(readdirSync(dir).sort(), ["file", "folder"]);
});

test("a file output: a folder, a missing folder, a file on the way, an unwritable folder, an empty path", () => {
  refuses(() => checkOutputFile(folder, "--out"), /^--out \S+folder: is a folder; give the name of a file/);
  refuses(
    () => checkOutputFile(join(dir, "a", "b", "m.nasa"), "--out"),
    /^--out \S+a\/b\/m\.nasa: the folder \S+a\/b does not exist \(nas-assay creates no missing folders/,
  );
  refuses(
    () => checkOutputFile(join(file, "a", "m.nasa"), "--plot"),
    /^--plot \S+: \S+\/file is a file, not a folder$/,
  );
  refuses(
    () => checkOutputFile("/proc/m.nasa", "--out"),
    /cannot create files in the folder \/proc \(the system says E/,
  );
  refuses(() => checkOutputFile("", "--out"), /^--out : an empty path; expected a file name/);
});

test("a folder output: an existing folder or a new one in an existing folder; not a file, nor under a missing one", () => {
  checkOutputFolder(folder, "--out");
  checkOutputFolder(join(folder, "new"), "--out");
  checkOutputFolder("relative-new", "--out"); // in the working folder
  assert.deepEqual(readdirSync(folder), [], "the check creates nothing");
  refuses(() => checkOutputFolder(file, "--out"), /^--out \S+file: is a file, not a folder/);
  refuses(() => checkOutputFolder(join(dir, "a", "b"), "--out"), /the folder \S+\/a does not exist/);
  refuses(() => checkOutputFolder(join(file, "sub"), "--out"), /\S+\/file is a file, not a folder/);
  refuses(() => checkOutputFolder("/proc/results", "--out"), /cannot create files in the folder \/proc/);
});

test("an atomic write the system refuses is one line naming the path, and leaves no temporary file", () => {
  refuses(() => writeFileAtomic(folder, "x"), /^cannot write \S+folder: EISDIR \(/);
  refuses(
    () => writeFileAtomic(join(file, "x.json"), "x"),
    /^cannot write \S+file\/x\.json: ENOTDIR \(not a directory\)$/,
  );
  refuses(
    () => writeFileAtomic(join(dir, "missing", "x.json"), "x"),
    /ENOENT \(no such file or directory\)$/,
  );
  assert.deepEqual(readdirSync(dir).sort(), ["file", "folder"]);
  assert.deepEqual(readdirSync(folder), []);
});
