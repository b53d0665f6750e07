package io.github.medsa.volume;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks made before any training or evaluation, each failing with a {@link VolumeCheckException} that names the
 * files and the values: image and label of different shape, spacing or affine (nnU-Net's tolerances, rtol 1e-3,
 * atol 1e-4), NaN or infinite voxels, label values outside the declared set.
 */
public final class VolumeChecks {
  private VolumeChecks() {}

  /**
   * Image and label have the same shape, and the same spacing and affine within nnU-Net's tolerances.
   *
   * @param image the image volume
   * @param label its label map
   * @throws VolumeCheckException naming both sources and the values if they differ
   */
  public static void requireSameGeometry(Volume image, Volume label) {
    Geometry a = image.geometry();
    Geometry b = label.geometry();
    if (!Arrays.equals(a.dims(), b.dims())) {
      throw new VolumeCheckException(image.source() + " and " + label.source() + " differ in shape: "
          + Arrays.toString(a.dims()) + " vs " + Arrays.toString(b.dims()));
    }
    if (!a.sameAs(b)) {
      throw new VolumeCheckException(image.source() + " and " + label.source() + " differ in geometry beyond rtol "
          + Geometry.RTOL + ", atol " + Geometry.ATOL + ": spacing " + Arrays.toString(a.spacing()) + " vs "
          + Arrays.toString(b.spacing()) + ", affine " + Arrays.deepToString(a.affine()) + " vs "
          + Arrays.deepToString(b.affine()));
    }
  }

  /**
   * No voxel is NaN or infinite.
   *
   * @param v the volume
   * @throws VolumeCheckException naming the source, the number of such voxels and the first one's voxel
   *     coordinates {@code (i, j, k)}
   */
  public static void requireFinite(Volume v) {
    float[] d = v.data();
    long bad = 0;
    int first = -1;
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        bad++;
        if (first < 0) {
          first = i;
        }
      }
    }
    if (bad > 0) {
      int nx = v.geometry().nx();
      int ny = v.geometry().ny();
      throw new VolumeCheckException(v.source() + ": " + bad + " voxels are NaN or infinite, the first ("
          + d[first] + ") at (" + first % nx + ", " + (first / nx) % ny + ", " + first / (nx * ny) + ")");
    }
  }

  /**
   * Every voxel of {@code label} is an integer in {@code allowed}.
   *
   * @param label the label map
   * @param allowed the label values it may hold
   * @throws VolumeCheckException naming the source and the unexpected values with their voxel counts
   */
  public static void requireLabels(Volume label, Set<Integer> allowed) {
    TreeMap<Float, Long> unexpected = new TreeMap<>();
    for (float x : label.data()) {
      if (x != Math.rint(x) || !allowed.contains((int) x)) {
        unexpected.merge(x, 1L, Long::sum);
      }
    }
    if (!unexpected.isEmpty()) {
      StringBuilder sb = new StringBuilder(label.source() + ": label values outside " + new TreeSet<>(allowed) + ": ");
      unexpected.entrySet().stream().limit(10).forEach(e -> sb.append(e.getKey()).append(" (").append(e.getValue())
          .append(" voxels) "));
      if (unexpected.size() > 10) {
        sb.append("and ").append(unexpected.size() - 10).append(" more values");
      }
      throw new VolumeCheckException(sb.toString().trim());
    }
  }

  /**
   * All three checks for an image/label pair: same geometry, a finite image, allowed label values.
   *
   * @param image the image volume
   * @param label its label map
   * @param allowedLabels the label values the label map may hold
   * @throws VolumeCheckException at the first check that fails
   */
  public static void requireTrainable(Volume image, Volume label, Set<Integer> allowedLabels) {
    requireSameGeometry(image, label);
    requireFinite(image);
    requireLabels(label, allowedLabels);
  }
}
