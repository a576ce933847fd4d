/**
 * The assessor's network (paper, section 3): a convolutional auto-encoder on the matrix representation
 * (encoder: two 3×3 convolutions + a fully connected layer to the embedding; decoder: the reverse) and
 * a two-layer GCN on the relation graph, ŷ = Â·ReLU(Â·E(X)·W0)·W1 (+ a bias).
 */
import type { Rng } from "../../random.js";
import { tf } from "../../tensor/backend.js";
import { conv2dSame } from "../../tensor/conv.js";
import { denseLayer } from "../../tensor/dense.js";
import { type GcnWeights, type GraphOptions, graphConvolution } from "./graph.js";
import type { AssessorOptions } from "./options.js";

/** Each cell is a rows × cols one-channel image: vertex rows of [adjacency row | one-hot op]. */
export interface ImageShape {
  rows: number;
  cols: number;
}

export interface StoredWeight {
  shape: number[];
  data: Float32Array;
}

export type Sizes = Pick<AssessorOptions, "embedding" | "channels" | "hidden" | "autoencoder">;

function layerShapes(image: ImageShape, o: Sizes): Record<string, number[]> {
  const [c1, c2] = o.channels;
  const flat = image.rows * image.cols * c2;
  if (!o.autoencoder) {
    // the ablation without auto-encoder: the GCN reads the flattened image itself
    return { gcn0: [image.rows * image.cols, o.hidden], gcn1: [o.hidden, 1], gcn1Bias: [1] };
  }
  return {
    conv1: [3, 3, 1, c1],
    conv1Bias: [c1],
    conv2: [3, 3, c1, c2],
    conv2Bias: [c2],
    encode: [flat, o.embedding],
    encodeBias: [o.embedding],
    decode: [o.embedding, flat],
    decodeBias: [flat],
    deconv1: [3, 3, c2, c1],
    deconv1Bias: [c1],
    deconv2: [3, 3, c1, 1],
    deconv2Bias: [1],
    gcn0: [o.embedding, o.hidden],
    gcn1: [o.hidden, 1],
    gcn1Bias: [1],
  };
}

/** The first convolution reads the data (no input gradient); the others pass gradients on. */
const DATA_INPUT = { relu: true, inputGradient: false };
const HIDDEN = { relu: true, inputGradient: true };
const OUTPUT = { relu: false, inputGradient: true };

export class AssessorNetwork {
  readonly variables: Record<string, tf.Variable>;

  private constructor(
    readonly image: ImageShape,
    private readonly sizes: Sizes,
    weights: Record<string, StoredWeight>,
  ) {
    this.variables = {};
    // tidy: each variable shares its initial tensor's data, and that tensor would outlive the network
    tf.tidy(() => {
      for (const [name, w] of Object.entries(weights))
        this.variables[name] = tf.variable(tf.tensor(w.data, w.shape), true, undefined);
    });
  }

