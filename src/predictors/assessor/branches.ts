/**
 * The parts of the assessor's work that can run in either thread (helper.ts): the decoder's branch of
 * a training step (the gradients of λ·L_rc in the embeddings and in the decoder's weights), and the
 * scores of a chunk of queried cells; and, in this thread only, a whole auto-encoder step's gradients.
 * Inputs and outputs are plain arrays so that they can cross threads.
 */
import { tf } from "../../tensor/backend.js";
import { sigmoidCrossEntropy } from "../../tensor/sigmoid-cross-entropy.js";
import { assessQueries, type GraphContext, type GraphOptions } from "./graph.js";
import type { AssessorNetwork } from "./network.js";

/** Cell images, row-major (count, rows, cols, 1). */
export interface Images {
  data: Float32Array;
  count: number;
}

function imageTensor(network: AssessorNetwork, images: Images): tf.Tensor4D {
  const { rows, cols } = network.description.image;
  return tf.tensor4d(images.data, [images.count, rows, cols, 1]);
}

/** Gradients of weight·L_rc (sigmoid cross-entropy of the reconstructions) in the auto-encoder's weights. */
export function reconstructionGradients(
  network: AssessorNetwork,
  images: Images,
  weight: number,
): Record<string, Float32Array> {
  const names = network.autoencoderNames();
  const out: Record<string, Float32Array> = {};
  tf.tidy(() => {
    const x = imageTensor(network, images);
    const { grads } = tf.variableGrads(
      () => tf.mul(weight, sigmoidCrossEntropy(x, network.decode(network.encode(x)))) as tf.Scalar,
      names.map((name) => network.variables[name]),
    );
    for (const name of names) out[name] = grads[network.variables[name].name].dataSync() as Float32Array;
  });
  return out;
}

/** The decoder's branch: gradients of weight·L_rc(decode(z)) in z and in the decoder's weights. */
export function decoderGradients(
  network: AssessorNetwork,
  z: Float32Array,
  images: Images,
  weight: number,
): { dz: Float32Array; grads: Record<string, Float32Array> } {
  const names = network.autoencoderNames().filter((name) => name.startsWith("de"));
  const grads: Record<string, Float32Array> = {};
  let dz: Float32Array = new Float32Array(0);
  tf.tidy(() => {
    const x = imageTensor(network, images);
    const zt = tf.tensor2d(z, [images.count, z.length / images.count]);
    const loss = (zin: tf.Tensor) =>
      tf.mul(weight, sigmoidCrossEntropy(x, network.decode(zin as tf.Tensor2D)));
    const all = tf.grads(loss)([zt, ...names.map((name) => network.variables[name])]);
    dz = all[0].dataSync() as Float32Array;
    names.forEach((name, i) => {
      grads[name] = all[i + 1].dataSync() as Float32Array;
    });
  });
  return { dz, grads };
}

/** Raw GCN outputs of queried cells, each joining the context's graph as one more node. */
export function scoreImages(
  network: AssessorNetwork,
  context: GraphContext,
  images: Images,
  options: GraphOptions,
): Float32Array {
  const values = tf.tidy(() =>
    assessQueries(context, network.encode(imageTensor(network, images)), network.gcn(), options),
  );
  const out = values.dataSync() as Float32Array;
  values.dispose();
  return out;
}
