/** The command line as a whole: rules that hold for every command's flags. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { type Command, CommanderError } from "commander";
import { UserError } from "../errors.js";
import { REPO_ROOT, testData } from "../testing/fixtures.js";
import { program } from "./program.js";

/** The one line commander writes when `args` fail to parse, and the status it exits with. */
async function failureOf(args: string[]): Promise<{ said: string; exitCode: number }> {
  let said = "";
  const quiet = (command: Command) => {
    command.configureOutput({ writeErr: (chunk) => (said += chunk), writeOut: () => {} });
    for (const sub of command.commands) quiet(sub);
  };
  const root = await program();
  quiet(root);
  let exitCode = -1;
  await assert.rejects(root.parseAsync(args, { from: "user" }), (e: unknown) => {
    assert.ok(e instanceof CommanderError, `${args.join(" ")}: ${(e as Error).message}`);
    exitCode = e.exitCode;
    return true;
  });
  return { said, exitCode };
}

test("a flag with a value given twice is refused naming both values, on every level (commander kept the last)", async () => {
  const cases: [string[], RegExp][] = [
    [["cell", "--id", "67206", "--id", "5"], /option '--id <id>' is given twice \('67206', then '5'\)/],
    [
      ["--data", "a", "--data", "b", "space", "nb201"],
      /option '--data <dir>' is given twice \('a', then 'b'\)/,
    ],
    [
      ["evaluate", "--space", "nb201", "--space", "nb101", "--labels", "100"],
      /option '--space <name>' is given twice \('nb201', then 'nb101'\)/,
    ],
    [
      ["evaluate", "--labels", "100", "--labels", "100"],
      /option '--labels <n>' is given twice \('100', then '100'\)/,
    ],
    [
      ["search", "--seeds", "0-2", "--seeds", "1"],
      /option '--seeds <list>' is given twice \('0,1,2', then '1'\)/,
    ],
    [
      ["train", "--labels", "50", "--out", "a.nasa", "--out", "b.nasa"],
      /option '--out <file>' is given twice/,
    ],
    [
      ["data", "labels", "x.csv", "--target", "a", "--target", "b"],
      /option '--target <column>' is given twice/,
    ],
  ];
  for (const [args, message] of cases) {
    const { said, exitCode } = await failureOf(args);
    assert.equal(exitCode, 1, args.join(" "));
    assert.match(said, message, args.join(" "));
    assert.match(said, /^nas-assay: [^\n]*give it once \(nas-assay[^\n]* --help lists [^\n]*\)\n$/, said);
  }
});

test("a switch given twice means the same and runs; a flag given once is not refused", () => {
  const r = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, "dist", "src", "cli", "main.js"),
      "--data",
      testData().dir,
      "--json",
      "space",
      "nb201",
      "--json",
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).count, 15625);
});

