package io.github.medsa.internal.nn;

import io.github.medsa.extension.Scope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch layers written from SameDiff primitives that are exact and differentiable in 1.0.0-M2.1
 * ({@code research/samediff-notes.md}): LayerNorm with an epsilon (the built-in op has none), erf GELU
 * (the built-in is the sigmoid approximation), Linear via 2-D matmul (rank-3 x rank-2 matmul does not
 * broadcast), convolutions with PyTorch-layout weights permuted in the graph (so variables keep the
 * checkpoint layout), and reductions on positive axes only (negative axes give wrong gradients).
 */
public final class Layers {
  /** SAM's LayerNorm2d (neck, mask downscaling, output upscaling) always uses 1e-6. */
  public static final double LAYER_NORM_2D_EPS = 1e-6;

  private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

  /**
   * {@code -1 / sqrt 2}, GELU's constant factor when it is written with erfc: {@code GELU(x) = x/2 erfc(-x/sqrt 2)
   * = GELU_GAIN * scaledGelu(GELU_GAIN * x)}. Between two linear maps, both factors move into their weights.
   */
  public static final double GELU_GAIN = -INV_SQRT2;

  private Layers() {}

  /**
   * {@code torch.nn.Linear} on rows: {@code x} is {@code [n, in]}, weight {@code [out, in]}, bias {@code [out]}.
   * Graphs keep token activations as 2-D rows so that a Linear is one matmul and one add: every op costs
   * SameDiff per-call bookkeeping, so fewer ops is faster.
   *
   * @param s the module's scope (holds {@code weight} and {@code bias})
   * @param x the input rows {@code [n, in]}
   * @param in the input width
   * @param out the output width
   * @return the output rows {@code [n, out]}
   */
  public static SDVariable linear(Scope s, SDVariable x, int in, int out) {
    return linear(s, x, in, out, true);
  }

  /**
   * {@code torch.nn.Linear} on rows, with or without its bias.
   *
   * @param s the module's scope (holds {@code weight}, and {@code bias} if it has one)
   * @param x the input rows {@code [n, in]}
   * @param in the input width
   * @param out the output width
   * @param bias whether the module has a bias ({@code bias=True} in PyTorch)
   * @return the output rows {@code [n, out]}
   */
  public static SDVariable linear(Scope s, SDVariable x, int in, int out, boolean bias) {
    return rowsTimes(x, s.param("weight", out, in), bias ? s.param("bias", out) : null);
  }

  /**
   * {@code outGain * Linear(inGain * x)} with the gains folded into the weight and bias (small tensors) rather than
   * applied to the activations: how {@link #scaledGelu} leaves GELU's constant factors to the layers around it.
   *
   * @param s the module's scope (holds {@code weight} and {@code bias})
   * @param x the input rows {@code [n, in]}, the layer's true input divided by {@code inGain}
   * @param in the input width
   * @param out the output width
   * @param inGain what {@code x} is multiplied by before the layer
   * @param outGain what the layer's output is multiplied by
   * @return the output rows {@code [n, out]}
   */
  public static SDVariable linear(Scope s, SDVariable x, int in, int out, double inGain, double outGain) {
    return rowsTimes(x, s.param("weight", out, in).mul(inGain * outGain), s.param("bias", out).mul(outGain));
  }

  /** {@code x W^T + b} on rows {@code [n, in]}, weight {@code [out, in]}, bias {@code [out]} or null. */
  private static SDVariable rowsTimes(SDVariable x, SDVariable weight, SDVariable bias) {
    SDVariable y = x.getSameDiff().mmul(x, weight, false, true, false);
    return bias == null ? y : y.add(bias);
  }

  /**
   * Reshapes {@code x} to the first {@code keep} dimensions of {@code like} followed by {@code tail}: reshapes whose
   * leading sizes (batch, number of prompt tokens) are only known when the graph runs.
   *
   * @param x the variable to reshape
   * @param like the variable whose leading sizes are kept
   * @param keep how many leading sizes of {@code like} to keep
   * @param tail the fixed trailing sizes
   * @return {@code x} reshaped to {@code like.shape[0:keep] + tail}
   */
  public static SDVariable reshapeAs(SDVariable x, SDVariable like, int keep, long... tail) {
    SameDiff sd = x.getSameDiff();
    return sd.reshape(x, sd.concat(0, leading(like, keep), sd.constant(Nd4j.createFromArray(tail))));
  }

  /**
   * The first {@code keep} sizes of {@code like}'s shape, as a graph value.
   *
   * @param like the variable
   * @param keep how many leading sizes
   * @return a rank-1 long variable of length {@code keep}
   */
  public static SDVariable leading(SDVariable like, int keep) {
    return like.getSameDiff().stridedSlice(like.shape(), new long[] {0}, new long[] {keep}, new long[] {1});
  }

