package io.github.medsa.cli;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pretty JSON out of maps, lists and records-as-maps (Gson), NaN written as null-free literal NaN. */
public final class JsonFiles {
  private JsonFiles() {}

  public static String toJson(Object value) {
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().disableHtmlEscaping()
        .create().toJson(value);
  }

  public static void write(Path file, Object value) throws IOException {
    Files.writeString(file, toJson(value) + "\n");
  }
}
