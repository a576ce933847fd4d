/** The library's entry points called with nothing, or the wrong thing: one UserError line each, no TypeError. */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { UserError } from "./errors.js";
import {
  accuracyLike,
  createSpace,
  createStudyFile,
  dataDir,
  evaluate,
  evolve,
  importNb101,
  kendallTau,
  loadBenchmark,
  networkParameters,
  precisionAtK,
  predictorSearch,
  Rng,
  readResultsFile,
  runPaperPipeline,
  simulate,
  summariseBuiltIn,
  summariseSpace,
  topK,
  trueValueOfPredictedBest,
  writePipelineFiles,
} from "./index.js";

test("library calls without their arguments refuse in one line (break test: raw TypeErrors)", async () => {
  const refused = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  assert.throws(() => accuracyLike(undefined as never), refused(/accuracyLike needs a target's name/));
  assert.throws(
    () => summariseSpace(undefined as never),
    refused(/summariseSpace needs a space made from a spec/),
  );
  assert.throws(() => topK(undefined as never, 3), refused(/topK needs a search trace/));
  assert.throws(
    () => readResultsFile("x.csv", undefined as never, "val_acc"),
    refused(/readResultsFile needs the space/),
  );
  await assert.rejects(simulate(undefined as never, [0]), refused(/simulate needs an object of settings/));
  const rng = new Rng(0);
  await assert.rejects(
    evolve(undefined as never, async () => [], rng),
    refused(/evolve needs a search space/),
  );
  const space = { size: 10, mutate: () => 0 } as never;
  await assert.rejects(evolve(space, "x" as never, rng), refused(/evolve needs a fitness function/));
  await assert.rejects(
    evolve(space, async () => [], undefined as never),
    refused(/evolve needs a random generator/),
  );
});

test("library calls with wrong arguments refuse in one line, and metrics of NaN are NaN (break test 14)", async () => {
  const refused = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  const space = await createSpace({
    name: "two",
    kind: "choices",
    decisions: [{ name: "a", options: ["x", "y"] }],
  });
  assert.throws(
    () => readResultsFile("x.csv", space, undefined as never),
    refused(/needs the target column's name/),
  );
  assert.throws(
    () => readResultsFile(5 as never, space, "acc"),
    refused(/needs the results file's path, got 5/),
  );
  await assert.rejects(
    createStudyFile({} as never),
    refused(/createStudyFile needs study \(the study file's path/),
  );
  await assert.rejects(createSpace({} as never), refused(/createSpace needs a space spec of kind choices/));
  await assert.rejects(loadBenchmark("nb201", 5 as never), refused(/loadBenchmark needs the data directory/));
  await assert.rejects(
    loadBenchmark("nb101", "/nonexistent-data-dir"),
    refused(
      /^--data \/nonexistent-data-dir: no such folder; expected the folder that holds nb101\/ and nb201\/$/,
    ),
  );
  const trace = { ids: Int32Array.from([4, 5, 6]), fitness: Float64Array.from([0.1, 0.3, 0.2]) };
  assert.deepEqual(Array.from(topK(trace, 2)), [5, 6]);
  for (const k of [0, -1, 1.5, undefined])
    assert.throws(() => topK(trace, k as never), refused(/topK needs k, a positive integer/));
  const ids = {
    size: 10,
    mutate: (_: Rng, id: number) => (id + 1) % 10,
    sample: () => Int32Array.from([0, 1]),
  };
  const rng = new Rng(0);
  for (const [fitness, pattern] of [
    [async () => [0.5], /returned 1 values for \d+ cells; expected one each/],
    [async (c: Int32Array) => Array.from(c, () => "0.5"), /value 0 is "0\.5"; expected a finite number/],
    [async (c: Int32Array) => Array.from(c, () => Number.NaN), /value 0 is NaN; expected a finite number/],
    [async () => undefined, /returned undefined; expected \d+ numbers/],
  ] as const)
    await assert.rejects(
      evolve(ids as never, fitness as never, rng, { evaluations: 6, population: 2, tournament: 2 }),
      refused(pattern),
    );
  assert.ok(Number.isNaN(trueValueOfPredictedBest([Number.NaN, Number.NaN], [1, 2])));
  assert.ok(Number.isNaN(precisionAtK([Number.NaN, 1, 2], [1, 2, 3], 1)));
  assert.throws(() => kendallTau(undefined as never, [1]), /expected two arrays of numbers, got undefined/);
});

test("the protocols' entry points refuse what the CLI refuses: misspelt keys, bad seeds and jobs, top 0, no data (break test)", async () => {
  const refused = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  const data = dataDir();
  const spec = { method: "mlp", space: "nb201", data, labels: 50 } as const;
  // each is refused before the benchmark loads or a predictor is fitted
  await assert.rejects(
    evaluate(spec, 3 as never),
    refused(/^evaluate needs a list of seeds \(at least one\), got 3$/),
  );
  await assert.rejects(
    evaluate(spec, [0, 0]),
    refused(/^evaluate: the seed 0 is given twice; each seed runs once$/),
  );
  await assert.rejects(evaluate(spec, [0], 0), refused(/^evaluate: jobs must be a positive integer, got 0$/));
  await assert.rejects(
    evaluate({ ...spec, label: 50 } as never, [0]),
    refused(/^evaluate: unknown option "label"; expected method, space, data, target, labels/),
  );
  await assert.rejects(
    evaluate({ ...spec, sample: -5 }, [0]),
    refused(/^evaluate: sample must be an integer ≥ 0/),
  );
  // top 0 trained nothing and reported the best cell of the space as found
  await assert.rejects(
    predictorSearch({ ...spec, top: 0 }, [0]),
    refused(/^predictorSearch: top must be a positive integer \(cells trained\), got 0$/),
  );
  await assert.rejects(predictorSearch(spec, []), refused(/^predictorSearch needs a list of seeds/));
  await assert.rejects(
    runPaperPipeline({ space: "nb201", labels: 50, method: "mlp" } as never),
    refused(
      /^runPaperPipeline: data must be the benchmark data's folder \(a path, or dataDir\(\) of the library\), got undefined$/,
    ),
  );
  await assert.rejects(
    runPaperPipeline(null as never),
    refused(/^runPaperPipeline: the options must be an object/),
  );
  await assert.rejects(
    runPaperPipeline({ space: "nb201", data, label: 50, method: "mlp" } as never),
    refused(/^runPaperPipeline: unknown option "label"/),
  );
  // nested options too (`populaton` ran the default population), and a top the search cannot fill
  await assert.rejects(
    predictorSearch({ ...spec, evolution: { populaton: 5 } as never }, [0]),
    refused(/^evolution options: unknown option "populaton"; expected population, tournament/),
  );
  await assert.rejects(
    runPaperPipeline({ space: "nb201", data, method: "mlp", neighbourhood: { wieght: 1 } as never }),
    refused(/^neighbourhood options: unknown option "wieght"; expected weight, draws, candidates$/),
  );
  await assert.rejects(
    predictorSearch({ ...spec, top: 99999 }, [0]),
    refused(/^predictorSearch: top 99999 exceeds the 5000 evaluations/),
  );
  // data as a folder's path, as evaluate takes it (it was refused here): read from that folder
  await assert.rejects(
    runPaperPipeline({ space: "nb201", data: "/nonexistent-data", method: "mlp", labels: 50 } as never),
    refused(/nonexistent-data/),
  );
  // the page over its own results file (in.json) is refused by name, as `paper --out` refuses it
  await assert.rejects(
    writePipelineFiles({} as never, "in.json"),
    refused(/^the report's path in\.json: writes an HTML page; give a file name ending in \.html or \.htm$/),
  );
  // a file of the user's where the results would go beside the page: refused, left as it was
  const folder = mkdtempSync(join(tmpdir(), "nas-assay-index-"));
  try {
    writeFileSync(join(folder, "asked.json"), "[]\n");
    await assert.rejects(
      writePipelineFiles({} as never, join(folder, "asked.html")),
      refused(/asked\.json: a file that is not a nas-assay results file is there; writing would destroy it/),
    );
    assert.equal(readFileSync(join(folder, "asked.json"), "utf8"), "[]\n");
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test("every type named in the signatures of the library's exports is exported too (a TypeScript caller can name what it passes and gets)", () => {
  // predictorSearch(spec: PredictorSearchSpec), evolve(…, fitness: Fitness), toHtml(…, options: HtmlOptions),
  // createSpace(…, options: VertexCellLoadOptions) and a StudyStore's record(…, RecordContext) took types
  // that "nas-assay" did not export: a caller could not declare the object it built for them
  const entry = fileURLToPath(new URL("./index.d.ts", import.meta.url));
  const program = ts.createProgram([entry], {
    strict: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  assert.ok(source, entry);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol);
  const exported = new Set(
    checker
      .getExportsOfModule(moduleSymbol)
      .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s)),
  );
  const named =
    ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class | ts.SymbolFlags.Enum;
  const ours = dirname(entry);
  const missing = new Map<string, string>();
  const seen = new Set<ts.Type>();
  const visit = (type: ts.Type, from: string, depth: number): void => {
    if (depth > 9 || seen.has(type)) return;
    seen.add(type);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    const declared = symbol?.declarations?.[0]?.getSourceFile().fileName;
    if (symbol && symbol.flags & named && declared?.startsWith(ours) && !exported.has(symbol))
      if (!missing.has(symbol.name)) missing.set(symbol.name, from);
    for (const argument of type.aliasTypeArguments ?? []) visit(argument, from, depth + 1);
    if (type.isUnionOrIntersection()) for (const member of type.types) visit(member, from, depth + 1);
    if (!(type.flags & ts.TypeFlags.Object)) return;
    for (const property of checker.getPropertiesOfType(type)) {
      const at = property.valueDeclaration ?? property.declarations?.[0];
      if (at) visit(checker.getTypeOfSymbolAtLocation(property, at), `${from}.${property.name}`, depth + 1);
      // an optional property's type is `T | undefined`, which loses T's alias (CreateStudyFile.scale:
      // ValueScale went unseen): its written type too
      const written =
        at && (ts.isPropertySignature(at) || ts.isPropertyDeclaration(at)) ? at.type : undefined;
      if (written) visit(checker.getTypeFromTypeNode(written), `${from}.${property.name}`, depth + 1);
    }
    const signatures = [
      ...checker.getSignaturesOfType(type, ts.SignatureKind.Call),
      ...checker.getSignaturesOfType(type, ts.SignatureKind.Construct),
    ];
    for (const signature of signatures) {
      for (const parameter of signature.getParameters())
        if (parameter.valueDeclaration)
          visit(
            checker.getTypeOfSymbolAtLocation(parameter, parameter.valueDeclaration),
            `${from}(${parameter.name})`,
            depth + 1,
          );
      visit(signature.getReturnType(), `${from}()`, depth + 1);
    }
    for (const argument of (type as ts.TypeReference).typeArguments ?? []) visit(argument, from, depth + 1);
  };
  for (const symbol of exported) {
    const at = symbol.valueDeclaration ?? symbol.declarations?.[0];
    if (!at) continue;
    const type =
      symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)
        ? checker.getDeclaredTypeOfSymbol(symbol)
        : checker.getTypeOfSymbolAtLocation(symbol, at);
    visit(type, symbol.name, 0);
  }
  assert.deepEqual(
    [...missing].map(([name, from]) => `${name} (in ${from})`),
    [],
    "types the exports use but index.ts does not export",
  );
});

test("the library's declaration files compile in a strict consumer without skipLibCheck (break test: tfjs' declarations leaked)", () => {
  // index.d.ts reached supervised.d.ts (TrainingOptions), which imports tfjs: a consumer with `strict` and
  // no skipLibCheck got 15 errors in @tensorflow/tfjs-core and tfjs-layers' own declarations
  const entry = fileURLToPath(new URL("./index.d.ts", import.meta.url));
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    // no @types loaded by the consumer's own settings (TypeScript 7's default): index.d.ts brings Node's
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
  assert.deepEqual(errors, []);
  const tfjs = program.getSourceFiles().filter((f) => /[\\/]@tensorflow[\\/]/.test(f.fileName));
  assert.deepEqual(tfjs.length, 0, "the public types import tfjs");
});

test("the package holds what a consumer runs and no test, benchmark or build script (break test: npm pack shipped them)", () => {
  // "files" took all of dist: dist/bench, dist/scripts, dist/src/testing (test helpers and workers) and
  // 205 source maps naming src/*.ts files the package does not hold
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--offline"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as { files: { path: string }[] }[];
  const files = pack.files.map((f) => f.path);
  const unwanted = files.filter((f) => /^dist\/(bench|scripts|src\/testing)\/|\.test\.|\.map$/.test(f));
  assert.deepEqual(unwanted, []);
  const manifest = JSON.parse(readFileSync(join(root, "benchmarks", "manifest.json"), "utf8")) as {
    files: { path: string }[];
  };
  for (const needed of [
    "package.json",
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/cli/main.js",
    "dist/src/study/study.d.ts",
    "benchmarks/manifest.json",
    ...manifest.files.map((f) => `benchmarks/${f.path}.br`),
  ])
    assert.ok(files.includes(needed), `${needed} is missing from the package`);
  // the README's links and the files its walk-through reads resolve in an installed copy too (the
  // package held no docs/: tester S)
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]);
  assert.ok(linked.length > 5, "the README links its docs");
  // and the figures the shipped pages show (docs/own-space.md's linked docs/docs/…: tester U)
  const figures = files
    .filter((f) => /^docs\/[^/]+\.md$/.test(f))
    .flatMap((page) =>
      [...readFileSync(join(root, page), "utf8").matchAll(/\]\((results\/[^)#\s]+)/g)].map(
        (m) => `docs/${m[1]}`,
      ),
    );
  assert.ok(figures.length > 5, "the docs show their figures");
  for (const needed of [...linked, ...figures, "docs/spaces/macro8.json", "docs/study-example/trained.csv"])
    assert.ok(files.includes(needed), `${needed} is missing from the package`);
  for (const page of files.filter((f) => /^docs\/[^/]+\.md$/.test(f)))
    assert.doesNotMatch(
      readFileSync(join(root, page), "utf8"),
      /\]\(docs\//,
      `${page} links docs/… from inside docs/`,
    );
});

test("a space's sample, mutate and crossover without a random generator refuse in one line (break test: raw TypeError)", async () => {
  // space.sample(undefined, 5) from plain JavaScript said "Cannot read properties of undefined (reading 'int')"
  const refused = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  const choices = await createSpace({
    name: "two",
    kind: "choices",
    decisions: [{ name: "a", options: ["x", "y"] }],
  });
  const [arch] = choices.sample(new Rng(0), 1);
  assert.throws(
    () => choices.sample(undefined as never, 1),
    refused(/^two sample needs a random generator \(new Rng\(seed\)\), got undefined$/),
  );
  assert.throws(
    () => choices.mutate(7 as never, arch),
    refused(/^two mutate needs a random generator .*got 7$/),
  );
  assert.throws(
    () => choices.crossover({} as never, arch, arch),
    refused(/^two crossover needs a random generator/),
  );
  const { space } = await loadBenchmark("nb201", dataDir());
  assert.throws(() => space.sample(undefined as never, 5), refused(/^nb201 sample needs a random generator/));
  assert.throws(() => space.mutate(null as never, 0), refused(/^nb201 mutate needs a random generator/));
  assert.throws(
    () => space.crossover(undefined as never, 0, 1),
    refused(/^nb201 crossover needs a random generator/),
  );
  assert.equal(space.sample(new Rng(0), 3).length, 3);
});

test("networkParameters, summariseBuiltIn and importNb101 given the wrong things refuse in one line (tester N: raw TypeErrors)", async () => {
  const refused = (pattern: RegExp) => (e: Error) => e instanceof UserError && pattern.test(e.message);
  assert.throws(
    () => networkParameters(5 as never, undefined as never),
    refused(/^networkParameters needs a pruned cell: its matrix/),
  );
  assert.throws(
    () =>
      networkParameters(
        [
          [0, 1],
          [0, 0],
        ],
        ["input", "output", "x"],
      ),
    refused(/^networkParameters needs a pruned cell/),
  );
  assert.throws(
    () =>
      networkParameters(
        [
          [0, 1, 0],
          [0, 0, 1],
          [0, 0, 0],
        ],
        ["input", "conv5x5", "output"],
      ),
    refused(
      /^networkParameters: unknown op "conv5x5"; expected one of conv3x3-bn-relu, conv1x1-bn-relu, maxpool3x3/,
    ),
  );
  assert.throws(
    () => summariseBuiltIn("x" as never),
    refused(/^summariseBuiltIn needs a built-in space .*got "x"/),
  );
  await assert.rejects(
    importNb101(5 as never, "out", undefined as never),
    refused(/^importNb101: file must be a path .*got 5/),
  );
  await assert.rejects(
    importNb101("f.tfrecord", 6 as never, undefined as never),
    refused(/^importNb101: outDir must be a path .*got 6/),
  );
  await assert.rejects(
    importNb101("f.tfrecord", "out", {} as never),
    refused(/^importNb101 needs the NAS-Bench-101 space/),
  );
});
