// stands in for your GPU: "trains" the architectures of asked.json (made-up accuracies), writes results.csv
import { readFileSync } from "node:fs";
const gain = { identity: 0, mb3_k3: 0.006, mb3_k5: 0.008, mb6_k3: 0.009, mb6_k5: 0.011 };
const asked = JSON.parse(readFileSync(process.argv[2], "utf8"));
const cols = [...Array(8)].map((_, i) => `layer${i + 1}`);
console.log([...cols, "width", "val_acc"].join(","));
for (const { arch } of asked) {
  const acc = 0.82 + cols.reduce((v, c) => v + gain[arch[c]], 0) + 0.01 * Math.log2(arch.width / 16);
  console.log([...cols.map((c) => arch[c]), arch.width, acc.toFixed(4)].join(","));
}
