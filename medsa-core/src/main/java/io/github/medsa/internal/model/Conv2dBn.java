package io.github.medsa.internal.model;

import io.github.medsa.TinyVitSizes;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * TinyViT's {@code Conv2d_BN}: a bias-free convolution {@code .c} then BatchNorm {@code .bn} on its running
 * statistics (eval mode, also while adapters train, as Med-SA freezes them), on NCHW grids.
 */
final class Conv2dBn {
  private Conv2dBn() {}

  /** A full convolution {@code in -> out}, kernel {@code k}, padding {@code k / 2}. */
  static SDVariable conv(Scope s, SDVariable x, int in, int out, int k, int stride) {
    return batchNorm(s.child("bn"), Layers.conv2d(s.child("c"), x, in, out, k, stride, k / 2, false), out);
  }

  /** A depthwise convolution ({@code groups = channels}), kernel {@code k}, padding {@code k / 2}. */
  static SDVariable depthwise(Scope s, SDVariable x, int channels, int k, int stride) {
    return batchNorm(s.child("bn"), Layers.depthwiseConv2d(s.child("c"), x, channels, k, stride, k / 2), channels);
  }

  /** {@code (x - running_mean) / sqrt(running_var + eps) * weight + bias}, per channel of {@code [B, C, H, W]}. */
  private static SDVariable batchNorm(Scope bn, SDVariable x, int channels) {
    SDVariable scale = bn.param("weight", channels)
        .mul(bn.sd().math.rsqrt(bn.param("running_var", channels).add(TinyVitSizes.BATCH_NORM_EPS)));
    SDVariable shift = bn.param("bias", channels).sub(bn.param("running_mean", channels).mul(scale));
    return x.mul(scale.reshape(1, channels, 1, 1)).add(shift.reshape(1, channels, 1, 1));
  }
}
