package io.github.medsa.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricSummaryTest {

  @Test
  void meanAndPopulationStdSkipNan() {
    // Values 1 and 3 (NaN skipped): mean 2, population std sqrt(((1-2)^2 + (3-2)^2) / 2) = 1.
    MetricSummary s = MetricSummary.of(1, Double.NaN, 3);
    assertThat(s.mean()).isCloseTo(2, within(1e-12));
    assertThat(s.std()).isCloseTo(1, within(1e-12));
    assertThat(s.cases()).isEqualTo(2);
    assertThat(s.skipped()).isEqualTo(1);
  }

  @Test
  void allNanGivesNanWithEveryCaseSkipped() {
    MetricSummary s = MetricSummary.of(Double.NaN, Double.NaN);
    assertThat(s.mean()).isNaN();
    assertThat(s.cases()).isZero();
    assertThat(s.skipped()).isEqualTo(2);
  }

  @Test
  void infiniteDistanceIsKeptNotSkipped() {
    // A missed structure's HD95 is +Infinity; it must show in the mean rather than be dropped like NaN.
    MetricSummary s = MetricSummary.of(2, Double.POSITIVE_INFINITY);
    assertThat(s.mean()).isInfinite();
    assertThat(s.cases()).isEqualTo(2);
    assertThat(s.skipped()).isZero();
  }

  @Test
  void caseMetricsRefuseImpossibleValues() {
    assertThatThrownBy(() -> new CaseMetrics(1.5, 0.5, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> new CaseMetrics(0.5, 0.5, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
  }
}
