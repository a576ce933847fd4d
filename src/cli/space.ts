/** `nas-assay space NAME`: size and fingerprint of a search space. */
import { Command } from "commander";
import { loadSpace, spaceName } from "../spaces/registry.js";
import { globals, note, print } from "./context.js";
import { parsedBy } from "./flag-values.js";

export function spaceCommand(): Command {
  return new Command("space")
    .description("summarise a search space: cell count, composition, sha256 of its canonical cell list")
    .argument("<name>", "search space: nb101 or nb201", parsedBy(spaceName))
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay space nb101 --json\n  nas-assay --data ../shared/data space nb201",
    )
    .action(async (name: string, _opts, command: Command) => {
      const options = globals(command);
      const space = await loadSpace(spaceName(name), options.dataDir, (t) => note(options, t));
      const summary = space.summary();
      print(options, summary, () =>
        Object.entries(summary)
          .map(([k, v]) => `${k.padEnd(18)} ${typeof v === "object" ? JSON.stringify(v) : v}`)
          .join("\n"),
      );
    });
}
