package io.github.medsa.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointInfoTest {
  @Test
  void inspectsEveryFixtureWithoutLoadingData() throws IOException {
    StateDict reference = Checkpoints.read(Fixtures.tiny("weights.safetensors"));
    Map<String, CheckpointFormat> files = new LinkedHashMap<>();
    files.put("weights.pth", CheckpointFormat.PTH_ZIP);
    files.put("weights_legacy.pth", CheckpointFormat.PTH_LEGACY);
    files.put("weights.safetensors", CheckpointFormat.SAFETENSORS);
    files.put("weights_hf.safetensors", CheckpointFormat.SAFETENSORS);
    for (Map.Entry<String, CheckpointFormat> f : files.entrySet()) {
      CheckpointInfo info = CheckpointInfo.inspect(Fixtures.tiny(f.getKey()));
      assertThat(info.format()).as(f.getKey()).isEqualTo(f.getValue());
      assertThat(info.huggingFaceNames()).isEqualTo(f.getKey().contains("_hf"));
      assertThat(info.tensorCount()).isEqualTo(202);
      long sum = info.shapes().values().stream().mapToLong(s -> Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
      assertThat(info.elementCount()).isEqualTo(sum).isEqualTo(reference.elementCount());
      assertThat(info.shapes().get("image_encoder.patch_embed.proj.weight")).containsExactly(48, 3, 16, 16);
      assertThat(info.dtypes()).hasSize(202).containsOnlyKeys(reference.names());
      assertThat(info.dtypes().values()).containsOnly(TensorDtype.F32);
      reference.names().forEach(n -> assertThat(info.shapes().get(n)).as(n).containsExactly(reference.shape(n)));
    }
    assertThat(CheckpointInfo.inspect(Fixtures.resource("checkpoint/synthetic.pth")).dtypes())
        .containsEntry("half", TensorDtype.F16).containsEntry("bf16", TensorDtype.BF16)
        .containsEntry("double", TensorDtype.F64);
    assertThat(CheckpointInfo.inspect(Fixtures.resource("checkpoint/integer.pth")).dtypes())
        .containsEntry("num_batches_tracked", TensorDtype.I64);
  }

  @Test
  void matchingPreset() throws IOException {
    Map<String, Map<String, long[]>> presets = Fixtures.presetShapes();
    CheckpointInfo tiny = CheckpointInfo.inspect(Fixtures.tiny("weights.pth"));
    assertThat(tiny.matchingPreset(presets)).isEmpty();

    Map<String, Map<String, long[]>> withTiny = new LinkedHashMap<>(presets);
    withTiny.put("sam_tiny", new LinkedHashMap<>(tiny.shapes()));
    assertThat(tiny.matchingPreset(withTiny)).contains("sam_tiny");
    assertThat(CheckpointInfo.inspect(Fixtures.tiny("weights_hf.safetensors")).matchingPreset(withTiny))
        .contains("sam_tiny");

    Map<String, long[]> altered = new LinkedHashMap<>(tiny.shapes());
    altered.put("image_encoder.pos_embed", new long[] {1, 8, 8, 49});
    assertThat(tiny.matchingPreset(Map.of("altered", altered))).isEmpty();
    Map<String, long[]> fewer = new LinkedHashMap<>(tiny.shapes());
    fewer.remove("image_encoder.pos_embed");
    assertThat(tiny.matchingPreset(Map.of("fewer", fewer))).isEmpty();

    CheckpointInfo vitB = new CheckpointInfo(Fixtures.tiny("weights.pth"), CheckpointFormat.PTH_ZIP, false,
        presets.get("vit_b"), Map.of(), presets.get("vit_b").size(), 0);
    assertThat(vitB.matchingPreset(presets)).contains("vit_b");
  }
}
