package io.github.medsa.internal.model;

import io.github.medsa.TinyVitSizes;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import io.github.medsa.internal.nn.Layers.GridLayout;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * TinyViT's {@code Conv2d_BN}: a bias-free convolution {@code .c} then BatchNorm {@code .bn} on its running
 * statistics (eval mode, also while adapters train, as Med-SA freezes them), on channels-last grids
 * {@code [B, H, W, C]}.
 *
 * <p>The BatchNorm is folded into the convolution, {@code conv(x, w) * scale + shift = conv(x, w * scale) + shift}
 * (per output channel): one convolution with a bias instead of a convolution and two passes over its output, the
 * same up to float rounding. The fold is computed in the graph from the checkpoint's tensors, so the variables keep
 * their state-dict names and a trainable convolution would still get its gradient. Channels-last because libnd4j's
 * oneDNN convolutions ran 2 to 4 times faster on NHWC than on NCHW grids here (docs/benchmarks.md).
 */
final class Conv2dBn {
  private Conv2dBn() {}

  /**
   * {@code outGain * Conv2d_BN(inGain * x)} for a full convolution {@code in -> out}, kernel {@code k}, padding
   * {@code k / 2}; the gains folded into the weight and bias: how {@link
   * Layers#scaledGelu} leaves GELU's constant factors to the convolutions around it.
   */
  static SDVariable conv(Scope s, SDVariable x, int in, int out, int k, int stride, double inGain, double outGain) {
    BatchNorm bn = BatchNorm.of(s.child("bn"), out, inGain, outGain);
    SDVariable w = Layers.convWeight(s.child("c"), in, out, k).mul(bn.scale); // [k, k, in, out] * [out]
    return Layers.conv2d(x, w, bn.shift, k, stride, k / 2, GridLayout.NHWC);
  }

  /**
   * {@code outGain * Conv2d_BN(inGain * x)} for a depthwise convolution ({@code groups = channels}), kernel {@code k},
   * padding {@code k / 2}.
   */
  static SDVariable depthwise(Scope s, SDVariable x, int channels, int k, int stride, double inGain,
      double outGain) {
    BatchNorm bn = BatchNorm.of(s.child("bn"), channels, inGain, outGain);
    SDVariable w = Layers.depthwiseWeight(s.child("c"), channels, k).mul(bn.scale.reshape(channels, 1)); // [k,k,C,1]
    return Layers.depthwiseConv2d(x, w, bn.shift, k, stride, k / 2, GridLayout.NHWC);
  }

  /**
   * BatchNorm on running statistics as {@code y * scale + shift} per channel, times {@code outGain}, for a
   * convolution's output {@code y} on an input times {@code inGain}: the scale takes both gains, the shift only the
   * output's.
   */
  private record BatchNorm(SDVariable scale, SDVariable shift) {
    /** {@code scale = weight / sqrt(running_var + eps)}, {@code shift = bias - running_mean * scale}, with gains. */
    static BatchNorm of(Scope bn, int channels, double inGain, double outGain) {
      SDVariable scale = bn.param("weight", channels)
          .mul(bn.sd().math.rsqrt(bn.param("running_var", channels).add(TinyVitSizes.BATCH_NORM_EPS)));
      SDVariable shift = bn.param("bias", channels).sub(bn.param("running_mean", channels).mul(scale));
      return new BatchNorm(scale.mul(inGain * outGain), shift.mul(outGain));
    }
  }
}
