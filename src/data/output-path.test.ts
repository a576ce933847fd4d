import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { UserError } from "../errors.js";
import { refusalReason, writeFileAtomic } from "./atomic-file.js";
import {
  checkOutputFile,
  checkOutputFolder,
  createFolders,
  HTML_PAGE,
  refuseForeignFile,
  SVG_DRAWING,
} from "./output-path.js";

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

test("a path ending in a slash is refused before any work (it failed only at the write, after the work)", () => {
  refuses(
    () => checkOutputFile(join(dir, "m.nasa/"), "--out"),
    /^--out \S+m\.nasa\/: ends in a slash, so it names a folder; give the name of a file/,
  );
});

test("a pipe (like a device such as /dev/null) is refused, not replaced by a plain file", () => {
  // a FIFO stands for /dev/null here: as root, the rename once replaced /dev/null with a plain file
  const pipes = mkdtempSync(join(tmpdir(), "nas-assay-output-pipe-"));
  try {
    const fifo = join(pipes, "fifo");
    const made = spawnSync("mkfifo", [fifo]);
    assert.equal(made.status, 0, `mkfifo: ${made.stderr}`);
    refuses(
      () => checkOutputFile(fifo, "--out"),
      /^--out \S+fifo: is a pipe, not a file .*give the name of a regular file$/,
    );
    refuses(() => writeFileAtomic(fifo, "x"), /^cannot write \S+fifo: it is a pipe, not a file/);
    assert.ok(lstatSync(fifo).isFIFO(), "the pipe is still a pipe");
    assert.deepEqual(readdirSync(pipes), ["fifo"], "no temporary file left");
  } finally {
    rmSync(pipes, { recursive: true, force: true });
  }
});

test("a symbolic link is written through: its target gets the data, the link stays a link", () => {
  const links = mkdtempSync(join(tmpdir(), "nas-assay-output-link-"));
  try {
    mkdirSync(join(links, "real"));
    const target = join(links, "real", "m.nasa");
    writeFileSync(target, "old");
    const link = join(links, "m.nasa");
    symlinkSync(target, link);
    checkOutputFile(link, "--out");
    writeFileAtomic(link, "new");
    assert.ok(lstatSync(link).isSymbolicLink(), "the link stays a link");
    assert.equal(readFileSync(target, "utf8"), "new");
    assert.ok(statSync(target).isFile());
    assert.deepEqual(readdirSync(join(links, "real")), ["m.nasa"], "no temporary file left");
  } finally {
    rmSync(links, { recursive: true, force: true });
  }
});

test("an output that is one of the command's inputs (under any name, whatever its extension) is refused", () => {
  const study = join(dir, "runs.db");
  writeFileSync(study, "a study");
  const inputs = [
    { flag: "--table", path: undefined },
    { flag: "--study", path: study },
  ];
  refuses(
    () => checkOutputFile(study, "--html", HTML_PAGE, inputs),
    /^--html \S+runs\.db: is the file --study reads; writing there would destroy it: give another name$/,
  );
  refuses(() => checkOutputFile(study, "--out", undefined, inputs), /is the file --study reads/);
  symlinkSync(study, join(dir, "runs.html"));
  refuses(
    () => checkOutputFile(join(folder, "..", "runs.html"), "--html", HTML_PAGE, inputs),
    /runs\.html: is the file --study reads/,
  );
  checkOutputFile(join(dir, "page.html"), "--html", HTML_PAGE, inputs);
  assert.equal(readFileSync(study, "utf8"), "a study");
});

