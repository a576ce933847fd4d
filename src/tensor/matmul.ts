/**
 * Matrix product for training on the wasm backend. tfjs' wasm BatchMatMul is 10–20× slower with its
 * transpose flags than on pre-transposed operands (measured: 1024×16·16×1024 in 24 ms with a flag,
 * 5 ms after an explicit transpose), and its Transpose is slow on large matrices (1024×672: 6 ms), so
 * the gradients transpose only the smaller operands: aᵀ·g is computed as (gᵀ·a)ᵀ when a is the larger.
 */
import { tf } from "./backend.js";

const product = tf.customGrad((...args) => {
  const [a, b, save] = args as unknown as [tf.Tensor2D, tf.Tensor2D, (t: tf.Tensor[]) => void];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, y] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [transposedLeftProduct(g, y), transposedRightProduct(x, g)];
    },
  };
});

const dataProduct = tf.customGrad((...args) => {
  const [x, w, save] = args as unknown as [tf.Tensor2D, tf.Tensor2D, (t: tf.Tensor[]) => void];
  save([x]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [data] = saved as [tf.Tensor2D];
      return [tf.zerosLike(data), transposedRightProduct(data, dy as tf.Tensor2D)];
    },
  };
});

/** g·yᵀ, transposing whichever of y or the result is smaller. */
export function transposedLeftProduct(g: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  return y.size <= g.shape[0] * y.shape[0] + g.size
    ? tf.matMul(g, tf.transpose(y))
    : (tf.transpose(tf.matMul(y, tf.transpose(g))) as tf.Tensor2D);
}

/** xᵀ·g, transposing x, or g and the result, whichever moves less. */
export function transposedRightProduct(x: tf.Tensor2D, g: tf.Tensor2D): tf.Tensor2D {
  return x.size <= g.size + x.shape[1] * g.shape[1]
    ? tf.matMul(tf.transpose(x), g)
    : (tf.transpose(tf.matMul(tf.transpose(g), x)) as tf.Tensor2D);
}

/** a·b, or a·bᵀ / aᵀ·b with the flags, always computed on explicitly transposed operands. */
export function matMul(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor2D {
  return product(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b) as tf.Tensor2D;
}

/**
 * x·w for an x that is input data, not trained (a network's first layer): the gradient flows to w only,
 * and x's is zeros, never computed — tfjs' backpropagation discards it anyway, and computing it (a
 * transpose and a product per step) was waste in every fit. The same values and w-gradient as matMul.
 */
export function inputProduct(x: tf.Tensor2D, w: tf.Tensor): tf.Tensor2D {
  return dataProduct(x, w) as tf.Tensor2D;
}