test("a value with a carriage return or a tab is shown escaped and named (a Windows line end from $(cat file))", async () => {
  const cr = await failureOf(["tell", "--study", "s.db", "--arch", "x", "--value", "0.9\r"]);
  assert.equal(cr.exitCode, 1);
  assert.doesNotMatch(cr.said, /\r/, "a raw \\r sends the cursor back over the message");
  assert.match(
    cr.said,
    /argument '0\.9\\r' is invalid\. expected the value without a space, tab or line end at either end \(it holds a carriage return \\r: a Windows line end/,
  );
  const tab = await failureOf(["ask", "--study", "s.db", "-n", "3\t"]);
  assert.match(
    tab.said,
    /argument '3\\t' is invalid\. expected the value without a space, tab or line end at either end \(nas-assay ask/,
  );
  assert.equal(tab.said.trim().split("\n").length, 1);
  // a line end in a value was joined into a space with the rest of the message: shown as \n
  const lf = await failureOf(["ask", "--study", "s.db\n", "-n", "3"]);
  assert.match(lf.said, /argument 's\.db\\n' is invalid\./);
  assert.equal(lf.said.trim().split("\n").length, 1);
  // one rule for every flag: --seeds and --target trimmed such a value, -n refused it
  for (const args of [
    ["evaluate", "--seeds", " 1"],
    ["study", "create", "--space", "nb201", "--study", "s.db", "--target", " val_acc"],
    ["tell", "--study", "s.db", "--arch", "x ", "--value", "0.9"],
  ]) {
    const edge = await failureOf(args);
    assert.equal(edge.exitCode, 1);
    assert.match(
      edge.said,
      /is invalid\. expected the value without a space, tab or line end at either end/,
      args.join(" "),
    );
  }
});

test("help of a command nas-assay does not have names it, as the command itself does (it printed the whole help)", async () => {
  for (const [args, name] of [
    [["help", "foo"], "nas-assay"],
    [["study", "help", "foo"], "nas-assay study"],
  ] as const) {
    const { said, exitCode } = await failureOf([...args]);
    assert.equal(exitCode, 1);
    assert.equal(said, `nas-assay: unknown command 'foo' (${name} --help lists the commands)\n`);
    const direct = await failureOf([...args.slice(0, -2), "foo"]);
    assert.equal(said, direct.said, "the same line as the command itself");
  }
  // a misspelt one gets commander's suggestion, as the command itself does
  assert.match((await failureOf(["help", "trian"])).said, /unknown command 'trian' \(Did you mean train\?\)/);
});

test("help NAME SUB shows SUB's help, as NAME SUB --help does (commander dropped SUB and showed NAME's)", async () => {
  /** What `args` print on stdout, and how parsing ended (commander's code for help). */
  const helpOf = async (args: string[]) => {
    let out = "";
    const quiet = (command: Command) => {
      command.configureOutput({ writeOut: (chunk) => (out += chunk), writeErr: () => {} });
      for (const sub of command.commands) quiet(sub);
    };
    const root = await program();
    quiet(root);
    await assert.rejects(root.parseAsync(args, { from: "user" }), (e: unknown) => {
      assert.ok(e instanceof CommanderError, `${args.join(" ")}: ${(e as Error).message}`);
      assert.equal(e.exitCode, 0, args.join(" "));
      return true;
    });
    return out;
  };
  for (const [group, sub] of [
    ["study", "create"],
    ["study", "show"],
    ["data", "labels"],
    ["queue", "status"],
  ]) {
    const shown = await helpOf(["help", group, sub]);
    assert.match(shown, new RegExp(`^Usage: nas-assay ${group} ${sub} `), `help ${group} ${sub}`);
    assert.equal(shown, await helpOf([group, sub, "--help"]), `help ${group} ${sub}`);
  }
  assert.match(await helpOf(["help", "study"]), /^Usage: nas-assay study \[options\] \[command\]/);
  // --help NAME [SUB], as git's: NAME's help (it printed nas-assay's own, status 0)
  for (const args of [["evaluate"], ["study", "create"], ["data"]]) {
    for (const flag of ["--help", "-h"])
      assert.equal(
        await helpOf([flag, ...args]),
        await helpOf(["help", ...args]),
        `${flag} ${args.join(" ")}`,
      );
  }
  assert.equal(await helpOf(["study", "--help", "show"]), await helpOf(["study", "show", "--help"]));
  assert.equal(
    await helpOf(["--help", "--json"]),
    await helpOf(["help"]),
    "--help then a flag: nas-assay's own",
  );
  // help help: the help itself, not "unknown command 'help' (Did you mean help?)"
  assert.equal(await helpOf(["help", "help"]), await helpOf(["help"]));
  assert.equal(await helpOf(["study", "help", "help"]), await helpOf(["study", "--help"]));
  const { said, exitCode } = await failureOf(["help", "data", "import-nb201"]);
  assert.equal(exitCode, 1);
  assert.match(
    said,
    /^nas-assay: unknown command 'import-nb201' \(Did you mean import-nb101\?\) \(nas-assay data --help/,
  );
});

test("NAME --help of a command nas-assay does not have is refused as help NAME is (it printed the parent's help, status 0)", async () => {
  for (const [args, name, parent] of [
    [["evalute", "--help"], "evalute", "nas-assay"],
    [["study", "creat", "--help"], "creat", "nas-assay study"],
    [["data", "import-nb201", "--help"], "import-nb201", "nas-assay data"],
    [["--help", "evalute"], "evalute", "nas-assay"],
    [["study", "--help", "creat"], "creat", "nas-assay study"],
  ] as const) {
    const { said, exitCode } = await failureOf([...args]);
    assert.equal(exitCode, 1, args.join(" "));
    assert.match(
      said,
      new RegExp(`^nas-assay: unknown command '${name}' \\(Did you mean [^)]*\\) \\(${parent} --help`),
      args.join(" "),
    );
    assert.equal(
      said,
      (await failureOf(["help", ...args.filter((a) => a !== "--help")])).said,
      "the same line as help NAME",
    );
  }
});

test("every --labels help states the range its command accepts (only evaluate's did)", async () => {
  const root = await program();
  // each command's bound, as it refuses the next count (cli.test.ts checks those refusals on nb201)
  const bounds: Record<string, string> = { paper: "− 2", evaluate: "− 2", search: "− 1", train: "− 1" };
  for (const command of root.commands) {
    const labels = command.options.find((o) => o.long === "--labels");
    if (labels === undefined) continue;
    const bound = bounds[command.name()];
    assert.ok(bound, `${command.name()} takes --labels: add its bound here`);
    assert.ok(
      labels.description.includes(`(2..cells of the space ${bound})`),
      `${command.name()} --labels: ${labels.description}`,
    );
  }
});

test("--target '' is refused alike by every command that has --target (break I: four different outcomes)", async () => {
  const root = await program();
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    if (command.options.some((o) => o.long === "--target")) paths.push(path);
  };
  walk(root, []);
  assert.deepEqual(paths.map((p) => p.join(" ")).sort(), [
    "data labels",
    "evaluate",
    "paper",
    "search",
    "simulate",
    "study create",
    "train",
  ]);
  for (const path of paths) {
    const { said, exitCode } = await failureOf([...path, "--target", ""]);
    assert.equal(exitCode, 1, path.join(" "));
    assert.match(
      said,
      /^nas-assay: option '--target <\w+>' argument '' is invalid\. expected a target name \(.*\), got an empty value \(/,
      path.join(" "),
    );
  }
});

test("an empty argument or file flag is refused naming it (break I: 'nas-assay: : no such file')", async () => {
  const root = await program();
  const withArguments: string[] = [];
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    if (command.registeredArguments.length > 0) withArguments.push(path.join(" "));
  };
  walk(root, []);
  assert.deepEqual(withArguments.sort(), [
    "data import-nb101",
    "data labels",
    "report",
    "reproduce",
    "space",
  ]);
  for (const [args, message] of [
    [["report", ""], /argument 'results' is empty; expected results files or folders/],
    [["report", "a.json", ""], /argument 'results' is empty/],
    [["data", "labels", "", "--target", "acc"], /argument 'file' is empty; expected CSV or JSONL/],
    [["data", "import-nb101", "", "--out", "d"], /argument 'file' is empty; expected nasbench_only108/],
    [["space", ""], /argument 'name' is empty; expected search space/],
    [["reproduce", ""], /value '' is invalid for argument 'name'/],
    [
      ["predict", "--model", "", "--cells", "c.csv"],
      /'--model <file>' argument '' is invalid\. expected a model file/,
    ],
    [
      ["predict", "--model", "m.nasa", "--cells", ""],
      /'--cells <file>' argument '' is invalid\. expected a CSV/,
    ],
  ] as const) {
    const { said, exitCode } = await failureOf([...args]);
    assert.equal(exitCode, 1, args.join(" "));
    assert.match(said, /^nas-assay: [^\n]* --help lists its options\)\n$/, args.join(" "));
    assert.match(said, message, args.join(" "));
  }
});

test("every command's help lists --json, which every command takes after its name (only nas-assay --help listed it)", async () => {
  const root = await program();
  const check = (command: Command, path: string) => {
    for (const sub of command.commands) check(sub, `${path} ${sub.name()}`);
    const help = command.helpInformation();
    if (command === root) return;
    assert.match(help, /\nGlobal Options:\n {2}--json +print machine-readable JSON and no progress\n/, path);
    assert.doesNotMatch(
      help,
      /Global Options:[\s\S]*--data/,
      `${path}: --data, which some commands refuse, is not offered`,
    );
  };
  check(root, "nas-assay");
  assert.equal(root.commands.length, 17, "every command checked");
});

test("--data followed by a command name and no command: the folder is named as left out, not the next flag as unknown", async () => {
  // `nas-assay --data cell --id 1` said "unknown option '--id'" (found by tester P)
  await assert.rejects(
    program(["--data", "cell", "--id", "1"]),
    (e: unknown) =>
      e instanceof UserError &&
      e.message ===
        '--data took "cell" as its folder, and no command follows; give the folder after --data: nas-assay --data DIR cell …',
  );
  // a folder that happens to be called like a command, with the command after it, is a folder
  const root = await program(["--data", "data", "cell", "--id", "1"]);
  assert.deepEqual(
    root.commands.map((c) => c.name()),
    ["cell"],
  );
});
