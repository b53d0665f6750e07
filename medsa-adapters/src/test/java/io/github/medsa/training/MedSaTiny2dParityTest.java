package io.github.medsa.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.adapters.Adapters;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Med-SA's 2D training step against {@code fixtures/medsa-tiny-2d}: forward, loss, every gradient, two Adam steps.
 * The encoder runs at 128 with a 1024 checkpoint grid, so the bicubic pos_embed and linear rel-pos resizes are
 * pinned too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MedSaTiny2dParityTest {
  private TrainingFixture fixture;

  @BeforeAll
  void load() throws Exception {
    fixture = TrainingFixture.load("medsa-tiny-2d");
  }

  @Test
  void configurationIsTheFixtures() {
    assertThat(fixture.config().pretrainImageSize()).isEqualTo(1024);
    assertThat(fixture.config().imageSize()).isEqualTo(128);
    assertThat(fixture.trainable()).hasSize(152);
  }

  @Test
  void forwardMatchesStepZero() {
    fixture.assertForwardMatches(Adapters.medsa(), LossFunction.bce(2.0));
  }

  @Test
  void gradientsLossesAndTwoAdamStepsMatch() throws Exception {
    List<String> noiseOnly = fixture.assertTwoAdamStepsMatch(Adapters.medsa(), LossFunction.bce(2.0));
    assertThat(noiseOnly).as("tensors whose reference gradient is rounding noise").hasSize(7)
        .allMatch(n -> n.endsWith("k_proj.bias"));
  }
}
