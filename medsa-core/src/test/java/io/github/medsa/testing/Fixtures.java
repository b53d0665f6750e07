package io.github.medsa.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medsa.MedSA;
import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.SamConfigJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The golden tensors of {@code shared/fixtures}, copied unchanged into the test resources. */
public final class Fixtures {
  private Fixtures() {}

  /**
   * A fixture file, e.g. {@code path("sam-tiny/image.npy")}. Modules above core get the fixtures inside
   * the medsa-core-fixtures jar; those are copied out once to a temporary folder so that file-based readers work.
   */
  public static Path path(String relative) {
    URL url = Fixtures.class.getResource("/fixtures/" + relative);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + relative + " on the test classpath");
    }
    try {
      if (!"jar".equals(url.getProtocol())) {
        return Path.of(url.toURI());
      }
      Path copy = extracted().resolve(relative);
      if (!Files.exists(copy)) {
        Files.createDirectories(copy.getParent());
        try (var in = url.openStream()) {
          Files.copy(in, copy);
        }
      }
      return copy;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path extractedRoot;

  private static synchronized Path extracted() throws IOException {
    if (extractedRoot == null) {
      extractedRoot = Files.createTempDirectory("medsa-fixtures");
      extractedRoot.toFile().deleteOnExit();
    }
    return extractedRoot;
  }

  public static INDArray npy(String relative) {
    return Nd4j.createFromNpyFile(path(relative).toFile());
  }

  public static JsonObject json(String relative) {
    try {
      return JsonParser.parseString(Files.readString(path(relative))).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model sizes of a fixture's {@code config.json}. */
  public static SamConfig config(String relative) {
    try {
      return SamConfigJson.read(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sam-tiny model (128-pixel input, 4 encoder blocks, random weights from its checkpoint); the caller's to close. */
  public static MedSA samTiny() {
    try {
      return MedSA.builder().config(config("sam-tiny/config.json")).checkpoint(path("sam-tiny/weights.pth")).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** max |actual - expected| over all elements (float64). */
  public static double maxAbsDiff(INDArray actual, INDArray expected) {
    assertThat(actual.shape()).as("shape").containsExactly(expected.shape());
    INDArray a = actual.castTo(DataType.DOUBLE);
    INDArray e = expected.castTo(DataType.DOUBLE);
    return Transforms.abs(a.sub(e)).maxNumber().doubleValue();
  }

  /**
   * The fixtures' parity rule: {@code max |actual - expected| <= rel * max(1, max |expected|)}.
   */
  public static void assertClose(String what, INDArray actual, INDArray expected, double rel) {
    double scale = Math.max(1.0, Transforms.abs(expected.castTo(DataType.DOUBLE)).maxNumber().doubleValue());
    double diff = maxAbsDiff(actual, expected);
    assertThat(diff).as("%s: max |d| = %s, allowed %s x %s (shape %s)", what, diff, rel, scale,
        Arrays.toString(expected.shape())).isLessThanOrEqualTo(rel * scale);
  }

  /** Binary masks equal except where the reference logit is within 1e-3 of the threshold. */
  public static void assertMasksAgree(String name, INDArray actual, INDArray expected, INDArray refLogits) {
    boolean[] a = actual.castTo(DataType.INT).data().asInt().length > 0 ? toBool(actual) : new boolean[0];
    boolean[] x = toBool(expected);
    float[] l = refLogits.castTo(DataType.FLOAT).data().asFloat();
    int disagreements = 0;
    for (int i = 0; i < x.length; i++) {
      if (a[i] != x[i] && Math.abs(l[i]) >= 1e-3) {
        disagreements++;
      }
    }
    assertThat(disagreements).as("%s: mask pixels that differ away from the threshold", name).isZero();
    assertThat(a.length).isEqualTo(x.length);
  }

  private static boolean[] toBool(INDArray m) {
    int[] v = m.castTo(DataType.INT).dup('c').data().asInt();
    boolean[] r = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[i] != 0;
    }
    return r;
  }

  /** A fixture case's points ({@code points}, {@code labels}), box and {@code multimask}, in original pixels. */
  public static Prompt.Builder prompt(JsonObject c) {
    Prompt.Builder b = Prompt.builder().multimask(c.get("multimask").getAsBoolean());
    if (c.has("points")) {
      var pts = c.getAsJsonArray("points");
      var labels = c.getAsJsonArray("labels");
      for (int i = 0; i < pts.size(); i++) {
        var p = pts.get(i).getAsJsonArray();
        b.point(p.get(0).getAsDouble(), p.get(1).getAsDouble(), labels.get(i).getAsInt());
      }
    }
    if (c.has("box")) {
      var x = c.getAsJsonArray("box");
      b.box(x.get(0).getAsDouble(), x.get(1).getAsDouble(), x.get(2).getAsDouble(), x.get(3).getAsDouble());
    }
    return b;
  }
}
