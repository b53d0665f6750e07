package io.github.medsa.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

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
 * {@code Ax [W][mw]}) and applied as {@code Ay @ X @ Ax^T}, one map at a time, by two matrix products in float
 * straight into the output array: the only full-size array is the result. The result differs from PyTorch's
 * step-by-step float computation only by rounding (about 1e-6 relative). Axis matrices are cached per size.
 * Thread-safe; an {@link Upscaler} is not.
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
    try (Upscaler upscaler = upscaler((int) shape[2], (int) shape[3], inputH, inputW, imageSize, origH, origW)) {
      return upscaler.upscale(lowRes);
    }
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
   * An upscaler for many batches of {@code mh x mw} logits of one image: it keeps the axis matrices and one map's
   * working buffer between calls, so that each call allocates nothing but its result.
   *
   * @param mh height of the low-res logits
   * @param mw width of the low-res logits
   * @param image the prepared image the logits belong to
   * @return a new upscaler, the caller's to close
   * @throws NullPointerException if {@code image} is null
   * @throws IllegalArgumentException if a size is not positive
   */
  public Upscaler upscaler(int mh, int mw, PreparedImage image) {
    checkNotNull(image, "image");
    return upscaler(mh, mw, image.inputH(), image.inputW(), image.imageSize(), image.origH(), image.origW());
  }

  private Upscaler upscaler(int mh, int mw, int inputH, int inputW, int imageSize, int origH, int origW) {
    checkArgument(mh > 0 && mw > 0, "low-res size must be positive, got %s x %s", mh, mw);
    checkArgument(imageSize > 0, "imageSize must be positive, got %s", imageSize);
    checkArgument(inputH > 0 && inputH <= imageSize && inputW > 0 && inputW <= imageSize,
        "input size %s x %s must be positive and fit in %s", inputH, inputW, imageSize);
    checkArgument(origH > 0 && origW > 0, "original size must be positive, got %s x %s", origH, origW);
    INDArray ay = Nd4j.create(axisMatrices.getUnchecked(new AxisKey(mh, imageSize, inputH, origH)),
        new long[] {origH, mh}, 'c');
    INDArray ax = Nd4j.create(axisMatrices.getUnchecked(new AxisKey(mw, imageSize, inputW, origW)),
        new long[] {origW, mw}, 'c');
    return new Upscaler(ay, ax);
  }

  /**
   * Upscales low-res logits of one size to one original image size, {@code Ay @ X @ Ax^T} per map. Holds three
   * small native arrays (the axis matrices and one map's column pass): {@link #close()} frees them. Not
   * thread-safe.
   */
  public static final class Upscaler implements AutoCloseable {
    private final INDArray ay;
    private final INDArray ax;
    /** One map after the column pass, {@code [mh, W]}: reused by every map, so no per-map temporaries. */
    private final INDArray columns;
    private boolean closed;

    private Upscaler(INDArray ay, INDArray ax) {
      this.ay = ay;
      this.ax = ax;
      this.columns = Nd4j.create(DataType.FLOAT, new long[] {ay.size(1), ax.size(0)}, 'c');
    }

    /**
     * Upscales every {@code mh x mw} map of {@code lowRes}.
     *
     * @param lowRes {@code [..., mh, mw]} logits, e.g. {@code [C, mh, mw]} (any floating type; computed in float)
     * @return a new {@code [..., H, W]} float array, the caller's
     * @throws IllegalStateException if this upscaler is closed
     * @throws IllegalArgumentException if the last two dimensions are not {@code mh x mw}
     */
    public INDArray upscale(INDArray lowRes) {
      checkState(!closed, "Upscaler is closed");
      checkNotNull(lowRes, "lowRes");
      long[] shape = lowRes.shape();
      int r = shape.length;
      checkArgument(r >= 2 && shape[r - 2] == ay.size(1) && shape[r - 1] == ax.size(1),
          "low-res logits must be [..., %s, %s], got %s", ay.size(1), ax.size(1), Arrays.toString(shape));
      long[] outShape = shape.clone();
      outShape[r - 2] = ay.size(0);
      outShape[r - 1] = ax.size(0);
      INDArray out = Nd4j.create(DataType.FLOAT, outShape, 'c');
      INDArray x = lowRes.castTo(DataType.FLOAT);
      long maps = lowRes.length() / (shape[r - 2] * shape[r - 1]);
      for (int i = 0; i < maps; i++) {
        // Columns: [mh, mw] @ [mw, W] -> [mh, W]; rows: [H, mh] @ [mh, W] -> [H, W], written in place.
        Nd4j.gemm(x.tensorAlongDimension(i, r - 2, r - 1), ax, columns, false, true, 1.0, 0.0);
        Nd4j.gemm(ay, columns, out.tensorAlongDimension(i, r - 2, r - 1), false, false, 1.0, 0.0);
      }
      if (x != lowRes) {
        NativeMemory.free(x); // the float copy of a non-float input
      }
      return out;
    }

    /** Frees the axis matrices and the working buffer; idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      NativeMemory.free(List.of(ay, ax, columns));
    }
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
