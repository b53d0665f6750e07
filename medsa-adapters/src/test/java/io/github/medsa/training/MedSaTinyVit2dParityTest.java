package io.github.medsa.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.adapters.Adapters;
import io.github.medsa.internal.model.SamParameters;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Med-SA's adapters inside TinyViT blocks (the official Med-SA TinyViT code at 256) against
 * {@code fixtures/medsa-tinyvit-2d}: forward, both losses, every gradient, and the two-step Adam update. Weights are
 * mobilesam-tiny's (from core's test fixtures) plus the fixture's adapters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MedSaTinyVit2dParityTest {
  private TrainingFixture fixture;

  @BeforeAll
  void load() throws Exception {
    fixture = TrainingFixture.load("medsa-tinyvit-2d", "mobilesam-tiny/weights.pth",
        "medsa-tinyvit-2d/adapters.safetensors");
  }

  @Test
  void configurationAndTrainableSetAreTheFixtures() {
    assertThat(fixture.config().isTinyVit()).isTrue();
    assertThat(fixture.config().imageSize()).isEqualTo(256);
    assertThat(fixture.config().gridSize()).isEqualTo(16);
    // 4 TinyViT blocks (depths 1, 2, 1 in layers 1..3) x 3 adapters x 4 tensors, plus the mask decoder.
    assertThat(fixture.trainable().stream().filter(Adapters::isAdapter)).hasSize(48);
    // Adapters.medsa() on TinyViT declares exactly the official adapter tensors, Depth_Adapter included.
    List<String> declared = SamParameters.shapes(fixture.config(), Adapters.medsa()).keySet().stream()
        .filter(Adapters::isAdapter).toList();
    assertThat(declared).containsExactlyInAnyOrderElementsOf(
        fixture.trainable().stream().filter(Adapters::isAdapter).toList());
  }

  @Test
  void forwardMatchesStepZero() {
    fixture.assertForwardMatches(Adapters.medsa(), LossFunction.bce(2.0));
  }

  @Test
  void gradientsLossesAndTwoAdamStepsMatch() throws Exception {
    List<String> noiseOnly = fixture.assertTwoAdamStepsMatch(Adapters.medsa(), LossFunction.bce(2.0));
    // As in medsa-tiny-2d: the decoder's key-projection biases (softmax is shift-invariant).
    assertThat(noiseOnly).as("tensors whose reference gradient is rounding noise").hasSize(7)
        .allMatch(n -> n.endsWith("k_proj.bias"));
  }
}
