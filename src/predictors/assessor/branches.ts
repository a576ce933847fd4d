/**
 * The parts of the assessor's work that can run in either thread (helper.ts): the auto-encoder's work
 * on a part of a batch's rows (encode, decode, the gradients of its share of λ·L_rc, and, in a joint
 * step, of the rest of the loss once the step hands back the gradient in the part's embeddings), and
 * the scores of a chunk of queried cells. Inputs and outputs are plain arrays so that they can cross
 * threads.
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

/** Rows [from, to) of a batch of images (a view, not a copy). */
export function imageRows(images: Images, from: number, to: number): Images {
  const pixels = images.data.length / images.count;
  return { data: images.data.subarray(from * pixels, to * pixels), count: to - from };
}

export function imageTensor(network: AssessorNetwork, images: Images): tf.Tensor4D {
  const { rows, cols } = network.description.image;
  return tf.tensor4d(images.data, [images.count, rows, cols, 1]);
}

/**
 * How a part of a joint step meets the rest of it: the part publishes its embeddings z (the graph and
 * the GCN need every row's), and on its way back receives the gradient of the rest of the loss in z.
 */
export interface EmbeddingExchange {
  publish(z: Float32Array): void;
  /** Blocks, in the helper, until the step has computed it. */
  gradient(): Float32Array;
}

/** The embeddings of images, outside any gradient tape. */
export function embed(network: AssessorNetwork, images: Images): Float32Array {
  const z = tf.tidy(() => network.encode(imageTensor(network, images)));
  const out = z.dataSync() as Float32Array;
  z.dispose();
  return out;
}

/**
 * Gradients in every auto-encoder weight of weight·L_rc over these images, plus, with `exchange`,
 * of the rest of the loss through the embeddings.
 */
export function autoencoderGradients(
  network: AssessorNetwork,
  images: Images,
  weight: number,
  exchange?: EmbeddingExchange,
): Record<string, Float32Array> {
  const names = network.autoencoderNames();
  const out: Record<string, Float32Array> = {};
  tf.tidy(() => {
    const x = imageTensor(network, images);
    const { grads } = tf.variableGrads(
      () => {
        let z = network.encode(x);
        if (exchange) {
          exchange.publish(z.dataSync() as Float32Array);
          z = withAddedGradient(z, () => exchange.gradient());
        }
        return tf.mul(weight, sigmoidCrossEntropy(x, network.decode(z))) as tf.Scalar;
      },
      names.map((name) => network.variables[name]),
    );
    for (const name of names) out[name] = grads[network.variables[name].name].dataSync() as Float32Array;
  });
  return out;
}

/** z unchanged, whose gradient on the way back gains `extra()` (row-major, z's shape). */
export function withAddedGradient(z: tf.Tensor2D, extra: () => Float32Array): tf.Tensor2D {
  const op = tf.customGrad((...args) => {
    const [input] = args as unknown as [tf.Tensor2D];
    return {
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor) => tf.add(dy, tf.tensor2d(extra(), input.shape)),
    };
  });
  return op(z) as tf.Tensor2D;
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
