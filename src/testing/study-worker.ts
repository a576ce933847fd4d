/**
 * A training worker for the study tests, as a separate process: `study-worker LOCATION CYCLES
 * TIMEOUT_MS TRAIN_MS`. Prints "ready", waits for a line on stdin (so that every worker starts at
 * once), then CYCLES times: asks one architecture (pending timeout TIMEOUT_MS), prints
 * "asked KEY" (or "asked KEY again" for one handed out again), "trains" for TRAIN_MS, tells
 * `madeUpValue(KEY)` and prints "told KEY"; then "cpu USER_MS SYSTEM_MS" (the CPU time of the
 * cycles) and "finished". LOCATION is a study file or URL.
 *
 * The ask strategy stays random (`initial` above any count told here): these tests check the store
 * under many processes, and a predictor refitted at every one of hundreds of asks would only load the
 * machine.
 */
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { openStudyFile } from "../study/study-file.js";
import { madeUpValue } from "./study-fixtures.js";

const [location, cycles, timeout, train] = process.argv.slice(2);
const study = await openStudyFile(location, { initial: 1_000_000 });
process.stdout.write("ready\n");
for await (const _ of createInterface({ input: process.stdin })) break;
process.stdin.destroy();
const cpu = process.cpuUsage();
for (let cycle = 0; cycle < Number(cycles); cycle++) {
  const asked = await study.ask(1, { pendingTimeoutMs: Number(timeout) });
  if (asked.length !== 1) throw new Error(`cycle ${cycle}: ask returned ${asked.length} architectures`);
  const { key, arch, again } = asked[0];
  process.stdout.write(`asked ${key}${again ? " again" : ""}\n`);
  if (Number(train) > 0) await sleep(Number(train));
  await study.tell(arch, madeUpValue(key));
  process.stdout.write(`told ${key}\n`);
}
await study.close();
const used = process.cpuUsage(cpu);
process.stdout.write(`cpu ${used.user / 1000} ${used.system / 1000}\nfinished\n`);
