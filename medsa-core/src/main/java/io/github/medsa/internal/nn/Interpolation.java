package io.github.medsa.internal.nn;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * 1-D resampling as matrices, exactly PyTorch's {@code F.interpolate} index and weight rules with
 * {@code align_corners=False}. A separable 2-D resize is then {@code Ry @ X @ Rx^T}, which stays
 * differentiable inside a SameDiff graph (SameDiff's own resize ops cannot be differentiated or saved).
 * Each returned matrix is {@code [out][in]}: row {@code i} holds the weights of output sample {@code i}.
 */
public final class Interpolation {
  /** PyTorch's cubic convolution coefficient (OpenCV and TF use -0.5 and do not match). */
  private static final double CUBIC_A = -0.75;

  private Interpolation() {}

  /**
   * Linear (bilinear per axis) weights: source = (dst + 0.5) * in / out - 0.5, clamped below at 0.
   *
   * @param in the number of input samples
   * @param out the number of output samples
   * @return the resampling matrix {@code [out][in]}
   * @throws IllegalArgumentException if a size is not positive
   */
  public static double[][] linear(int in, int out) {
    checkArgument(in > 0 && out > 0, "sizes must be positive: in %s, out %s", in, out);
    double[][] m = new double[out][in];
    // PyTorch computes the scale and source index in float for float tensors.
    float scale = (float) in / out;
    for (int i = 0; i < out; i++) {
      float src = scale * (i + 0.5f) - 0.5f;
      if (src < 0) {
        src = 0;
      }
      int i0 = (int) src;
      int i1 = i0 < in - 1 ? i0 + 1 : i0;
      float l1 = src - i0;
      float l0 = 1f - l1;
      m[i][i0] += l0;
      m[i][i1] += l1;
    }
    return m;
  }

  /**
   * Bicubic weights (A = -0.75), source = (dst + 0.5) * in / out - 0.5 unclamped, edge indices clamped.
   *
   * @param in the number of input samples
   * @param out the number of output samples
   * @return the resampling matrix {@code [out][in]}
   * @throws IllegalArgumentException if a size is not positive
   */
  public static double[][] bicubic(int in, int out) {
    checkArgument(in > 0 && out > 0, "sizes must be positive: in %s, out %s", in, out);
    double[][] m = new double[out][in];
    float scale = (float) in / out;
    for (int i = 0; i < out; i++) {
      float real = scale * (i + 0.5f) - 0.5f;
      int base = (int) Math.floor(real);
      float t = real - base;
      double[] c = {
          cubic2(t + 1.0), cubic1(t), cubic1(1.0 - t), cubic2(2.0 - t)
      };
      for (int k = 0; k < 4; k++) {
        int idx = Math.min(Math.max(base - 1 + k, 0), in - 1);
        m[i][idx] += c[k];
      }
    }
    return m;
  }

  private static double cubic1(double x) {
    return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
  }

  private static double cubic2(double x) {
    return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
  }

  /**
   * {@code a @ b} for small dense matrices.
   *
   * @param a the left matrix {@code [n][k]}
   * @param b the right matrix {@code [k][m]}
   * @return the product {@code [n][m]}
   * @throws IllegalArgumentException if the inner sizes differ
   */
  public static double[][] multiply(double[][] a, double[][] b) {
    checkArgument(a.length > 0 && a[0].length == b.length, "inner sizes differ: %s vs %s", a[0].length, b.length);
    double[][] r = new double[a.length][b[0].length];
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < b.length; k++) {
        double v = a[i][k];
        if (v != 0) {
          for (int j = 0; j < b[0].length; j++) {
            r[i][j] += v * b[k][j];
          }
        }
      }
    }
    return r;
  }

  /**
   * Selects rows {@code [0, n)} of the identity of size {@code full}: a crop as a matrix {@code [n][full]}.
   *
   * @param full the number of input samples
   * @param n how many leading samples to keep
   * @return the crop matrix {@code [n][full]}
   * @throws IllegalArgumentException if {@code n} is outside {@code 1..full}
   */
  public static double[][] crop(int full, int n) {
    checkArgument(n > 0 && n <= full, "crop %s outside 1..%s", n, full);
    double[][] m = new double[n][full];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }

  /**
   * Rounds a matrix to float32 (coordinates and interpolation weights, as PyTorch holds them).
   *
   * @param m the matrix
   * @return a new matrix of the same shape, each entry rounded to the nearest float
   */
  public static float[][] toFloat(double[][] m) {
    float[][] r = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      r[i] = new float[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        r[i][j] = (float) m[i][j];
      }
    }
    return r;
  }
}
