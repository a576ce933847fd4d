import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Rng } from "../random.js";
import { matrixEncoding, type SearchSpace } from "../spaces/search-space.js";
import { initBackend, tf } from "../tensor/backend.js";
import { nb201WithLabels } from "../testing/predictor-checks.js";
import { maskOps, pretrainMaskedOps } from "./masked-pretraining.js";
import { SupervisedPredictor } from "./supervised.js";
import { TRANSFORMER_TRAINING, transformerNetwork } from "./transformer.js";

const V = 7;
const OPS = ["input", "a", "b", "c", "output"];
const K = OPS.length;
/** Only its encoding is read by the network: a NAS-Bench-101-like layout. */
const fakeSpace = { encoding: matrixEncoding(V, OPS) } as SearchSpace<unknown>;
const SIZE = fakeSpace.encoding.size;

/**
 * Chains input → … → output of 3..7 vertices (padding after them) whose interior ops cycle a, b, c from
 * a random start: a masked op follows from its neighbours' ops, so there is something to learn.
 */
function chainCells(count: number, rng: Rng): Float32Array {
  const x = new Float32Array(count * SIZE);
  for (let c = 0; c < count; c++) {
    const real = 3 + rng.int(V - 2);
    const offset = rng.int(3);
    const base = c * SIZE;
    for (let i = 0; i < real; i++) {
      if (i + 1 < real) x[base + i * V + i + 1] = 1;
      const op = i === 0 ? 0 : i === real - 1 ? K - 1 : 1 + ((offset + i) % 3);
      x[base + V * V + i * K + op] = 1;
    }
  }
  return x;
}

const dir = mkdtempSync(join(tmpdir(), "nas-assay-pretrain-"));
after(() => rmSync(dir, { recursive: true, force: true }));
before(() => initBackend());

test("maskOps masks the stated share of interior vertices, the same ones for the same rng", () => {
  const count = 3000;
  const x = chainCells(count, new Rng(1));
  const before = x.slice();
  const a = maskOps(x, count, V, OPS, 0.25, new Rng(7));
  const b = maskOps(x, count, V, OPS, 0.25, new Rng(7));
  const c = maskOps(x, count, V, OPS, 0.25, new Rng(8));
  assert.deepEqual(x, before, "the input is not changed");
  assert.deepEqual(a.positions, b.positions);
  assert.deepEqual(a.x, b.x);
  assert.notDeepEqual(a.positions, c.positions);
  // interior vertices: real − 2 per cell
  let interior = 0;
  for (let cell = 0; cell < count; cell++)
    for (let v = 1; v < V; v++) {
      const row = cell * SIZE + V * V + v * K;
      if (x[row + 1] + x[row + 2] + x[row + 3] > 0) interior++;
    }
  assert.equal(a.candidates, interior);
  const share = a.positions.length / interior;
  assert.ok(Math.abs(share - 0.25) < 0.02, `masked share ${share}`);
  const masked = new Set(a.positions);
  for (let cell = 0; cell < count; cell++)
    for (let v = 0; v < V; v++) {
      const row = cell * SIZE + V * V + v * K;
      const got: number[] = Array.from(a.x.subarray(row, row + K));
      const was: number[] = Array.from(x.subarray(row, row + K));
      if (masked.has(cell * V + v)) {
        assert.deepEqual(got, new Array(K).fill(Math.fround(1 / K)), "the mask token");
        assert.ok(was[0] === 0 && was[K - 1] === 0, "input and output are never masked");
      } else assert.deepEqual(got, was);
    }
  a.positions.forEach((p, i) => {
    const row = Math.floor(p / V) * SIZE + V * V + (p % V) * K;
    assert.equal(x[row + a.targets[i]], 1, "the target is the true op");
  });
  // the adjacency is untouched
  for (let cell = 0; cell < count; cell++)
    assert.deepEqual(
      a.x.subarray(cell * SIZE, cell * SIZE + V * V),
      x.subarray(cell * SIZE, cell * SIZE + V * V),
    );
  assert.equal(maskOps(x, count, V, OPS, 0, new Rng(7)).positions.length, 0);
  assert.equal(maskOps(x, count, V, OPS, 1, new Rng(7)).positions.length, interior);
  assert.throws(() => maskOps(x, count, V, OPS, 1.5, new Rng(7)), /mask rate must be in \[0, 1\], got 1.5/);
  assert.throws(() => maskOps(x, count + 1, V, OPS, 0.5, new Rng(7)), /cells of 84 need/);
});

