/**
 * A k×k 'same' convolution (stride 1) whose filter can be trained on the wasm backend, which has no
 * Conv2DBackpropFilter kernel (and a slow Conv2DBackpropInput). Forward and both gradients are plain
 * conv2d calls: dx = conv2d(dy, flipped filter with in/out swapped), and the filter gradient is a
 * 'valid' conv2d of the padded input with dy, batch taking the place of channels.
 */
import { tf } from "./backend.js";
import { addBias } from "./bias.js";

const conv = tf.customGrad((...args) => {
  const [x, filter, save] = args as unknown as [tf.Tensor4D, tf.Tensor4D, (t: tf.Tensor[]) => void];
  save([x, filter]);
  return {
    value: tf.conv2d(x, filter, 1, "same"),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, f] = saved as [tf.Tensor4D, tf.Tensor4D];
      const gy = dy as tf.Tensor4D;
      const pad = (f.shape[0] - 1) / 2;
      const dx = tf.conv2d(gy, tf.transpose(tf.reverse(f, [0, 1]), [0, 1, 3, 2]), 1, "same");
      const padded = tf.pad(input, [
        [0, 0],
        [pad, pad],
        [pad, pad],
        [0, 0],
      ]);
      const xt = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D; // (in, H+2p, W+2p, batch)
      const dyt = tf.transpose(gy, [1, 2, 0, 3]) as tf.Tensor4D; // (H, W, batch, out)
      const dw = tf.transpose(tf.conv2d(xt, dyt, 1, "valid"), [1, 2, 0, 3]); // (k, k, in, out)
      return [dx, dw];
    },
  };
});

/** x: (batch, height, width, in); filter: (k, k, in, out); bias: (out). Returns (batch, height, width, out). */
export function conv2dSame(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  return addBias(conv(x, filter) as tf.Tensor4D, bias);
}
