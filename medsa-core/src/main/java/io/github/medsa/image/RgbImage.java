package io.github.medsa.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;
import static com.google.common.base.Preconditions.checkNotNull;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable {@code H x W x 3} 8-bit RGB image, the pixel layout SAM's reference code takes
 * ({@code numpy uint8, HWC}). Pixels are held as interleaved bytes {@code r, g, b} in row-major order.
 *
 * <p>Conversions:
 * <ul>
 *   <li>{@link #of(BufferedImage)}: any type. Single-channel grey rasters ({@code TYPE_BYTE_GRAY},
 *       {@code TYPE_USHORT_GRAY}, custom grey) are read from the raster without colour-space conversion and
 *       replicated to R, G and B; 16-bit grey is scaled to 8 bits by {@code >> 8} (truncation, not rounding), other
 *       depths by the exact integer ratio. Everything else (RGB, BGR, indexed/palette, ARGB...) goes
 *       through {@link BufferedImage#getRGB}; alpha is dropped, not composited.</li>
 *   <li>{@link #of(INDArray)}: {@code H x W x 3}, {@code H x W x 1} or {@code H x W}; integer or floating
 *       values in {@code [0, 255]}; floating values are rounded to the nearest integer (ties to even).</li>
 *   <li>{@link #toINDArray()}: an {@code H x W x 3} {@link DataType#UINT8} array.</li>
 * </ul>
 */
public final class RgbImage {
  private final int height;
  private final int width;
  private final byte[] rgb;

  private RgbImage(int height, int width, byte[] rgb) {
    this.height = height;
    this.width = width;
    this.rgb = rgb;
  }

  /**
   * Wraps a copy of {@code rgb}: {@code h * w * 3} bytes, interleaved RGB, row-major, unsigned.
   *
   * @param h height in pixels
   * @param w width in pixels
   * @param rgb the pixels, {@code (y * w + x) * 3 + c}
   * @return the image
   * @throws NullPointerException if {@code rgb} is null
   * @throws IllegalArgumentException if a size is not positive or the array length is not {@code h * w * 3}
   */
  public static RgbImage ofRgbBytes(int h, int w, byte[] rgb) {
    checkNotNull(rgb, "rgb");
    checkSize(h, w, "[" + h + ", " + w + ", 3]");
    checkArgument((long) h * w * 3 == rgb.length,
        "expected %s * %s * 3 = %s RGB bytes, got %s", h, w, (long) h * w * 3, rgb.length);
    return new RgbImage(h, w, rgb.clone());
  }

  /**
   * Converts any {@link BufferedImage}; see the class comment for grey and alpha handling.
   *
   * @param image the image
   * @return a copy of its pixels as RGB
   * @throws NullPointerException if {@code image} is null
   * @throws IllegalArgumentException if it has no pixels
   */
  public static RgbImage of(BufferedImage image) {
    checkNotNull(image, "image");
    int h = image.getHeight();
    int w = image.getWidth();
    checkSize(h, w, "BufferedImage " + w + " x " + h);
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(h, w), 3)];
    ColorModel cm = image.getColorModel();
    if (!(cm instanceof IndexColorModel)
        && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && cm.getNumColorComponents() == 1) {
      Raster raster = image.getRaster();
      int bits = raster.getSampleModel().getSampleSize(0);
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        raster.getSamples(0, y, w, 1, 0, row);
        for (int x = 0; x < w; x++) {
          int v = to8Bits(row[x], bits);
          int o = (y * w + x) * 3;
          out[o] = out[o + 1] = out[o + 2] = (byte) v;
        }
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int p = row[x];
          int o = (y * w + x) * 3;
          out[o] = (byte) (p >> 16);
          out[o + 1] = (byte) (p >> 8);
          out[o + 2] = (byte) p;
        }
      }
    }
    return new RgbImage(h, w, out);
  }

  private static int to8Bits(int sample, int bits) {
    if (bits == 8) {
      return sample;
    } else if (bits > 8) {
      return sample >>> (bits - 8);
    } else {
      int max = (1 << bits) - 1;
      return (sample * 255 + max / 2) / max;
    }
  }

  /**
   * Converts an {@code H x W x 3}, {@code H x W x 1} or {@code H x W} array (grey is replicated to RGB) of any
   * numeric type. Every value must be finite and within {@code [0, 255]}; floating values are rounded to the
   * nearest integer, ties to even (as {@code numpy.rint}).
   *
   * @param array the pixels, rows first: {@code [H, W, C]} or {@code [H, W]}
   * @return a copy as RGB bytes
   * @throws NullPointerException if {@code array} is null
   * @throws IllegalArgumentException naming the shape, or the first offending position and value
   */
  public static RgbImage of(INDArray array) {
    checkNotNull(array, "array");
    long[] shape = array.shape();
    int rank = shape.length;
    checkArgument((rank == 2 || rank == 3) && (rank == 2 || shape[2] == 3 || shape[2] == 1),
        "expected an image array of shape [H, W, 3], [H, W, 1] or [H, W], got %s", Arrays.toString(shape));
    checkArgument(shape[0] <= Integer.MAX_VALUE && shape[1] <= Integer.MAX_VALUE,
        "image too large: %s", Arrays.toString(shape));
    int h = (int) shape[0];
    int w = (int) shape[1];
    checkSize(h, w, Arrays.toString(shape));
    DataType type = array.dataType();
    checkArgument(type.isNumerical() && type != DataType.BOOL,
        "expected a numeric image array, got data type %s", type);
    int channels = rank == 3 ? (int) shape[2] : 1;
    double[] values = array.castTo(DataType.DOUBLE).ravel().toDoubleVector();
    boolean floating = type.isFPType();
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(h, w), 3)];
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!(v >= 0 && v <= 255)) {
        int pixel = i / channels;
        String where = rank == 3
            ? "(" + pixel / w + ", " + pixel % w + ", " + i % channels + ")"
            : "(" + pixel / w + ", " + pixel % w + ")";
        throw new IllegalArgumentException(Double.isFinite(v)
            ? "image value " + v + " at " + where + " is outside 0..255"
            : "image value " + v + " at " + where + " is not finite; expected values in 0..255");
      }
      byte b = (byte) (floating ? (int) Math.rint(v) : (int) v);
      if (channels == 3) {
        out[i] = b;
      } else {
        out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = b;
      }
    }
    return new RgbImage(h, w, out);
  }

  private static void checkSize(int h, int w, String found) {
    checkArgument(h > 0 && w > 0, "image must have positive height and width, got %s", found);
  }

  /**
   * Height of the image.
   *
   * @return rows, in pixels
   */
  public int height() {
    return height;
  }

  /**
   * Width of the image.
   *
   * @return columns, in pixels
   */
  public int width() {
    return width;
  }

  /**
   * The value {@code 0..255} of channel {@code c} (0 = R, 1 = G, 2 = B) at row {@code y}, column {@code x}.
   *
   * @param y the row, 0 at the top
   * @param x the column, 0 at the left
   * @param c the channel, 0..2
   * @return the unsigned value
   * @throws IndexOutOfBoundsException if an index is outside the image
   */
  public int get(int y, int x, int c) {
    checkElementIndex(y, height, "y");
    checkElementIndex(x, width, "x");
    checkElementIndex(c, 3, "c");
    return rgb[(y * width + x) * 3 + c] & 0xff;
  }

  /**
   * A copy of the pixels: {@code h * w * 3} bytes, interleaved RGB, row-major.
   *
   * @return a new array
   */
  public byte[] toRgbBytes() {
    return rgb.clone();
  }

  /** Package-private access to the pixels without copying; callers must not modify it. */
  byte[] rawRgb() {
    return rgb;
  }

  /** Wraps {@code rgb} without copying; the caller hands over ownership. */
  static RgbImage wrap(int h, int w, byte[] rgb) {
    return new RgbImage(h, w, rgb);
  }

  /**
   * A new {@link BufferedImage#TYPE_INT_RGB} image with these pixels.
   *
   * @return the image
   */
  public BufferedImage toBufferedImage() {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int o = (y * width + x) * 3;
        row[x] = (rgb[o] & 0xff) << 16 | (rgb[o + 1] & 0xff) << 8 | (rgb[o + 2] & 0xff);
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    return image;
  }

  /**
   * A new {@code [H, W, 3]} {@link DataType#UINT8} array (values 0..255), as {@code numpy uint8 HWC}.
   *
   * @return the array
   */
  public INDArray toINDArray() {
    int[] values = new int[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      values[i] = rgb[i] & 0xff;
    }
    return Nd4j.createFromArray(values).castTo(DataType.UINT8).reshape('c', new long[] {height, width, 3});
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage other
        && other.height == height && other.width == width && Arrays.equals(other.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * height + width) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + height + " x " + width + " x 3]";
  }
}
