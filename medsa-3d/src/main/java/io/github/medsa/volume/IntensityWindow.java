package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * How voxel intensities become the 0..255 grey levels SAM expects: a CT window (level/width in HU) or, for MRI,
 * clipping at percentiles of the volume. Values below the window map to 0, above to 255, linearly between.
 */
public sealed interface IntensityWindow {
  /**
   * The intensity range mapped onto 0..255 for one volume.
   *
   * @param v the volume
   * @return {@code {low, high}} in the volume's intensity units (HU for CT)
   */
  double[] range(Volume v);

  /**
   * CT window, e.g. soft tissue {@code ct(40, 400)}, brain {@code ct(40, 80)}, lung {@code ct(-600, 1500)}.
   *
   * @param level the window centre in HU
   * @param width the window width in HU, positive
   * @return the window {@code [level - width / 2, level + width / 2]}
   * @throws IllegalArgumentException if {@code width} is not positive
   */
  static IntensityWindow ct(double level, double width) {
    checkArgument(width > 0, "window width must be positive, got %s", width);
    return new Ct(level, width);
  }

  /**
   * MRI: clip at the given percentiles of the volume's finite values (default 0.5 and 99.5).
   *
   * @param low the lower percentile, in [0, high)
   * @param high the upper percentile, in (low, 100]
   * @return the window
   * @throws IllegalArgumentException unless {@code 0 <= low < high <= 100}
   */
  static IntensityWindow percentiles(double low, double high) {
    checkArgument(low >= 0 && high <= 100 && low < high, "need 0 <= low < high <= 100, got %s, %s", low, high);
    return new Percentiles(low, high);
  }

  /** @return the MRI default: percentiles 0.5 and 99.5 */
  static IntensityWindow mri() {
    return percentiles(0.5, 99.5);
  }

  /**
   * The grey level (0..255) of one value under {@code range}.
   *
   * @param value a voxel value
   * @param range {@code {low, high}} from {@link #range}
   * @return 0 at or below low (and for NaN), 255 at or above high, linear and rounded between
   */
  static int grey(double value, double[] range) {
    if (!(value > range[0])) {
      return 0;
    }
    if (value >= range[1]) {
      return 255;
    }
    return (int) Math.round(255.0 * (value - range[0]) / (range[1] - range[0]));
  }

  /**
   * A CT window; make one with {@link IntensityWindow#ct}.
   *
   * @param level the window centre in HU
   * @param width the window width in HU
   */
  record Ct(double level, double width) implements IntensityWindow {
    @Override
    public double[] range(Volume v) {
      return new double[] {level - width / 2, level + width / 2};
    }
  }

  /**
   * Clipping at percentiles of the volume's finite values; make one with {@link IntensityWindow#percentiles}.
   *
   * @param low the lower percentile, 0..100
   * @param high the upper percentile, 0..100
   */
  record Percentiles(double low, double high) implements IntensityWindow {
    @Override
    public double[] range(Volume v) {
      float[] d = v.data();
      double[] finite = new double[d.length];
      int n = 0;
      for (float x : d) {
        if (Float.isFinite(x)) {
          finite[n++] = x;
        }
      }
      checkArgument(n > 0, "%s: no finite voxel values", v.source());
      double[] sorted = Arrays.copyOf(finite, n);
      Arrays.sort(sorted);
      double lo = percentile(sorted, low);
      double hi = percentile(sorted, high);
      return hi > lo ? new double[] {lo, hi} : new double[] {lo, lo + 1};
    }

    /** numpy's default (linear) percentile. */
    static double percentile(double[] sorted, double p) {
      double pos = p / 100.0 * (sorted.length - 1);
      int i = (int) Math.floor(pos);
      int j = Math.min(i + 1, sorted.length - 1);
      return sorted[i] + (pos - i) * (sorted[j] - sorted[i]);
    }
  }
}