test("masked-op pre-training lowers its loss in a few steps, the same for the same seed", async () => {
  const count = 256;
  const x = chainCells(count, new Rng(2));
  const network = transformerNetwork(fakeSpace);
  const options = { epochs: 8, batchSize: 64, maskRate: 0.3, learningRate: 1e-2, seed: 3 };
  const a = await pretrainMaskedOps(network, x, count, options);
  assert.equal(a.losses.length, 8);
  assert.equal(a.weights.length, network.encoderWeights);
  network
    .shapes()
    .slice(0, network.encoderWeights)
    .forEach((shape, k) => {
      assert.equal(
        a.weights[k].length,
        shape.reduce((p, q) => p * q, 1),
      );
    });
  // chance over the three interior ops is ln 3 ≈ 1.10; the chains make the op predictable
  assert.ok(a.losses[0] > 0.9, `first epoch ${a.losses[0]}`);
  assert.ok(a.losses[7] < 0.5 * a.losses[0], `losses ${a.losses.map((l) => l.toFixed(3))}`);
  const b = await pretrainMaskedOps(network, x, count, { ...options, epochs: 1 });
  assert.equal(b.losses[0], a.losses[0], "same seed, same first epoch");
  await assert.rejects(
    pretrainMaskedOps(network, x, count, { epochs: 0 }),
    /epochs must be a positive integer, got 0/,
  );
});

test("encode() gives the tokens forward() pools", () => {
  const network = transformerNetwork(fakeSpace);
  const rng = new Rng(4);
  const weights = network.shapes().map((shape) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng.float() - 0.5),
      shape,
    ),
  );
  const n = 5;
  const x = tf.tensor2d(chainCells(n, rng), [n, SIZE]);
  const scores = network.forward(weights, x).arraySync();
  const tokens = network.encode(weights, x).arraySync();
  const xs = x.arraySync();
  const [out, bias] = [
    weights[weights.length - 2].arraySync() as number[][],
    weights[weights.length - 1].arraySync() as number[],
  ];
  for (let c = 0; c < n; c++) {
    const real = Array.from({ length: V }, (_, v) =>
      xs[c].slice(V * V + v * K, V * V + (v + 1) * K).some((e) => e > 0),
    );
    const count = real.filter(Boolean).length;
    let score = bias[0];
    for (let j = 0; j < network.width; j++) {
      let mean = 0;
      for (let v = 0; v < V; v++) if (real[v]) mean += tokens[c * V + v][j] / count;
      score += mean * out[j][0];
    }
    assert.ok(Math.abs(score - scores[c]) < 1e-4, `cell ${c}: ${score} vs ${scores[c]}`);
  }
  tf.dispose([...weights, x]);
});

test("a fit starts from initialWeights (none given: the same draw; wrong size refused); fittedWeights() returns them", async () => {
  const { space, truth } = await nb201WithLabels();
  const labeled = space.sample(new Rng(5), 30);
  const labels = Array.from(labeled, (id) => truth[id]);
  const test = space.sample(new Rng(6), 200);
  const fitted = async (initialWeights?: (Float32Array | undefined)[], training = {}) => {
    const p = new SupervisedPredictor("transformer", space, transformerNetwork(space), {
      ...TRANSFORMER_TRAINING,
      ...training,
    });
    if (initialWeights) p.initialWeights = initialWeights;
    await p.fit({ space, labeled, labels, seed: 5 });
    return p;
  };
  const plain = await fitted();
  const empty = await fitted([]);
  assert.deepEqual(await empty.predict(test), await plain.predict(test), "no weights given: the same fit");
  const shapes = plain.network.shapes();
  const start = shapes.map((shape, k) =>
    Float32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, i) => ((i * 7 + k) % 11) / 50 - 0.1),
  );
  // one step at a negligible learning rate: the weights stay where they started
  const still = await fitted(start, { learningRate: 1e-12, minSteps: 1, maxSteps: 1 });
  const path = join(dir, "start.json");
  still.save(path);
  const saved = (JSON.parse(readFileSync(path, "utf8")) as { weights: { data: string }[] }).weights;
  saved.forEach((w, k) => {
    const buffer = Buffer.from(w.data, "base64");
    const values = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
    values.forEach((v, i) => {
      assert.ok(Math.abs(v - start[k][i]) < 1e-6, `weight ${k}[${i}]: ${v} vs ${start[k][i]}`);
    });
  });
  assert.deepEqual(
    still.fittedWeights().map((w) => Array.from(w)),
    saved.map((w) => {
      const buffer = Buffer.from(w.data, "base64");
      return Array.from(new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4));
    }),
    "fittedWeights() are the saved weights",
  );
  await assert.rejects(
    fitted([new Float32Array(3)]),
    /initialWeights\[0\] holds 3 values; the network's weight 0 is/,
  );
  await assert.rejects(fitted(new Array(shapes.length + 1).fill(undefined)), /initialWeights holds/);
});
