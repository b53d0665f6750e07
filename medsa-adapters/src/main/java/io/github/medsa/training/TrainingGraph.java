package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.model.EncoderGraph;
import io.github.medsa.model.MaskDecoder;
import io.github.medsa.model.ModelExtension;
import io.github.medsa.model.PromptEncoder;
import io.github.medsa.model.PromptTokens;
import io.github.medsa.model.SessionMemory;
import io.github.medsa.model.StateDictParams;
import io.github.medsa.nn.Interpolation;
import io.github.medsa.nn.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM with its adapters end to end for training, as Med-SA's training step: images through the encoder, one
 * prompt per image through the (frozen) prompt encoder, the decoder's single-mask output (mask token 0)
 * resized bilinearly to the target size, and the loss. Trainable tensors are SameDiff variables, frozen ones
 * constants.
 */
public final class TrainingGraph {
  static final String IN_IMAGES = "train.images";
  static final String IN_COORDS = "train.point_coords";
  static final String IN_KINDS = "train.point_kinds";
  static final String IN_TARGETS = "train.targets";
  public static final String LOSS = "loss";
  public static final String LOW_RES_LOGITS = "low_res_logits";
  public static final String IOU = "iou_predictions";
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  public static final String SPARSE = "sparse_embeddings";
  public static final String DENSE = "dense_embeddings";
  /** The name under which SameDiff keeps the backward graph. */
  private static final String GRADIENT_FUNCTION = "grad";

  private final SamConfig cfg;
  private final SameDiff sd;
  private final List<String> trainable;

  private TrainingGraph(SamConfig cfg, SameDiff sd, List<String> trainable) {
    this.cfg = cfg;
    this.sd = sd;
    this.trainable = List.copyOf(trainable);
  }

  /**
   * @param weights every tensor of the model (SAM and the extension's)
   * @param outSize side of the targets the low-res logits are resized to
   */
  public static TrainingGraph build(SamConfig cfg, ModelExtension extension, StateDict weights,
      Predicate<String> trainable, LossFunction loss, int outSize) {
    checkArgument(outSize > 0, "target size must be positive, got %s", outSize);
    SameDiff sd = SameDiff.create();
    Scope root = Scope.root(sd, new StateDictParams(weights, trainable));
    int s = cfg.imageSize();
    SDVariable images = sd.placeHolder(IN_IMAGES, DataType.FLOAT, -1, 3, s, s);
    SDVariable coords = sd.placeHolder(IN_COORDS, DataType.FLOAT, -1, -1, 2);
    SDVariable kinds = sd.placeHolder(IN_KINDS, DataType.FLOAT, -1, -1, PromptTokens.Kind.values().length);
    SDVariable targets = sd.placeHolder(IN_TARGETS, DataType.FLOAT, -1, 1, outSize, outSize);

    SDVariable embeddings = sd.identity(IMAGE_EMBEDDINGS, EncoderGraph.of(cfg, extension.encoder(cfg))
        .build(root, images));
    PromptEncoder prompts = new PromptEncoder(cfg);
    SDVariable sparse = sd.identity(SPARSE, prompts.sparse(root, coords, kinds));
    SDVariable dense = sd.identity(DENSE, prompts.denseWithoutMask(root, coords));
    MaskDecoder.Output out = new MaskDecoder(cfg, extension.decoder(cfg))
        .build(root, embeddings, prompts.densePositionalEncoding(root), sparse, dense);
    SDVariable logits = sd.identity(LOW_RES_LOGITS,
        out.masks().get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all(), SDIndex.all()));
    sd.identity(IOU, out.iou().get(SDIndex.all(), SDIndex.interval(0, 1)));
    sd.identity(LOSS, loss.build(resize(logits, cfg.lowResMaskSize(), outSize), targets));
    sd.setLossVariables(LOSS);

    List<String> names = new ArrayList<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
        names.add(v.name());
      }
    }
    return new TrainingGraph(cfg, sd, names);
  }

  /** Bilinear resize (align_corners false) of {@code [B, 1, m, m]} to {@code [B, 1, o, o]} as two matmuls. */
  static SDVariable resize(SDVariable x, int m, int o) {
    if (m == o) {
      return x;
    }
    SameDiff sd = x.getSameDiff();
    SDVariable rT = sd.constant(Nd4j.createFromArray(Interpolation.toFloat(Interpolation.linear(m, o))))
        .permute(1, 0); // [m, o]
    SDVariable cols = sd.mmul(x.reshape(-1, m), rT).reshape(-1, m, o).permute(0, 2, 1); // [B, o(x), m(y)]
    SDVariable rows = sd.mmul(cols.reshape(-1, m), rT).reshape(-1, o, o).permute(0, 2, 1); // [B, o(y), o(x)]
    return rows.reshape(-1, 1, o, o);
  }

  public SamConfig config() {
    return cfg;
  }

  /** Names of the trainable tensors, in graph order. */
  public List<String> trainableNames() {
    return trainable;
  }

  /** Whether the graph uses tensor {@code name} (the mask-input branch, for one, is not part of training). */
  public boolean hasTensor(String name) {
    return sd.hasVariable(name);
  }

  /** The current value of a tensor (trainable or frozen); the live array, not a copy. */
  public INDArray tensor(String name) {
    checkArgument(sd.hasVariable(name), "no tensor %s in the training graph", name);
    return sd.getArrForVarName(name);
  }

  /** Graph outputs by name ({@link #LOSS}, {@link #LOW_RES_LOGITS}, ...). */
  public synchronized Map<String, INDArray> forward(TrainingBatch batch, String... outputs) {
    SessionMemory.bound(sd);
    return sd.output(placeholders(batch), outputs);
  }

  /** The loss and the gradient of every trainable tensor that the loss depends on. */
  public synchronized Gradients gradients(TrainingBatch batch) {
    if (sd.getFunction(GRADIENT_FUNCTION) == null) {
      sd.createGradFunction();
    }
    // Both the forward and the gradient graph keep only a small cache of released arrays.
    SessionMemory.bound(sd);
    SessionMemory.bound(sd.getFunction(GRADIENT_FUNCTION));
    // One pass computes the loss and the gradients (a separate output() call would run the forward twice).
    OutAndGrad both = sd.calculateGradientsAndOutputs(placeholders(batch), List.of(LOSS), trainable);
    double loss = both.getOutputs().get(LOSS).getDouble(0);
    Map<String, INDArray> grads = both.getGradients();
    Map<String, INDArray> present = new LinkedHashMap<>();
    for (String n : trainable) {
      INDArray g = grads.get(n);
      if (g != null) {
        present.put(n, g);
      }
    }
    return new Gradients(loss, present);
  }

  /** A step's loss and gradients (tensors the loss does not depend on have none, as in PyTorch). */
  public record Gradients(double loss, Map<String, INDArray> byName) {}

  private static Map<String, INDArray> placeholders(TrainingBatch batch) {
    Map<String, INDArray> ph = new HashMap<>();
    ph.put(IN_IMAGES, batch.images());
    ph.put(IN_COORDS, batch.prompts().coords());
    ph.put(IN_KINDS, batch.prompts().kinds());
    ph.put(IN_TARGETS, batch.targets());
    return ph;
  }
}
