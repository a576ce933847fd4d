import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openFileLimit, UserError } from "../errors.js";
import { plottingLoadFailure } from "./plots.js";

const plots = fileURLToPath(new URL("./plots.js", import.meta.url));

test("drawing under a low open-file limit (ulimit -n 64) fails in one line naming the limit, not as an internal error", {
  skip: process.platform !== "linux",
}, () => {
  const script =
    `const { renderSvg } = await import(${JSON.stringify(plots)});` +
    `try { await renderSvg({ mark: "point", data: { values: [{ x: 1 }] } }); console.log("drawn"); }` +
    `catch (e) { console.log(e.name + ": " + e.message); }`;
  const out = execFileSync(
    "sh",
    ["-c", 'ulimit -n 64 && exec "$0" --input-type=module -e "$1"', process.execPath, script],
    {
      encoding: "utf8",
    },
  ).trim();
  // Vega's loader ran out of descriptors: EMFILE, or "Cannot find package '…/d3-array/index.js'"
  assert.match(
    out,
    /^UserError: cannot load the plotting library \(Vega\): .* open-file limit of 64 \(ulimit -n\); .*ulimit -n 1024/,
  );
});

test("plottingLoadFailure leaves other failures as they are", () => {
  const missing = Object.assign(new Error("Cannot find package 'x'"), { code: "ERR_MODULE_NOT_FOUND" });
  assert.equal(plottingLoadFailure(missing, 4096), missing);
  assert.equal(plottingLoadFailure(missing, undefined), missing);
  const other = new Error("boom");
  assert.equal(plottingLoadFailure(other, 64), other);
  const emfile = Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" });
  const said = plottingLoadFailure(emfile, undefined);
  assert.ok(said instanceof UserError);
  assert.match((said as Error).message, /too many open files; drawing opens/);
  if (process.platform === "linux") assert.equal(typeof openFileLimit(), "number");
});
