package io.github.medsa.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medsa.SamConfig;
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

  /** A fixture file, e.g. {@code path("sam-tiny/image.npy")}. */
  public static Path path(String relative) {
    URL url = Fixtures.class.getResource("/fixtures/" + relative);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + relative + " on the test classpath");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
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
    JsonObject j = json(relative);
    var global = new java.util.ArrayList<Integer>();
    j.getAsJsonArray("global_attn_indexes").forEach(e -> global.add(e.getAsInt()));
    var mean = j.getAsJsonArray("pixel_mean");
    var std = j.getAsJsonArray("pixel_std");
    SamConfig.Builder b = SamConfig.builder()
        .imageSize(j.get("img_size").getAsInt())
        .patchSize(j.get("patch_size").getAsInt())
        .encoder(j.get("embed_dim").getAsInt(), j.get("depth").getAsInt(), j.get("num_heads").getAsInt())
        .mlpRatio(j.get("mlp_ratio").getAsDouble())
        .globalAttnIndexes(global)
        .windowSize(j.get("window_size").getAsInt())
        .encoderLayerNormEps(j.get("layer_norm_eps").getAsDouble())
        .promptEmbedDim(j.get("prompt_embed_dim").getAsInt())
        .maskInChans(j.get("mask_in_chans").getAsInt())
        .decoderMlpDim(j.get("decoder_mlp_dim").getAsInt())
        .decoderNumHeads(j.get("decoder_heads").getAsInt())
        .iouHead(3, j.get("iou_head_hidden_dim").getAsInt())
        .pixelMean(mean.get(0).getAsDouble(), mean.get(1).getAsDouble(), mean.get(2).getAsDouble())
        .pixelStd(std.get(0).getAsDouble(), std.get(1).getAsDouble(), std.get(2).getAsDouble());
    if (j.has("pretrain_img_size")) {
      b.pretrainImageSize(j.get("pretrain_img_size").getAsInt());
    }
    return b.build();
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
}
