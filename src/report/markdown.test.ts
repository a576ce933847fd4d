import assert from "node:assert/strict";
import { test } from "node:test";
import { spliceBetweenMarkers } from "./markdown.js";

test("spliceBetweenMarkers replaces the region, keeps a CRLF file CRLF, and refuses a duplicated marker", () => {
  const lf = "intro\n<!-- t:begin -->\nold\n<!-- t:end -->\nafter\n";
  assert.equal(
    spliceBetweenMarkers(lf, "t", "| a |\n| b |\n"),
    "intro\n<!-- t:begin -->\n| a |\n| b |\n<!-- t:end -->\nafter\n",
  );
  const crlf = lf.replace(/\n/g, "\r\n");
  assert.equal(
    spliceBetweenMarkers(crlf, "t", "| a |\n| b |\n"),
    "intro\r\n<!-- t:begin -->\r\n| a |\r\n| b |\r\n<!-- t:end -->\r\nafter\r\n",
  );
  assert.throws(
    () => spliceBetweenMarkers("no markers\n", "t", "x"),
    /no "<!-- t:begin -->" … "<!-- t:end -->" lines/,
  );
  // a second copy of the region (pasted twice) would be left stale: refused
  assert.throws(
    () => spliceBetweenMarkers(`${lf}${lf}`, "t", "x"),
    /"<!-- t:begin -->" appears twice; expected one "<!-- t:begin -->" … "<!-- t:end -->" region/,
  );
  assert.throws(
    () => spliceBetweenMarkers(`${lf}<!-- t:end -->\n`, "t", "x"),
    /"<!-- t:end -->" appears twice/,
  );
});
