package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.model.NativeMemory;
import io.github.medsa.internal.model.SamAssembly;
import io.github.medsa.internal.model.SamGraph;
import io.github.medsa.internal.model.ConstantFolding;
import io.github.medsa.internal.model.SessionMemory;
import io.github.medsa.internal.model.StateDictParams;
import io.github.medsa.internal.nn.Interpolation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM with its adapters end to end for training, as Med-SA's training step: images through the encoder, one
 * prompt per image through the (frozen) prompt encoder, the decoder's single-mask output (mask token 0)
 * resized bilinearly to the target size, and the loss. Trainable tensors are SameDiff variables, frozen ones
 * constants.
 *
 * <p>Owns its trainable arrays and the graph's own constants; frozen tensors stay the caller's arrays (shared
 * with the model the training started from). {@link #close()} frees what it owns at once. Calls are serialised
 * and run on one session per graph, whatever thread calls.
 */
final class TrainingGraph implements AutoCloseable {
  static final String IN_IMAGES = "train.images";
  static final String IN_COORDS = "train.point_coords";
  static final String IN_KINDS = "train.point_kinds";
  static final String IN_TARGETS = "train.targets";
  /** Output name of the scalar loss. */
  public static final String LOSS = "loss";
  /** Output name of the first mask's low-res logits {@code [B, 1, m, m]} (m = 256 for SAM). */
  public static final String LOW_RES_LOGITS = "low_res_logits";
  /** Output name of the first mask's predicted IoU {@code [B, 1]}. */
  public static final String IOU = "iou_predictions";
  /** Output name of the image encoder's embeddings {@code [B, C, g, g]}. */
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  /** Output name of the prompt encoder's sparse embeddings {@code [B, N, C]}. */
  public static final String SPARSE = "sparse_embeddings";
  /** Output name of the prompt encoder's dense embeddings {@code [B, C, g, g]}. */
  public static final String DENSE = "dense_embeddings";

  private final SamConfig cfg;
  private final SameDiff sd;
  private final List<String> trainable;
  /** The graph variable of each trainable tensor's gradient; tensors the loss does not depend on have none. */
  private final Map<String, String> gradientNames;
  /** Frozen tensors: the caller's arrays, which {@link #close()} leaves alone. */
  private final Set<String> borrowed;
  /** The session of the one graph, which holds the forward pass and the backward pass. */
  private final SessionMemory memory;
  private boolean closed;

  private TrainingGraph(SamConfig cfg, SameDiff sd, List<String> trainable, Map<String, String> gradientNames,
      Set<String> borrowed) {
    this.cfg = cfg;
    this.sd = sd;
    this.trainable = List.copyOf(trainable);
    this.gradientNames = gradientNames;
    this.borrowed = Set.copyOf(borrowed);
    this.memory = new SessionMemory(sd);
  }

  /**
   * Builds the forward graph, its loss and the loss's backward pass; trainable tensors become SameDiff variables,
   * frozen ones constants.
   *
   * @param cfg the model's configuration
   * @param extension the adapters or other extension of the model
   * @param weights every tensor of the model (SAM and the extension's)
   * @param trainable which tensors are trained
   * @param loss the loss on the low-res logits resized to {@code outSize}
   * @param outSize side of the targets the low-res logits are resized to, in pixels
   * @return the graph (close it)
   * @throws IllegalArgumentException if {@code outSize} is not positive
   */
  public static TrainingGraph build(SamConfig cfg, ModelExtension extension, StateDict weights,
      Predicate<String> trainable, LossFunction loss, int outSize) {
    checkArgument(outSize > 0, "target size must be positive, got %s", outSize);
    SameDiff sd = SameDiff.create();
    Scope root = Scope.root(sd, new StateDictParams(weights, trainable));
    SDVariable images = SamAssembly.imagesInput(sd, IN_IMAGES, cfg);
    SDVariable coords = SamAssembly.coordsInput(sd, IN_COORDS);
    SDVariable kinds = SamAssembly.kindsInput(sd, IN_KINDS);
    SDVariable targets = sd.placeHolder(IN_TARGETS, DataType.FLOAT, -1, 1, outSize, outSize);

    SDVariable embeddings = sd.identity(IMAGE_EMBEDDINGS,
        SamAssembly.encode(root, cfg, extension.encoder(cfg), images));
    SamAssembly.Decoded out = SamAssembly.decode(root, cfg, extension.decoder(cfg), embeddings, coords, kinds, null);
    sd.identity(SPARSE, out.sparse());
    sd.identity(DENSE, out.dense());
    SDVariable logits = sd.identity(LOW_RES_LOGITS,
        out.masks().get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all(), SDIndex.all()));
    sd.identity(IOU, out.iou().get(SDIndex.all(), SDIndex.interval(0, 1)));
    sd.identity(LOSS, loss.build(resize(logits, cfg.lowResMaskSize(), outSize), targets));
    sd.setLossVariables(LOSS);

    ConstantFolding.fold(sd); // before the backward pass, which then reads the folded constants
    List<String> names = new ArrayList<>();
    Set<String> borrowed = new HashSet<>();
    for (SDVariable v : sd.variables()) {
      if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) {
        names.add(v.name());
      } else if (weights.contains(v.name())) {
        borrowed.add(v.name());
      }
    }
    // The backward pass goes into the same graph (and so the same session) before the first call.
    return new TrainingGraph(cfg, sd, names, Backprop.append(sd, LOSS), borrowed);
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

  /** @return the model's configuration */
  public SamConfig config() {
    return cfg;
  }

  /** @return names of the trainable tensors, in graph order */
  public List<String> trainableNames() {
    return trainable;
  }

  /**
   * Whether the graph uses tensor {@code name} (the mask-input branch, for one, is not part of training).
   *
   * @param name a state-dict key
   * @return true if the graph holds it
   */
  public boolean hasTensor(String name) {
    return sd.hasVariable(name);
  }

  /**
   * The current value of a tensor (trainable or frozen); the live array, not a copy.
   *
   * @param name a state-dict key
   * @return the live array
   * @throws IllegalArgumentException if the graph has no such tensor
   * @throws IllegalStateException if the graph is closed
   */
  public INDArray tensor(String name) {
    checkOpen();
    checkArgument(sd.hasVariable(name), "no tensor %s in the training graph", name);
    return sd.getArrForVarName(name);
  }

  /**
   * Graph outputs by name ({@link #LOSS}, {@link #LOW_RES_LOGITS}, ...).
   *
   * @param batch the inputs
   * @param outputs output names
   * @return the outputs by name
   * @throws IllegalStateException if the graph is closed
   */
  public synchronized Map<String, INDArray> forward(TrainingBatch batch, String... outputs) {
    checkOpen();
    return memory.runForOutputs(List.of(outputs), () -> sd.output(placeholders(batch), outputs));
  }

  /**
   * The loss and the gradient of every trainable tensor that the loss depends on.
   *
   * @param batch the inputs
   * @return the loss and the gradients by tensor name
   * @throws IllegalStateException if the graph is closed
   */
  public synchronized Gradients gradients(TrainingBatch batch) {
    checkOpen();
    // One call computes the loss and the gradients: the graph holds the forward and the backward pass.
    List<String> outputs = new ArrayList<>(gradientNames.values());
    outputs.add(LOSS);
    Map<String, INDArray> out = memory.runForOutputs(outputs,
        () -> sd.output(placeholders(batch), outputs.toArray(new String[0])));
    INDArray lossArray = out.get(LOSS);
    double loss = lossArray.getDouble(0);
    NativeMemory.free(lossArray);
    Map<String, INDArray> present = new LinkedHashMap<>();
    gradientNames.forEach((n, g) -> present.put(n, out.get(g)));
    return new Gradients(loss, present);
  }

  /** @return sessions the graph holds between calls: 0, however many threads have called */
  public synchronized int sessionCount() {
    return memory.sessionCount();
  }

  /**
   * Frees the sessions' cached arrays, the trainable arrays and the graph's own constants at once (frozen
   * tensors are the caller's and stay); idempotent. Later calls throw {@link IllegalStateException}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    memory.close();
    SamGraph.closeArrays(sd, borrowed);
  }

  private void checkOpen() {
    checkState(!closed, "the training graph is closed");
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
