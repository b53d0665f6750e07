package io.github.medsa.volume;

import io.github.medsa.metrics.CaseMetrics;
import io.github.medsa.metrics.SegmentationMetrics;
import java.util.function.IntPredicate;

/**
 * 3D Dice, IoU and HD95 (in mm, with the volume's spacing) of a predicted mask against the voxels of a label
 * volume that belong to a structure.
 */
public final class VolumeMetrics {
  private VolumeMetrics() {}

  /**
   * {@code prediction} holds 0/1 (values &gt; 0.5 are foreground); both volumes share one geometry (checked).
   *
   * @param prediction the predicted mask
   * @param labels the label volume (integer label values; non-integer values are background)
   * @param structure which label values form the structure
   * @param metrics which metrics to compute; HD95 uses the volume's spacing, in mm
   * @return Dice, IoU and HD95 (mm) of the case
   * @throws VolumeCheckException if the two volumes' geometries differ
   */
  public static CaseMetrics evaluate(Volume prediction, Volume labels, IntPredicate structure,
      SegmentationMetrics metrics) {
    VolumeChecks.requireSameGeometry(prediction, labels);
    float[] p = prediction.data();
    float[] l = labels.data();
    boolean[] pred = new boolean[p.length];
    boolean[] truth = new boolean[l.length];
    for (int i = 0; i < p.length; i++) {
      pred[i] = p[i] > 0.5f;
      truth[i] = l[i] == Math.rint(l[i]) && structure.test((int) l[i]);
    }
    Geometry g = labels.geometry();
    double[] s = g.spacing();
    // x-fastest data is a row-major [z, y, x] array.
    return metrics.withSpacing(s[2], s[1], s[0]).fromMasks(pred, truth, g.nz(), g.ny(), g.nx());
  }
}
