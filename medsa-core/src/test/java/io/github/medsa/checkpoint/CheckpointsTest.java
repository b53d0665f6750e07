package io.github.medsa.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class CheckpointsTest {
  private static StateDict reference;

  @BeforeAll
  static void readReference() throws IOException {
    reference = Checkpoints.read(Fixtures.tiny("weights.safetensors"));
  }

  @Test
  void referenceHasTheSamTinyTensors() {
    assertThat(reference.size()).isEqualTo(202);
    assertThat(reference.shape("image_encoder.patch_embed.proj.weight")).containsExactly(48, 3, 16, 16);
    assertThat(reference.shape("image_encoder.pos_embed")).containsExactly(1, 8, 8, 48);
    assertThat(reference.shape("prompt_encoder.pe_layer.positional_encoding_gaussian_matrix")).containsExactly(2, 16);
    assertThat(reference.shape("mask_decoder.output_upscaling.0.weight")).containsExactly(32, 8, 2, 2);
    for (INDArray a : reference.asMap().values()) {
      assertThat(a.dataType()).isEqualTo(DataType.FLOAT);
      assertThat(a.ordering()).isEqualTo('c');
    }
    // Weights are random: no tensor is all zeros.
    reference.asMap().forEach((name, a) -> assertThat(a.amaxNumber().doubleValue()).as(name).isGreaterThan(0));
  }

  @Test
  void allFourFixtureFormatsGiveBitIdenticalTensors() throws IOException {
    for (String file : List.of("weights.pth", "weights_legacy.pth", "weights_hf.safetensors")) {
      StateDict sd = Checkpoints.read(Fixtures.tiny(file));
      assertThat(sd.names()).as(file).containsExactlyInAnyOrderElementsOf(reference.names());
      assertBitIdentical(file, reference, sd);
    }
  }

  @Test
  void pthKeepsTheFileOrder() throws IOException {
    StateDict sd = Checkpoints.read(Fixtures.tiny("weights.pth"));
    assertThat(sd.names()).startsWith("image_encoder.pos_embed", "image_encoder.patch_embed.proj.weight");
  }

  @Test
  void detectsTheFormatFromTheBytesNotTheExtension(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    assertThat(Checkpoints.detect(Fixtures.tiny("weights.pth"))).isEqualTo(CheckpointFormat.PTH_ZIP);
    assertThat(Checkpoints.detect(Fixtures.tiny("weights_legacy.pth"))).isEqualTo(CheckpointFormat.PTH_LEGACY);
    assertThat(Checkpoints.detect(Fixtures.tiny("weights_hf.safetensors"))).isEqualTo(CheckpointFormat.SAFETENSORS);
    Path disguised = dir.resolve("model.safetensors");
    java.nio.file.Files.copy(Fixtures.tiny("weights_legacy.pth"), disguised);
    assertThat(Checkpoints.detect(disguised)).isEqualTo(CheckpointFormat.PTH_LEGACY);
    assertThat(Checkpoints.read(disguised).size()).isEqualTo(202);
  }

  @Test
  void zipReaderHonoursViewsSharedStoragesAndConvertsDtypes() throws IOException {
    assertSyntheticValues(Checkpoints.read(Fixtures.resource("checkpoint/synthetic.pth")));
  }

  @Test
  void legacyReaderHonoursViewsAndStorageViews() throws IOException {
    StateDict sd = Checkpoints.read(Fixtures.resource("checkpoint/synthetic_legacy.pth"));
    assertSyntheticValues(sd);
    // view_metadata ('v1', 4, 6) of storage 0..11, then tensor offset 1, size 2x2: elements 5..8
    assertThat(values(sd.get("view"))).containsExactly(5, 6, 7, 8);
    assertThat(sd.shape("view")).containsExactly(2, 2);
  }

  private static void assertSyntheticValues(StateDict sd) {
    assertThat(sd.names()).startsWith("contig", "transposed", "offset_slice", "scalar", "broadcast", "half",
        "bf16", "double");
    assertThat(values(sd.get("contig"))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(sd.shape("transposed")).containsExactly(4, 3);
    assertThat(values(sd.get("transposed"))).containsExactly(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
    assertThat(values(sd.get("offset_slice"))).containsExactly(5, 6, 7, 9, 10, 11);
    assertThat(sd.get("scalar").rank()).isZero();
    assertThat(sd.get("scalar").getFloat(0)).isEqualTo(7.25f);
    assertThat(values(sd.get("broadcast"))).containsExactly(3.5f, 7.25f, 3.5f, 7.25f);
    assertThat(values(sd.get("half"))).containsExactly(1f, -2.5f, 65504f, 0x1p-14f, 0x1p-24f);
    float[] bf = {1f, -3f, 0.15625f, Float.intBitsToFloat(Float.floatToIntBits(1e30f) & 0xffff0000)};
    assertThat(values(sd.get("bf16"))).containsExactly(bf);
    assertThat(values(sd.get("double"))).containsExactly(0.1f, -1e-3f, 12345.678f);
    sd.asMap().values().forEach(a -> assertThat(a.dataType()).isEqualTo(DataType.FLOAT));
  }

  @Test
  void integerCountersAreReadAsFloat() throws IOException {
    // BatchNorm's num_batches_tracked (int64) sits in every TinyViT/MobileSAM state dict.
    StateDict sd = Checkpoints.read(Fixtures.resource("checkpoint/integer.pth"));
    assertThat(sd.names()).containsExactly("weight", "num_batches_tracked");
    assertThat(sd.get("num_batches_tracked").dataType()).isEqualTo(DataType.FLOAT);
    assertThat(sd.get("num_batches_tracked").getDouble(0)).isEqualTo(7.0);
    assertThat(values(sd.get("weight"))).containsExactly(3.5f, 7.25f);
  }

  static float[] values(INDArray a) {
    return a.dup('c').data().asFloat();
  }

  static void assertBitIdentical(String what, StateDict expected, StateDict actual) {
    for (Map.Entry<String, INDArray> e : expected.asMap().entrySet()) {
      INDArray a = actual.get(e.getKey());
      assertThat(a.shape()).as("%s %s", what, e.getKey()).containsExactly(e.getValue().shape());
      assertThat(a.dataType()).isEqualTo(DataType.FLOAT);
      float[] x = values(e.getValue());
      float[] y = values(a);
      assertThat(y.length).isEqualTo(x.length);
      for (int i = 0; i < x.length; i++) {
        if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
          throw new AssertionError(what + " " + e.getKey() + "[" + i + "]: " + x[i] + " != " + y[i]);
        }
      }
    }
  }
}
