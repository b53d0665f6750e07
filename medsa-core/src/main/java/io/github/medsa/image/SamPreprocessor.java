package io.github.medsa.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@code SamPredictor.set_image} and {@code Sam.preprocess} do to an image before the encoder: resize the
 * longest side to {@code S} ({@link ResizeLongestSide}, Pillow-exact), normalise each channel
 * {@code (x - mean) / std} in float32, then zero-pad bottom and right to {@code S x S} (after normalising, so
 * padded pixels are 0). Immutable and thread-safe.
 */
public final class SamPreprocessor {
  /** SAM's pixel mean (RGB, 0..255 scale). */
  public static final double[] SAM_PIXEL_MEAN = {123.675, 116.28, 103.53};
  /** SAM's pixel standard deviation (RGB, 0..255 scale). */
  public static final double[] SAM_PIXEL_STD = {58.395, 57.12, 57.375};

  private final ResizeLongestSide resize;
  private final float[] mean;
  private final float[] std;

  /**
   * A preprocessor for an {@code imageSize}-pixel encoder with explicit per-channel mean and std.
   *
   * @param imageSize side of the encoder's square input, in pixels
   * @param pixelMean (R, G, B) mean in 0..255 units
   * @param pixelStd (R, G, B) standard deviation in 0..255 units
   * @throws NullPointerException if an array is null
   * @throws IllegalArgumentException if an array does not have 3 values, a mean is not finite, a std is not
   *     positive and finite, or {@code imageSize} is not positive
   */
  public SamPreprocessor(int imageSize, double[] pixelMean, double[] pixelStd) {
    checkNotNull(pixelMean, "pixelMean");
    checkNotNull(pixelStd, "pixelStd");
    checkArgument(pixelMean.length == 3, "pixelMean needs 3 values (RGB), got %s", pixelMean.length);
    checkArgument(pixelStd.length == 3, "pixelStd needs 3 values (RGB), got %s", pixelStd.length);
    this.resize = new ResizeLongestSide(imageSize);
    this.mean = new float[3];
    this.std = new float[3];
    for (int c = 0; c < 3; c++) {
      checkArgument(Double.isFinite(pixelMean[c]), "pixelMean must be finite: %s", Arrays.toString(pixelMean));
      checkArgument(pixelStd[c] > 0 && Double.isFinite(pixelStd[c]),
          "pixelStd must be positive and finite: %s", Arrays.toString(pixelStd));
      mean[c] = (float) pixelMean[c];
      std[c] = (float) pixelStd[c];
    }
  }

  /**
   * A preprocessor with SAM's pixel mean and std.
   *
   * @param imageSize side of the encoder's square input, in pixels
   * @return the preprocessor
   * @throws IllegalArgumentException if {@code imageSize} is not positive
   */
  public static SamPreprocessor sam(int imageSize) {
    return new SamPreprocessor(imageSize, SAM_PIXEL_MEAN, SAM_PIXEL_STD);
  }

  /**
   * Side of the encoder's square input.
   *
   * @return the side in pixels
   */
  public int imageSize() {
    return resize.targetLength();
  }

  /**
   * The resize step, to map prompts from the original to the model-input frame.
   *
   * @return the resize to {@link #imageSize()}
   */
  public ResizeLongestSide resize() {
    return resize;
  }

  /**
   * Resizes, normalises and pads {@code image}: pixels {@code [1, 3, S, S]} float plus both sizes. The resized
   * image sits at the top left; the padding is zero (after normalisation).
   *
   * @param image the original image
   * @return the encoder input with the original and model-input sizes
   * @throws NullPointerException if {@code image} is null
   */
  public PreparedImage prepare(RgbImage image) {
    checkNotNull(image, "image");
    RgbImage resized = resize.apply(image);
    int s = resize.targetLength();
    int h = resized.height();
    int w = resized.width();
    byte[] rgb = resized.rawRgb();
    INDArray pixels = Nd4j.create(DataType.FLOAT, 1, 3, s, s); // zeros: the padding
    // Written straight into the array's native memory, one channel plane at a time; a byte has 256 values, so
    // each channel's (v - mean) / std comes from a table of the same float32 results.
    FloatBuffer out = pixels.data().asNioFloat();
    float[] normalised = new float[256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        normalised[v] = (v - mean[c]) / std[c];
      }
      for (int y = 0; y < h; y++) {
        int row = (c * s + y) * s;
        int p = y * w * 3 + c;
        for (int x = 0; x < w; x++, p += 3) {
          out.put(row + x, normalised[rgb[p] & 0xff]);
        }
      }
    }
    return new PreparedImage(pixels, image.height(), image.width(), h, w);
  }

  /**
   * Just the encoder input {@code [1, 3, S, S]} of {@link #prepare}.
   *
   * @param image the original image
   * @return the normalised, padded pixels
   * @throws NullPointerException if {@code image} is null
   */
  public INDArray toModelInput(RgbImage image) {
    return prepare(image).pixels();
  }
}
