package io.github.medsa.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The declared state dict of each preset equals the official one, enumerated without allocating weights. */
class SamParametersTest {

  @ParameterizedTest
  @CsvSource({"vit_b, 93735472, 314", "vit_l, 312342832, 482", "vit_h, 641090608, 594"})
  void presetsDeclareExactlyTheOfficialNamesAndShapes(String preset, long params, int tensors) {
    SamConfig cfg = switch (preset) {
      case "vit_b" -> SamConfig.VIT_B;
      case "vit_l" -> SamConfig.VIT_L;
      default -> SamConfig.VIT_H;
    };
    JsonObject official = Fixtures.json("sam_state_dict_shapes.json").getAsJsonObject(preset);
    Map<String, long[]> declared = SamParameters.shapes(cfg);

    Map<String, java.util.List<Long>> expected = new LinkedHashMap<>();
    official.getAsJsonObject("state_dict").entrySet().forEach(e -> {
      var dims = new java.util.ArrayList<Long>();
      e.getValue().getAsJsonArray().forEach(d -> dims.add(d.getAsLong()));
      expected.put(e.getKey(), dims);
    });
    Map<String, java.util.List<Long>> actual = new LinkedHashMap<>();
    declared.forEach((k, v) -> actual.put(k, java.util.Arrays.stream(v).boxed().toList()));

    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(declared).hasSize(tensors);
    assertThat(SamParameters.parameterCount(declared)).isEqualTo(params)
        .isEqualTo(official.get("total_params").getAsLong());
  }

  @Test
  void tinyConfigDeclaresExactlyTheFixtureCheckpoint() throws Exception {
    SamConfig cfg = Fixtures.config("sam-tiny/config.json");
    StateDict weights = Checkpoints.read(Fixtures.path("sam-tiny/weights.safetensors"));
    Map<String, long[]> declared = SamParameters.shapes(cfg);
    assertThat(declared.keySet()).containsExactlyInAnyOrderElementsOf(weights.names());
    declared.forEach((name, shape) -> assertThat(weights.shape(name)).as(name).containsExactly(shape));
  }

  @Test
  void pretrainGridKeepsCheckpointShapesAtSmallerInput() {
    SamConfig at256 = SamConfig.VIT_B.toBuilder().imageSize(256).pretrainImageSize(1024).build();
    Map<String, long[]> declared = SamParameters.shapes(at256);
    assertThat(declared.get("image_encoder.pos_embed")).containsExactly(1, 64, 64, 768);
    assertThat(declared.get("image_encoder.blocks.2.attn.rel_pos_h")).containsExactly(127, 64);
    assertThat(declared.get("image_encoder.blocks.0.attn.rel_pos_w")).containsExactly(27, 64);
  }

  @Test
  void randomInitialisationFollowsPyTorchAndIsSeeded() {
    SamConfig tiny = Fixtures.config("sam-tiny/config.json");
    Map<String, long[]> shapes = SamParameters.shapes(tiny);
    StateDict a = SamInitializer.random(shapes, 9);
    StateDict b = SamInitializer.random(shapes, 9);
    assertThat(a.names()).containsExactlyElementsOf(shapes.keySet());
    for (String n : a.names()) {
      assertThat(a.get(n).equals(b.get(n))).as(n).isTrue();
      assertThat(a.shape(n)).as(n).containsExactly(shapes.get(n));
    }
    assertThat(a.get("image_encoder.blocks.0.norm1.weight").meanNumber().doubleValue()).isEqualTo(1.0);
    assertThat(a.get("image_encoder.neck.1.bias").amaxNumber().doubleValue()).isZero();
    assertThat(a.get("image_encoder.pos_embed").amaxNumber().doubleValue()).isZero();
    // qkv: fan_in 48 -> bound 1/sqrt(48)
    double qkv = a.get("image_encoder.blocks.0.attn.qkv.weight").amaxNumber().doubleValue();
    assertThat(qkv).isLessThanOrEqualTo(1 / Math.sqrt(48)).isGreaterThan(0.9 / Math.sqrt(48));
    // ConvTranspose [in 32, out 8, 2, 2]: PyTorch's fan_in = 8 * 4
    double up = a.get("mask_decoder.output_upscaling.0.weight").amaxNumber().doubleValue();
    assertThat(up).isLessThanOrEqualTo(1 / Math.sqrt(32)).isGreaterThan(0.9 / Math.sqrt(32));
    assertThat(SamInitializer.random(shapes, 10).get("mask_decoder.iou_token.weight")
        .equals(a.get("mask_decoder.iou_token.weight"))).isFalse();
  }
}