  /** A network with Glorot-uniform weights and zero biases drawn from `rng`. */
  static initial(image: ImageShape, sizes: Sizes, rng: Rng): AssessorNetwork {
    const weights: Record<string, StoredWeight> = {};
    for (const [name, shape] of Object.entries(layerShapes(image, sizes))) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      if (shape.length >= 2) {
        // Glorot: fan-in and fan-out of a dense (in, out) or conv (k, k, in, out) weight
        const receptive = shape.length === 4 ? shape[0] * shape[1] : 1;
        const limit = Math.sqrt(6 / (receptive * (shape[shape.length - 2] + shape[shape.length - 1])));
        for (let i = 0; i < size; i++) data[i] = (rng.float() * 2 - 1) * limit;
      }
      weights[name] = { shape, data };
    }
    return new AssessorNetwork(image, sizes, weights);
  }

  /** A network with the given weights; their names and shapes must match the sizes. */
  static fromWeights(
    image: ImageShape,
    sizes: Sizes,
    weights: Record<string, StoredWeight>,
  ): AssessorNetwork {
    for (const [name, shape] of Object.entries(layerShapes(image, sizes))) {
      const w = weights[name];
      if (!w || w.shape.join("x") !== shape.join("x") || w.data.length !== shape.reduce((a, b) => a * b, 1)) {
        throw new Error(`weight ${name} is missing or not of shape ${shape.join("×")}`);
      }
    }
    return new AssessorNetwork(image, sizes, weights);
  }

  /** Embeddings E(X) of images (batch, rows, cols, 1); without auto-encoder, the flattened images. */
  encode(x: tf.Tensor4D): tf.Tensor2D {
    const v = this.variables;
    if (!this.sizes.autoencoder) return tf.reshape(x, [x.shape[0], -1]);
    return tf.tidy(() => {
      const h1 = conv2dSame(x, v.conv1 as tf.Tensor4D, v.conv1Bias as tf.Tensor1D, DATA_INPUT);
      const h2 = conv2dSame(h1, v.conv2 as tf.Tensor4D, v.conv2Bias as tf.Tensor1D, HIDDEN);
      const flat = tf.reshape(h2, [x.shape[0], -1]) as tf.Tensor2D;
      return denseLayer(flat, v.encode as tf.Tensor2D, v.encodeBias as tf.Tensor1D, false);
    });
  }

  /** Reconstruction logits (batch, rows, cols, 1) of embeddings. */
  decode(z: tf.Tensor2D): tf.Tensor4D {
    const v = this.variables;
    const [, c2] = this.sizes.channels;
    return tf.tidy(() => {
      const flat = denseLayer(z, v.decode as tf.Tensor2D, v.decodeBias as tf.Tensor1D, true);
      const h2 = tf.reshape(flat, [z.shape[0], this.image.rows, this.image.cols, c2]) as tf.Tensor4D;
      const h1 = conv2dSame(h2, v.deconv1 as tf.Tensor4D, v.deconv1Bias as tf.Tensor1D, HIDDEN);
      return conv2dSame(h1, v.deconv2 as tf.Tensor4D, v.deconv2Bias as tf.Tensor1D, OUTPUT);
    });
  }

  /** The GCN's output Â·ReLU(Â·z·W0)·W1 + b for every node of the relation graph of the embeddings z. */
  assess(z: tf.Tensor2D, options: GraphOptions): tf.Tensor1D {
    return graphConvolution(z, this.gcn(), options);
  }

  /** The GCN's weights. */
  gcn(): GcnWeights {
    const v = this.variables;
    return { w0: v.gcn0 as tf.Tensor2D, w1: v.gcn1 as tf.Tensor2D, bias: v.gcn1Bias as tf.Tensor1D };
  }

  /** The current weights, copied out of the backend; only those named in `names` if given. */
  weights(names?: readonly string[]): Record<string, StoredWeight> {
    const out: Record<string, StoredWeight> = {};
    for (const [name, variable] of Object.entries(this.variables)) {
      if (names && !names.includes(name)) continue;
      out[name] = { shape: variable.shape.slice(), data: variable.dataSync() as Float32Array };
    }
    return out;
  }

  /** Overwrites the named weights (shapes must match). */
  setWeights(weights: Record<string, StoredWeight>): void {
    for (const [name, w] of Object.entries(weights)) {
      const variable = this.variables[name];
      if (!variable) throw new Error(`no weight ${name}`);
      tf.tidy(() => variable.assign(tf.tensor(w.data, w.shape)));
    }
  }

  /** The names of the auto-encoder's weights (none without auto-encoder). */
  autoencoderNames(): string[] {
    return Object.keys(this.variables).filter((name) => !name.startsWith("gcn"));
  }

  /** The shape description a copy of this network is built from. */
  get description(): { image: ImageShape; sizes: Sizes } {
    return { image: this.image, sizes: this.sizes };
  }

  dispose(): void {
    for (const variable of Object.values(this.variables)) variable.dispose();
  }
}

/**
 * Rearranges the space's encoding (adjacency block, then op block) into one image per cell whose
 * row v is [adjacency row v | one-hot op of v].
 */
export function cellImages(
  encoding: Float32Array,
  count: number,
  vertices: number,
  opTypes: number,
): Float32Array {
  const cols = vertices + opTypes;
  const size = vertices * vertices + vertices * opTypes;
  const out = new Float32Array(count * vertices * cols);
  for (let c = 0; c < count; c++) {
    for (let v = 0; v < vertices; v++) {
      const to = (c * vertices + v) * cols;
      out.set(encoding.subarray(c * size + v * vertices, c * size + (v + 1) * vertices), to);
      const opFrom = c * size + vertices * vertices + v * opTypes;
      out.set(encoding.subarray(opFrom, opFrom + opTypes), to + vertices);
    }
  }
  return out;
}
