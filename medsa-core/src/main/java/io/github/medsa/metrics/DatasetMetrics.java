package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Collection;

/**
 * Dice, IoU and HD95 each averaged over a set of cases: metrics are computed per case first and then averaged
 * (MONAI's {@code mean_batch} over cases), never pooled over all voxels, so small structures weigh as much as
 * large ones.
 */
public record DatasetMetrics(MetricSummary dice, MetricSummary iou, MetricSummary hd95) {
  /**
   * Checks the summaries are present.
   *
   * @param dice summary of the cases' Dice
   * @param iou summary of the cases' IoU
   * @param hd95 summary of the cases' HD95, in spacing units
   * @throws NullPointerException if one is null
   */
  public DatasetMetrics {
    checkNotNull(dice, "dice");
    checkNotNull(iou, "iou");
    checkNotNull(hd95, "hd95");
  }

  /**
   * Aggregates per-case metrics; NaN values are skipped per metric and counted.
   *
   * @param cases the per-case metrics
   * @return mean and std of each metric
   * @throws NullPointerException if {@code cases} is null
   */
  public static DatasetMetrics of(Collection<CaseMetrics> cases) {
    checkNotNull(cases, "cases");
    return new DatasetMetrics(
        MetricSummary.of(cases.stream().mapToDouble(CaseMetrics::dice).toArray()),
        MetricSummary.of(cases.stream().mapToDouble(CaseMetrics::iou).toArray()),
        MetricSummary.of(cases.stream().mapToDouble(CaseMetrics::hd95).toArray()));
  }
}