  /** Which axis a LayerNorm normalises, named for the tensor layouts our graphs use. */
  public enum NormAxis {
    /** Token rows {@code [n, C]}: {@code torch.nn.LayerNorm(C)} over the last axis. */
    TOKEN_ROWS(1, 2),
    /** NCHW grids {@code [B, C, H, W]}: SAM's {@code LayerNorm2d}, over the channels at each position. */
    CHANNELS(1, 4),
    /** Channels-last grids {@code [B, H, W, C]}: SAM's {@code LayerNorm2d} on that layout. */
    CHANNELS_LAST(3, 4);

    private final int axis;
    private final int rank;

    NormAxis(int axis, int rank) {
      this.axis = axis;
      this.rank = rank;
    }
  }

  /**
   * {@code torch.nn.LayerNorm} on token rows and SAM's {@code LayerNorm2d} on NCHW grids: biased variance, eps
   * inside the square root, affine {@code weight} and {@code bias} of size {@code dim} broadcast along the axis.
   *
   * @param s the module's scope (holds {@code weight} and {@code bias})
   * @param x the input, laid out as {@code layout} says
   * @param dim the size of the normalised axis
   * @param eps added to the variance
   * @param layout which axis is normalised
   * @return the normalised input, same shape as {@code x}
   */
  public static SDVariable layerNorm(Scope s, SDVariable x, int dim, double eps, NormAxis layout) {
    int axis = layout.axis;
    int rank = layout.rank;
    SDVariable normed = standardize(x, eps, layout);
    SDVariable w = s.param("weight", dim);
    SDVariable b = s.param("bias", dim);
    if (axis == rank - 1) {
      return normed.mul(w).add(b);
    }
    long[] bshape = new long[rank];
    java.util.Arrays.fill(bshape, 1);
    bshape[axis] = dim;
    return normed.mul(w.reshape(bshape)).add(b.reshape(bshape));
  }

  /**
   * LayerNorm without its affine part: {@code (x - mean) / sqrt(var + eps)} along the layout's axis, biased
   * variance.
   *
   * @param x the input, laid out as {@code layout} says
   * @param eps added to the variance
   * @param layout which axis is normalised
   * @return the standardised input, same shape as {@code x}
   */
  public static SDVariable standardize(SDVariable x, double eps, NormAxis layout) {
    SameDiff sd = x.getSameDiff();
    SDVariable mean = sd.mean(x, true, layout.axis);
    SDVariable centred = x.sub(mean);
    SDVariable var = sd.mean(centred.mul(centred), true, layout.axis);
    return centred.mul(sd.math.rsqrt(var.add(eps)));
  }

  /**
   * {@code outGain * Linear(LayerNorm(x))} on token rows with the norm's {@code weight} and {@code bias} folded into
   * the Linear's: {@code W diag(weight)} and {@code bias_linear + W bias_norm} (small tensors, computed once for
   * frozen weights by {@code ConstantFolding}), so the activations skip the norm's two affine passes.
   *
   * @param norm the LayerNorm's scope (holds {@code weight} and {@code bias} of size {@code in})
   * @param linear the Linear's scope (holds {@code weight [out, in]} and {@code bias [out]})
   * @param standardized {@link #standardize}d rows {@code [n, in]}
   * @param in the width
   * @param out the Linear's output width
   * @param outGain what the Linear's output is multiplied by (see {@link #scaledGelu})
   * @return the output rows {@code [n, out]}
   */
  public static SDVariable linearAfterNorm(Scope norm, Scope linear, SDVariable standardized, int in, int out,
      double outGain) {
    double[] gains = new double[out];
    java.util.Arrays.fill(gains, outGain);
    return linearAfterNorm(norm, linear, standardized, in, out, gains);
  }

