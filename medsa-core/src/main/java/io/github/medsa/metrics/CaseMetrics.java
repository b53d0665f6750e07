package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The metrics of one case (one image or one volume).
 *
 * @param dice Dice coefficient in [0, 1], or NaN for an empty case under {@link EmptyPolicy#NAN}
 * @param iou intersection over union in [0, 1], or NaN likewise
 * @param hd95 95th-percentile symmetric Hausdorff distance in the units of the spacing; 0 or NaN when both masks
 *     are empty (see {@link EmptyPolicy}) and +Infinity when exactly one is
 */
public record CaseMetrics(double dice, double iou, double hd95) {
  /**
   * Validates the ranges.
   *
   * @param dice Dice in [0, 1] or NaN
   * @param iou IoU in [0, 1] or NaN
   * @param hd95 HD95 in spacing units, {@code >= 0} or NaN
   * @throws IllegalArgumentException if a value is out of range
   */
  public CaseMetrics {
    // A ratio outside [0, 1] can only come from a bug, so it is refused here rather than averaged silently.
    checkArgument(Double.isNaN(dice) || (dice >= 0 && dice <= 1), "dice must be in [0, 1] or NaN, got %s", dice);
    checkArgument(Double.isNaN(iou) || (iou >= 0 && iou <= 1), "iou must be in [0, 1] or NaN, got %s", iou);
    checkArgument(Double.isNaN(hd95) || hd95 >= 0, "hd95 must be >= 0 or NaN, got %s", hd95);
  }
}
