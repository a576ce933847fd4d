/**
 * A separate process for the study tests (concurrency, kill -9). `ask PATH N`: prints "ready", waits
 * for a line on stdin (so two processes ask at the same moment), asks N and prints the keys as JSON.
 * `tell-each PATH N`: tells N architectures of the study's space one at a time, printing "told KEY"
 * after each commit. `tell-all PATH N`: tells them in one call, printing "start" before and "done" after.
 * Values are `madeUpValue(key)`.
 */
import { createInterface } from "node:readline";
import { Rng } from "../random.js";
import { openStudyFile } from "../study/study-file.js";
import { madeUpValue } from "./study-fixtures.js";

const [command, path, count] = process.argv.slice(2);
const n = Number(count);
const study = await openStudyFile(path);
if (command === "ask") {
  process.stdout.write("ready\n");
  for await (const _ of createInterface({ input: process.stdin })) break;
  process.stdin.destroy();
  const asked = await study.ask(n);
  process.stdout.write(`${JSON.stringify(asked.map((a) => a.key))}\n`);
} else {
  const space = study.space;
  const archs = space.sample(new Rng(7), n);
  if (command === "tell-each") {
    for (const arch of archs) {
      await study.tell(arch, madeUpValue(space.key(arch)));
      process.stdout.write(`told ${space.key(arch)}\n`);
    }
  } else {
    process.stdout.write("start\n");
    await study.tellMany(archs.map((arch) => ({ arch, outcome: { value: madeUpValue(space.key(arch)) } })));
    process.stdout.write("done\n");
  }
}
await study.close();
