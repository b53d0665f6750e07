package io.github.medsa.adapters;

import static io.github.medsa.testing.Fixtures.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.Safetensors;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.training.ParameterReport;
import io.github.medsa.training.TrainableSet;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdaptersTest {
  @TempDir
  Path tmp;

  @Test
  void vitBWithDefaultAdaptersTrainsTheReportedShare() {
    Map<String, long[]> shapes = SamParameters.shapes(SamConfig.VIT_B, Adapters.medsa());
    ParameterReport report = ParameterReport.of(shapes, TrainableSet.ADAPTERS_AND_DECODER::trains);
    assertThat(report.trainable()).isEqualTo(11_159_268L);
    assertThat(report.total()).isEqualTo(100_836_400L);
    assertThat(shapes.get("image_encoder.blocks.11.Space_Adapter.D_fc1.weight")).containsExactly(192, 768);
    assertThat(shapes.get("image_encoder.blocks.0.MLP_Adapter.D_fc2.bias")).containsExactly(768);
    assertThat(ParameterReport.of(shapes, TrainableSet.ADAPTERS::trains).trainable()).isEqualTo(7_100_928L);
    assertThat(ParameterReport.of(shapes, TrainableSet.DECODER::trains).trainable()).isEqualTo(4_058_340L);
    assertThat(ParameterReport.of(shapes, TrainableSet.ALL::trains).trainable()).isEqualTo(100_836_400L);
  }

  @Test
  void optionalDecoderAdaptersAndBlockSelectionDeclareTheirTensors() {
    SamConfig tiny = Fixtures.config("sam-tiny/config.json");
    Map<String, long[]> shapes = SamParameters.shapes(tiny,
        Adapters.medsa().blocks(0, 2).hyperPrompting(true).decoderMlpAdapter(true));
    assertThat(shapes).containsKey("image_encoder.blocks.2.MLP_Adapter.D_fc1.weight")
        .doesNotContainKey("image_encoder.blocks.1.Space_Adapter.D_fc1.weight");
    // prompt dim 32, HyP ratio 0.125 -> r = 4: hyper 32 -> 16
    assertThat(shapes.get("mask_decoder.transformer.layers.1.HyP_Adapter.hyper.weight")).containsExactly(16, 32);
    assertThat(shapes.get("mask_decoder.transformer.layers.0.HyP_Adapter.D_fc1.weight")).containsExactly(4, 32);
    assertThat(shapes.get("mask_decoder.transformer.layers.0.HyP_Adapter.norm.weight")).containsExactly(4);
    assertThat(shapes.get("mask_decoder.transformer.layers.0.HyP_Adapter.D_fc2.weight")).containsExactly(32, 4);
    assertThat(shapes.get("mask_decoder.transformer.layers.1.MLP_Adapter.D_fc1.weight")).containsExactly(8, 32);
    assertThatThrownBy(() -> SamParameters.shapes(tiny, Adapters.medsa().blocks(7)))
        .hasMessageContaining("adapter block 7 does not exist: the encoder has blocks 0..3");
  }

  /** Zero up-projections: the adapted model computes exactly what the pretrained SAM computes. */
  @Test
  void freshAdaptersLeaveSamUnchanged() throws Exception {
    SamConfig tiny = Fixtures.config("sam-tiny/config.json");
    Path ckpt = Fixtures.path("sam-tiny/weights.safetensors");
    MedSA plain = MedSA.builder().config(tiny).checkpoint(ckpt).build();
    MedSA adapted = MedSA.builder().config(tiny).checkpoint(ckpt).seed(7)
        .adapters(Adapters.medsa().hyperPrompting(true).decoderMlpAdapter(true)).build();
    assertThat(adapted.weights().names()).hasSize(plain.weights().size() + 4 * 8 + 2 * (8 + 4));
    EncodedImage a = plain.encode(npy("sam-tiny/image.npy"));
    EncodedImage b = adapted.encode(npy("sam-tiny/image.npy"));
    assertThat(b.embeddings().equals(a.embeddings())).isTrue();
    Prompt p = Prompt.builder().point(90, 110).negativePoint(40, 60).build();
    try (Prediction pa = a.predict(p); Prediction pb = b.predict(p)) {
      assertThat(pb.lowResLogits().equals(pa.lowResLogits())).isTrue();
      assertThat(pb.iouPredictions()).containsExactly(pa.iouPredictions());
    }
  }

  @Test
  void pytorchInitChangesTheOutputAndIsSeeded() throws Exception {
    SamConfig tiny = Fixtures.config("sam-tiny/config.json");
    Path ckpt = Fixtures.path("sam-tiny/weights.safetensors");
    MedSA one = MedSA.builder().config(tiny).checkpoint(ckpt).seed(3).adapters(Adapters.medsa().pytorchInit()).build();
    MedSA same = MedSA.builder().config(tiny).checkpoint(ckpt).seed(3).adapters(Adapters.medsa().pytorchInit()).build();
    String up = "image_encoder.blocks.0.Space_Adapter.D_fc2.weight";
    assertThat(one.weights().get(up).equals(same.weights().get(up))).isTrue();
    // bound 1 / sqrt(fan_in) with fan_in = hidden = 12
    assertThat(one.weights().get(up).amaxNumber().doubleValue()).isPositive().isLessThanOrEqualTo(1 / Math.sqrt(12));
    MedSA plain = MedSA.builder().config(tiny).checkpoint(ckpt).build();
    assertThat(one.encode(npy("sam-tiny/image.npy")).embeddings()
        .equalsWithEps(plain.encode(npy("sam-tiny/image.npy")).embeddings(), 1e-3)).isFalse();
  }

  /** Adapter tensors save with the rest of the checkpoint by name and load back into an adapted model. */
  @Test
  void adaptedWeightsRoundTripThroughSafetensors() throws Exception {
    SamConfig cfg = Fixtures.config("medsa-tiny-2d/config.json");
    StateDict weights = Checkpoints.read(Fixtures.path("medsa-tiny-2d/weights.pth"));
    MedSA model = MedSA.builder().config(cfg).weights(weights).adapters(Adapters.medsa()).build();
    Path saved = tmp.resolve("adapted.safetensors");
    Safetensors.write(saved, model.weights());
    MedSA again = MedSA.builder().config(cfg).checkpoint(saved).adapters(Adapters.medsa()).build();
    for (String n : model.weights().names()) {
      assertThat(again.weights().get(n).equals(model.weights().get(n))).as(n).isTrue();
    }
    assertThatThrownBy(() -> MedSA.builder().config(cfg).checkpoint(saved).build())
        .hasMessageContaining("unexpected").hasMessageContaining("Space_Adapter");
  }
}
