package io.github.medsa.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medsa.checkpoint.StateDict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A minimal F32 safetensors reader for fixture files (gradients, trained tensors). */
public final class TestSafetensors {
  private TestSafetensors() {}

  public static StateDict read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int n = (int) buf.getLong(0);
    JsonObject header = JsonParser.parseString(new String(bytes, 8, n, StandardCharsets.UTF_8)).getAsJsonObject();
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String key : header.keySet()) {
      if (key.equals("__metadata__")) {
        continue;
      }
      JsonObject t = header.getAsJsonObject(key);
      if (!t.get("dtype").getAsString().equals("F32")) {
        throw new IOException(key + ": only F32 in fixtures");
      }
      long[] shape = new Gsonish(t).shape();
      long begin = t.getAsJsonArray("data_offsets").get(0).getAsLong();
      long end = t.getAsJsonArray("data_offsets").get(1).getAsLong();
      float[] data = new float[(int) ((end - begin) / 4)];
      ByteBuffer.wrap(bytes, (int) (8 + n + begin), (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer().get(data);
      out.put(key, shape.length == 0 ? Nd4j.scalar(data[0]) : Nd4j.create(data, shape, 'c'));
    }
    return StateDict.of(out);
  }

  private record Gsonish(JsonObject t) {
    long[] shape() {
      var arr = t.getAsJsonArray("shape");
      long[] s = new long[arr.size()];
      for (int i = 0; i < s.length; i++) {
        s[i] = arr.get(i).getAsLong();
      }
      return s;
    }
  }
}
