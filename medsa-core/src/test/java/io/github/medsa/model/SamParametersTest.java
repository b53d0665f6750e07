package io.github.medsa.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.checkpoint.Checkpoints;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

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
}
