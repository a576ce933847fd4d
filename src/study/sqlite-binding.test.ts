import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { openSqlite, sqliteBindingError } from "./sqlite-binding.js";

// the real errors of the real loaders, not hand-made ones: a file that is no shared library, and the
// `bindings` package (better-sqlite3's loader) looking in a folder where nothing was built
test("a native part that cannot be loaded is one line naming npm rebuild and allowScripts", () => {
  const dir = mkdtempSync(join(tmpdir(), "nas-assay-binding-"));
  try {
    const fake = join(dir, "better_sqlite3.node");
    writeFileSync(fake, "not a shared library");
    assert.throws(
      () => openSqlite(":memory:", { nativeBinding: fake }),
      (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.doesNotMatch(e.message, /\n/);
        assert.match(
          e.message,
          /^SQLite's native part \(better-sqlite3\) is not usable with this Node\.js v\d+/,
        );
        assert.match(e.message, /it cannot be loaded \(.*better_sqlite3\.node/);
        assert.match(e.message, /run "npm rebuild better-sqlite3" in \/\S+/);
        assert.match(e.message, /npm install-scripts approve better-sqlite3/);
        return true;
      },
    );
    const bindings = createRequire(import.meta.url)("bindings") as (o: object) => unknown;
    let missing: unknown;
    try {
      bindings({ bindings: "better_sqlite3.node", module_root: dir });
    } catch (e) {
      missing = e;
    }
    const said = sqliteBindingError(missing);
    assert.ok(said, `not recognised: ${String(missing)}`);
    assert.match(said.message, /no better_sqlite3\.node was built \(its install script did not run\)/);
    assert.doesNotMatch(said.message, /\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a native part built for another Node.js names both versions", () => {
  // Node's own wording for a module of another ABI (src/node_binding.cc), which no test can load here
  const e = Object.assign(
    new Error(
      "The module '/p/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a " +
        "different Node.js version using\nNODE_MODULE_VERSION 127. This version of Node.js requires\n" +
        "NODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module.",
    ),
    { code: "ERR_DLOPEN_FAILED" },
  );
  const said = sqliteBindingError(e);
  assert.ok(said);
  assert.match(
    said.message,
    /built for another Node\.js version \(NODE_MODULE_VERSION 127; this one needs 115\)/,
  );
});

test("other errors are left to the caller, and a good binding opens", () => {
  assert.equal(
    sqliteBindingError(Object.assign(new Error("unable to open database file"), { code: "SQLITE_CANTOPEN" })),
    undefined,
  );
  assert.equal(sqliteBindingError("text"), undefined);
  const db = openSqlite(":memory:");
  assert.equal(db.prepare("SELECT 1 + 1 AS two").get() !== undefined, true);
  db.close();
});
