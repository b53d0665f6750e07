package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates between official SAM state-dict names and the names of Hugging Face {@code transformers}'
 * {@code SamModel}, following the renaming of its {@code convert_sam_to_hf.py}: substring replacements in a
 * fixed order, then the hypernetwork MLP layers, and the Gaussian matrix finally called
 * {@code shared_image_embedding.positional_embedding}.
 */
public final class HuggingFaceNames {
  /** The SAM name of the Gaussian matrix of the random-Fourier positional encoding. */
  static final String SAM_GAUSSIAN = "prompt_encoder.pe_layer.positional_encoding_gaussian_matrix";
  static final String HF_GAUSSIAN = "shared_image_embedding.positional_embedding";
  static final String HF_GAUSSIAN_ALIAS = "prompt_encoder.shared_embedding.positional_embedding";

  private record Rule(String from, String to) {}

  /** convert_sam_to_hf.py's KEYS_TO_MODIFY_MAPPING, in its order. */
  private static final List<Rule> FORWARD = List.of(
      new Rule("iou_prediction_head.layers.0", "iou_prediction_head.proj_in"),
      new Rule("iou_prediction_head.layers.1", "iou_prediction_head.layers.0"),
      new Rule("iou_prediction_head.layers.2", "iou_prediction_head.proj_out"),
      new Rule("mask_decoder.output_upscaling.0", "mask_decoder.upscale_conv1"),
      new Rule("mask_decoder.output_upscaling.1", "mask_decoder.upscale_layer_norm"),
      new Rule("mask_decoder.output_upscaling.3", "mask_decoder.upscale_conv2"),
      new Rule("mask_downscaling.0", "mask_embed.conv1"),
      new Rule("mask_downscaling.1", "mask_embed.layer_norm1"),
      new Rule("mask_downscaling.3", "mask_embed.conv2"),
      new Rule("mask_downscaling.4", "mask_embed.layer_norm2"),
      new Rule("mask_downscaling.6", "mask_embed.conv3"),
      new Rule("point_embeddings", "point_embed"),
      new Rule("pe_layer.positional_encoding_gaussian_matrix", "shared_embedding.positional_embedding"),
      new Rule("image_encoder", "vision_encoder"),
      new Rule("neck.0", "neck.conv1"),
      new Rule("neck.1", "neck.layer_norm1"),
      new Rule("neck.2", "neck.conv2"),
      new Rule("neck.3", "neck.layer_norm2"),
      new Rule("patch_embed.proj", "patch_embed.projection"),
      new Rule(".norm", ".layer_norm"),
      new Rule("blocks", "layers"));

  /**
   * The inverse, applied in this order. Each HF pattern is specific enough that it only matches what the
   * forward rules produced (e.g. {@code prompt_encoder.point_embed.} but not {@code not_a_point_embed}); the
   * IoU head's {@code layers.0 -> layers.1} must run before {@code proj_in -> layers.0}; neck and mask-embed
   * norms are restored before the generic {@code .layer_norm -> .norm}.
   */
  private static final List<Rule> REVERSE = List.of(
      new Rule("vision_encoder.layers.", "image_encoder.blocks."),
      new Rule("vision_encoder.", "image_encoder."),
      new Rule("patch_embed.projection", "patch_embed.proj"),
      new Rule("neck.conv1", "neck.0"),
      new Rule("neck.layer_norm1", "neck.1"),
      new Rule("neck.conv2", "neck.2"),
      new Rule("neck.layer_norm2", "neck.3"),
      new Rule(HF_GAUSSIAN_ALIAS, SAM_GAUSSIAN),
      new Rule("prompt_encoder.point_embed.", "prompt_encoder.point_embeddings."),
      new Rule("prompt_encoder.mask_embed.conv1", "prompt_encoder.mask_downscaling.0"),
      new Rule("prompt_encoder.mask_embed.layer_norm1", "prompt_encoder.mask_downscaling.1"),
      new Rule("prompt_encoder.mask_embed.conv2", "prompt_encoder.mask_downscaling.3"),
      new Rule("prompt_encoder.mask_embed.layer_norm2", "prompt_encoder.mask_downscaling.4"),
      new Rule("prompt_encoder.mask_embed.conv3", "prompt_encoder.mask_downscaling.6"),
      new Rule(".layer_norm", ".norm"),
      new Rule("mask_decoder.upscale_conv1", "mask_decoder.output_upscaling.0"),
      new Rule("mask_decoder.upscale_layer_norm", "mask_decoder.output_upscaling.1"),
      new Rule("mask_decoder.upscale_conv2", "mask_decoder.output_upscaling.3"),
      new Rule("iou_prediction_head.layers.0", "iou_prediction_head.layers.1"),
      new Rule("iou_prediction_head.proj_in", "iou_prediction_head.layers.0"),
      new Rule("iou_prediction_head.proj_out", "iou_prediction_head.layers.2"));