  /**
   * {@link #linearAfterNorm(Scope, Scope, SDVariable, int, int, double)} with one gain per output column (attention
   * folds its score scale into the query columns this way).
   *
   * @param norm the LayerNorm's scope (holds {@code weight} and {@code bias} of size {@code in})
   * @param linear the Linear's scope (holds {@code weight [out, in]} and {@code bias [out]})
   * @param standardized {@link #standardize}d rows {@code [n, in]}
   * @param in the width
   * @param out the Linear's output width
   * @param outGains what each output column is multiplied by, {@code out} of them
   * @return the output rows {@code [n, out]}
   */
  public static SDVariable linearAfterNorm(Scope norm, Scope linear, SDVariable standardized, int in, int out,
      double[] outGains) {
    SameDiff sd = linear.sd();
    SDVariable gains = sd.constant(Nd4j.createFromArray(outGains).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
    SDVariable w = linear.param("weight", out, in);
    SDVariable folded = w.mul(norm.param("weight", in)).mul(gains.reshape(out, 1)); // [out, in] * [in] * [out, 1]
    SDVariable shift = sd.mmul(w, norm.param("bias", in).reshape(in, 1)).reshape(out); // W bias_norm
    return rowsTimes(standardized, folded, linear.param("bias", out).add(shift).mul(gains));
  }

  /**
   * Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}, as {@code torch.nn.GELU()}.
   *
   * @param x the input
   * @return GELU of {@code x}, same shape
   */
  public static SDVariable gelu(SDVariable x) {
    return x.mul(0.5).mul(x.getSameDiff().math.erf(x.mul(INV_SQRT2)).add(1.0));
  }

  /**
   * Exact GELU without its constant factors: {@code u erfc(u)}, so that {@code GELU(x) = GELU_GAIN *
   * scaledGelu(GELU_GAIN * x)}. Where GELU sits between two linear maps (a Linear or a convolution, with or without
   * BatchNorm), the producer folds {@link #GELU_GAIN} into its weight and bias and the consumer into its weight: two
   * elementwise passes over the activations instead of {@link #gelu}'s five. Equal to {@code torch.nn.GELU()} up to
   * float rounding ({@code erfc} of large arguments included: the product stays near zero as GELU does).
   *
   * @param u the GELU input times {@link #GELU_GAIN}
   * @return GELU of {@code u / GELU_GAIN}, divided by {@link #GELU_GAIN}; same shape
   */
  public static SDVariable scaledGelu(SDVariable u) {
    return u.mul(u.getSameDiff().math.erfc(u));
  }

  /**
   * {@code torch.nn.ReLU}.
   *
   * @param x the input
   * @return {@code max(x, 0)}, same shape
   */
  public static SDVariable relu(SDVariable x) {
    return x.getSameDiff().nn.relu(x, 0.0);
  }

  /** How a 4-D grid is laid out: channels first ({@code [B, C, H, W]}, PyTorch's) or last ({@code [B, H, W, C]}). */
  public enum GridLayout {
    /** {@code [B, C, H, W]}. */
    NCHW,
    /** {@code [B, H, W, C]}: token rows {@code [B * H * W, C]} reshaped, no copy of the data's order. */
    NHWC
  }

  /**
   * A convolution's configuration: square kernel {@code k}, equal strides and zero padding, dilation 1, weights in
   * SameDiff's default YXIO layout (its OIYX option has a broken backward pass in M2.1).
   */
  private static Conv2DConfig convConfig(int k, int stride, int pad, GridLayout layout) {
    return Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad).dataFormat(layout.name())
        .weightsFormat(WeightsFormat.YXIO).build();
  }

  /**
   * A convolution with a weight already in SameDiff's layout ({@link #convWeight}, possibly with factors folded in).
   *
   * @param x the input grid
   * @param weight {@code [k, k, in, out]}
   * @param bias {@code [out]}, or null for none
   * @param k kernel size (square)
   * @param stride stride along both axes
   * @param pad zero padding on every side, in pixels
   * @param layout how input and output are laid out
   * @return the output grid, same layout
   */
  public static SDVariable conv2d(SDVariable x, SDVariable weight, SDVariable bias, int k, int stride, int pad,
      GridLayout layout) {
    Conv2DConfig cfg = convConfig(k, stride, pad, layout);
    SameDiff sd = x.getSameDiff();
    return bias == null ? sd.cnn.conv2d(x, weight, cfg) : sd.cnn.conv2d(x, weight, bias, cfg);
  }

  /**
   * A depthwise convolution ({@code groups = channels}) with a weight already in SameDiff's layout
   * ({@link #depthwiseWeight}, possibly with factors folded in).
   *
   * @param x the input grid
   * @param weight {@code [k, k, channels, 1]}
   * @param bias {@code [channels]}, or null for none
   * @param k kernel size (square)
   * @param stride stride along both axes
   * @param pad zero padding on every side, in pixels
   * @param layout how input and output are laid out
   * @return the output grid, same layout
   */
  public static SDVariable depthwiseConv2d(SDVariable x, SDVariable weight, SDVariable bias, int k, int stride,
      int pad, GridLayout layout) {
    Conv2DConfig cfg = convConfig(k, stride, pad, layout);
    SameDiff sd = x.getSameDiff();
    return bias == null ? sd.cnn.depthWiseConv2d(x, weight, cfg) : sd.cnn.depthWiseConv2d(x, weight, bias, cfg);
  }

