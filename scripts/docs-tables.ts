/**
 * Rewrites the measured tables of README.md, docs/transformer.md and docs/own-space.md (between their
 * `<!-- NAME:begin -->` / `<!-- NAME:end -->` lines) from the results files in docs/results/transformer/
 * and docs/results/simulate/,
 * and draws the figure beside README's table (docs/results/transformer-budget.png) from the same files.
 *
 * Usage: npm run docs-tables   (= npm run build && node dist/scripts/docs-tables.js [ROOT], ROOT: .)
 * Prints the files it changed. A damaged results file stops it with one line naming the file.
 */
import { resolve } from "node:path";
import { UserError } from "../src/errors.js";
import { writeDocsTables } from "../src/report/docs-tables.js";

const [root = "."] = process.argv.slice(2);
try {
  const changed = await writeDocsTables(resolve(root));
  process.stdout.write(
    changed.length === 0
      ? "tables and figure up to date\n"
      : changed.map((file) => `rewrote ${file}\n`).join(""),
  );
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  process.stderr.write(`docs-tables: ${e.message}\n`);
  process.exit(1);
}
