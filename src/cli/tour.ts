/** `nas-assay tour`: a first look at the NAS-Bench-101 space and its labels. */
import { Command } from "commander";
import { dataFile } from "../data/locations.js";
import { loadNb101Labels, NB101_TEST_ACCURACY } from "../spaces/nb101/labels.js";
import { globals, loadNb101, print } from "./context.js";

export function tourCommand(): Command {
  return new Command("tour")
    .description("enumerate NAS-Bench-101, join the benchmark labels and show a few cells")
    .addHelpText("after", "\nExample:\n  nas-assay tour")
    .action(async (_opts, command: Command) => {
      const options = globals(command);
      // fail at once, before enumerating the space, when the labels are not there
      dataFile(options.dataDir, NB101_TEST_ACCURACY, "NAS-Bench-101 test accuracy per cell");
      const started = performance.now();
      const space = await loadNb101(options);
      const loadSeconds = (performance.now() - started) / 1000;
      const labels = loadNb101Labels(space, options.dataDir);
      const summary = space.summary();
      const acc = labels.testAccuracy; // NaN: a cell missing from a partial import
      let best = -1;
      for (let id = 0; id < space.size; id++)
        if (!Number.isNaN(acc[id]) && (best < 0 || acc[id] > acc[best])) best = id;
      const show = (id: number) => ({ ...space.describe(id), testAccuracy: labels.testAccuracy[id] });
      const result = {
        summary,
        loadSeconds,
        spaceFrom: space.origin,
        best: show(best),
        example: show(67206),
      };
      print(options, result, () =>
        [
          `NAS-Bench-101: ${summary.count.toLocaleString("en-US")} cells (${space.origin}, ${loadSeconds.toFixed(2)} s)`,
          `sha256 of the sorted hashes ${summary.sha256}`,
          ...(labels.covered < space.size
            ? [
                `labels for ${labels.covered.toLocaleString("en-US")} of ${space.size.toLocaleString("en-US")} cells (a partial import)`,
              ]
            : []),
          "",
          ...[
            ["best cell", result.best],
            ["Inception-like example", result.example],
          ].flatMap(([title, c]) => {
            const d = c as ReturnType<typeof show>;
            return [
              `${title}: id ${d.id}, hash ${d.hash}`,
              `  ops ${d.ops.join(", ")}`,
              `  matrix ${d.matrix.map((r) => r.join("")).join(" ")}`,
              `  test accuracy ${Number.isNaN(d.testAccuracy) ? "none (cell not in the imported file)" : d.testAccuracy.toFixed(4)}, ${d.parameters.toLocaleString("en-US")} parameters`,
            ];
          }),
        ].join("\n"),
      );
    });
}
