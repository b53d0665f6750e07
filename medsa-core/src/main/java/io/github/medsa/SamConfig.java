package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.Doubles;
import java.util.Arrays;
import java.util.List;

/**
 * The sizes of a Segment Anything model: an immutable value.
 *
 * <p>{@link #VIT_B}, {@link #VIT_L} and {@link #VIT_H} are exactly the reference presets
 * ({@code build_sam.py}); {@link #builder()} makes custom sizes. {@code imageSize} is the side of the square
 * the encoder sees; {@code pretrainImageSize} is the side the checkpoint was trained at, which fixes the shape
 * of {@code pos_embed} and of the global blocks' relative-position tables. When the two differ the tables are
 * resized on the fly (bicubic and linear, as the reference does), so a 1024-pixel checkpoint runs at 256.
 *
 * <p>{@link #TINY_VIT} is MobileSAM: SAM's prompt encoder and mask decoder behind a TinyViT image encoder, whose
 * sizes are {@link #tinyVit()} (null for SAM's ViT encoders). For TinyViT, {@code encoderEmbedDim} is the last
 * layer's width (the neck's input), {@code encoderDepth} the number of TinyViT attention blocks (those that carry
 * adapters) and {@code encoderNumHeads} the last layer's heads; the ViT-only fields (patch size 16, windows, global
 * indexes) only fix the embedding grid, {@code imageSize / 16}. Its grids follow the input: at 256 the embedding is
 * 16 x 16, as Med-SA runs it.
 */
