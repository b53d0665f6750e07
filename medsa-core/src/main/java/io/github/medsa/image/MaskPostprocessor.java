package io.github.medsa.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.medsa.internal.model.NativeMemory;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import io.github.medsa.internal.nn.Interpolation;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM's {@code Sam.postprocess_masks}: low-resolution mask logits {@code [B, C, mh, mw]} are resized bilinearly
 * (align_corners=False, no antialiasing) to {@code S x S}, cropped to the resized image's
 * {@code inputH x inputW}, and resized bilinearly to the original {@code H x W}.
 *
 * <p>The three steps of each axis are linear, so they are folded into one matrix ({@code Ay [H][mh]},
 * {@code Ax [W][mw]}) and applied as {@code Ay @ X @ Ax^T} per channel in float. The result differs from
 * PyTorch's step-by-step float computation only by rounding (about 1e-6 relative). Axis matrices are
 * cached per size. Thread-safe.
 */
public final class MaskPostprocessor {
  private record AxisKey(int lowRes, int imageSize, int input, int orig) {}

  private final LoadingCache<AxisKey, float[]> axisMatrices = CacheBuilder.newBuilder()
      .maximumSize(64)
      .build(CacheLoader.from(MaskPostprocessor::axisMatrix));

  /**
   * Upscales mask logits to the original image size.
   *
   * @param lowRes {@code [B, C, mh, mw]} logits (any floating type; computed in float)
   * @param inputH height of the resized image inside the {@code imageSize} square
   * @param inputW width of the resized image inside the {@code imageSize} square
   * @param imageSize side {@code S} of the encoder input
   * @param origH original image height
   * @param origW original image width
   * @return {@code [B, C, origH, origW]} float logits
   */
  public INDArray upscaleLogits(INDArray lowRes, int inputH, int inputW, int imageSize, int origH, int origW) {
    checkNotNull(lowRes, "lowRes");
    long[] shape = lowRes.shape();
    checkArgument(shape.length == 4 && shape[2] > 0 && shape[3] > 0,
        "low-res logits must be [B, C, mh, mw], got %s", Arrays.toString(shape));
    checkArgument(imageSize > 0, "imageSize must be positive, got %s", imageSize);
    checkArgument(inputH > 0 && inputH <= imageSize && inputW > 0 && inputW <= imageSize,
        "input size %s x %s must be positive and fit in %s", inputH, inputW, imageSize);
    checkArgument(origH > 0 && origW > 0, "original size must be positive, got %s x %s", origH, origW);
    int b = (int) shape[0];
    int c = (int) shape[1];
    int mh = (int) shape[2];
    int mw = (int) shape[3];
    int n = b * c;
    INDArray ay = Nd4j.create(axisMatrices.getUnchecked(new AxisKey(mh, imageSize, inputH, origH)),
        new long[] {origH, mh}, 'c');
    INDArray ax = Nd4j.create(axisMatrices.getUnchecked(new AxisKey(mw, imageSize, inputW, origW)),
        new long[] {origW, mw}, 'c');
    if (n == 0) {
      return Nd4j.create(DataType.FLOAT, b, c, origH, origW);
    }
    INDArray x = lowRes.castTo(DataType.FLOAT).dup('c'); // a copy of our own, whatever lowRes is
    // Columns: [n*mh, mw] @ [mw, W] -> [n*mh, W]
    INDArray t = x.reshape('c', new long[] {(long) n * mh, mw}).mmul(ax.transpose());
    // Rows: bring mh to the front, [mh, n*W], then [H, mh] @ [mh, n*W] -> [H, n*W]
    INDArray tm = t.reshape('c', new long[] {n, mh, origW}).permute(1, 0, 2).dup('c');
    INDArray r = ay.mmul(tm.reshape('c', new long[] {mh, (long) n * origW}));
    INDArray out = r.reshape('c', new long[] {origH, n, origW}).permute(1, 0, 2).dup('c');
    // The temporaries are hundreds of MB for a batch of prompts at 1024 x 1024: freed now, not by the collector.
    NativeMemory.free(List.of(ay, ax, x, t, tm, r));
    return out.reshape('c', new long[] {b, c, origH, origW});
  }

  /**
   * Upscales with the sizes recorded in {@code image} (see
   * {@link #upscaleLogits(INDArray, int, int, int, int, int)}).
   *
   * @param lowRes decoder logits {@code [B, C, m, m]}
   * @param image the prepared image the logits belong to
   * @return logits {@code [B, C, origH, origW]} in the original-image frame
   * @throws NullPointerException if {@code image} is null
   */
  public INDArray upscaleLogits(INDArray lowRes, PreparedImage image) {
    checkNotNull(image, "image");
    return upscaleLogits(lowRes, image.inputH(), image.inputW(), image.imageSize(), image.origH(), image.origW());
  }

  /**
   * Binary masks: {@code logits > 0} as a {@link DataType#BOOL} array of the same shape (NaN is false).
   *
   * @param logits mask logits of any shape
   * @return the BOOL masks
   * @throws NullPointerException if {@code logits} is null
   */
  public static INDArray toMasks(INDArray logits) {
    checkNotNull(logits, "logits");
    return logits.gt(0.0);
  }

  /** One axis: resize {@code lowRes -> imageSize}, crop to {@code input}, resize to {@code orig}; {@code [orig][lowRes]}. */
  private static float[] axisMatrix(AxisKey k) {
    double[][] up = Interpolation.linear(k.lowRes(), k.imageSize());
    double[][] cropped = Interpolation.multiply(Interpolation.crop(k.imageSize(), k.input()), up);
    double[][] m = Interpolation.multiply(Interpolation.linear(k.input(), k.orig()), cropped);
    float[] flat = new float[k.orig() * k.lowRes()];
    for (int i = 0; i < k.orig(); i++) {
      for (int j = 0; j < k.lowRes(); j++) {
        flat[i * k.lowRes() + j] = (float) m[i][j];
      }
    }
    return flat;
  }
}
