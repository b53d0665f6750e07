package io.github.medsa.internal.model;

import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * TinyViT's {@code TinyViTBlock} on token rows {@code [B * g * g, C]} (row-major over b, y, x): window attention
 * with the LayerNorm inside ({@code attn.norm}, applied after zero padding, so padded positions hold its bias),
 * learned offset biases, residual; the depthwise {@code local_conv}; then the MLP ({@code mlp.norm}, {@code fc1},
 * GELU, {@code fc2}) with a residual. Med-SA's adapters enter through the {@link EncoderBlockExtension}: the
 * attention output and the MLP's (un-normalised) input, as the official Med-SA TinyViT block.
 */
final class TinyVitBlock {
  private final int dim;
  private final int heads;
  private final int window;
  private final int mlpDim;
  private final int localConv;
  private final double eps;

  TinyVitBlock(int dim, int heads, int window, int mlpDim, int localConv, double eps) {
    this.dim = dim;
    this.heads = heads;
    this.window = window;
    this.mlpDim = mlpDim;
    this.localConv = localConv;
    this.eps = eps;
  }

  /** Block {@code index} (counted over every TinyViT block of the encoder) on a {@code g x g} grid. */
  SDVariable apply(Scope b, int index, SDVariable x, int g, EncoderBlockExtension extension) {
    Scope a = b.child("attn");
    // Windows padded at the bottom/right, attention per window, padding cropped: token rows again.
    SDVariable windows = ImageEncoder.windowPartition(x.reshape(-1, g, g, dim), g, window, dim); // [B*nW, ws, ws, C]
    SDVariable attnOut = ImageEncoder.windowUnpartition(attention(a, windows.reshape(-1, dim))
        .reshape(-1, window, window, dim), g, window, dim).reshape(-1, dim);
    EncoderBlockExtension.BlockAttention unsupported = (grid, h, w) -> {
      throw new UnsupportedOperationException("TinyViT blocks have no attention over arbitrary grids (SD-Trans)");
    };
    x = x.add(extension.attentionResidual(b, index, attnOut, x, unsupported));

    // Token rows are a channels-last grid as they are: [B * g * g, C] -> [B, g, g, C] -> rows again.
    x = Conv2dBn.depthwise(b.child("local_conv"), x.reshape(-1, g, g, dim), dim, localConv, 1, 1.0, 1.0)
        .reshape(-1, dim);

    Scope m = b.child("mlp");
    SDVariable standardized = Layers.standardize(x, eps, Layers.NormAxis.TOKEN_ROWS); // norm's affine: in fc1
    double gain = Layers.GELU_GAIN; // the GELU's two constant factors go to fc1 and fc2
    SDVariable hidden = Layers.scaledGelu(
        Layers.linearAfterNorm(m.child("norm"), m.child("fc1"), standardized, dim, mlpDim, gain));
    SDVariable mlp = Layers.linear(m.child("fc2"), hidden, mlpDim, dim, gain, 1.0);
    return x.add(extension.mlpResidual(b, index, mlp, x));
  }

  /** Attention within windows: token rows {@code [B' * N, C]} in and out, {@code N = ws * ws}. */
  private SDVariable attention(Scope a, SDVariable rows) {
    int n = window * window;
    int hd = dim / heads;
    SDVariable standardized = Layers.standardize(rows, eps, Layers.NormAxis.TOKEN_ROWS); // norm's affine: in qkv
    // Each head's slice of qkv is [q(hd), k(hd), v(hd)] (TinyViT's split), unlike SAM's [q; k; v] over all heads.
    // The score scale goes into the query columns.
    double[] gains = new double[3 * dim];
    for (int i = 0; i < gains.length; i++) {
      gains[i] = (i / hd) % 3 == 0 ? Math.pow(hd, -0.5) : 1.0;
    }
    SDVariable[] qkv = a.sd().unstack(
        Layers.linearAfterNorm(a.child("norm"), a.child("qkv"), standardized, dim, 3 * dim, gains)
        .reshape(-1, n, heads, 3, hd).permute(3, 0, 2, 1, 4), 0, 3); // 3 x [B', heads, N, hd]
    SDVariable bias = AttentionBias.spread(a.param("attention_biases", heads, AttentionBias.offsets(window)), heads,
        window); // [heads, N, N]
    SDVariable out = Layers.attention(qkv[0], qkv[1], qkv[2], 1.0, bias)
        .permute(0, 2, 1, 3).reshape(-1, dim); // [B' * N, C]
    return Layers.linear(a.child("proj"), out, dim, dim);
  }
}