public record SamConfig(
    int imageSize,
    int pretrainImageSize,
    int patchSize,
    int encoderEmbedDim,
    int encoderDepth,
    int encoderNumHeads,
    double mlpRatio,
    List<Integer> globalAttnIndexes,
    int windowSize,
    double encoderLayerNormEps,
    int promptEmbedDim,
    int maskInChans,
    int decoderDepth,
    int decoderMlpDim,
    int decoderNumHeads,
    int attentionDownsampleRate,
    int numMultimaskOutputs,
    int iouHeadDepth,
    int iouHeadHiddenDim,
    double decoderLayerNormEps,
    double[] pixelMean,
    double[] pixelStd,
    TinyVitSizes tinyVit) {

  private static final double[] SAM_PIXEL_MEAN = {123.675, 116.28, 103.53};
  private static final double[] SAM_PIXEL_STD = {58.395, 57.12, 57.375};

  /** SAM ViT-B ({@code sam_vit_b_01ec64.pth}). */
  public static final SamConfig VIT_B = samPreset(768, 12, 12, List.of(2, 5, 8, 11));
  /** SAM ViT-L ({@code sam_vit_l_0b3195.pth}). */
  public static final SamConfig VIT_L = samPreset(1024, 24, 16, List.of(5, 11, 17, 23));
  /** SAM ViT-H ({@code sam_vit_h_4b8939.pth}). */
  public static final SamConfig VIT_H = samPreset(1280, 32, 16, List.of(7, 15, 23, 31));
  /** MobileSAM ({@code mobile_sam.pt}): TinyViT-5M at 1024 with SAM's prompt encoder and mask decoder. */
  public static final SamConfig TINY_VIT = new Builder().tinyVit(TinyVitSizes.MOBILE_SAM).build();

  /**
   * Validates the sizes and copies the arrays and lists.
   *
   * @param imageSize encoder input side in pixels (the model-input frame), a multiple of {@code patchSize}
   * @param pretrainImageSize side the checkpoint was trained at, in pixels; fixes the {@code pos_embed} grid
   * @param patchSize side of the encoder patches in pixels
   * @param encoderEmbedDim encoder token width
   * @param encoderDepth number of encoder blocks
   * @param encoderNumHeads encoder attention heads
   * @param mlpRatio encoder MLP width relative to the token width
   * @param globalAttnIndexes 0-based encoder blocks with global attention
   * @param windowSize attention window side of the other blocks, in tokens
   * @param encoderLayerNormEps encoder LayerNorm epsilon
   * @param promptEmbedDim width of prompt tokens and of the embedding the decoder sees
   * @param maskInChans hidden channels of the mask downscaler
   * @param decoderDepth blocks of the two-way transformer
   * @param decoderMlpDim MLP width of the two-way transformer
   * @param decoderNumHeads decoder attention heads
   * @param attentionDownsampleRate width reduction of token-to-image attention
   * @param numMultimaskOutputs candidate masks in multimask output
   * @param iouHeadDepth layers of the IoU head
   * @param iouHeadHiddenDim hidden width of the IoU head
   * @param decoderLayerNormEps decoder LayerNorm epsilon
   * @param pixelMean (R, G, B) mean in 0..255 units (copied)
   * @param pixelStd (R, G, B) standard deviation in 0..255 units (copied)
   * @param tinyVit TinyViT encoder sizes (MobileSAM), or null for SAM's ViT
   * @throws IllegalArgumentException naming the first size that is not positive or not divisible as required
   *     (e.g. {@code imageSize} not a multiple of {@code patchSize}, a global block outside the encoder)
   */
  public SamConfig {
    checkArgument(patchSize > 0, "patchSize must be positive, got %s", patchSize);
    checkArgument(imageSize > 0 && imageSize % patchSize == 0,
        "imageSize must be a positive multiple of patchSize %s, got %s", patchSize, imageSize);
    checkArgument(pretrainImageSize > 0 && pretrainImageSize % patchSize == 0,
        "pretrainImageSize must be a positive multiple of patchSize %s, got %s", patchSize, pretrainImageSize);
    checkArgument(encoderNumHeads > 0 && encoderEmbedDim > 0 && encoderEmbedDim % encoderNumHeads == 0,
        "encoderEmbedDim %s must be a positive multiple of encoderNumHeads %s", encoderEmbedDim, encoderNumHeads);
    checkArgument(encoderDepth > 0, "encoderDepth must be positive, got %s", encoderDepth);
    checkArgument(mlpRatio > 0 && (int) (encoderEmbedDim * mlpRatio) > 0, "mlpRatio must be positive, got %s", mlpRatio);
    globalAttnIndexes = ImmutableList.copyOf(globalAttnIndexes);
    for (int i : globalAttnIndexes) {
      checkArgument(i >= 0 && i < encoderDepth, "global attention index %s outside blocks 0..%s", i, encoderDepth - 1);
    }
    checkArgument(windowSize > 0, "windowSize must be positive, got %s", windowSize);
    checkArgument(encoderLayerNormEps > 0 && decoderLayerNormEps > 0, "LayerNorm eps must be positive");
    checkArgument(promptEmbedDim > 0 && promptEmbedDim % 8 == 0,
        "promptEmbedDim must be a positive multiple of 8 (the decoder upscales to dim/8 channels), got %s",
        promptEmbedDim);
    checkArgument(promptEmbedDim % 2 == 0, "promptEmbedDim must be even (sin and cos halves)");
    checkArgument(maskInChans >= 4, "maskInChans must be at least 4, got %s", maskInChans);
    checkArgument(maskInChans % 4 == 0, "maskInChans must be a multiple of 4, got %s", maskInChans);
    checkArgument(decoderDepth > 0 && decoderMlpDim > 0, "decoder depth and MLP dim must be positive");
    checkArgument(attentionDownsampleRate > 0 && promptEmbedDim % attentionDownsampleRate == 0,
        "promptEmbedDim %s must be divisible by attentionDownsampleRate %s", promptEmbedDim, attentionDownsampleRate);
    checkArgument(decoderNumHeads > 0 && (promptEmbedDim / attentionDownsampleRate) % decoderNumHeads == 0,
        "decoder attention width %s must be divisible by decoderNumHeads %s",
        promptEmbedDim / attentionDownsampleRate, decoderNumHeads);
    checkArgument(numMultimaskOutputs > 0, "numMultimaskOutputs must be positive");
    checkArgument(iouHeadDepth > 0 && iouHeadHiddenDim > 0, "IoU head depth and width must be positive");
    checkArgument(pixelMean != null && pixelMean.length == 3, "pixelMean needs 3 values (R, G, B)");
    checkArgument(pixelStd != null && pixelStd.length == 3, "pixelStd needs 3 values (R, G, B)");
    for (double s : pixelStd) {
      checkArgument(s > 0, "pixelStd values must be positive, got %s", Arrays.toString(pixelStd));
    }
    pixelMean = pixelMean.clone();
    pixelStd = pixelStd.clone();
    if (tinyVit != null) {
      checkArgument(patchSize == 16, "a TinyViT encoder's embedding grid is imageSize / 16: patchSize must be 16, got %s",
          patchSize);
      checkArgument(encoderEmbedDim == tinyVit.outputDim(),
          "encoderEmbedDim %s must be the TinyViT's last width %s", encoderEmbedDim, tinyVit.outputDim());
      checkArgument(tinyVit.gridSize(imageSize, 3) == imageSize / patchSize,
          "TinyViT at %s pixels ends on a %s-cell grid, not imageSize / 16 = %s: give a multiple of 64", imageSize,
          tinyVit.gridSize(imageSize, 3), imageSize / patchSize);
    }
  }

  /**
   * Whether the image encoder is TinyViT (MobileSAM) rather than SAM's ViT.
   *
   * @return true if {@code tinyVit} is set
   */
  public boolean isTinyVit() {
    return tinyVit != null;
  }

  private static SamConfig samPreset(int dim, int depth, int heads, List<Integer> global) {
    return new Builder().encoder(dim, depth, heads).globalAttnIndexes(global).build();
  }

  /**
   * A builder starting from the ViT-B preset.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this configuration, to change a few sizes.
   *
   * @return a new builder holding these values
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Side of the token grid the encoder works on ({@code imageSize / patchSize}).
   *
   * @return the grid side in tokens
   */
  public int gridSize() {
    return imageSize / patchSize;
  }

  /**
   * Side of the token grid the checkpoint was trained on: the shape of {@code pos_embed}.
   *
   * @return the pretraining grid side in tokens
   */
  public int pretrainGridSize() {
    return pretrainImageSize / patchSize;
  }

  /**
   * Width of one encoder attention head.
   *
   * @return {@code encoderEmbedDim / encoderNumHeads}
   */
  public int encoderHeadDim() {
    return encoderEmbedDim / encoderNumHeads;
  }

  /**
   * Hidden width of the encoder MLPs.
   *
   * @return {@code (int) (encoderEmbedDim * mlpRatio)}
   */
  public int mlpDim() {
    return (int) (encoderEmbedDim * mlpRatio);
  }

  /**
   * Whether an encoder block attends globally rather than in windows.
   *
   * @param block the 0-based block index
   * @return true if it is one of {@code globalAttnIndexes}
   */
  public boolean isGlobal(int block) {
    return globalAttnIndexes.contains(block);
  }

  /**
   * Number of mask tokens in the decoder: the multimask outputs plus the single-mask token.
   *
   * @return {@code numMultimaskOutputs + 1}
   */
  public int numMaskTokens() {
    return numMultimaskOutputs + 1;
  }

  /**
   * Side of the low-resolution masks the decoder predicts (4 x the embedding grid).
   *
   * @return the low-res mask side, {@code 4 * gridSize()} (a quarter of the model-input side for patch 16)
   */
  public int lowResMaskSize() {
    return 4 * gridSize();
  }

  /**
   * Per-channel (R, G, B) mean in 0..255 units.
   *
   * @return a copy of the three means
   */
  @Override
  public double[] pixelMean() {
    return pixelMean.clone();
  }

  /**
   * Per-channel (R, G, B) standard deviation in 0..255 units.
   *
   * @return a copy of the three deviations
   */
  @Override
  public double[] pixelStd() {
    return pixelStd.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SamConfig c
        && imageSize == c.imageSize && pretrainImageSize == c.pretrainImageSize && patchSize == c.patchSize
        && encoderEmbedDim == c.encoderEmbedDim && encoderDepth == c.encoderDepth
        && encoderNumHeads == c.encoderNumHeads && Double.compare(mlpRatio, c.mlpRatio) == 0
        && globalAttnIndexes.equals(c.globalAttnIndexes) && windowSize == c.windowSize
        && Double.compare(encoderLayerNormEps, c.encoderLayerNormEps) == 0
        && promptEmbedDim == c.promptEmbedDim && maskInChans == c.maskInChans
        && decoderDepth == c.decoderDepth && decoderMlpDim == c.decoderMlpDim
        && decoderNumHeads == c.decoderNumHeads && attentionDownsampleRate == c.attentionDownsampleRate
        && numMultimaskOutputs == c.numMultimaskOutputs && iouHeadDepth == c.iouHeadDepth
        && iouHeadHiddenDim == c.iouHeadHiddenDim
        && Double.compare(decoderLayerNormEps, c.decoderLayerNormEps) == 0
        && Arrays.equals(pixelMean, c.pixelMean) && Arrays.equals(pixelStd, c.pixelStd)
        && java.util.Objects.equals(tinyVit, c.tinyVit);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(imageSize, pretrainImageSize, patchSize, encoderEmbedDim, encoderDepth,
        encoderNumHeads, mlpRatio, globalAttnIndexes, windowSize, promptEmbedDim, maskInChans, decoderMlpDim,
        decoderNumHeads, Arrays.hashCode(pixelMean), Arrays.hashCode(pixelStd), tinyVit);
  }

  @Override
  public String toString() {
    String encoder = tinyVit == null ? "" : ", TinyViT " + tinyVit;
    return "SamConfig{image " + imageSize + " (pretrained at " + pretrainImageSize + "), patch " + patchSize
        + ", encoder " + encoderEmbedDim + "x" + encoderDepth + " blocks, " + encoderNumHeads + " heads, global "
        + globalAttnIndexes + ", window " + windowSize + ", prompt dim " + promptEmbedDim + ", decoder MLP "
        + decoderMlpDim + ", " + decoderNumHeads + " heads, mean " + Doubles.join("/", pixelMean) + ", std "
        + Doubles.join("/", pixelStd) + encoder + "}";
  }

  /** Builder for custom sizes; every field starts at the ViT-B preset. */
  public static final class Builder {
    private int imageSize = 1024;
    private Integer pretrainImageSize;
    private int patchSize = 16;
    private int encoderEmbedDim = 768;
    private int encoderDepth = 12;
    private int encoderNumHeads = 12;
    private double mlpRatio = 4.0;
    private List<Integer> globalAttnIndexes = List.of(2, 5, 8, 11);
    private int windowSize = 14;
    private double encoderLayerNormEps = 1e-6;
    private int promptEmbedDim = 256;
    private int maskInChans = 16;
    private int decoderDepth = 2;
    private int decoderMlpDim = 2048;
    private int decoderNumHeads = 8;
    private int attentionDownsampleRate = 2;
    private int numMultimaskOutputs = 3;
    private int iouHeadDepth = 3;
    private int iouHeadHiddenDim = 256;
    private double decoderLayerNormEps = 1e-5;
    private double[] pixelMean = SAM_PIXEL_MEAN;
    private double[] pixelStd = SAM_PIXEL_STD;
    private TinyVitSizes tinyVit;

    private Builder() {}

    private Builder(SamConfig c) {
      imageSize = c.imageSize;
      pretrainImageSize = c.pretrainImageSize;
      patchSize = c.patchSize;
      encoderEmbedDim = c.encoderEmbedDim;
      encoderDepth = c.encoderDepth;
      encoderNumHeads = c.encoderNumHeads;
      mlpRatio = c.mlpRatio;
      globalAttnIndexes = c.globalAttnIndexes;
      windowSize = c.windowSize;
      encoderLayerNormEps = c.encoderLayerNormEps;
      promptEmbedDim = c.promptEmbedDim;
      maskInChans = c.maskInChans;
      decoderDepth = c.decoderDepth;
      decoderMlpDim = c.decoderMlpDim;
      decoderNumHeads = c.decoderNumHeads;
      attentionDownsampleRate = c.attentionDownsampleRate;
      numMultimaskOutputs = c.numMultimaskOutputs;
      iouHeadDepth = c.iouHeadDepth;
      iouHeadHiddenDim = c.iouHeadHiddenDim;
      decoderLayerNormEps = c.decoderLayerNormEps;
      pixelMean = c.pixelMean;
      pixelStd = c.pixelStd;
      tinyVit = c.tinyVit;
    }

    /**
     * Input side; the pretraining side follows it unless set with {@link #pretrainImageSize}.
     *
     * @param v the encoder input side in pixels, a multiple of the patch size
     * @return this builder
     */
    public Builder imageSize(int v) { imageSize = v; return this; }
    /**
     * Side the checkpoint was trained at, in pixels (fixes the {@code pos_embed} grid); defaults to the image size.
     *
     * @param v the pretraining side in pixels, a multiple of the patch size
     * @return this builder
     */
    public Builder pretrainImageSize(int v) { pretrainImageSize = v; return this; }
    /**
     * Side of the encoder's square patches, in pixels.
     *
     * @param v the patch side in pixels
     * @return this builder
     */
    public Builder patchSize(int v) { patchSize = v; return this; }
    /**
     * Width, depth and heads of the ViT image encoder.
     *
     * @param embedDim token width, a multiple of {@code numHeads}
     * @param depth number of transformer blocks
     * @param numHeads attention heads per block
     * @return this builder
     */
    public Builder encoder(int embedDim, int depth, int numHeads) {
      encoderEmbedDim = embedDim; encoderDepth = depth; encoderNumHeads = numHeads; return this;
    }
    /**
     * Hidden width of the encoder MLPs relative to the token width.
     *
     * @param v the ratio (4 in SAM)
     * @return this builder
     */
    public Builder mlpRatio(double v) { mlpRatio = v; return this; }
    /**
     * Encoder blocks (0-based) with global rather than windowed attention.
     *
     * @param v block indexes, each below the encoder depth
     * @return this builder
     */
    public Builder globalAttnIndexes(List<Integer> v) { globalAttnIndexes = v; return this; }
    /**
     * Side of the attention windows of the non-global encoder blocks, in tokens.
     *
     * @param v the window side in tokens
     * @return this builder
     */
    public Builder windowSize(int v) { windowSize = v; return this; }
    /**
     * Epsilon of the encoder's LayerNorms.
     *
     * @param v a positive epsilon
     * @return this builder
     */
    public Builder encoderLayerNormEps(double v) { encoderLayerNormEps = v; return this; }
    /**
     * Width of prompt tokens and of the image embedding the decoder sees.
     *
     * @param v a positive multiple of 8
     * @return this builder
     */
    public Builder promptEmbedDim(int v) { promptEmbedDim = v; return this; }
    /**
     * Hidden channels of the prompt encoder's mask downscaler.
     *
     * @param v a positive multiple of 4
     * @return this builder
     */
    public Builder maskInChans(int v) { maskInChans = v; return this; }
    /**
     * Number of blocks in the decoder's two-way transformer.
     *
     * @param v the block count
     * @return this builder
     */
    public Builder decoderDepth(int v) { decoderDepth = v; return this; }
    /**
     * Hidden width of the decoder transformer's MLPs.
     *
     * @param v the MLP width
     * @return this builder
     */
    public Builder decoderMlpDim(int v) { decoderMlpDim = v; return this; }
    /**
     * Attention heads of the decoder transformer.
     *
     * @param v heads, dividing {@code promptEmbedDim / attentionDownsampleRate}
     * @return this builder
     */
    public Builder decoderNumHeads(int v) { decoderNumHeads = v; return this; }
    /**
     * How much the decoder's token-to-image attention narrows the width.
     *
     * @param v the rate (2 in SAM), dividing {@code promptEmbedDim}
     * @return this builder
     */
    public Builder attentionDownsampleRate(int v) { attentionDownsampleRate = v; return this; }
    /**
     * Number of candidate masks in multimask output.
     *
     * @param v the count (3 in SAM)
     * @return this builder
     */
    public Builder numMultimaskOutputs(int v) { numMultimaskOutputs = v; return this; }
    /**
     * Sizes of the decoder's IoU prediction MLP.
     *
     * @param depth number of layers
     * @param hiddenDim hidden width
     * @return this builder
     */
    public Builder iouHead(int depth, int hiddenDim) { iouHeadDepth = depth; iouHeadHiddenDim = hiddenDim; return this; }
    /**
     * Epsilon of the decoder's LayerNorms.
     *
     * @param v a positive epsilon
     * @return this builder
     */
    public Builder decoderLayerNormEps(double v) { decoderLayerNormEps = v; return this; }
    /**
     * Per-channel mean subtracted from the 0..255 pixels before the encoder.
     *
     * @param r red mean, in 0..255 units
     * @param g green mean, in 0..255 units
     * @param b blue mean, in 0..255 units
     * @return this builder
     */
    public Builder pixelMean(double r, double g, double b) { pixelMean = new double[] {r, g, b}; return this; }
    /**
     * Per-channel standard deviation the centred pixels are divided by.
     *
     * @param r red std, in 0..255 units, positive
     * @param g green std, in 0..255 units, positive
     * @param b blue std, in 0..255 units, positive
     * @return this builder
     */
    public Builder pixelStd(double r, double g, double b) { pixelStd = new double[] {r, g, b}; return this; }

    /**
     * A TinyViT image encoder of these sizes (MobileSAM); also sets {@code encoderEmbedDim}, {@code encoderDepth} and
     * {@code encoderNumHeads} from them and clears the ViT's global blocks. {@code null} returns to SAM's ViT.
     *
     * @param sizes the TinyViT sizes, or null for SAM's ViT
     * @return this builder
     */
    public Builder tinyVit(TinyVitSizes sizes) {
      tinyVit = sizes;
      if (sizes != null) {
        encoder(sizes.outputDim(), sizes.attentionBlocks(), sizes.numHeads().get(3));
        globalAttnIndexes = List.of();
        patchSize = 16;
      }
      return this;
    }

    /**
     * Builds and validates the configuration.
     *
     * @return the immutable configuration
     * @throws IllegalArgumentException naming the first size that is not positive or not divisible as required
     */
    public SamConfig build() {
      return new SamConfig(imageSize, pretrainImageSize == null ? imageSize : pretrainImageSize, patchSize,
          encoderEmbedDim, encoderDepth, encoderNumHeads, mlpRatio, globalAttnIndexes, windowSize,
          encoderLayerNormEps, promptEmbedDim, maskInChans, decoderDepth, decoderMlpDim, decoderNumHeads,
          attentionDownsampleRate, numMultimaskOutputs, iouHeadDepth, iouHeadHiddenDim, decoderLayerNormEps,
          pixelMean, pixelStd, tinyVit);
    }
  }
}
