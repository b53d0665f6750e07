package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link SamConfig} from the JSON the reference fixtures use ({@code img_size}, {@code patch_size},
 * {@code embed_dim}, {@code depth}, {@code num_heads}, {@code global_attn_indexes}, ...). Keys that are absent
 * keep the ViT-B value; unknown keys are ignored (training settings live beside the model sizes). A TinyViT
 * (MobileSAM) encoder is read from {@code embed_dims}, {@code depths}, {@code num_heads} and {@code window_sizes}
 * (four values each), with {@code mlp_ratio}, {@code mbconv_expand_ratio}, {@code local_conv_size} and
 * {@code tinyvit_layer_norm_eps} defaulting to MobileSAM's.
 */
public final class SamConfigJson {
  private SamConfigJson() {}

  /**
   * Reads a {@code config.json} file.
   *
   * @param file the JSON file
   * @return the configuration it describes
   * @throws IOException if the file cannot be read, is not a JSON object or describes invalid sizes (the message
   *     names the file)
   */
  public static SamConfig read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses the text of a {@code config.json}.
   *
   * @param json the JSON text
   * @return the configuration it describes
   * @throws IllegalArgumentException if it is not a JSON object or describes invalid sizes
   */
  public static SamConfig parse(String json) {
    JsonObject j;
    try {
      j = JsonParser.parseString(json).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new IllegalArgumentException("not a JSON object: " + e.getMessage(), e);
    }
    SamConfig.Builder b = SamConfig.builder();
    if (j.has("img_size")) {
      b.imageSize(integer(j, "img_size"));
      b.pretrainImageSize(integer(j, "img_size"));
    }
    if (j.has("pretrain_img_size")) {
      b.pretrainImageSize(integer(j, "pretrain_img_size"));
    }
    if (j.has("patch_size")) {
      b.patchSize(integer(j, "patch_size"));
    }
    SamConfig base = SamConfig.VIT_B;
    b.encoder(j.has("embed_dim") ? integer(j, "embed_dim") : base.encoderEmbedDim(),
        j.has("depth") ? integer(j, "depth") : base.encoderDepth(),
        j.has("num_heads") && !j.get("num_heads").isJsonArray() ? integer(j, "num_heads") : base.encoderNumHeads());
    if (j.has("mlp_ratio")) {
      b.mlpRatio(j.get("mlp_ratio").getAsDouble());
    }
    if (j.has("global_attn_indexes")) {
      List<Integer> global = new ArrayList<>();
      for (JsonElement e : j.getAsJsonArray("global_attn_indexes")) {
        global.add(e.getAsInt());
      }
      b.globalAttnIndexes(global);
    }
    if (j.has("window_size")) {
      b.windowSize(integer(j, "window_size"));
    }
    if (j.has("layer_norm_eps")) {
      b.encoderLayerNormEps(j.get("layer_norm_eps").getAsDouble());
    }
    if (j.has("embed_dims")) {
      b.tinyVit(tinyVit(j));
    }
    if (j.has("prompt_embed_dim")) {
      b.promptEmbedDim(integer(j, "prompt_embed_dim"));
    }
    if (j.has("mask_in_chans")) {
      b.maskInChans(integer(j, "mask_in_chans"));
    }
    if (j.has("decoder_mlp_dim")) {
      b.decoderMlpDim(integer(j, "decoder_mlp_dim"));
    }
    if (j.has("decoder_heads")) {
      b.decoderNumHeads(integer(j, "decoder_heads"));
    }
    if (j.has("iou_head_hidden_dim")) {
      b.iouHead(3, integer(j, "iou_head_hidden_dim"));
    }
    if (j.has("pixel_mean")) {
      double[] m = triple(j, "pixel_mean");
      b.pixelMean(m[0], m[1], m[2]);
    }
    if (j.has("pixel_std")) {
      double[] s = triple(j, "pixel_std");
      b.pixelStd(s[0], s[1], s[2]);
    }
    return b.build();
  }

  private static TinyVitSizes tinyVit(JsonObject j) {
    TinyVitSizes m = TinyVitSizes.MOBILE_SAM;
    return new TinyVitSizes(integers(j, "embed_dims"),
        j.has("depths") ? integers(j, "depths") : m.depths(),
        j.has("num_heads") && j.get("num_heads").isJsonArray() ? integers(j, "num_heads") : m.numHeads(),
        j.has("window_sizes") ? integers(j, "window_sizes") : m.windowSizes(),
        j.has("mlp_ratio") ? j.get("mlp_ratio").getAsDouble() : m.mlpRatio(),
        j.has("mbconv_expand_ratio") ? j.get("mbconv_expand_ratio").getAsDouble() : m.mbconvExpandRatio(),
        j.has("local_conv_size") ? integer(j, "local_conv_size") : m.localConvSize(),
        j.has("tinyvit_layer_norm_eps") ? j.get("tinyvit_layer_norm_eps").getAsDouble() : m.layerNormEps());
  }

  private static List<Integer> integers(JsonObject j, String key) {
    List<Integer> out = new ArrayList<>();
    for (JsonElement e : j.getAsJsonArray(key)) {
      out.add(e.getAsInt());
    }
    return out;
  }

  private static int integer(JsonObject j, String key) {
    return j.get(key).getAsInt();
  }

  private static double[] triple(JsonObject j, String key) {
    JsonArray a = j.getAsJsonArray(key);
    checkArgument(a.size() == 3, "%s needs 3 values (R, G, B), got %s", key, a.size());
    return new double[] {a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble()};
  }
}
