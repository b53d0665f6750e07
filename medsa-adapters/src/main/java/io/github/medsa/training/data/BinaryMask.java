package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable {@code height x width} binary mask (ground truth of one object). {@code data} is row-major:
 * pixel {@code (y, x)} (row y, column x) is {@code data[y * width + x]}. The array is copied on the way in and
 * on the way out ({@link #data()}), so the value cannot change.
 */
public record BinaryMask(int height, int width, boolean[] data) {

  /**
   * Checks and copies the pixels.
   *
   * @param height rows, positive
   * @param width columns, positive
   * @param data {@code height * width} row-major pixels, copied
   * @throws IllegalArgumentException if a dimension is not positive or the length is not {@code height * width}
   * @throws NullPointerException if {@code data} is null
   */
  public BinaryMask {
    checkArgument(height > 0 && width > 0, "mask must have positive height and width, got %s x %s", height, width);
    checkNotNull(data, "data");
    checkArgument((long) height * width == data.length,
        "mask of %s x %s (height x width) needs %s values, got %s", height, width, (long) height * width,
        data.length);
    data = data.clone();
  }

  /**
   * Binarises a row-major label image: pixel i is foreground when {@code foreground.test(labels[i])}.
   *
   * <pre>{@code BinaryMask thalamus = BinaryMask.fromLabels(aal, 128, 128, v -> v == 77 || v == 78);}</pre>
   *
   * @param labels {@code height * width} row-major labels
   * @param height rows, positive
   * @param width columns, positive
   * @param foreground which labels are foreground
   * @return the binary mask
   * @throws IllegalArgumentException if a dimension is not positive or the length is not {@code height * width}
   * @throws NullPointerException if {@code labels} or {@code foreground} is null
   */
  public static BinaryMask fromLabels(int[] labels, int height, int width, IntPredicate foreground) {
    checkNotNull(labels, "labels");
    checkNotNull(foreground, "foreground");
    checkArgument(height > 0 && width > 0, "mask must have positive height and width, got %s x %s", height, width);
    checkArgument((long) height * width == labels.length,
        "label image of %s x %s (height x width) needs %s values, got %s", height, width, (long) height * width,
        labels.length);
    boolean[] out = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      out[i] = foreground.test(labels[i]);
    }
    return new BinaryMask(height, width, out);
  }

  /** @return a copy of the row-major pixels */
  @Override
  public boolean[] data() {
    return data.clone();
  }

  /**
   * Whether pixel (row {@code y}, column {@code x}) is foreground.
   *
   * @param y the row, in [0, height)
   * @param x the column, in [0, width)
   * @return true for foreground
   * @throws IndexOutOfBoundsException if {@code y} or {@code x} is outside the mask
   */
  public boolean get(int y, int x) {
    checkElementIndex(y, height, "y");
    checkElementIndex(x, width, "x");
    return data[y * width + x];
  }

  /** @return the number of foreground pixels */
  public int count() {
    int n = 0;
    for (boolean b : data) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  /** @return true if no pixel is foreground */
  public boolean isEmpty() {
    return count() == 0;
  }

  /**
   * The tight box around the foreground as {@code {x0, y0, x1, y1}}, inclusive pixel indices (a single pixel at
   * column 3, row 5 gives {@code {3, 5, 3, 5}}); empty when there is no foreground.
   *
   * @return the box, or empty
   */
  public Optional<int[]> boundingBox() {
    int x0 = Integer.MAX_VALUE;
    int y0 = Integer.MAX_VALUE;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        if (data[y * width + x]) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return x1 < 0 ? Optional.empty() : Optional.of(new int[] {x0, y0, x1, y1});
  }

  /** Row-major indices {@code y * width + x} of the pixels equal to {@code value}, ascending. */
  int[] indicesOf(boolean value) {
    int n = 0;
    for (boolean b : data) {
      if (b == value) {
        n++;
      }
    }
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == value) {
        out[k++] = i;
      }
    }
    return out;
  }

  /** @return a new {@code [height, width]} FLOAT array of 0 and 1 */
  public INDArray toINDArray() {
    float[] values = new float[data.length];
    for (int i = 0; i < data.length; i++) {
      values[i] = data[i] ? 1f : 0f;
    }
    return Nd4j.createFromArray(values).reshape('c', height, width);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryMask m && m.height == height && m.width == width && Arrays.equals(m.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * height + width) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "BinaryMask[" + height + " x " + width + ", " + count() + " foreground]";
  }
}
