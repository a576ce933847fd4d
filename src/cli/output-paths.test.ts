/**
 * Every command that writes a file checks where before any work: a folder given for a file, a missing
 * folder, a file on the way, a folder nobody can write in → one line naming the flag, status 1.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HTML_PAGE, SVG_DRAWING } from "../data/output-path.js";
import { Rng } from "../random.js";
import { REPO_ROOT, testData, testSpace } from "../testing/fixtures.js";
import { tinyDir, tinyResults, tinySpace } from "../testing/study-fixtures.js";

const MAIN = join(REPO_ROOT, "dist", "src", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "nas-assay-output-paths-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const folder = join(dir, "a-folder");
const file = join(dir, "a-file");
/** A folder no process can create files in, whoever it runs as (tests may run as root). */
const UNWRITABLE = "/proc";

before(async () => {
  await testSpace(); // the cache exists, so no command below enumerates the space
  mkdirSync(folder);
  writeFileSync(file, "not a folder\n");
});

const NO_DATA = new Set(["report", "study", "ask", "tell", "simulate", "queue"]);

/**
 * Runs nas-assay with `args` in the test folder; `asUser`: as a user whom permission bits bind, i.e. as
 * `nobody` when the tests run as root (root may write any file; runuser, as study.test.ts does).
 */
function run(args: string[], asUser = false) {
  const started = performance.now();
  // commands that read no benchmark data refuse --data
  const data = NO_DATA.has(args[0]) || args[1] === "import-nb101" ? [] : ["--data", testData().dir];
  const argv = [MAIN, ...data, ...args];
  const [command, full] =
    asUser && process.getuid?.() === 0
      ? ["runuser", ["-u", "nobody", "--", process.execPath, ...argv]]
      : [process.execPath, argv];
  const r = spawnSync(command, full, { encoding: "utf8", cwd: dir });
  assert.notEqual(r.error?.message.includes("ENOENT"), true, "runuser is missing: install util-linux");
  return { code: r.status, out: r.stdout, err: r.stderr, ms: performance.now() - started };
}

/** The command fails with one line on stderr matching `message`, status 1, nothing on stdout. */
function refused(args: string[], message: RegExp, asUser = false): void {
  const r = run(args, asUser);
  const what = args.join(" ");
  assert.equal(r.code, 1, `${what}: status ${r.code}, ${r.err}`);
  assert.equal(r.out, "", what);
  const lines = r.err.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, 1, `${what}: one line, got\n${r.err}`);
  assert.match(lines[0], /^nas-assay: /, what);
  assert.match(lines[0], message, what);
}

const train = ["train", "--space", "nb201", "--method", "e2epp", "--labels", "50"];
const paper = ["paper", "--space", "nb201"];
const reproduce = ["reproduce", "table4", "--quick", "--space", "nb201"];
const active = ["search", "--space", "nb201", "--strategy", "active", "--budget", "20", "--seeds", "1"];

test("an existing folder given for a file, and an existing file given for a folder", () => {
  refused([...train, "--out", folder], /--out \S+a-folder: is a folder; give the name of a file/);
  // a results file given as the model's name: it was replaced by the model (break test 14)
  refused(
    [...train, "--out", file],
    /--out \S+a-file: a file that is not a nas-assay model is there; writing would destroy it/,
  );
  assert.equal(readFileSync(file, "utf8"), "not a folder\n");
  // the results file beside the report: `paper --out asked.html` replaced the user's asked.json (break test)
  const asked = join(dir, "asked.json");
  writeFileSync(asked, '[{"arch":"mine"}]\n');
  refused(
    [...paper, "--out", join(dir, "asked.html")],
    /--out \(its results file\) \S+asked\.json: a file that is not a nas-assay results file is there; writing would destroy it/,
  );
  assert.equal(readFileSync(asked, "utf8"), '[{"arch":"mine"}]\n');
  rmSync(asked); // later tests list the folder
  refused([...paper, "--out", folder], /--out \S+a-folder: is a folder/);
  refused(["report", folder, "--out", folder], /--out \S+a-folder: is a folder/);
  refused(["report", folder, "--out", "r.html", "--readme", folder], /--readme \S+a-folder: is a folder/);
  refused([...active, "--plot", folder], /--plot \S+a-folder: is a folder/);
  refused([...reproduce, "--out", file], /--out \S+a-file: is a file, not a folder/);
  refused(["data", "import-nb101", file, "--out", file], /--out \S+a-file: is a file, not a folder/);
  refused(
    ["report", folder, "--out", "r.html", "--readme", "README.md", "--figures", file],
    /--figures \S+a-file: is a file/,
  );
  refused(
    ["data", "import-nb101", folder, "--out", "o"],
    /a-folder: is a folder; expected a \.tfrecord file/,
  );
});

