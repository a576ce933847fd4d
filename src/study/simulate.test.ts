import assert from "node:assert/strict";
import { test } from "node:test";
import { UserError } from "../errors.js";
import { simulateSeed } from "./simulate.js";

test("simulate refuses a --step above what one ask hands out, before reading anything", async () => {
  // --step 7000 reached Study.ask, which refuses more than its candidates can give (6,666 by default)
  const spec = { specFile: "missing.json", tableFile: "missing.csv", target: "val_acc", budget: 7000 };
  await assert.rejects(
    simulateSeed({ ...spec, batch: 6667 }, 0),
    (e: Error) => e instanceof UserError && /--step must be at most 6666 .*got 6667/.test(e.message),
  );
  await assert.rejects(
    simulateSeed({ ...spec, batch: 11, ask: { candidates: 30 } }, 0),
    /--step must be at most 10 /,
  );
  // within the bound the spec is read as before (here: a missing spec file, one line)
  await assert.rejects(
    simulateSeed({ ...spec, batch: 10 }, 0),
    (e: Error) => e instanceof UserError && !/--step/.test(e.message),
  );
});
