package io.github.medsa.internal.model;

import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.extension.ModelExtension;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fresh SAM weights for training from scratch or benchmarking without a checkpoint, as PyTorch initialises the
 * modules: Linear and Conv weights and biases uniform in {@code +-1/sqrt(fan_in)}, LayerNorm weight 1 and bias 0,
 * embeddings and the Gaussian matrix standard normal, positional tables zero (SAM's defaults); TinyViT's
 * BatchNorms at rest and attention biases zero (MobileSAM's). Deterministic by
 * seed: tensors are drawn in name order from one generator.
 */
public final class SamInitializer {
  private SamInitializer() {}

  /**
   * A whole model initialised as PyTorch would, for tests, benchmarks and training from scratch.
   *
   * @param shapes every tensor of the model with its PyTorch shape (e.g. {@link SamParameters#shapes})
   * @param seed seed of the one generator the tensors are drawn from, in name order
   * @return float32 tensors in the order of {@code shapes}
   */
  public static StateDict random(Map<String, long[]> shapes, long seed) {
    Random rng = new Random(seed);
    Map<String, INDArray> out = new LinkedHashMap<>();
    shapes.keySet().stream().sorted().forEach(n -> out.put(n, initial(n, shapes, rng)));
    Map<String, INDArray> ordered = new LinkedHashMap<>();
    shapes.keySet().forEach(n -> ordered.put(n, out.get(n)));
    return StateDict.of(ordered);
  }

  /**
   * {@code weights} plus initial values for the extension's tensors it lacks, drawn in name order from one
   * generator seeded with {@code seed}, so that the same seed gives the same model.
   *
   * @param weights the tensors loaded so far
   * @param expected every tensor of the model with its shape
   * @param extension the modules grafted onto SAM, which initialise their own tensors
   * @param seed seed of the generator
   * @return {@code weights} itself when nothing was missing, else a new state dict with the additions
   */
  public static StateDict withInitialisedExtension(StateDict weights, Map<String, long[]> expected,
      ModelExtension extension, long seed) {
    Map<String, INDArray> all = new LinkedHashMap<>(weights.asMap());
    Random rng = new Random(seed);
    expected.keySet().stream().filter(n -> !weights.contains(n) && extension.owns(n)).sorted()
        .forEach(n -> all.put(n, extension.initialValue(n, expected, rng)));
    return all.size() == weights.size() ? weights : StateDict.of(all);
  }

  private static INDArray initial(String name, Map<String, long[]> shapes, Random rng) {
    long[] shape = shapes.get(name);
    if (name.endsWith("pos_embed") || name.contains(".rel_pos_")) {
      return Nd4j.zeros(DataType.FLOAT, shape);
    }
    if (name.contains(".bn.")) {
      // TinyViT's Conv2d_BN: BatchNorm at rest (mean 0, var 1), weight 1, except MBConv's conv3 (bn_weight_init 0,
      // so each MBConv starts as the identity plus GELU, as MobileSAM builds it).
      boolean mbConvOutput = name.matches(".*\\.blocks\\.\\d+\\.conv3\\.bn\\.weight$");
      boolean one = name.endsWith(".running_var") || (name.endsWith(".bn.weight") && !mbConvOutput);
      return one ? Nd4j.ones(DataType.FLOAT, shape) : Nd4j.zeros(DataType.FLOAT, shape);
    }
    if (name.endsWith(".attention_biases")) {
      return Nd4j.zeros(DataType.FLOAT, shape); // TinyViT initialises its offset biases to zero
    }
    if (isLayerNorm(name, shape)) {
      return name.endsWith(".weight") ? Nd4j.ones(DataType.FLOAT, shape) : Nd4j.zeros(DataType.FLOAT, shape);
    }
    if (name.equals(SamParameters.GAUSSIAN_MATRIX) || name.endsWith("_embed.weight") || name.endsWith("token.weight")
        || name.endsWith("tokens.weight") || name.contains("point_embeddings.")) {
      return fill(shape, rng, true, 1);
    }
    long[] weightShape = shapes.getOrDefault(name.replaceFirst("bias$", "weight"), shape);
    return fill(shape, rng, false, 1.0 / Math.sqrt(fanIn(name, weightShape)));
  }

  /** LayerNorm parameters are 1-D and belong to modules named norm*, neck.1/3 or the LayerNorm2d entries. */
  private static boolean isLayerNorm(String name, long[] shape) {
    if (shape.length != 1) {
      return false;
    }
    String module = name.substring(0, name.lastIndexOf('.'));
    return module.matches(".*(norm\\d?|norm_final_attn|neck\\.[13]|mask_downscaling\\.[14]|output_upscaling\\.1)$");
  }

  /**
   * PyTorch's fan-in, {@code size(1) * k * k}: {@code in} for Linear and Conv2d {@code [out, in, k, k]}, and (as
   * PyTorch computes it on the stored layout) {@code out} for ConvTranspose2d {@code [in, out, k, k]}.
   */
  private static long fanIn(String name, long[] w) {
    if (w.length == 1) {
      return w[0];
    }
    long receptive = 1;
    for (int i = 2; i < w.length; i++) {
      receptive *= w[i];
    }
    return w[1] * receptive;
  }

  private static INDArray fill(long[] shape, Random rng, boolean normal, double bound) {
    long n = SamParameters.elements(shape);
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (normal ? rng.nextGaussian() : (rng.nextDouble() * 2 - 1) * bound);
    }
    return Nd4j.create(v, shape, 'c');
  }
}
