package io.github.medsa.internal.model;

import com.google.common.collect.ImmutableMap;
import io.github.medsa.SamConfig;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.ModelExtension;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The state-dict names and shapes a configuration declares, found by building the graph with placeholders in
 * place of weights: nothing is allocated, and the list cannot drift from what the graph actually uses.
 */
public final class SamParameters {
  /** Buffers are stored in checkpoints but are not parameters ({@code named_parameters()} omits them). */
  public static final String GAUSSIAN_MATRIX = "prompt_encoder.pe_layer.positional_encoding_gaussian_matrix";

  private SamParameters() {}

  /**
   * Every tensor of plain SAM for {@code cfg}: name to PyTorch shape, in graph order.
   *
   * @param cfg the model sizes
   * @return official state-dict name to shape
   */
  public static ImmutableMap<String, long[]> shapes(SamConfig cfg) {
    return shapes(cfg, EncoderBlockExtension.NONE, DecoderBlockExtension.NONE);
  }

  /**
   * Every tensor of SAM with {@code extension}'s modules (adapters add theirs).
   *
   * @param cfg the model sizes
   * @param extension the grafted modules
   * @return state-dict name to PyTorch shape, in graph order
   */
  public static ImmutableMap<String, long[]> shapes(SamConfig cfg, ModelExtension extension) {
    return shapes(cfg, extension.encoder(cfg), extension.decoder(cfg));
  }

  /**
   * Every tensor for {@code cfg} with the given block extensions.
   *
   * @param cfg the model sizes
   * @param encoder modules grafted onto the encoder blocks
   * @param decoder modules grafted onto the decoder blocks
   * @return state-dict name to PyTorch shape, in graph order
   */
  public static ImmutableMap<String, long[]> shapes(SamConfig cfg, EncoderBlockExtension encoder,
      DecoderBlockExtension decoder) {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    SamGraph.declare(SameDiff.create(), cfg, (sd, name, shape) -> {
      long[] previous = shapes.putIfAbsent(name, shape.clone());
      if (previous != null) {
        return sd.getVariable(name);
      }
      return sd.placeHolder(name, DataType.FLOAT, shape);
    }, encoder, decoder);
    return ImmutableMap.copyOf(shapes);
  }

  /**
   * Checkpoint tensors that {@code cfg}'s model leaves unused by design, which strict loading accepts (and reports):
   * for TinyViT, MobileSAM's ImageNet head ({@code image_encoder.norm_head.*}, {@code image_encoder.head.*}) and
   * every BatchNorm's {@code num_batches_tracked}; nothing for SAM's ViT.
   *
   * @param cfg the model sizes
   * @return whether a tensor name is one of them
   */
  public static Predicate<String> unusedByDesign(SamConfig cfg) {
    if (!cfg.isTinyVit()) {
      return name -> false;
    }
    return name -> name.startsWith("image_encoder.norm_head.") || name.startsWith("image_encoder.head.")
        || name.endsWith(".num_batches_tracked");
  }

  /**
   * Number of trainable-kind parameters (every tensor except the Gaussian buffer).
   *
   * @param shapes tensor shapes by name, as from {@link #shapes(SamConfig)}
   * @return the summed element counts
   */
  public static long parameterCount(Map<String, long[]> shapes) {
    return shapes.entrySet().stream().filter(e -> !e.getKey().equals(GAUSSIAN_MATRIX))
        .mapToLong(e -> elements(e.getValue())).sum();
  }

  /**
   * Number of elements of a tensor of this shape.
   *
   * @param shape the shape
   * @return the product of the sizes (1 for a scalar)
   */
  public static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}
