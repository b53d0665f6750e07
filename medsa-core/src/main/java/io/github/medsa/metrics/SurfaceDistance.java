package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Hausdorff distance at a percentile, following MONAI's
 * {@code compute_hausdorff_distance(percentile=95, directed=False)}.
 *
 * <ul>
 *   <li>Edges ({@code get_mask_edges}): {@code mask XOR binary_erosion(mask)} with scipy's default structuring
 *       element, the cross (4-connectivity in 2D, 6 in 3D), and scipy's default {@code border_value=0}. So an
 *       edge voxel is a foreground voxel with a background face-neighbour, counting outside the array as
 *       background. (MONAI's crop to the union's bounding box does not change this: outside it both masks are
 *       background anyway.)
 *   <li>Distances ({@code get_surface_distance}): for each edge voxel of one mask, the Euclidean distance with
 *       spacing to the nearest edge voxel of the other, taken from an exact distance transform of the other's
 *       edges ({@code distance_transform_edt(~edges, sampling=spacing)}).
 *   <li>The percentile of each direction separately, linearly interpolated like {@code numpy.percentile} /
 *       {@code torch.quantile}, and the larger of the two.
 * </ul>
 *
 * <p>The distance transform is Felzenszwalb and Huttenlocher's lower envelope of parabolas, one 1-D pass per
 * axis: O(voxels x rank), exact, where brute force would be O(edges^2) and too slow for 3D volumes.
 */
final class SurfaceDistance {
  private SurfaceDistance() {}

  /**
   * The symmetric percentile Hausdorff distance between two masks, or NaN if both are empty and +Infinity if
   * exactly one is (MONAI: infinite distances when one side has no surface). The caller applies the empty
   * policy.
   */
  static double hausdorff(boolean[] a, boolean[] b, Grid grid, double[] spacing, double percentile) {
    boolean[] edgesA = edges(a, grid);
    boolean[] edgesB = edges(b, grid);
    boolean anyA = any(edgesA);
    boolean anyB = any(edgesB);
    if (!anyA && !anyB) {
      return Double.NaN;
    }
    if (!anyA || !anyB) {
      return Double.POSITIVE_INFINITY;
    }
    double aToB = percentile(sample(distanceToNearest(edgesB, grid, spacing), edgesA), percentile);
    double bToA = percentile(sample(distanceToNearest(edgesA, grid, spacing), edgesB), percentile);
    return Math.max(aToB, bToA);
  }

  /** Foreground voxels with at least one background face-neighbour; outside the array counts as background. */
  static boolean[] edges(boolean[] mask, Grid grid) {
    boolean[] edges = new boolean[mask.length];
    for (int i = 0; i < mask.length; i++) {
      if (!mask[i]) {
        continue;
      }
      for (int d = 0; d < grid.rank() && !edges[i]; d++) {
        int c = grid.coordinate(i, d);
        int s = grid.stride(d);
        edges[i] = c == 0 || !mask[i - s] || c == grid.extent(d) - 1 || !mask[i + s];
      }
    }
    return edges;
  }

  /**
   * For every voxel, the Euclidean distance (with spacing) to the nearest site; +Infinity everywhere if there is
   * no site.
   */
  static double[] distanceToNearest(boolean[] sites, Grid grid, double[] spacing) {
    checkArgument(spacing.length == grid.rank(), "spacing has %s values but the grid %s has %s axes",
        spacing.length, grid, grid.rank());
    double[] squared = new double[sites.length];
    for (int i = 0; i < sites.length; i++) {
      squared[i] = sites[i] ? 0 : Double.POSITIVE_INFINITY;
    }
    // Squared distance is separable: minimising over one axis at a time gives the exact N-D result.
    for (int d = 0; d < grid.rank(); d++) {
      int n = grid.extent(d);
      int stride = grid.stride(d);
      double[] line = new double[n];
      double[] out = new double[n];
      int[] parabolas = new int[n];
      double[] bounds = new double[n + 1];
      for (int start = 0; start < squared.length; start++) {
        if (grid.coordinate(start, d) != 0) {
          continue;
        }
        for (int k = 0; k < n; k++) {
          line[k] = squared[start + k * stride];
        }
        lowerEnvelope(line, spacing[d], out, parabolas, bounds);
        for (int k = 0; k < n; k++) {
          squared[start + k * stride] = out[k];
        }
      }
    }
    for (int i = 0; i < squared.length; i++) {
      squared[i] = Math.sqrt(squared[i]);
    }
    return squared;
  }

  /**
   * One 1-D pass: {@code out[q] = min_p (x_q - x_p)^2 + f[p]} with {@code x_q = q * spacing}. Infinite samples
   * are not parabolas at all, so they are left out of the envelope (which keeps the intersection arithmetic
   * free of inf - inf).
   */
  private static void lowerEnvelope(double[] f, double spacing, double[] out, int[] v, double[] z) {
    int n = f.length;
    int k = -1;
    for (int q = 0; q < n; q++) {
      if (f[q] == Double.POSITIVE_INFINITY) {
        continue;
      }
      double xq = q * spacing;
      if (k < 0) {
        k = 0;
        v[0] = q;
        z[0] = Double.NEGATIVE_INFINITY;
        z[1] = Double.POSITIVE_INFINITY;
        continue;
      }
      double s;
      while (true) {
        double xr = v[k] * spacing;
        s = ((f[q] + xq * xq) - (f[v[k]] + xr * xr)) / (2 * (xq - xr));
        // z[0] is -inf, so the first parabola is never popped and k stays >= 0.
        if (s <= z[k]) {
          k--;
        } else {
          break;
        }
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (k < 0) {
      Arrays.fill(out, Double.POSITIVE_INFINITY);
      return;
    }
    int j = 0;
    for (int q = 0; q < n; q++) {
      double xq = q * spacing;
      while (z[j + 1] < xq) {
        j++;
      }
      double dx = xq - v[j] * spacing;
      out[q] = dx * dx + f[v[j]];
    }
  }

  /**
   * {@code numpy.percentile(values, p)} with the default linear method, including numpy's two-sided lerp that
   * keeps the result exact at both ends of each interval.
   */
  static double percentile(double[] values, double p) {
    checkArgument(values.length > 0, "percentile of no values");
    checkArgument(p >= 0 && p <= 100, "percentile must be in [0, 100], got %s", p);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double position = p / 100 * (sorted.length - 1);
    int lower = (int) Math.floor(position);
    int upper = Math.min(lower + 1, sorted.length - 1);
    double t = position - lower;
    double a = sorted[lower];
    double b = sorted[upper];
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  private static double[] sample(double[] field, boolean[] where) {
    int count = 0;
    for (boolean w : where) {
      if (w) {
        count++;
      }
    }
    double[] values = new double[count];
    int k = 0;
    for (int i = 0; i < where.length; i++) {
      if (where[i]) {
        values[k++] = field[i];
      }
    }
    return values;
  }

  private static boolean any(boolean[] mask) {
    for (boolean m : mask) {
      if (m) {
        return true;
      }
    }
    return false;
  }
}
