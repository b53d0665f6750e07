package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Set;

/**
 * The sizes of MobileSAM's TinyViT image encoder ({@code mobile_sam/modeling/tiny_vit_sam.py}): an immutable value.
 *
 * <p>Four layers: layer 0 is a stage of MBConv blocks (width {@code embedDims[0]}), layers 1..3 are TinyViT blocks
 * with window attention. Every layer but the last ends with a PatchMerging to the next width; its depthwise stride
 * is 2, except where the output width is 320, 448 or 576 (MobileSAM hard-codes these), where it is 1. The stem
 * divides the input side by 4, so a 1024 input runs its layers at 256, 128, 64 and 64 pixels' worth of grid.
 *
 * @param embedDims the width of each of the four layers
 * @param depths the number of blocks of each layer
 * @param numHeads the attention heads of each layer (entry 0, the convolutional layer, is unused)
 * @param windowSizes the attention window side of each layer (entry 0 unused)
 * @param mlpRatio the TinyViT blocks' MLP width as a multiple of the layer width
 * @param mbconvExpandRatio the MBConv blocks' hidden width as a multiple of {@code embedDims[0]}
 * @param localConvSize the kernel side of the depthwise convolution between attention and MLP
 * @param layerNormEps the epsilon of the attention's and the MLP's LayerNorm
 */
public record TinyVitSizes(List<Integer> embedDims, List<Integer> depths, List<Integer> numHeads,
    List<Integer> windowSizes, double mlpRatio, double mbconvExpandRatio, int localConvSize, double layerNormEps) {

  /** The BatchNorm epsilon of every {@code Conv2d_BN} (PyTorch's default). */
  public static final double BATCH_NORM_EPS = 1e-5;

  /** Output widths whose PatchMerging keeps the grid (stride 1), as MobileSAM hard-codes them. */
  private static final Set<Integer> STRIDE_ONE_WIDTHS = Set.of(320, 448, 576);

  /** MobileSAM's encoder ({@code mobile_sam.pt}): TinyViT-5M's widths, depths, heads and windows. */
  public static final TinyVitSizes MOBILE_SAM = new TinyVitSizes(List.of(64, 128, 160, 320), List.of(2, 2, 6, 2),
      List.of(2, 4, 5, 10), List.of(7, 7, 14, 7), 4.0, 4.0, 3, 1e-5);

  /**
   * Validates the sizes and copies the lists.
   *
   * @param embedDims channel width of each of the 4 layers
   * @param depths blocks in each layer
   * @param numHeads attention heads of each layer (layer 0 is convolutional and ignores it)
   * @param windowSizes attention window side of each layer, in tokens
   * @param mlpRatio MLP width relative to the layer width
   * @param mbconvExpandRatio expansion of layer 0's MBConv blocks
   * @param localConvSize kernel side of the depthwise conv after attention (odd)
   * @param layerNormEps LayerNorm epsilon
   * @throws IllegalArgumentException if a list does not have 4 values, a width, depth, head count or window is
   *     not positive, a width is not a multiple of its heads, {@code localConvSize} is not odd, or a ratio or eps
   *     is not positive
   */
  public TinyVitSizes {
    embedDims = ImmutableList.copyOf(embedDims);
    depths = ImmutableList.copyOf(depths);
    numHeads = ImmutableList.copyOf(numHeads);
    windowSizes = ImmutableList.copyOf(windowSizes);
    checkArgument(embedDims.size() == 4 && depths.size() == 4 && numHeads.size() == 4 && windowSizes.size() == 4,
        "TinyViT has 4 layers: embedDims, depths, numHeads and windowSizes need 4 values each, got %s, %s, %s, %s",
        embedDims, depths, numHeads, windowSizes);
    for (int l = 0; l < 4; l++) {
      checkArgument(embedDims.get(l) > 0 && depths.get(l) > 0, "layer %s: width and depth must be positive, got %s, %s",
          l, embedDims.get(l), depths.get(l));
      if (l > 0) {
        checkArgument(numHeads.get(l) > 0 && embedDims.get(l) % numHeads.get(l) == 0,
            "layer %s: width %s must be a positive multiple of its heads %s", l, embedDims.get(l), numHeads.get(l));
        checkArgument(windowSizes.get(l) > 0, "layer %s: window size must be positive, got %s", l, windowSizes.get(l));
      }
    }
    checkArgument(mlpRatio > 0 && mbconvExpandRatio > 0, "mlpRatio and mbconvExpandRatio must be positive");
    checkArgument(localConvSize > 0 && localConvSize % 2 == 1, "localConvSize must be odd and positive, got %s",
        localConvSize);
    checkArgument(layerNormEps > 0, "layerNormEps must be positive, got %s", layerNormEps);
  }

  /**
   * The width layer {@code layer} runs at.
   *
   * @param layer the layer, 0..3
   * @return its channel width
   * @throws IndexOutOfBoundsException if {@code layer} is not 0..3
   */
  public int dim(int layer) {
    return embedDims.get(layer);
  }

  /**
   * The width of the encoder's output (the neck's input): the last layer's.
   *
   * @return the channel width of layer 3
   */
  public int outputDim() {
    return embedDims.get(3);
  }

  /**
   * Number of TinyViT (attention) blocks, layers 1..3: the blocks that carry Med-SA's adapters.
   *
   * @return the sum of the depths of layers 1..3
   */
  public int attentionBlocks() {
    return depths.get(1) + depths.get(2) + depths.get(3);
  }

  /**
   * The width of TinyViT block {@code index}, counted over layers 1..3 (the numbering adapters use).
   *
   * @param index the block index, 0-based over layers 1..3
   * @return the channel width of the layer holding it
   * @throws IllegalArgumentException if there is no such block
   */
  public int attentionBlockDim(int index) {
    checkArgument(index >= 0 && index < attentionBlocks(), "TinyViT block %s does not exist: blocks 0..%s", index,
        attentionBlocks() - 1);
    int first = 0;
    for (int l = 1; l < 4; l++) {
      first += depths.get(l);
      if (index < first) {
        return embedDims.get(l);
      }
    }
    throw new AssertionError(index);
  }

  /**
   * The depthwise stride of the PatchMerging that ends layer {@code layer} (0..2).
   *
   * @param layer the layer, 0..2
   * @return 1 for the widths MobileSAM keeps at the same grid (320, 448, 576), else 2
   */
  public int mergeStride(int layer) {
    return STRIDE_ONE_WIDTHS.contains(embedDims.get(layer + 1)) ? 1 : 2;
  }

  /**
   * The grid side layer {@code layer} runs at for an input of {@code imageSize} pixels.
   *
   * @param imageSize the encoder input side in pixels
   * @param layer the layer, 0..3
   * @return the side of that layer's token grid
   */
  public int gridSize(int imageSize, int layer) {
    int g = convOut(convOut(imageSize, 2), 2);
    for (int l = 0; l < layer; l++) {
      g = convOut(g, mergeStride(l));
    }
    return g;
  }

  /** A 3x3, padding-1 convolution's output side. */
  static int convOut(int side, int stride) {
    return (side - 1) / stride + 1;
  }
}
