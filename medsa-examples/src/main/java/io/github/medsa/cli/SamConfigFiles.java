package io.github.medsa.cli;

import io.github.medsa.SamConfig;
import io.github.medsa.TinyVitSizes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a {@link SamConfig} as the JSON {@code SamConfigJson.read} understands, next to trained checkpoints. */
public final class SamConfigFiles {
  private SamConfigFiles() {}

  public static Map<String, Object> toMap(SamConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("img_size", c.imageSize());
    m.put("pretrain_img_size", c.pretrainImageSize());
    m.put("patch_size", c.patchSize());
    m.put("embed_dim", c.encoderEmbedDim());
    m.put("depth", c.encoderDepth());
    m.put("num_heads", c.encoderNumHeads());
    m.put("mlp_ratio", c.mlpRatio());
    m.put("global_attn_indexes", c.globalAttnIndexes());
    m.put("window_size", c.windowSize());
    m.put("layer_norm_eps", c.encoderLayerNormEps());
    m.put("prompt_embed_dim", c.promptEmbedDim());
    m.put("mask_in_chans", c.maskInChans());
    m.put("decoder_mlp_dim", c.decoderMlpDim());
    m.put("decoder_heads", c.decoderNumHeads());
    m.put("iou_head_hidden_dim", c.iouHeadHiddenDim());
    m.put("pixel_mean", c.pixelMean());
    m.put("pixel_std", c.pixelStd());
    if (c.isTinyVit()) {
      TinyVitSizes t = c.tinyVit();
      m.put("backbone", "tiny_vit");
      m.put("embed_dims", t.embedDims());
      m.put("depths", t.depths());
      m.put("num_heads", t.numHeads()); // TinyViT's per-layer heads replace the ViT's single count
      m.put("window_sizes", t.windowSizes());
      m.put("mlp_ratio", t.mlpRatio());
      m.put("mbconv_expand_ratio", t.mbconvExpandRatio());
      m.put("local_conv_size", t.localConvSize());
      m.put("tinyvit_layer_norm_eps", t.layerNormEps());
    }
    return m;
  }

  public static void write(Path file, SamConfig c) throws IOException {
    JsonFiles.write(file, toMap(c));
  }
}
