import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { BadFileError, UserError } from "../errors.js";
import { openResults, saveResults } from "../experiments/results-file.js";
import { PIPELINE_FORMAT, PIPELINE_VERSION } from "../pipeline/paper-pipeline.js";
import { documentsFromFiles, writeReportFromFiles } from "./from-files.js";

const dir = mkdtempSync(join(tmpdir(), "nas-assay-from-files-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a pipeline results file edited past its main fields is refused, naming the file and the field", () => {
  const path = join(dir, "edited.json");
  const main = { settings: {}, scores: {}, sample: {}, search: {} };
  writeFileSync(path, JSON.stringify({ format: PIPELINE_FORMAT, version: PIPELINE_VERSION, ...main }));
  assert.throws(
    () => documentsFromFiles([path]),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.startsWith(`${path}: settings.space is undefined; expected one of nb101, nb201`),
  );
});

test("--readme: a missing README, or one without the markers, stops before anything is written", async () => {
  const results = join(dir, "results");
  const html = join(dir, "report.html");
  const readme = join(dir, "README.md");
  await assert.rejects(
    writeReportFromFiles([results], html, { file: readme }),
    (e: Error) =>
      e instanceof BadFileError &&
      // Node's "ENOENT: no such file or directory, open '…'" was quoted (found by tester P)
      e.message ===
        `${readme}: cannot read the README to write into: no such file; expected a Markdown file holding the lines <!-- nas-assay-results:begin --> and <!-- nas-assay-results:end -->`,
  );
  writeFileSync(readme, "# no markers\n");
  await assert.rejects(
    writeReportFromFiles([results], html, { file: readme }),
    (e: Error) =>
      e instanceof BadFileError && /README\.md: no "<!-- nas-assay-results:begin -->"/.test(e.message),
  );
  assert.equal(existsSync(html), false);
});

test("a file that is no JSON (a label CSV given by mistake) says what report reads", async () => {
  // it said only "not JSON (Unexpected token 'm', …)" (found by tester P)
  const csv = join(dir, "runs.csv");
  writeFileSync(csv, "matrix,ops,val_acc\n");
  await assert.rejects(
    writeReportFromFiles([csv], join(dir, "never.html")),
    (e: Error) =>
      e instanceof BadFileError &&
      e.message.startsWith(`${csv}: not JSON (`) &&
      e.message.endsWith(
        "); expected a results file of `nas-assay paper` or `nas-assay reproduce` (.json)",
      ) &&
      !e.message.includes("\n"),
  );
  assert.equal(existsSync(join(dir, "never.html")), false);
});

test("the page's subtitle names each results file as typed, a backtick in its path included", async () => {
  // a folder r`x: the subtitle's code span ended at its backtick, showing "from r x/table1.json`"
  for (const folder of ["r`x\\", "r**y**"]) {
    const path = join(dir, folder, "table1.json");
    mkdirSync(join(dir, folder), { recursive: true });
    const file = openResults(path, "table1", "nb201", "cifar10-valid/test");
    file.settings = { space: "nb201", seeds: [0], quick: true };
    saveResults(path, file);
    const html = join(dir, "subtitle.html");
    await writeReportFromFiles([path], html);
    const subtitle = readFileSync(html, "utf8")
      .match(/<p class="generated">(.*?)<\/p>/)?.[1]
      .replace(/<[^>]+>/g, "")
      .replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
    assert.equal(subtitle, `Written by nas-assay report from ${path}.`);
  }
});

test('documentsFromFiles refuses one path given as text: it was read letter by letter ("/ holds no results files")', () => {
  assert.throws(
    () => documentsFromFiles("/tmp/r.json" as never),
    (e: Error) =>
      e instanceof UserError &&
      e.message ===
        'documentsFromFiles takes a list of results files or folders (documentsFromFiles([path]) for one), got "/tmp/r.json"',
  );
  assert.deepEqual(documentsFromFiles([]), []);
});

test('a results file saved again with a byte-order mark (an editor\'s) is read, as label files are: it was "not JSON (Unexpected token …)"', async () => {
  const path = join(dir, "bom", "table1.json");
  mkdirSync(join(dir, "bom"), { recursive: true });
  const file = openResults(path, "table1", "nb201", "cifar10-valid/test");
  file.settings = { space: "nb201", seeds: [0], quick: true };
  saveResults(path, file);
  writeFileSync(path, `\uFEFF${readFileSync(path, "utf8")}`);
  const html = join(dir, "bom.html");
  await writeReportFromFiles([path], html);
  assert.match(readFileSync(html, "utf8"), /Table 1/);
});
