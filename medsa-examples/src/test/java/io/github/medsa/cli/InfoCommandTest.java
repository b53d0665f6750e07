package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medsa.checkpoint.CheckpointInfo;
import io.github.medsa.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
  @TempDir
  Path tmp;

  @Test
  void listsTheFixtureCheckpointAsCustom() throws Exception {
    Path pth = Fixtures.path("sam-tiny/weights.pth");
    CheckpointInfo info = CheckpointInfo.inspect(pth);
    CliTesting.Result r = CliTesting.run("info", pth.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("image_encoder.patch_embed.proj.weight").contains("[48, 3, 16, 16]")
        .contains("preset:      custom").contains(String.format("tensors:     %,d", info.tensorCount()))
        .contains(String.format("parameters:  %,d", info.elementCount())).contains("names:       SAM");
  }

  @Test
  void jsonForMachines() throws Exception {
    Path st = Fixtures.path("sam-tiny/weights.safetensors");
    CliTesting.Result r = CliTesting.run("info", "--json", st.toString());
    assertThat(r.exitCode()).isZero();
    JsonObject j = JsonParser.parseString(r.out().substring(r.out().indexOf("{\n"))).getAsJsonObject();
    CheckpointInfo info = CheckpointInfo.inspect(st);
    assertThat(j.get("preset").getAsString()).isEqualTo("custom");
    assertThat(j.get("format").getAsString()).isEqualTo("SAFETENSORS");
    assertThat(j.get("parameters").getAsLong()).isEqualTo(info.elementCount());
    assertThat(j.get("tensors").getAsInt()).isEqualTo(info.tensorCount());
    assertThat(j.get("adapterParameters").getAsLong()).isZero();
    assertThat(j.getAsJsonArray("tensorList")).hasSize(info.tensorCount());
  }

  @Test
  void missingFileIsBadInput() {
    CliTesting.Result r = CliTesting.run("info", tmp.resolve("nope.pth").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("nope.pth does not exist");
  }
}