  private static final Pattern HYPERNET_SAM = Pattern.compile(".*.output_hypernetworks_mlps.(\\d+).layers.(\\d+).*");
  private static final Pattern HYPERNET_HF =
      Pattern.compile("(.*\\.output_hypernetworks_mlps\\.\\d+\\.)(proj_in|layers\\.0|proj_out)(\\..*|$)");

  private HuggingFaceNames() {}

  /**
   * The Hugging Face name of an official SAM name (names the converter does not touch are unchanged).
   *
   * @param samName an official segment-anything state-dict name
   * @return the {@code transformers} name
   */
  public static String toHf(String samName) {
    checkNotNull(samName, "samName");
    String key = samName;
    for (Rule r : FORWARD) {
      if (key.contains(r.from())) {
        key = key.replace(r.from(), r.to());
      }
    }
    Matcher m = HYPERNET_SAM.matcher(key);
    if (m.matches()) {
      switch (Integer.parseInt(m.group(2))) {
        case 0 -> key = key.replace("layers.0", "proj_in");
        case 1 -> key = key.replace("layers.1", "layers.0");
        case 2 -> key = key.replace("layers.2", "proj_out");
        default -> { }
      }
    }
    return key.equals(HF_GAUSSIAN_ALIAS) ? HF_GAUSSIAN : key;
  }

  /**
   * The official SAM name of a Hugging Face name; both {@code shared_image_embedding.positional_embedding}
   * and {@code prompt_encoder.shared_embedding.positional_embedding} give the Gaussian matrix. Unknown names
   * come back unchanged.
   *
   * @param hfName a {@code transformers} state-dict name
   * @return the official segment-anything name
   */
  public static String toSam(String hfName) {
    checkNotNull(hfName, "hfName");
    if (hfName.equals(HF_GAUSSIAN)) {
      return SAM_GAUSSIAN;
    }
    String key = hfName;
    Matcher m = HYPERNET_HF.matcher(key);
    if (m.matches()) {
      String layer = switch (m.group(2)) {
        case "proj_in" -> "layers.0";
        case "layers.0" -> "layers.1";
        default -> "layers.2";
      };
      key = m.group(1) + layer + m.group(3);
    }
    for (Rule r : REVERSE) {
      if (key.contains(r.from())) {
        key = key.replace(r.from(), r.to());
      }
    }
    return key;
  }

  /**
   * Whether these names are Hugging Face names (a vision encoder or the shared image embedding).
   *
   * @param names a checkpoint's tensor names
   * @return true if any looks like a {@code transformers} SAM name
   */
  public static boolean looksLikeHf(Collection<String> names) {
    for (String n : names) {
      if (n.startsWith("vision_encoder.") || n.equals(HF_GAUSSIAN) || n.equals(HF_GAUSSIAN_ALIAS)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Renames a whole Hugging Face dict to SAM names, keeping order. The two aliases of the Gaussian matrix
   * must hold the same value ({@code same}); any other collision is an error.
   */
  static <V> Map<String, V> translateToSam(Path file, Map<String, V> hf, BiPredicate<V, V> same)
      throws CheckpointFormatException {
    Map<String, V> out = new LinkedHashMap<>();
    Map<String, String> origin = new HashMap<>();
    for (Map.Entry<String, V> e : hf.entrySet()) {
      String sam = toSam(e.getKey());
      V previous = out.get(sam);
      if (previous != null) {
        if (!sam.equals(SAM_GAUSSIAN)) {
          throw CheckpointFormatException.of(file, "Hugging Face names %s and %s both map to %s",
              origin.get(sam), e.getKey(), sam);
        }
        if (!same.test(previous, e.getValue())) {
          throw CheckpointFormatException.of(file, "%s and %s differ but both are the positional Gaussian "
              + "matrix %s", origin.get(sam), e.getKey(), sam);
        }
        continue;
      }
      out.put(sam, e.getValue());
      origin.put(sam, e.getKey());
    }
    return out;
  }
}
