package io.github.medsa.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One metric aggregated over cases the way MONAI's {@code nanmean} reduction does: NaN cases are left out.
 *
 * @param mean mean over the cases used; NaN when none was used, +Infinity when one of them is infinite
 *     (an HD95 against an empty mask), which is deliberate: a missed structure must not vanish from the mean
 * @param std population standard deviation (numpy's default {@code ddof=0}) over the cases used
 * @param cases number of cases used in {@code mean}
 * @param skipped number of NaN cases left out
 */
public record MetricSummary(double mean, double std, int cases, int skipped) {
  /**
   * Validates the counts.
   *
   * @param mean mean over the cases used
   * @param std population standard deviation over the cases used
   * @param cases number of cases used
   * @param skipped number of NaN cases left out
   * @throws IllegalArgumentException if a count is negative
   */
  public MetricSummary {
    checkArgument(cases >= 0 && skipped >= 0, "counts must be >= 0, got cases=%s skipped=%s", cases, skipped);
  }

  /**
   * Summarises per-case values, skipping NaN.
   *
   * @param values one value per case
   * @return mean, population std and counts
   * @throws NullPointerException if {@code values} is null
   */
  public static MetricSummary of(double... values) {
    checkNotNull(values, "values");
    int used = 0;
    double sum = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        used++;
        sum += v;
      }
    }
    if (used == 0) {
      return new MetricSummary(Double.NaN, Double.NaN, 0, values.length);
    }
    double mean = sum / used;
    // Two passes rather than sum-of-squares so that near-equal values do not lose precision.
    double squares = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        squares += (v - mean) * (v - mean);
      }
    }
    return new MetricSummary(mean, Math.sqrt(squares / used), used, values.length - used);
  }
}
