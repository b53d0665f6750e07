package io.github.medsa.internal.model;

import com.google.common.base.Preconditions;
import io.github.medsa.SamConfig;
import io.github.medsa.TinyVitSizes;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * MobileSAM's TinyViT image encoder ({@code mobile_sam/modeling/tiny_vit_sam.py}) with its state-dict names: the
 * convolutional stem ({@code patch_embed.seq}, S to S / 4), layer 0 of MBConv blocks, layers 1..3 of TinyViT
 * blocks, a PatchMerging after each layer but the last, and SAM's neck. Grids follow the input (MobileSAM
 * hard-codes 64 x 64 before the neck; Med-SA does not): layers run at S/4, S/8, S/16, S/16 for MobileSAM's widths.
 * BatchNorm uses its running statistics. The ImageNet head in MobileSAM's checkpoint is not part of the graph.
 */
public final class TinyVitEncoder implements EncoderGraph {
  /**
   * The token rows {@code [B, g*g, C]} after layer {@code l} (and its PatchMerging): {@code tap.layer_1}...
   *
   * @param layer the layer's 0-based index
   * @return the name of the debug tap, present in graphs built with taps
   */
  public static String layerTap(int layer) {
    return "tap.layer_" + layer;
  }

  private final SamConfig cfg;
  private final TinyVitSizes sizes;
  private final EncoderBlockExtension extension;

  /**
   * MobileSAM's TinyViT encoder for {@code cfg}.
   *
   * @param cfg the model sizes, a TinyViT configuration
   * @param extension what adapters add to each TinyViT block ({@link EncoderBlockExtension#NONE} for none)
   * @throws IllegalArgumentException if {@code cfg} is not TinyViT
   * @throws NullPointerException if {@code extension} is null
   */
  public TinyVitEncoder(SamConfig cfg, EncoderBlockExtension extension) {
    Preconditions.checkArgument(cfg.isTinyVit(), "not a TinyViT configuration: %s", cfg);
    this.cfg = cfg;
    this.sizes = cfg.tinyVit();
    this.extension = Preconditions.checkNotNull(extension, "extension");
  }

  @Override
  public SDVariable build(Scope root, SDVariable image) {
    Scope s = root.child("image_encoder");
    int d0 = sizes.dim(0);
    Scope stem = s.child("patch_embed.seq");
    // The convolutions run channels-last (see Conv2dBn), and token rows are that layout reshaped.
    SDVariable x = image.permute(0, 2, 3, 1); // [B, S, S, 3]
    double gain = Layers.GELU_GAIN; // the GELU's two constant factors go to the convolutions around it
    x = Layers.scaledGelu(Conv2dBn.conv(stem.child("0"), x, 3, d0 / 2, 3, 2, 1.0, gain));
    x = Conv2dBn.conv(stem.child("2"), x, d0 / 2, d0, 3, 2, gain, 1.0); // [B, S/4, S/4, d0]

    Scope layer0 = s.child("layers.0");
    int hidden = (int) (d0 * sizes.mbconvExpandRatio());
    for (int i = 0; i < sizes.depths().get(0); i++) {
      x = MbConv.apply(layer0.child("blocks." + i), x, d0, hidden);
    }
    x = PatchMerging.apply(layer0.child("downsample"), x, d0, sizes.dim(1), sizes.mergeStride(0));
    root.sd().identity(layerTap(0), rows(x, sizes.dim(1)).reshape(-1, square(sizes.gridSize(cfg.imageSize(), 1)),
        sizes.dim(1)));

    SDVariable tokens = rows(x, sizes.dim(1)); // [B * g1 * g1, d1]
    int blockIndex = 0;
    for (int l = 1; l < 4; l++) {
      Scope layer = s.child("layers." + l);
      int dim = sizes.dim(l);
      int g = sizes.gridSize(cfg.imageSize(), l);
      TinyVitBlock block = new TinyVitBlock(dim, sizes.numHeads().get(l), sizes.windowSizes().get(l),
          (int) (dim * sizes.mlpRatio()), sizes.localConvSize(), sizes.layerNormEps());
      for (int i = 0; i < sizes.depths().get(l); i++) {
        tokens = block.apply(layer.child("blocks." + i), blockIndex++, tokens, g, extension);
      }
      int outDim = dim;
      if (l < 3) {
        outDim = sizes.dim(l + 1);
        SDVariable grid = tokens.reshape(-1, g, g, dim); // [B, g, g, C]
        tokens = rows(PatchMerging.apply(layer.child("downsample"), grid, dim, outDim, sizes.mergeStride(l)), outDim);
      }
      int gOut = sizes.gridSize(cfg.imageSize(), Math.min(l + 1, 3));
      root.sd().identity(layerTap(l), tokens.reshape(-1, square(gOut), outDim));
    }
    int g = cfg.gridSize();
    return ImageEncoder.neck(s.child("neck"), tokens.reshape(-1, g, g, sizes.outputDim()),
        sizes.outputDim(), cfg.promptEmbedDim());
  }

  /** A channels-last grid {@code [B, h, w, C]} as token rows {@code [B * h * w, C]}, row-major over (b, y, x). */
  private static SDVariable rows(SDVariable nhwc, int channels) {
    return nhwc.reshape(-1, channels);
  }

  private static int square(int g) {
    return g * g;
  }
}
