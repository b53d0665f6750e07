package io.github.medsa.sdtrans;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.adapters.Adapters;
import io.github.medsa.training.LossFunction;
import io.github.medsa.training.TrainingFixture;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SD-Trans against {@code fixtures/medsa-tiny-3d}: 4 slices of one volume, Dice + BCE, two Adam steps. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MedSaTiny3dParityTest {
  private TrainingFixture fixture;

  @BeforeAll
  void load() throws Exception {
    fixture = TrainingFixture.load("medsa-tiny-3d");
  }

  @Test
  void forwardMatchesStepZero() {
    fixture.assertForwardMatches(SdTrans.of(Adapters.medsa(), 4), LossFunction.diceBce());
  }

  @Test
  void gradientsLossesAndTwoAdamStepsMatch() throws Exception {
    List<String> noiseOnly = fixture.assertTwoAdamStepsMatch(SdTrans.of(Adapters.medsa(), 4), LossFunction.diceBce());
    assertThat(noiseOnly).allMatch(n -> n.endsWith("k_proj.bias"));
    assertThat(fixture.trainable()).hasSize(152 + 16);
  }
}