test("an SQLite database (a study) is never replaced by an output: train --out runs.db destroyed the study", () => {
  const study = join(dir, "runs.db");
  writeFileSync(study, Buffer.concat([Buffer.from("SQLite format 3\u0000"), Buffer.alloc(84)]));
  refuses(
    () => checkOutputFile(study, "--out"),
    /^--out \S+runs\.db: is an SQLite database \(a nas-assay study\?\); writing there would destroy it: give another name$/,
  );
  // nor is a file beside it under the names SQLite keeps its log, index and journal under (tester W)
  for (const [suffix, what] of [
    ["-wal", "write-ahead log"],
    ["-shm", "shared index"],
    ["-journal", "journal"],
  ])
    refuses(
      () => checkOutputFile(`${study}${suffix}`, "--out"),
      new RegExp(
        `^--out \\S+runs\\.db${suffix}: is where SQLite keeps the ${what} of the database \\S+runs\\.db \\(a nas-assay study\\?\\), which removes or replays what is there: give another name$`,
      ),
    );
  // beside a file that is no database, such a name is an ordinary output
  checkOutputFile(`${file}-wal`, "--out");
  // another existing file is replaced, as before
  checkOutputFile(file, "--out");
});

test("createFolders makes every missing level, and fails where a parent refuses new folders (no endless loop)", () => {
  const deep = join(dir, "a", "b", "c");
  createFolders(deep);
  assert.ok(statSync(deep).isDirectory());
  createFolders(deep); // there already: nothing to do
  // Node's own recursive mkdirSync spins forever on /proc/nonexist/x (NAS_ASSAY_CACHE under /proc)
  assert.throws(
    () => createFolders("/proc/nonexistent-nas-assay/x"),
    /ENOENT: no such file or directory, mkdir '\/proc\/nonexistent-nas-assay'/,
  );
  assert.throws(() => createFolders(join(file, "under")), /ENOTDIR/);
});

test("a file of the user's is not written over; the command's own, compact or pretty-printed, empty or missing, is", () => {
  const at = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const check = (path: string) => () =>
    refuseForeignFile(path, "--out", ["nas-assay model"], "a nas-assay model", "give another name");
  check(at("compact.nasa", '{"format":"nas-assay model","version":2}'))();
  // python -m json.tool of the command's own file (it was refused as "not a nas-assay model")
  check(at("pretty.nasa", '{\n    "format": "nas-assay model",\n    "version": 2\n}\n'))();
  check(at("empty.nasa", ""))();
  check(join(dir, "absent.nasa"))();
  check(folder)(); // a folder is checkOutputFile's to refuse
  refuses(
    check(at("results.csv", "arch,val_acc\n")),
    /^--out \S+results\.csv: a file that is not a nas-assay model is there; writing would destroy it: give another name$/,
  );
  refuses(
    check(at("other.json", '{ "format": "something else" }')),
    /other\.json: a file that is not a nas-assay model/,
  );
  refuses(check(at("broken.json", '{ "format": "nas-assay model", ')), /broken\.json: a file that is not/);
});

test("a file written over keeps its permissions; one this user may not write is refused, left as it was", () => {
  const secret = join(dir, "private.nasa");
  writeFileSync(secret, "old");
  chmodSync(secret, 0o600);
  writeFileAtomic(secret, "new");
  // the rename put a fresh 644 file in its place: a private file turned world-readable
  assert.equal(statSync(secret).mode & 0o777, 0o600);
  assert.equal(readFileSync(secret, "utf8"), "new");
  // read-only: refused for a user the permissions bind; root may write any file, so as root the write
  // is made as the user nobody, from a copy of the module readable by every user (the checkout may not be)
  const locked = join(dir, "locked.json");
  writeFileSync(locked, "keep");
  chmodSync(locked, 0o444);
  if (process.getuid?.() !== 0) {
    refuses(() => writeFileAtomic(locked, "gone"), /the file is read-only for this user; make it writable/);
    assert.equal(readFileSync(locked, "utf8"), "keep");
    return;
  }
  chmodSync(dir, 0o777);
  const copy = join(dir, "module");
  mkdirSync(join(copy, "data"), { recursive: true });
  for (const [from, to] of [
    ["./atomic-file.js", "data/atomic-file.js"],
    ["./process-alive.js", "data/process-alive.js"],
    ["../errors.js", "errors.js"],
  ])
    writeFileSync(join(copy, to), readFileSync(new URL(from, import.meta.url)));
  for (const d of [copy, join(copy, "data")]) chmodSync(d, 0o755);
  const asNobody = (code: string) =>
    spawnSync(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        process.execPath,
        "--input-type=module",
        "-e",
        code,
      ],
      { encoding: "utf8" },
    );
  const can = asNobody("");
  assert.equal(
    can.status,
    0,
    `running ${process.execPath} as the user nobody (setpriv, from util-linux) failed: ${can.error?.message ?? can.stderr}; install util-linux, or run the tests as a user other than root`,
  );
  const r = asNobody(
    `import { writeFileAtomic } from ${JSON.stringify(join(copy, "data", "atomic-file.js"))}; ` +
      `try { writeFileAtomic(${JSON.stringify(locked)}, "gone"); } catch (e) { console.error(e.message); process.exit(1); }`,
  );
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    r.stderr,
    /the file is read-only for this user; make it writable \(chmod u\+w\) or choose another path/,
  );
  assert.equal(readFileSync(locked, "utf8"), "keep");
});

