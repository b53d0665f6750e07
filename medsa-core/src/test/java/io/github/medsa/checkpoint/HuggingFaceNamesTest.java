package io.github.medsa.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HuggingFaceNamesTest {
  @TempDir Path dir;

  @Test
  void forwardRulesMatchTheConverter() {
    assertThat(HuggingFaceNames.toHf("image_encoder.blocks.3.norm1.weight"))
        .isEqualTo("vision_encoder.layers.3.layer_norm1.weight");
    assertThat(HuggingFaceNames.toHf("image_encoder.patch_embed.proj.weight"))
        .isEqualTo("vision_encoder.patch_embed.projection.weight");
    assertThat(HuggingFaceNames.toHf("image_encoder.neck.1.bias")).isEqualTo("vision_encoder.neck.layer_norm1.bias");
    assertThat(HuggingFaceNames.toHf("mask_decoder.iou_prediction_head.layers.0.weight"))
        .isEqualTo("mask_decoder.iou_prediction_head.proj_in.weight");
    assertThat(HuggingFaceNames.toHf("mask_decoder.iou_prediction_head.layers.1.weight"))
        .isEqualTo("mask_decoder.iou_prediction_head.layers.0.weight");
    assertThat(HuggingFaceNames.toHf("mask_decoder.iou_prediction_head.layers.2.bias"))
        .isEqualTo("mask_decoder.iou_prediction_head.proj_out.bias");
    assertThat(HuggingFaceNames.toHf("mask_decoder.output_hypernetworks_mlps.3.layers.1.weight"))
        .isEqualTo("mask_decoder.output_hypernetworks_mlps.3.layers.0.weight");
    assertThat(HuggingFaceNames.toHf("mask_decoder.output_upscaling.1.weight"))
        .isEqualTo("mask_decoder.upscale_layer_norm.weight");
    assertThat(HuggingFaceNames.toHf("mask_decoder.transformer.norm_final_attn.bias"))
        .isEqualTo("mask_decoder.transformer.layer_norm_final_attn.bias");
    assertThat(HuggingFaceNames.toHf("prompt_encoder.mask_downscaling.4.weight"))
        .isEqualTo("prompt_encoder.mask_embed.layer_norm2.weight");
    assertThat(HuggingFaceNames.toHf("prompt_encoder.point_embeddings.2.weight"))
        .isEqualTo("prompt_encoder.point_embed.2.weight");
    assertThat(HuggingFaceNames.toHf("prompt_encoder.not_a_point_embed.weight"))
        .isEqualTo("prompt_encoder.not_a_point_embed.weight");
    assertThat(HuggingFaceNames.toHf(HuggingFaceNames.SAM_GAUSSIAN))
        .isEqualTo("shared_image_embedding.positional_embedding");
    assertThat(HuggingFaceNames.toSam("prompt_encoder.shared_embedding.positional_embedding"))
        .isEqualTo(HuggingFaceNames.SAM_GAUSSIAN);
    assertThat(HuggingFaceNames.toSam("something.else")).isEqualTo("something.else");
  }

  @Test
  void samTinyNamesRoundTripAndMatchTheHfFixture() throws IOException {
    Set<String> sam = CheckpointInfo.inspect(Fixtures.tiny("weights.safetensors")).shapes().keySet();
    Set<String> hfFile = Safetensors.read(Fixtures.tiny("weights_hf.safetensors")).names();
    assertThat(sam).hasSize(202);
    for (String k : sam) {
      assertThat(HuggingFaceNames.toSam(HuggingFaceNames.toHf(k))).as(k).isEqualTo(k);
    }
    assertThat(sam.stream().map(HuggingFaceNames::toHf).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(hfFile);
  }

  @Test
  void officialVitNamesRoundTrip() throws IOException {
    for (Map.Entry<String, Map<String, long[]>> preset : Fixtures.presetShapes().entrySet()) {
      Set<String> names = preset.getValue().keySet();
      assertThat(names).isNotEmpty();
      for (String k : names) {
        String hf = HuggingFaceNames.toHf(k);
        assertThat(HuggingFaceNames.toSam(hf)).as(k).isEqualTo(k);
      }
      assertThat(names.stream().map(HuggingFaceNames::toHf).distinct().count()).isEqualTo(names.size());
    }
    assertThat(Fixtures.presetShapes().get("vit_b")).hasSize(314);
  }

  @Test
  void hfCheckpointInspectsUnderSamNames() throws IOException {
    CheckpointInfo hf = CheckpointInfo.inspect(Fixtures.tiny("weights_hf.safetensors"));
    CheckpointInfo sam = CheckpointInfo.inspect(Fixtures.tiny("weights.safetensors"));
    assertThat(hf.huggingFaceNames()).isTrue();
    assertThat(sam.huggingFaceNames()).isFalse();
    assertThat(hf.shapes().keySet()).isEqualTo(sam.shapes().keySet());
    sam.shapes().forEach((k, s) -> assertThat(hf.shapes().get(k)).as(k).containsExactly(s));
  }

  @Test
  void bothGaussianAliasesMustAgree() throws IOException {
    INDArray g = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
    Map<String, INDArray> m = new LinkedHashMap<>();
    m.put("vision_encoder.pos_embed", Nd4j.createFromArray(new float[] {9}));
    m.put("shared_image_embedding.positional_embedding", g);
    m.put("prompt_encoder.shared_embedding.positional_embedding", g.dup());
    m.put("prompt_encoder.unknown_thing", Nd4j.createFromArray(new float[] {5}));
    Path same = dir.resolve("same.safetensors");
    Safetensors.write(same, StateDict.of(m));
    StateDict sd = Checkpoints.read(same);
    assertThat(sd.names()).containsExactlyInAnyOrder("image_encoder.pos_embed", HuggingFaceNames.SAM_GAUSSIAN,
        "prompt_encoder.unknown_thing");
    assertThat(CheckpointsTest.values(sd.get(HuggingFaceNames.SAM_GAUSSIAN))).containsExactly(1, 2, 3, 4);

    m.put("prompt_encoder.shared_embedding.positional_embedding", g.add(1));
    Path differ = dir.resolve("differ.safetensors");
    Safetensors.write(differ, StateDict.of(m));
    assertThatThrownBy(() -> Checkpoints.read(differ)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("differ.safetensors").hasMessageContaining("differ")
        .hasMessageContaining("shared_image_embedding.positional_embedding")
        .hasMessageContaining("prompt_encoder.shared_embedding.positional_embedding");
  }
}
