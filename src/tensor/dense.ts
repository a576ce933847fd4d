/**
 * A fully connected layer relu?(x·W + b) as one fused kernel forward, with gradients computed on
 * explicitly transposed operands (see matmul.ts) and the bias gradient as column sums (bias.ts).
 */
import { tf } from "./backend.js";
import { columnSums } from "./bias.js";
import { transposedLeftProduct, transposedRightProduct } from "./matmul.js";

/** x: (batch, in); w: (in, out); bias: (out). Returns (batch, out). */
export function denseLayer(x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D, relu: boolean): tf.Tensor2D {
  const op = tf.customGrad((...args) => {
    const [a, b, c, save] = args as unknown as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      (t: tf.Tensor[]) => void,
    ];
    // the kernel itself: tf.fused.matMul falls back to unfused kernels while gradients are recorded
    const fused = tf
      .engine()
      .runKernel(
        "_FusedMatMul",
        { a: tf.reshape(a, [1, ...a.shape]), b: tf.reshape(b, [1, ...b.shape]), bias: c },
        { transposeA: false, transposeB: false, activation: relu ? "relu" : "linear" },
      ) as tf.Tensor3D;
    const out = tf.reshape(fused, [a.shape[0], b.shape[1]]) as tf.Tensor2D;
    save([a, b, out]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = (relu ? tf.mul(dy, tf.step(ys)) : dy) as tf.Tensor2D;
        const db = columnSums(g);
        return [transposedLeftProduct(g, ws), transposedRightProduct(xs, g), db];
      },
    };
  });
  return op(x, w, bias) as tf.Tensor2D;
}
