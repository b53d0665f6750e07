package io.github.medsa.metrics;

/**
 * What a metric reports when prediction and ground truth are both empty, where the usual formula is 0/0.
 *
 * <p>Only the both-empty case is affected: an empty prediction against a non-empty truth (or the reverse) is a
 * genuine miss and always scores Dice = IoU = 0 and HD95 = +Infinity.
 */
public enum EmptyPolicy {
  /**
   * Both empty is a perfect answer: Dice = IoU = 1 and HD95 = 0. Matches MONAI's
   * {@code DiceMetric(ignore_empty=False)} / {@code MeanIoU(ignore_empty=False)}.
   */
  ONE,
  /**
   * Both empty is undefined: Dice, IoU and HD95 are NaN, and {@link MetricSummary#of} skips the case when
   * averaging (it is counted in {@link MetricSummary#skipped()}). Unlike MONAI's {@code ignore_empty=True}, a
   * non-empty prediction against an empty truth still scores 0 rather than NaN, so false positives stay visible.
   */
  NAN
}
