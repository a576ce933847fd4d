/** `nas-assay report`: one HTML page from results files already written (`paper`'s .json, `reproduce`'s NAME.json). */
import { Command } from "commander";
import { checkOutputFile, checkOutputFolder, HTML_PAGE } from "../data/output-path.js";
import { UserError } from "../errors.js";
import { writeReportFromFiles } from "../report/from-files.js";
import { globalsWithoutData, print } from "./context.js";

export function reportCommand(): Command {
  return new Command("report")
    .description(
      "write one self-contained HTML page from results files: the .json of `nas-assay paper`, the NAME.json " +
        "of `nas-assay reproduce`, or folders of them; --readme also writes the experiments' tables into a Markdown file",
    )
    .argument("<results...>", "results files or folders")
    .option("--out <file.html>", "the HTML page to write", "report.html")
    .option(
      "--readme <file.md>",
      "write the experiments' tables into this Markdown file (the project's: docs/results.md), between its <!-- nas-assay-results:begin/end --> lines",
    )
    .option("--figures <dir>", "with --readme: draw the experiments' figures as PNG into DIR and link them")
    .addHelpText(
      "after",
      "\nExamples:\n  nas-assay report nas-assay-report.json reproduce --out report.html\n" +
        "  nas-assay report reproduce --readme docs/results.md --figures docs/results",
    )
    .action(
      async (paths: string[], opts: { out: string; readme?: string; figures?: string }, cmd: Command) => {
        const options = globalsWithoutData(cmd, "it reads the results files it is given");
        if (opts.figures && !opts.readme) throw new UserError("--figures goes with --readme");
        checkOutputFile(
          opts.out,
          "--out",
          HTML_PAGE,
          paths.map((path) => ({ flag: "nas-assay report", path })),
        );
        if (opts.readme !== undefined) checkOutputFile(opts.readme, "--readme");
        if (opts.figures !== undefined) checkOutputFolder(opts.figures, "--figures");
        const sources = await writeReportFromFiles(
          paths,
          opts.out,
          opts.readme ? { file: opts.readme, figures: opts.figures } : undefined,
        );
        const result = {
          html: opts.out,
          readme: opts.readme,
          sections: sources.map((s) => ({ path: s.path, kind: s.kind, title: s.document.title })),
        };
        print(options, result, () =>
          [
            `wrote ${opts.out}: ${sources.length} section${sources.length === 1 ? "" : "s"}`,
            ...sources.map((s) => `  ${s.document.title} (from ${s.path})`),
            ...(opts.readme ? [`wrote the experiments' tables into ${opts.readme}`] : []),
            ...(opts.figures ? [`drew their figures into ${opts.figures}`] : []),
          ].join("\n"),
        );
      },
    );
}