test("an immutable file (access(2) says EPERM) is named as such, not sent to chmod, which cannot lift the mark", () => {
  // the words alone: chattr +i needs root and a file system that keeps the attribute (tmpfs only from
  // Linux 6.0); an immutable study file end to end gave these words (found by tester R)
  const immutable = refusalReason("EPERM");
  assert.match(immutable, /^the file is marked immutable or append-only \(chattr \+i or \+a; lsattr shows/);
  assert.match(immutable, /clear the mark \(chattr -i -a, as root\), or choose another path$/);
  assert.doesNotMatch(immutable, /chmod u\+w/);
  assert.match(refusalReason("EACCES"), /read-only for this user; make it writable \(chmod u\+w\)/);
});

test("a write stopped by a file-size limit (ulimit -f) names the limit and its fix, and leaves nothing (it said only EFBIG)", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-efbig-"));
  try {
    const path = join(dir, "big.json");
    const module = new URL("./atomic-file.js", import.meta.url).href;
    // 1 block of 1 KiB; the child's output goes to a pipe, which the limit does not bind
    const r = spawnSync(
      "bash",
      [
        "-c",
        'ulimit -f 1 && exec "$0" "$@"',
        process.execPath,
        "--input-type=module",
        "-e",
        `import { writeFileAtomic } from ${JSON.stringify(module)}; ` +
          `try { writeFileAtomic(${JSON.stringify(path)}, "x".repeat(5000)); } catch (e) { console.error(e.message); process.exit(1); }`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.equal(
      r.stderr,
      `cannot write ${path}: EFBIG (larger than this process may write: a file-size limit (ulimit -f); raise it (ulimit -f unlimited) and run the command again)\n`,
    );
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a page or drawing nas-assay wrote may be replaced, the user's own of that name not", async () => {
  const { toHtml } = await import("../report/html.js");
  const { renderSvg } = await import("../experiments/plots.js");
  const page = join(dir, "page.html");
  writeFileAtomic(page, await toHtml("t", [{ title: "t", blocks: [] }]));
  checkOutputFile(page, "--out", HTML_PAGE);
  const drawing = join(dir, "drawing.svg");
  writeFileAtomic(drawing, await renderSvg({ mark: "point", data: { values: [{ x: 1 }] } }));
  assert.match(readFileSync(drawing, "utf8"), /^<svg /, "still an SVG file from its first byte");
  checkOutputFile(drawing, "--plot", SVG_DRAWING);
  // empty (a name reserved with touch) may be written
  writeFileSync(page, "");
  checkOutputFile(page, "--out", HTML_PAGE);
  writeFileSync(page, "<p>my page</p>\n");
  refuses(
    () => checkOutputFile(page, "--out", HTML_PAGE),
    /^--out \S+page\.html: a file that is not an HTML page nas-assay wrote is there; writing would destroy it: give another name, or move that file away first$/,
  );
  writeFileSync(drawing, '<svg xmlns="http://www.w3.org/2000/svg"/>');
  refuses(
    () => checkOutputFile(drawing, "--plot", SVG_DRAWING),
    /^--plot \S+drawing\.svg: a file that is not an SVG/,
  );
});
