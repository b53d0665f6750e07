package io.github.medsa.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafetensorsTest {
  @TempDir Path dir;

  @Test
  void writeThenReadIsBitIdentical() throws IOException {
    StateDict original = Safetensors.read(Fixtures.tiny("weights.safetensors"));
    Path out = dir.resolve("copy.safetensors");
    Safetensors.write(out, original);
    StateDict back = Safetensors.read(out);
    assertThat(back.names()).containsExactlyElementsOf(original.names().stream().sorted().toList());
    CheckpointsTest.assertBitIdentical("round trip", original, back);
    // Same layout as the reference writer: the fixture itself is sorted, F32, space-padded.
    assertThat(Files.size(out)).isEqualTo(Files.size(Fixtures.tiny("weights.safetensors")));
    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(Fixtures.tiny("weights.safetensors")));
  }

  @Test
  void writesViewsScalarsAndPadsTheHeader() throws IOException {
    Map<String, INDArray> m = new LinkedHashMap<>();
    m.put("b.transposed", Nd4j.arange(6).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(2, 3).transpose());
    m.put("a.scalar", Nd4j.scalar(2.5f));
    Path out = dir.resolve("small.safetensors");
    Safetensors.write(out, StateDict.of(m));
    byte[] bytes = Files.readAllBytes(out);
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    assertThat(n % 8).isZero();
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertThat(header).startsWith("{\"a.scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
        + "\"b.transposed\":{\"dtype\":\"F32\",\"shape\":[3,2],\"data_offsets\":[4,28]}}");
    assertThat(header.trim()).endsWith("}");
    StateDict back = Safetensors.read(out);
    assertThat(back.names()).containsExactly("a.scalar", "b.transposed");
    assertThat(back.get("a.scalar").rank()).isZero();
    assertThat(back.get("a.scalar").getFloat(0)).isEqualTo(2.5f);
    assertThat(CheckpointsTest.values(back.get("b.transposed"))).containsExactly(0, 3, 1, 4, 2, 5);
  }

  @Test
  void convertsF16Bf16AndF64AndExposesMetadata() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(6 + 4 + 16).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort((short) 0x3c00).putShort((short) 0xc100).putShort((short) 0x0001); // 1, -2.5, 2^-24
    data.putShort((short) 0x3fc0).putShort((short) 0xc2f7); // bf16 1.5, -123.5
    data.putDouble(0.1).putDouble(-1e300);
    Path f = handMade("{\"__metadata__\":{\"format\":\"pt\"},"
        + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[1,2],\"data_offsets\":[6,10]},"
        + "\"d\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[10,26]}}", data.array());
    StateDict sd = Checkpoints.read(f);
    assertThat(sd.names()).containsExactly("h", "b", "d");
    assertThat(CheckpointsTest.values(sd.get("h"))).containsExactly(1f, -2.5f, 0x1p-24f);
    assertThat(sd.shape("b")).containsExactly(1, 2);
    assertThat(CheckpointsTest.values(sd.get("b"))).containsExactly(1.5f, -123.5f);
    assertThat(CheckpointsTest.values(sd.get("d"))).containsExactly(0.1f, Float.NEGATIVE_INFINITY);
    assertThat(Safetensors.metadata(f)).containsEntry("format", "pt");
  }

  @Test
  void halfPrecisionSpecialValues() {
    assertThat(TensorDecoder.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(TensorDecoder.halfToFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(TensorDecoder.halfToFloat((short) 0x7e00)).isNaN();
    assertThat(TensorDecoder.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
    assertThat(TensorDecoder.halfToFloat((short) 0x8000)).isEqualTo(-0f);
    assertThat(TensorDecoder.halfToFloat((short) 0x83ff)).isEqualTo(-1023 * 0x1p-24f);
  }

  @Test
  void otherDtypesGiveATypedErrorNamingTensorAndDtype() throws IOException {
    Path f = handMade("{\"ids\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]);
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(UnsupportedDtypeException.class)
        .hasMessageContaining("odd.safetensors").hasMessageContaining("ids").hasMessageContaining("I16");
    Path g = handMade("{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
    assertThatThrownBy(() -> Safetensors.read(g)).isInstanceOf(UnsupportedDtypeException.class)
        .hasMessageContaining("q").hasMessageContaining("F8_E4M3")
        .satisfies(e -> assertThat(((UnsupportedDtypeException) e).dtype()).isEqualTo("F8_E4M3"));
  }

  @Test
  void inconsistentOffsetsAreReported() throws IOException {
    Path f = handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,12]}}", new byte[16]);
    assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("odd.safetensors").hasMessageContaining("w").hasMessageContaining("expected 16");
    Path g = handMade("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]);
    assertThatThrownBy(() -> Safetensors.read(g)).isInstanceOf(CheckpointFormatException.class)
        .hasMessageContaining("truncated").hasMessageContaining("w");
  }

  private Path handMade(String json, byte[] data) throws IOException {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    Path f = dir.resolve("odd.safetensors");
    Files.write(f, b.array());
    return f;
  }
}
