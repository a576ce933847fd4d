/**
 * Every command that writes a file checks where before any work: a folder given for a file, a missing
 * folder, a file on the way, a folder nobody can write in → one line naming the flag, status 1.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
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
import { REPO_ROOT, testData, testSpace } from "../testing/fixtures.js";

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

function run(args: string[]) {
  const started = performance.now();
  // commands that read no benchmark data refuse --data
  const data = NO_DATA.has(args[0]) ? [] : ["--data", testData().dir];
  const r = spawnSync(process.execPath, [MAIN, ...data, ...args], {
    encoding: "utf8",
    cwd: dir,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: performance.now() - started };
}

/** The command fails with one line on stderr matching `message`, status 1, nothing on stdout. */
function refused(args: string[], message: RegExp): void {
  const r = run(args);
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
