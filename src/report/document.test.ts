import assert from "node:assert/strict";
import { test } from "node:test";
import { code, inlineParts, plain, table } from "./document.js";
import { toHtml } from "./html.js";
import { toMarkdown } from "./markdown.js";
import { textTable } from "./text.js";

const typed = ["**wide**", "`conv`", "a|b", "C:\\runs\\", "x*y", "\\`", "plain"];

test("plain text round-trips through the markup: every character comes back as typed", () => {
  for (const text of typed) {
    assert.deepEqual(
      inlineParts(plain(text)).map((p) => p.kind),
      ["text"],
      text,
    );
    assert.equal(inlineParts(plain(text))[0].text, text);
  }
  // markup around plain text still works; code spans are taken as they are
  assert.deepEqual(inlineParts(`**${plain("a*b")}** then \`x\\y\``), [
    { kind: "strong", text: "a*b" },
    { kind: "text", text: " then " },
    { kind: "code", text: "x\\y" },
  ]);
  assert.equal(code("val_acc"), "`val_acc`");
  assert.deepEqual(inlineParts(code("val_`acc`")), [{ kind: "text", text: "val_`acc`" }]);
});

test("HTML, Markdown and terminal tables show plain text as typed, and a pipe does not split a Markdown row", async () => {
  const rows = typed.map((t) => [plain(t)]);
  const html = await toHtml("t", [{ title: "t", blocks: [table(["name"], rows)] }]);
  const cells = [...html.matchAll(/<td>(.*?)<\/td>/g)].map((m) =>
    m[1].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c))),
  );
  assert.deepEqual(cells, typed);
  assert.deepEqual(
    textTable(table(["name"], rows))
      .split("\n")
      .slice(1),
    typed.map((t) => t.padEnd(9).trimEnd()),
  );
  const md = toMarkdown({ title: "t", blocks: [table(["name"], rows)] });
  // each row of the Markdown table has its two outer bars only: every inner | is escaped
  for (const line of md.split("\n").filter((l) => l.startsWith("| ")))
    assert.equal(line.replace(/\\[\\`*|]/g, "").split("|").length, 3, line);
});
