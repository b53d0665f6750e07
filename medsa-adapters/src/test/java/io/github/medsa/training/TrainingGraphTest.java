package io.github.medsa.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.SamConfig;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.internal.model.PromptTokens;
import io.github.medsa.internal.model.SamInitializer;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class TrainingGraphTest {
  private static final Adapters ADAPTERS = Adapters.medsa().pytorchInit();

  /** SameDiff's own gradient construction prints a line per op (SameDiff.java:5044); ours prints nothing. */
  @Test
  void buildingAndDifferentiatingPrintNothing() throws Exception {
    SamConfig cfg = Fixtures.config("sam-tiny/config.json");
    StateDict weights = weights(cfg);
    TrainingBatch batch = oneClickBatch();
    QuietLifecycleTest.Captured c = QuietLifecycleTest.capture(() -> {
      try (TrainingGraph g = TrainingGraph.build(cfg, ADAPTERS, weights, TrainableSet.ADAPTERS::trains,
          LossFunction.bce(2), 32)) {
        return g.gradients(batch).byName().size();
      }
    });
    assertThat((int) c.result()).isPositive();
    assertThat(c.out()).isEmpty();
    assertThat(c.err()).isEmpty();
  }

  /** M2.1's strided_slice_bp failed on the qkv split with one image and two heads; the split now unstacks. */
  @Test
  void oneImageWithTwoEncoderHeadsHasGradients() {
    SamConfig cfg = Fixtures.config("sam-tiny/config.json").toBuilder().encoder(48, 4, 2).build();
    StateDict weights = weights(cfg);
    TrainingGraph g = TrainingGraph.build(cfg, ADAPTERS, weights, TrainableSet.ALL::trains, LossFunction.bce(2), 32);
    TrainingBatch batch = oneClickBatch();
    TrainingGraph.Gradients grads = g.gradients(batch);
    assertThat(grads.loss()).isFinite().isPositive();
    assertThat(grads.byName().get("image_encoder.blocks.1.attn.qkv.weight").amaxNumber().doubleValue()).isPositive();
  }

  /** Random SAM weights for {@code cfg} with initialised adapters. */
  private static StateDict weights(SamConfig cfg) {
    return SamInitializer.withInitialisedExtension(SamInitializer.random(SamParameters.shapes(cfg), 1),
        SamParameters.shapes(cfg, ADAPTERS), ADAPTERS, 1);
  }

  /** One random 128 x 128 image with one positive click and an empty 32 x 32 target. */
  private static TrainingBatch oneClickBatch() {
    return new TrainingBatch(Nd4j.rand(DataType.FLOAT, 1, 3, 128, 128),
        PromptTokens.of(List.of(new PromptTokens.Input(new float[][] {{10, 12}}, new int[] {1}, null)), 128),
        Nd4j.zeros(DataType.FLOAT, 1, 1, 32, 32));
  }
}
