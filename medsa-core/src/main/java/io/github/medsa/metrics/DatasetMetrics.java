package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Collection;

/**
 * Dice, IoU and HD95 each averaged over a set of cases: metrics are computed per case first and then averaged
 * (MONAI's {@code mean_batch} over cases), never pooled over all voxels, so small structures weigh as much as
 * large ones.
 */
public record DatasetMetrics(MetricSummary dice, MetricSummary iou, MetricSummary hd95) {
  public DatasetMetrics {
    checkNotNull(dice, "dice");
    checkNotNull(iou, "iou");
    checkNotNull(hd95, "hd95");
  }

  /** Aggregates per-case metrics; NaN values are skipped per metric and counted. */
  public static DatasetMetrics of(Collection<CaseMetrics> cases) {
    checkNotNull(cases, "cases");
    return new DatasetMetrics(
        MetricSummary.of(cases.stream().mapToDouble(CaseMetrics::dice).toArray()),
        MetricSummary.of(cases.stream().mapToDouble(CaseMetrics::iou).toArray()),
        MetricSummary.of(cases.stream().mapToDouble(CaseMetrics::hd95).toArray()));
  }
}