test("a missing folder is named, and not created", () => {
  const missing = join("missing", "dir");
  refused(
    [...train, "--out", join(missing, "m.nasa")],
    /--out missing\/dir\/m\.nasa: the folder missing\/dir does not exist \(nas-assay creates no missing folders/,
  );
  refused([...paper, "--out", join(missing, "p.html")], /the folder missing\/dir does not exist/);
  refused([...reproduce, "--out", missing], /--out missing\/dir: the folder missing does not exist/);
  refused(
    [...active, "--plot", join(missing, "a.svg")],
    /--plot missing\/dir\/a\.svg: the folder missing\/dir/,
  );
  assert.equal(existsSync(join(dir, "missing")), false);
});

test("a file on the way, or a folder nobody can write in", () => {
  const under = join(file, "x");
  for (const [args, flag] of [
    [[...train, "--out", join(under, "m.nasa")], "--out"],
    [[...paper, "--out", join(under, "p.html")], "--out"],
    [["report", folder, "--out", join(under, "r.html")], "--out"],
    [[...reproduce, "--out", under], "--out"],
    [["data", "import-nb101", file, "--out", under], "--out"],
    [[...active, "--plot", join(under, "a.svg")], "--plot"],
  ] as [string[], string][])
    refused(args, new RegExp(`${flag} \\S+a-file/x\\S*: \\S+a-file is a file, not a folder`));
  for (const [args, flag] of [
    [[...train, "--out", `${UNWRITABLE}/m.nasa`], "--out"],
    [[...paper, "--out", `${UNWRITABLE}/p.html`], "--out"],
    [["report", folder, "--out", `${UNWRITABLE}/r.html`], "--out"],
    [[...reproduce, "--out", `${UNWRITABLE}/results`], "--out"],
    [["data", "import-nb101", file, "--out", `${UNWRITABLE}/data`], "--out"],
    [[...active, "--plot", `${UNWRITABLE}/a.svg`], "--plot"],
  ] as [string[], string][])
    refused(
      args,
      new RegExp(`${flag} /proc/\\S+: cannot create files in the folder /proc \\(the system says`),
    );
  assert.deepEqual(readdirSync(dir).sort(), ["a-file", "a-folder"], "nothing written");
});

test("--plot takes an .svg name only, pages an .html one (x.png got SVG text, x.json got HTML)", () => {
  refused(
    [...active, "--plot", "curves.png"],
    /^nas-assay: --plot curves\.png: the curves are drawn as SVG; give a file name ending in \.svg$/,
  );
  const html = /: writes an HTML page; give a file name ending in \.html or \.htm$/;
  // paper --out p.json would have written its results file p.json.json and the page as p.json
  refused([...paper, "--out", "p.json"], new RegExp(`^nas-assay: --out p\\.json${html.source}`));
  refused(["report", folder, "--out", "r.png"], new RegExp(`^nas-assay: --out r\\.png${html.source}`));
  refused(
    ["study", "show", "--study", join(dir, "no.db"), "--html", "s.svg"],
    new RegExp(`^nas-assay: --html s\\.svg${html.source}`),
  );
  assert.deepEqual(readdirSync(dir).sort(), ["a-file", "a-folder"], "nothing written");
});

test("paper checks its report and the results file beside it before its minute of work", () => {
  mkdirSync(join(dir, "p.json"));
  try {
    const r = run([...paper, "--out", "p.html"]);
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      `nas-assay: --out (its results file) p.json: is a folder; give the name of a file to write (inside it, say)\n`,
    );
    assert.ok(r.ms < 20_000, `refused after ${r.ms} ms`);
  } finally {
    rmSync(join(dir, "p.json"), { recursive: true });
  }
});

test("report --readme: a missing README is one line", () => {
  refused(["report", folder, "--out", "r.html", "--readme", "nope.md"], /nope\.md: cannot read the README/);
});

/** A tiny space and a table of it for simulate, in `dir`; the simulate command without --plot. */
function simulateArgs(): string[] {
  const { spec } = tinyDir();
  const table = join(dir, "table.csv");
  writeFileSync(table, tinyResults(tinySpace().sample(new Rng(1), 40), "acc"));
  return ["simulate", "--space", spec, "--table", table, "--target", "acc", "--budget", "20", "--seeds", "0"];
}