  /**
   * A {@code torch.nn.Conv2d}'s weight, PyTorch's {@code [out, in, k, k]} variable seen as SameDiff's YXIO
   * {@code [k, k, in, out]}.
   *
   * @param s the module's scope (holds {@code weight})
   * @param in input channels
   * @param out output channels
   * @param k kernel size (square)
   * @return the weight {@code [k, k, in, out]}
   */
  public static SDVariable convWeight(Scope s, int in, int out, int k) {
    return s.param("weight", out, in, k, k).permute(2, 3, 1, 0);
  }

  /**
   * A depthwise {@code torch.nn.Conv2d}'s weight ({@code groups = channels}), PyTorch's {@code [channels, 1, k, k]}
   * variable seen as SameDiff's depthwise layout {@code [k, k, channels, 1]}.
   *
   * @param s the module's scope (holds {@code weight})
   * @param channels the number of channels (and groups)
   * @param k kernel size (square)
   * @return the weight {@code [k, k, channels, 1]}
   */
  public static SDVariable depthwiseWeight(Scope s, int channels, int k) {
    return s.param("weight", channels, 1, k, k).permute(2, 3, 0, 1);
  }

  /**
   * {@code torch.nn.Conv2d} on NCHW input, weight {@code [out, in, k, k]}.
   *
   * @param s the module's scope (holds {@code weight}, and {@code bias} if it has one)
   * @param x the input {@code [B, in, H, W]}
   * @param in input channels
   * @param out output channels
   * @param k kernel size (square)
   * @param stride stride along both axes
   * @param pad zero padding on every side, in pixels
   * @param bias whether the module has a bias
   * @return the output {@code [B, out, H', W']}
   */
  public static SDVariable conv2d(Scope s, SDVariable x, int in, int out, int k, int stride, int pad,
      boolean bias) {
    return conv2d(s, x, in, out, k, stride, pad, bias, GridLayout.NCHW);
  }

  /**
   * {@code torch.nn.Conv2d} on a grid laid out as {@code layout} says, weight {@code [out, in, k, k]}.
   *
   * @param s the module's scope (holds {@code weight}, and {@code bias} if it has one)
   * @param x the input grid
   * @param in input channels
   * @param out output channels
   * @param k kernel size (square)
   * @param stride stride along both axes
   * @param pad zero padding on every side, in pixels
   * @param bias whether the module has a bias
   * @param layout how input and output are laid out
   * @return the output grid, same layout
   */
  public static SDVariable conv2d(Scope s, SDVariable x, int in, int out, int k, int stride, int pad, boolean bias,
      GridLayout layout) {
    return conv2d(x, convWeight(s, in, out, k), bias ? s.param("bias", out) : null, k, stride, pad, layout);
  }

  /**
   * {@code torch.nn.ConvTranspose2d} (no padding) on NCHW input, weight {@code [in, out, k, k]}, with bias.
   *
   * @param s the module's scope (holds {@code weight} and {@code bias})
   * @param x the input {@code [B, in, H, W]}
   * @param in input channels
   * @param out output channels
   * @param k kernel size (square)
   * @param stride stride along both axes
   * @return the output {@code [B, out, H', W']}
   */
  public static SDVariable convTranspose2d(Scope s, SDVariable x, int in, int out, int k, int stride) {
    SDVariable w = s.param("weight", in, out, k, k).permute(2, 3, 1, 0); // deconv2d wants [kH, kW, out, in]
    DeConv2DConfig cfg = DeConv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).dataFormat("NCHW").build();
    return s.sd().cnn.deconv2d(x, w, s.param("bias", out), cfg);
  }

  /**
   * Scaled dot-product attention over the last two axes: {@code softmax(q k^T * scale + bias) v}.
   * Shared by the encoder (heads folded into the batch, rank 3) and the decoder (rank 4).
   *
   * @param q queries {@code [..., Nq, c]}
   * @param k keys {@code [..., Nk, c]}
   * @param v values {@code [..., Nk, c']}
   * @param scale multiplies the scores (usually {@code 1 / sqrt(c)}; 1 if {@code q} is already scaled)
   * @param bias added to the scores {@code [..., Nq, Nk]} (broadcast), or null for none
   * @return the attention output {@code [..., Nq, c']}
   */
  public static SDVariable attention(SDVariable q, SDVariable k, SDVariable v, double scale, SDVariable bias) {
    SameDiff sd = q.getSameDiff();
    SDVariable scores = sd.mmul(q, k, false, true, false);
    if (scale != 1.0) { // 1 where the caller folded the scale into the queries
      scores = scores.mul(scale);
    }
    if (bias != null) {
      scores = scores.add(bias);
    }
    return sd.mmul(sd.nn.softmax(scores, -1), v);
  }
}
