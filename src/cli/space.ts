/** `nas-assay space NAME|FILE.json`: size and fingerprint of a search space. */
import { existsSync, statSync } from "node:fs";
import { Command } from "commander";
import { UserError } from "../errors.js";
import { loadSpaceSpec } from "../spaces/kinds.js";
import { loadSpace, SPACE_NAMES, type SpaceName } from "../spaces/registry.js";
import { summariseBuiltIn, summariseSpace } from "../spaces/summary.js";
import { globals, globalsForSpace, globalsWithoutData, note, print } from "./context.js";

export function spaceCommand(): Command {
  return new Command("space")
    .description(
      "summarise a search space: cell count, composition, sha256 of its canonical cell list; or a space spec file's size and how it was counted",
    )
    .argument("<name>", `search space: ${SPACE_NAMES.join(" or ")}, or a space spec file (.json)`)
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay space nb101 --json\n  nas-assay --data ~/nas-data space nb201\n  nas-assay space docs/spaces/macro8.json --json",
    )
    .action(async (name: string, _opts, command: Command) => {
      // any existing file is a spec, as study create --space and simulate --space read it
      // (a built-in name is the built-in space even beside a folder of that name, as a data directory
      // holds; any other folder is a spec path, refused as a folder)
      const builtIn =
        (SPACE_NAMES as readonly string[]).includes(name) &&
        !statSync(name, { throwIfNoEntry: false })?.isFile();
      const specFile = !builtIn && (name.toLowerCase().endsWith(".json") || existsSync(name));
      // a spec file holds its space: --data (benchmark data of the built-in spaces) would be ignored
      const options = specFile ? globalsWithoutData(command) : globalsForSpace(command, name);
      const onNote = (t: string) => note(options, t);
      const summary = specFile
        ? summariseSpace(await loadSpaceSpec(name, { onNote }))
        : summariseBuiltIn(
            builtInName(name) === "nb101"
              ? await loadSpace("nb101", undefined, onNote)
              : await loadSpace("nb201", globals(command).dataDir, onNote),
          );
      print(options, summary, () =>
        Object.entries(summary)
          .map(([k, v]) =>
            k === "decisions" && summary.decisions
              ? // one line per decision: a JSON list of 20 decisions made one unreadable line
                `decisions\n${summary.decisions
                  .map(
                    (d) =>
                      `  ${d.name.padEnd(16)} ${d.options.slice(0, SHOWN_OPTIONS).join(", ")}` +
                      `${d.options.length > SHOWN_OPTIONS ? `, … (${d.options.length} options)` : ""} (${d.encoded})`,
                  )
                  .join("\n")}`
              : `${k.padEnd(18)} ${typeof v === "object" ? JSON.stringify(v) : v}`,
          )
          .join("\n"),
      );
    });
}

/** Options listed per decision in the text summary; --json lists them all. */
const SHOWN_OPTIONS = 12;

/** A built-in space's name; the message also points to spec files. */
function builtInName(name: string): SpaceName {
  if (!(SPACE_NAMES as readonly string[]).includes(name)) {
    throw new UserError(
      `unknown space "${name}"; expected one of ${SPACE_NAMES.join(", ")}, or a space spec file (.json)`,
    );
  }
  return name as SpaceName;
}
