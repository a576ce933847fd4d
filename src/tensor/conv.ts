/**
 * A k×k 'same' convolution layer (stride 1, + bias, optional ReLU) whose filter can be trained on the
 * wasm backend, which has no Conv2DBackpropFilter kernel (and a slow Conv2DBackpropInput). The forward
 * pass is one fused conv2d + bias + ReLU kernel; the gradients are plain conv2d calls: dx = conv2d(dy,
 * flipped filter with in/out swapped), and the filter gradient a conv2d of the input with dy, batch
 * taking the place of channels and the padding given explicitly (a tf.pad of the input costs as much as
 * the convolution itself).
 */
import { tf } from "./backend.js";
import { columnSums } from "./bias.js";

export interface ConvOptions {
  /** Apply ReLU to the output. */
  relu: boolean;
  /** Compute the gradient with respect to the input (not needed when the input is data). */
  inputGradient: boolean;
}

/** x: (batch, height, width, in); filter: (k, k, in, out); bias: (out). Returns (batch, height, width, out). */
export function conv2dSame(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  options: ConvOptions = { relu: false, inputGradient: true },
): tf.Tensor4D {
  const forward = (input: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D, save: (t: tf.Tensor[]) => void) => {
    // the kernel itself: tf.fused.conv2d falls back to three unfused kernels while gradients are recorded
    const out = tf.engine().runKernel(
      "FusedConv2D",
      { x: input, filter: f, bias: b },
      {
        strides: [1, 1],
        pad: "same",
        dataFormat: "NHWC",
        dilations: [1, 1],
        activation: options.relu ? "relu" : "linear",
      },
    ) as tf.Tensor4D;
    save([input, f, out]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs, ys] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const g = (options.relu ? tf.mul(dy, tf.step(ys)) : dy) as tf.Tensor4D;
        const db = columnSums(tf.reshape(g, [-1, fs.shape[3]]) as tf.Tensor2D);
        const p = (fs.shape[0] - 1) / 2;
        const xt = tf.transpose(xs, [3, 1, 2, 0]) as tf.Tensor4D; // (in, H, W, batch)
        const gt = tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D; // (H, W, batch, out)
        const padding: [[number, number], [number, number], [number, number], [number, number]] = [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ];
        const df = tf.transpose(tf.conv2d(xt, gt, 1, padding), [1, 2, 0, 3]); // (k, k, in, out)
        if (!options.inputGradient) return [df, db];
        const dx = tf.conv2d(g, tf.transpose(tf.reverse(fs, [0, 1]), [0, 1, 3, 2]), 1, "same");
        return [dx, df, db];
      },
    };
  };
  if (options.inputGradient) {
    const op = tf.customGrad((...args) => {
      const [input, f, b, save] = args as unknown as [
        tf.Tensor4D,
        tf.Tensor4D,
        tf.Tensor1D,
        (t: tf.Tensor[]) => void,
      ];
      return forward(input, f, b, save);
    });
    return op(x, filter, bias) as tf.Tensor4D;
  }
  const op = tf.customGrad((...args) => {
    const [f, b, save] = args as unknown as [tf.Tensor4D, tf.Tensor1D, (t: tf.Tensor[]) => void];
    return forward(x, f, b, save);
  });
  return op(filter, bias) as tf.Tensor4D;
}
