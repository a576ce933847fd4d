import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { UserError } from "../errors.js";
import { runSideBySide } from "../pipeline/side-by-side.js";
import { sideBySideDocument } from "../pipeline/side-by-side-report.js";
import { SEARCH_METHOD } from "../predictors/registry.js";
import { SMALL_ASSESSOR, SMALL_EVOLUTION, testData } from "../testing/fixtures.js";
import type { ReportDocument } from "./document.js";
import { toHtml } from "./html.js";
import { toMarkdown } from "./markdown.js";

const CHROMIUM = "/usr/bin/chromium";
const root = mkdtempSync(join(tmpdir(), "nas-assay-html-"));
after(() => rmSync(root, { recursive: true, force: true }));

const doc: ReportDocument = {
  title: "A <title> & more",
  blocks: [
    { kind: "paragraph", text: "Text with `code` and <b>no tags</b>." },
    { kind: "table", header: ["method", "tau"], rows: [["ssa", "0.681 ± 0.019 (0.654 ± 0.008)"]] },
    {
      kind: "figure",
      title: "one",
      spec: {},
      svg: '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>',
    },
    {
      kind: "figure",
      title: "two",
      spec: {},
      svg: '<svg><clipPath id="clip1"/><g clip-path="url(#clip1)"/></svg>',
    },
  ],
};

test("HTML: text is escaped, code spans kept, numbers aligned, and each inlined SVG has ids of its own", async () => {
  const html = await toHtml("report", [doc]);
  assert.match(html, /<h1>A &#60;title&#62; &#38; more<\/h1>/);
  assert.match(html, /<code>code<\/code> and &#60;b&#62;no tags&#60;\/b&#62;/);
  assert.match(html, /<td class="num">0\.681 ± 0\.019 \(0\.654 ± 0\.008\)<\/td>/);
  assert.match(html, /<td>ssa<\/td>/);
  assert.match(html, /id="s1-clip1"\/><g clip-path="url\(#s1-clip1\)"/);
  assert.match(html, /id="s2-clip1"\/><g clip-path="url\(#s2-clip1\)"/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  const two = await toHtml("both", [doc, { ...doc, title: "second" }]);
  assert.match(two, /<h1>both<\/h1>/);
  assert.match(two, /<a href="#section-2">second<\/a>/);
});

test("Markdown: title, tables and figure links", () => {
  const md = toMarkdown({
    ...doc,
    blocks: [...doc.blocks, { kind: "figure", title: "f", spec: {}, file: "f.svg" }],
  });
  assert.match(md, /^# A <title> & more\n/);
  assert.match(md, /\| method \| tau \|\n\| --- \| --- \|\n\| ssa \| 0\.681/);
  assert.match(md, /!\[f\]\(f\.svg\)/);
  assert.doesNotMatch(md, /!\[one\]/, "figures without a file are left out");
  assert.match(toMarkdown(doc, { level: 3 }), /^### A <title>/);
});

test("the report of a real (small) side-by-side run opens in Chromium with both columns' plots, tables and cells visible", async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `the browser test needs Debian's Chromium at ${CHROMIUM}: install it with ` +
      "`apt-get install -y --no-install-recommends chromium` (.ci/run does this)",
  );
  const result = await runSideBySide({
    space: "nb201",
    data: testData(),
    labels: 100,
    options: SMALL_ASSESSOR,
    evolution: SMALL_EVOLUTION,
    sample: 1000,
  });
  const path = join(root, "report.html");
  writeFileSync(path, await toHtml("nas-assay report", [sideBySideDocument(result)]));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    const url = pathToFileURL(path).href;
    await page.goto(url, { waitUntil: "load" });
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [url], "the page loads nothing but itself");

    const visible = async (selector: string) => {
      const elements = await page.locator(selector).all();
      for (const [k, element] of elements.entries()) {
        const box = await element.boundingBox();
        assert.ok(await element.isVisible(), `${selector} #${k} is visible`);
        assert.ok(
          box && box.width > 50 && box.height > 50,
          `${selector} #${k} has a size: ${JSON.stringify(box)}`,
        );
      }
      return elements.length;
    };
    assert.equal(await visible("figure.plot svg"), 4, "a rank plot and a search curve per column");
    assert.equal(
      await visible("figure.cell svg"),
      4,
      "the cell each column found, the best labeled cell and the best of the space",
    );
    // the rank plot draws its points, the search curve its lines, the cells their ops as text
    assert.ok((await page.locator("figure.plot").first().locator("path").count()) > 500);
    const cellText = await page.locator("figure.cell svg").first().textContent();
    assert.match(cellText ?? "", /input.*output/);
    assert.ok((await page.locator("figure.cell svg path[marker-end]").count()) >= 4, "edges are arrows");
    // scores, cells found, the cells each column trained, settings
    assert.equal(await page.locator("table").count(), 5);
    const scores = page.locator("table").first();
    const header = await scores.locator("th").allTextContents();
    assert.deepEqual(header.slice(1), ["the paper's assessor (ssa)", `nas-assay (${SEARCH_METHOD})`]);
    const tau = scores.locator("tr", { hasText: "Kendall tau" }).locator("td");
    assert.equal((await tau.nth(1).textContent()) ?? "", result.paper.scores.ktau.toFixed(3));
    assert.equal((await tau.nth(2).textContent()) ?? "", result.ours.scores.ktau.toFixed(3));
    const found = page.locator("table").nth(1).locator("tr", { hasText: "found:" }).locator("td");
    for (const [k, column] of [
      [1, result.paper],
      [2, result.ours],
    ] as const)
      assert.match(
        (await found.nth(k).textContent()) ?? "",
        new RegExp(
          `^${(100 * column.search.best.truth).toFixed(2)} % \\(rank ${column.search.best.rank.toLocaleString("en-US")},`,
        ),
      );
    assert.match((await page.locator("h1").textContent()) ?? "", /NAS-Bench-201/);
  } finally {
    await browser.close();
  }
});

test("toHtml and toMarkdown refuse what is no report document in one line (from JavaScript: a TypeError)", async () => {
  const refused = (e: unknown, pattern: RegExp) => e instanceof UserError && pattern.test(e.message);
  // one document where a list is taken read `documents.entries` of an object
  await assert.rejects(toHtml("t", doc as never), (e) =>
    refused(
      e,
      /^toHtml takes the page's title and a list of report documents \(toHtml\(title, \[doc\]\) for one\), got \{"title":/,
    ),
  );
  await assert.rejects(toHtml("t", null as never), (e) =>
    refused(e, /a list of report documents .*, got null$/),
  );
  await assert.rejects(toHtml("t", [doc, {}] as never), (e) =>
    refused(e, /^toHtml's document 1 must be a report document \{ title, blocks \} .*, got \{\}$/),
  );
  for (const bad of [null, { title: "t" }, { title: "t", blocks: [null] }])
    assert.throws(
      () => toMarkdown(bad as never),
      (e) => refused(e, /^toMarkdown's document must be a report document \{ title, blocks \} /),
      JSON.stringify(bad),
    );
  assert.match(toMarkdown(doc), /^# /);
});
