// 30 made-up trained networks of macro8 (a stand-in for your own training runs)
const ops = ["identity", "mb3_k3", "mb3_k5", "mb6_k3", "mb6_k5"], widths = [16, 24, 32, 48, 64];
let s = 42; const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const gain = { identity: 0, mb3_k3: 0.006, mb3_k5: 0.008, mb6_k3: 0.009, mb6_k5: 0.011 };
const cols = [...Array(8)].map((_, i) => `layer${i + 1}`);
console.log([...cols, "width", "val_acc"].join(","));
for (let k = 0; k < 30; k++) {
  const a = cols.map(() => ops[Math.floor(rnd() * 5)]), w = widths[Math.floor(rnd() * 5)];
  const acc = 0.82 + a.reduce((v, o) => v + gain[o], 0) + 0.01 * Math.log2(w / 16) + (rnd() - 0.5) * 0.004;
  console.log([...a, w, acc.toFixed(4)].join(","));
}
