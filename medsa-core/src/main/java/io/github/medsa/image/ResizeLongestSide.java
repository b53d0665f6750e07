package io.github.medsa.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Segment Anything's {@code ResizeLongestSide}: scales an image so that its longer side is
 * {@code targetLength}, and maps prompt coordinates into the resized frame.
 *
 * <p>{@link #apply(RgbImage)} reproduces, bit for bit, what the reference does:
 * {@code PIL.Image.resize((neww, newh), BILINEAR)} on an 8-bit RGB image, i.e. Pillow's {@code ImagingResample}:
 * a separable triangle filter whose support widens to {@code in / out} when shrinking (so it antialiases),
 * horizontal pass first, then vertical, each skipped when its axis keeps its size, 22-bit fixed-point
 * weights and a uint8 intermediate image.
 *
 * @param targetLength the side of the model's square input (1024 for SAM)
 */
public record ResizeLongestSide(int targetLength) {
  /** Pillow: {@code PRECISION_BITS = 32 - 8 - 2}. */
  private static final int PRECISION_BITS = 32 - 8 - 2;

  /**
   * Validates the target.
   *
   * @param targetLength the side of the model's square input, in pixels
   * @throws IllegalArgumentException if it is not positive
   */
  public ResizeLongestSide {
    checkArgument(targetLength > 0, "targetLength must be positive, got %s", targetLength);
  }

  /**
   * {@code {newh, neww}}: the size an {@code h x w} image is resized to (long side = target, rounded half up).
   *
   * @param h original height in pixels
   * @param w original width in pixels
   * @return {@code {height, width}} in model-input pixels
   * @throws IllegalArgumentException if a size is not positive
   */
  public int[] targetSize(int h, int w) {
    checkArgument(h > 0 && w > 0, "image size must be positive, got %s x %s", h, w);
    double scale = targetLength * 1.0 / Math.max(h, w);
    return new int[] {(int) (h * scale + 0.5), (int) (w * scale + 0.5)};
  }

  /**
   * The image resized to {@link #targetSize} with Pillow's bilinear filter; the same instance when the size does
   * not change (as Pillow).
   *
   * @param image the original image
   * @return the resized image, in the model-input frame
   * @throws NullPointerException if {@code image} is null
   */
  public RgbImage apply(RgbImage image) {
    checkNotNull(image, "image");
    int h = image.height();
    int w = image.width();
    int[] size = targetSize(h, w);
    int newh = size[0];
    int neww = size[1];
    byte[] pixels = image.rawRgb();
    if (neww != w) {
      pixels = resampleHorizontal(pixels, h, w, neww);
    }
    if (newh != h) {
      pixels = resampleVertical(pixels, h, neww, newh);
    }
    return pixels == image.rawRgb() ? image : RgbImage.wrap(newh, neww, pixels);
  }

  /**
   * Maps {@code (x, y)} points given in the original {@code origH x origW} frame to the resized frame:
   * {@code x * (neww / origW)}, {@code y * (newh / origH)} in double (the reference then casts to float32).
   *
   * @param xy points {@code {x, y}} in original-image pixels
   * @param origH original height in pixels
   * @param origW original width in pixels
   * @return new arrays, the points in model-input pixels
   * @throws NullPointerException if {@code xy} is null
   * @throws IllegalArgumentException if a point is null or not two values, or a size is not positive
   */
  public double[][] applyCoords(double[][] xy, int origH, int origW) {
    checkNotNull(xy, "xy");
    int[] size = targetSize(origH, origW);
    double sx = (double) size[1] / origW;
    double sy = (double) size[0] / origH;
    double[][] out = new double[xy.length][];
    for (int i = 0; i < xy.length; i++) {
      checkArgument(xy[i] != null && xy[i].length == 2, "point %s must be (x, y), got %s values",
          i, xy[i] == null ? null : xy[i].length);
      out[i] = new double[] {xy[i][0] * sx, xy[i][1] * sy};
    }
    return out;
  }

  /**
   * Maps {@code (x0, y0, x1, y1)} boxes as two corner points each, like {@link #applyCoords}.
   *
   * @param boxes boxes {@code {x0, y0, x1, y1}} in original-image pixels
   * @param origH original height in pixels
   * @param origW original width in pixels
   * @return new arrays, the boxes in model-input pixels
   * @throws NullPointerException if {@code boxes} is null
   * @throws IllegalArgumentException if a box is null or not four values, or a size is not positive
   */
  public double[][] applyBoxes(double[][] boxes, int origH, int origW) {
    checkNotNull(boxes, "boxes");
    double[][] corners = new double[boxes.length * 2][];
    for (int i = 0; i < boxes.length; i++) {
      checkArgument(boxes[i] != null && boxes[i].length == 4, "box %s must be (x0, y0, x1, y1), got %s values",
          i, boxes[i] == null ? null : boxes[i].length);
      corners[2 * i] = new double[] {boxes[i][0], boxes[i][1]};
      corners[2 * i + 1] = new double[] {boxes[i][2], boxes[i][3]};
    }
    double[][] mapped = applyCoords(corners, origH, origW);
    double[][] out = new double[boxes.length][];
    for (int i = 0; i < boxes.length; i++) {
      out[i] = new double[] {mapped[2 * i][0], mapped[2 * i][1], mapped[2 * i + 1][0], mapped[2 * i + 1][1]};
    }
    return out;
  }

  /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for the bilinear (triangle) filter. */
  private static final class Coeffs {
    final int ksize;
    final int[] bounds; // per output sample: xmin, count
    final int[] kk; // per output sample: ksize fixed-point weights

    Coeffs(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterscale = Math.max(scale, 1.0);
      double support = 1.0 * filterscale;
      ksize = (int) Math.ceil(support) * 2 + 1;
      bounds = new int[outSize * 2];
      kk = new int[outSize * ksize];
      double[] k = new double[ksize];
      for (int xx = 0; xx < outSize; xx++) {
        double center = 0.0 + (xx + 0.5) * scale;
        double ww = 0.0;
        double ss = 1.0 / filterscale;
        int xmin = (int) (center - support + 0.5);
        if (xmin < 0) {
          xmin = 0;
        }
        int xmax = (int) (center + support + 0.5);
        if (xmax > inSize) {
          xmax = inSize;
        }
        xmax -= xmin;
        for (int x = 0; x < xmax; x++) {
          double w = triangle((x + xmin - center + 0.5) * ss);
          k[x] = w;
          ww += w;
        }
        for (int x = 0; x < xmax; x++) {
          double w = ww != 0.0 ? k[x] / ww : k[x];
          kk[xx * ksize + x] = w < 0
              ? (int) (-0.5 + w * (1 << PRECISION_BITS))
              : (int) (0.5 + w * (1 << PRECISION_BITS));
        }
        bounds[xx * 2] = xmin;
        bounds[xx * 2 + 1] = xmax;
      }
    }

    private static double triangle(double x) {
      if (x < 0.0) {
        x = -x;
      }
      return x < 1.0 ? 1.0 - x : 0.0;
    }
  }

  private static int clip8(int in) {
    if (in >= (1 << PRECISION_BITS << 8)) {
      return 255;
    }
    if (in <= 0) {
      return 0;
    }
    return in >> PRECISION_BITS;
  }

  private static byte[] resampleHorizontal(byte[] in, int h, int w, int outW) {
    Coeffs c = new Coeffs(w, outW);
    byte[] out = new byte[h * outW * 3];
    for (int y = 0; y < h; y++) {
      int rowIn = y * w * 3;
      int rowOut = y * outW * 3;
      for (int xx = 0; xx < outW; xx++) {
        int xmin = c.bounds[xx * 2];
        int count = c.bounds[xx * 2 + 1];
        int kOff = xx * c.ksize;
        int ss0 = 1 << (PRECISION_BITS - 1);
        int ss1 = ss0;
        int ss2 = ss0;
        for (int x = 0; x < count; x++) {
          int k = c.kk[kOff + x];
          int p = rowIn + (x + xmin) * 3;
          ss0 += (in[p] & 0xff) * k;
          ss1 += (in[p + 1] & 0xff) * k;
          ss2 += (in[p + 2] & 0xff) * k;
        }
        int o = rowOut + xx * 3;
        out[o] = (byte) clip8(ss0);
        out[o + 1] = (byte) clip8(ss1);
        out[o + 2] = (byte) clip8(ss2);
      }
    }
    return out;
  }

  private static byte[] resampleVertical(byte[] in, int h, int w, int outH) {
    Coeffs c = new Coeffs(h, outH);
    int stride = w * 3;
    byte[] out = new byte[outH * stride];
    for (int yy = 0; yy < outH; yy++) {
      int ymin = c.bounds[yy * 2];
      int count = c.bounds[yy * 2 + 1];
      int kOff = yy * c.ksize;
      for (int i = 0; i < stride; i++) {
        int ss = 1 << (PRECISION_BITS - 1);
        for (int y = 0; y < count; y++) {
          ss += (in[(y + ymin) * stride + i] & 0xff) * c.kk[kOff + y];
        }
        out[yy * stride + i] = (byte) clip8(ss);
      }
    }
    return out;
  }
}