test("an existing file this user may not write is refused before any work, for every output flag (break test)", () => {
  // the folder writable by all, its files root's and read-only: as nobody, they may not be written
  const locked = join(dir, "locked");
  mkdirSync(locked);
  chmodSync(dir, 0o777);
  chmodSync(locked, 0o777);
  const readOnly = (name: string, text = "") => {
    const path = join(locked, name);
    writeFileSync(path, text);
    chmodSync(path, 0o444);
    return path;
  };
  const message = (flag: string, name: string) =>
    new RegExp(
      `^nas-assay: ${flag} \\S+${name.replace(".", "\\.")}: the file is read-only for this user; make it writable`,
    );
  try {
    // the whole simulation ran, then the drawing failed and the results were lost (--json too)
    refused([...simulateArgs(), "--plot", readOnly("ro.svg"), "--json"], message("--plot", "ro.svg"), true);
    refused([...active, "--plot", readOnly("ro2.svg")], message("--plot", "ro2.svg"), true);
    // train fitted the model first; paper ran its pipeline and wrote its .json, then failed on the page
    refused([...train, "--out", readOnly("ro.nasa")], message("--out", "ro.nasa"), true);
    refused([...paper, "--out", readOnly("ro.html")], message("--out", "ro.html"), true);
    readOnly("page.json");
    refused(
      [...paper, "--out", join(locked, "page.html")],
      message("--out \\(its results file\\)", "page.json"),
      true,
    );
    refused(["report", folder, "--out", readOnly("r.html")], message("--out", "r.html"), true);
    refused(
      ["report", folder, "--out", join(locked, "r2.html"), "--readme", readOnly("README.md")],
      message("--readme", "README.md"),
      true,
    );
    // reproduce writes NAME.json after each run and its report at the end
    readOnly("table4.json");
    refused([...reproduce, "--out", locked], message("--out", "table4.json"), true);
    rmSync(join(locked, "table4.json"));
    readOnly("table4.md");
    refused([...reproduce, "--out", locked], message("--out", "table4.md"), true);
    for (const name of readdirSync(locked)) assert.equal(readFileSync(join(locked, name), "utf8"), "", name);
  } finally {
    rmSync(locked, { recursive: true, force: true });
    chmodSync(dir, 0o700);
  }
});

test("a page or drawing of the user's own is not written over; nas-assay's own are (break test)", () => {
  const mine = join(dir, "mine");
  mkdirSync(mine);
  const own = (name: string, text: string) => {
    const path = join(mine, name);
    writeFileSync(path, text);
    return path;
  };
  const page = "<p>my page</p>\n";
  const drawing = '<svg xmlns="http://www.w3.org/2000/svg"><circle r="5"/></svg>\n';
  const notOurs = (flag: string, name: string, what: string) =>
    new RegExp(
      `^nas-assay: ${flag} \\S+${name.replace(".", "\\.")}: a file that is not ${what} nas-assay wrote is there; writing would destroy it: give another name`,
    );
  try {
    refused([...paper, "--out", own("w.html", page)], notOurs("--out", "w.html", "an HTML page"));
    refused(
      ["report", folder, "--out", own("mine.html", page)],
      notOurs("--out", "mine.html", "an HTML page"),
    );
    refused(
      [...simulateArgs(), "--plot", own("notes.svg", drawing)],
      notOurs("--plot", "notes.svg", "an SVG drawing"),
    );
    refused(
      [...active, "--plot", own("notes2.svg", drawing)],
      notOurs("--plot", "notes2.svg", "an SVG drawing"),
    );
    refused(
      ["study", "show", "--study", join(dir, "no.db"), "--html", own("s.html", page)],
      notOurs("--html", "s.html", "an HTML page"),
    );
    own("table4.html", page);
    refused([...reproduce, "--out", mine], notOurs("--out", "table4.html", "an HTML page"));
    for (const name of ["w.html", "mine.html", "s.html", "table4.html"])
      assert.equal(readFileSync(join(mine, name), "utf8"), page, name);
    for (const name of ["notes.svg", "notes2.svg"])
      assert.equal(readFileSync(join(mine, name), "utf8"), drawing);
    rmSync(join(mine, "table4.html"));
    // nas-assay's own (marked, or written before the mark) are replaced as before
    const ours = own(
      "ours.svg",
      `<svg xmlns="http://www.w3.org/2000/svg" class="marks">${SVG_DRAWING.own.mark}</svg>`,
    );
    own("older.svg", '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" class="marks"></svg>');
    const r = run([...simulateArgs(), "--plot", ours, "--json"]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      readFileSync(ours, "utf8"),
      /^<svg [^>]*class="marks"[^>]*><!-- written by nas-assay --><rect/,
    );
    assert.equal(run([...simulateArgs(), "--plot", join(mine, "older.svg")]).code, 0);
    const older = own("older.html", `<!doctype html>\n<head>\n${HTML_PAGE.own.older}\n</head>`);
    const report = run(["report", folder, "--out", older]);
    assert.notEqual(report.err.includes("writing would destroy it"), true, report.err);
  } finally {
    rmSync(mine, { recursive: true, force: true });
  }
});
