package io.github.medsa.adapters;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSortedSet;
import io.github.medsa.SamConfig;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.extension.Scope;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Med-SA's adapters as an immutable description: which modules, how wide, how they start.
 *
 * <pre>{@code
 * MedSA model = MedSA.builder().backbone(Backbone.VIT_B).checkpoint(path)
 *     .adapters(Adapters.medsa())                          // Space + MLP adapters in every encoder block
 *     .build();
 * Adapters.medsa().ratio(0.125).activation(Activation.RELU).hyperPrompting(true).decoderMlpAdapter(true);
 * }</pre>
 *
 * <p>On a TinyViT backbone ({@link io.github.medsa.Backbone#TINY_VIT}) the adapters sit in every TinyViT block as
 * the official Med-SA TinyViT code puts them ({@code image_encoder.layers.{l}.blocks.{i}.{Space,MLP,Depth}_Adapter},
 * width {@code ratio} x the layer's width); block indexes then count TinyViT blocks over layers 1..3.
 *
 * <p>Tensor names follow the official code: {@code image_encoder.blocks.{i}.{Space,MLP}_Adapter.D_fc{1,2}.*},
 * {@code mask_decoder.transformer.layers.{l}.{MLP,HyP}_Adapter.*}. By default the up-projections
 * ({@code D_fc2}) start at zero, so a freshly adapted model computes exactly what the pretrained SAM computes;
 * {@link #pytorchInit()} starts them as PyTorch's {@code nn.Linear} does, as the official code.
 */
public final class Adapters implements ModelExtension {
  private static final Pattern BLOCK = Pattern.compile("^image_encoder\\.blocks\\.(\\d+)\\.");

  private final double ratio;
  private final Activation activation;
  private final double mlpScale;
  private final Set<Integer> blocks; // null = every block
  private final boolean zeroInitUp;
  private final boolean hyperPrompting;
  private final double hyperRatio;
  private final boolean decoderMlpAdapter;

  private Adapters(double ratio, Activation activation, double mlpScale, Set<Integer> blocks, boolean zeroInitUp,
      boolean hyperPrompting, double hyperRatio, boolean decoderMlpAdapter) {
    checkArgument(ratio > 0 && ratio <= 4, "adapter ratio must be in (0, 4], got %s", ratio);
    checkArgument(hyperRatio > 0 && hyperRatio <= 1, "HyP-Adpt ratio must be in (0, 1], got %s", hyperRatio);
    checkArgument(Double.isFinite(mlpScale), "MLP adapter scale must be finite, got %s", mlpScale);
    this.ratio = ratio;
    this.activation = activation;
    this.mlpScale = mlpScale;
    this.blocks = blocks;
    this.zeroInitUp = zeroInitUp;
    this.hyperPrompting = hyperPrompting;
    this.hyperRatio = hyperRatio;
    this.decoderMlpAdapter = decoderMlpAdapter;
  }

  /**
   * The paper's encoder adapters: ratio 0.25, exact GELU, MLP scale 0.5, every block, zero up-projections.
   *
   * @return the default Med-SA adapter configuration
   */
  public static Adapters medsa() {
    return new Adapters(0.25, Activation.GELU, 0.5, null, true, false, 0.125, false);
  }

  /**
   * Bottleneck width as a fraction of the embedding width (0.25 gives 192 for ViT-B).
   *
   * @param r the ratio, in (0, 4]
   * @return a copy with this ratio
   * @throws IllegalArgumentException if {@code r} is outside (0, 4]
   */
  public Adapters ratio(double r) {
    return new Adapters(r, activation, mlpScale, blocks, zeroInitUp, hyperPrompting, hyperRatio, decoderMlpAdapter);
  }

  /**
   * The activation between the down- and up-projection of every bottleneck.
   *
   * @param a the activation
   * @return a copy with this activation
   */
  public Adapters activation(Activation a) {
    return new Adapters(ratio, a, mlpScale, blocks, zeroInitUp, hyperPrompting, hyperRatio, decoderMlpAdapter);
  }

  /**
   * The factor {@code s} of the MLP adapters ({@code x + mlp(n2) + s * MLP_Adapter(n2)}).
   *
   * @param s the scale
   * @return a copy with this scale
   * @throws IllegalArgumentException if {@code s} is not finite
   */
  public Adapters mlpScale(double s) {
    return new Adapters(ratio, activation, s, blocks, zeroInitUp, hyperPrompting, hyperRatio, decoderMlpAdapter);
  }

  /**
   * Only these encoder blocks get adapters (default: all).
   *
   * @param indexes zero-based encoder block indexes; checked against the encoder depth when the graph is built
   * @return a copy adapting only these blocks
   * @throws IllegalArgumentException if no index is given or one is negative
   */
  public Adapters blocks(int... indexes) {
    checkArgument(indexes.length > 0, "give at least one block index");
    for (int i : indexes) {
      checkArgument(i >= 0, "block index must be non-negative, got %s", i);
    }
    return new Adapters(ratio, activation, mlpScale, ImmutableSortedSet.copyOf(Arrays.stream(indexes).boxed()
        .toList()), zeroInitUp, hyperPrompting, hyperRatio, decoderMlpAdapter);
  }

  /**
   * Start the up-projections as PyTorch's default {@code nn.Linear} init, as the official code does.
   *
   * @return a copy whose up-projections are not zero-initialised
   */
  public Adapters pytorchInit() {
    return new Adapters(ratio, activation, mlpScale, blocks, false, hyperPrompting, hyperRatio, decoderMlpAdapter);
  }

  /**
   * Adds HyP-Adpt to every two-way block of the decoder; width {@code ratio * C} (default 0.125).
   *
   * @param on whether the decoder gets HyP-Adpt
   * @return a copy with HyP-Adpt on or off
   */
  public Adapters hyperPrompting(boolean on) {
    return new Adapters(ratio, activation, mlpScale, blocks, zeroInitUp, on, hyperRatio, decoderMlpAdapter);
  }

  /**
   * The HyP-Adpt width as a fraction of the decoder width (default 0.125).
   *
   * @param r the ratio, in (0, 1]
   * @return a copy with this ratio
   * @throws IllegalArgumentException if {@code r} is outside (0, 1]
   */
  public Adapters hyperPromptRatio(double r) {
    return new Adapters(ratio, activation, mlpScale, blocks, zeroInitUp, hyperPrompting, r, decoderMlpAdapter);
  }

  /**
   * Adds an MLP adapter beside the token MLP of every two-way block of the decoder.
   *
   * @param on whether the decoder gets MLP adapters
   * @return a copy with decoder MLP adapters on or off
   */
  public Adapters decoderMlpAdapter(boolean on) {
    return new Adapters(ratio, activation, mlpScale, blocks, zeroInitUp, hyperPrompting, hyperRatio, on);
  }

  /** @return the bottleneck width as a fraction of the embedding width */
  public double ratio() {
    return ratio;
  }

  /** @return the bottleneck activation */
  public Activation activation() {
    return activation;
  }

  /** @return the factor of the MLP adapters */
  public double mlpScale() {
    return mlpScale;
  }

  /** @return whether the decoder gets HyP-Adpt */
  public boolean hyperPrompting() {
    return hyperPrompting;
  }

  /** @return the HyP-Adpt width as a fraction of the decoder width */
  public double hyperRatio() {
    return hyperRatio;
  }

  /** @return whether the decoder gets MLP adapters */
  public boolean decoderMlpAdapter() {
    return decoderMlpAdapter;
  }

  /**
   * Whether encoder block {@code index} carries adapters.
   *
   * @param index a zero-based encoder block index
   * @return true if that block is adapted
   */
  public boolean adaptsBlock(int index) {
    return blocks == null || blocks.contains(index);
  }

  /**
   * This configuration's bottleneck {@code D_fc2(act(D_fc1(x)))} at {@code scope} (an adapter module such as
   * {@code image_encoder.blocks.3.Depth_Adapter}), for adapters added by other modules (SD-Trans).
   *
   * @param scope the adapter's parameter scope
   * @param x the input, last axis of width {@code dim}
   * @param dim the input and output width
   * @return the bottleneck output, same shape as {@code x}
   */
  public SDVariable bottleneck(Scope scope, SDVariable x, int dim) {
    return Bottleneck.apply(scope, x, dim, Bottleneck.hidden(dim, ratio), activation);
  }

  @Override
  public EncoderBlockExtension encoder(SamConfig cfg) {
    if (blocks != null) {
      int last = blocks.stream().mapToInt(Integer::intValue).max().orElse(0);
      checkArgument(last < cfg.encoderDepth(), "adapter block %s does not exist: the encoder has blocks 0..%s",
          last, cfg.encoderDepth() - 1);
    }
    if (cfg.isTinyVit()) {
      return new EncoderAdapters(this, cfg.tinyVit()::attentionBlockDim, EncoderAdapters.DepthAdapter.DECLARED);
    }
    return new EncoderAdapters(this, block -> cfg.encoderEmbedDim(), EncoderAdapters.DepthAdapter.NONE);
  }

  @Override
  public DecoderBlockExtension decoder(SamConfig cfg) {
    return new DecoderAdapters(this, cfg.promptEmbedDim(), 1 + cfg.numMaskTokens(),
        cfg.gridSize() * cfg.gridSize());
  }

  /**
   * Whether {@code name} is an adapter tensor (of any Med-SA adapter kind).
   *
   * @param name a state-dict key
   * @return true if it names an adapter parameter
   */
  public static boolean isAdapter(String name) {
    return name.contains("_Adapter.");
  }

  @Override
  public boolean owns(String name) {
    if (!isAdapter(name)) {
      return false;
    }
    Matcher m = BLOCK.matcher(name);
    return !m.find() || adaptsBlock(Integer.parseInt(m.group(1)));
  }

  @Override
  public INDArray initialValue(String name, Map<String, long[]> shapes, Random rng) {
    long[] shape = shapes.get(name);
    boolean upProjection = name.contains(".D_fc2.");
    if (name.endsWith(".norm.weight")) {
      return Nd4j.ones(DataType.FLOAT, shape);
    }
    if (name.endsWith(".norm.bias") || (upProjection && zeroInitUp)) {
      return Nd4j.zeros(DataType.FLOAT, shape);
    }
    // nn.Linear: kaiming_uniform(a = sqrt 5) for weights and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for biases both
    // come to a bound of 1/sqrt(fan_in). A bias is sized [out]; its fan_in is the weight's in-dimension.
    long fanIn = name.endsWith(".weight") ? shape[1] : shapes.get(name.replaceFirst("bias$", "weight"))[1];
    double bound = 1.0 / Math.sqrt(fanIn);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    }
    return Nd4j.create(v, shape, 'c');
  }

  @Override
  public String toString() {
    return "Adapters{ratio " + ratio + ", " + activation + ", mlp scale " + mlpScale + ", blocks "
        + (blocks == null ? "all" : blocks) + (zeroInitUp ? ", zero up-projections" : ", PyTorch init")
        + (hyperPrompting ? ", HyP-Adpt ratio " + hyperRatio : "") + (decoderMlpAdapter ? ", decoder MLP adapter" : "")
        + "}";
  }
}
