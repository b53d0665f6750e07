package io.github.medsa.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Paths of the test resources used by the checkpoint tests. */
final class Fixtures {
  private Fixtures() {}

  static Path resource(String name) {
    try {
      var url = Fixtures.class.getResource("/" + name);
      if (url == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path tiny(String file) {
    return resource("fixtures/sam-tiny/" + file);
  }

  /** {@code sam_state_dict_shapes.json}: preset name -> (state dict name -> shape), file order. */
  static Map<String, Map<String, long[]>> presetShapes() throws IOException {
    Map<String, Map<String, long[]>> out = new LinkedHashMap<>();
    try (Reader r = Files.newBufferedReader(resource("fixtures/sam_state_dict_shapes.json"))) {
      JsonObject root = JsonParser.parseReader(r).getAsJsonObject();
      for (Map.Entry<String, JsonElement> preset : root.entrySet()) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : preset.getValue().getAsJsonObject()
            .getAsJsonObject("state_dict").entrySet()) {
          var arr = e.getValue().getAsJsonArray();
          long[] s = new long[arr.size()];
          for (int i = 0; i < s.length; i++) {
            s[i] = arr.get(i).getAsLong();
          }
          shapes.put(e.getKey(), s);
        }
        out.put(preset.getKey(), shapes);
      }
    }
    return out;
  }
}
