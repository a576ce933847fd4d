/** `nas-assay space nb101`: size, cells per vertex count and the sha256 of the sorted hash list. */
import { Command } from "commander";
import { globals, loadNb101, print } from "./context.js";

export function spaceCommand(): Command {
  return new Command("space")
    .description("summarise a search space: cell count, cells per vertex count, sha256 of the sorted hashes")
    .argument("<name>", "search space (nb101)")
    .addHelpText("after", "\nExample:\n  nas-assay space nb101 --json")
    .action(async (name: string, _opts, command: Command) => {
      const options = globals(command);
      if (name !== "nb101") command.error(`error: unknown space "${name}"; expected nb101`, { exitCode: 1 });
      const summary = (await loadNb101(options)).summary();
      print(options, summary, () =>
        [
          `NAS-Bench-101: ${summary.count.toLocaleString("en-US")} cells`,
          `by vertices: ${Object.entries(summary.byVertices)
            .map(([v, c]) => `${v}: ${c.toLocaleString("en-US")}`)
            .join(", ")}`,
          `sha256 of sorted hashes: ${summary.sha256}`,
        ].join("\n"),
      );
    });
}
