package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkState;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.ParamSource;
import io.github.medsa.extension.Scope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SAM for inference as one SameDiff graph with two entry points, as {@code SamPredictor} uses the model: the
 * image encoder once per image, then the prompt encoder and the mask decoder together, in one graph call, once
 * per batch of prompts against the cached embedding. Calls are serialised and all run on one session
 * ({@link SessionMemory}), whatever thread calls. Owns the arrays of its graph: {@link #close()} frees them.
 */
public final class SamGraph implements AutoCloseable {
  static final String IN_IMAGE = "input.image";
  static final String IN_COORDS = "input.point_coords";
  static final String IN_KINDS = "input.point_kinds";
  static final String IN_MASK = "input.mask";
  static final String IN_EMBEDDINGS = "input.image_embeddings";
  static final String IN_SPARSE = "input.sparse_embeddings";
  static final String IN_DENSE = "input.dense_embeddings";
  /** Graph variable: the encoder output {@code [B, C, g, g]}. */
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  /** Graph variable: the prompt encoder's point and box tokens {@code [B, N, C]}. */
  public static final String SPARSE = "sparse_embeddings";
  /** Graph variable: the dense prompt embedding computed from a mask input {@code [B, C, g, g]}. */
  public static final String DENSE_FROM_MASK = "dense_embeddings_from_mask";
  /** Graph variable: the learned no-mask dense embedding broadcast to {@code [B, C, g, g]}. */
  public static final String DENSE_NO_MASK = "dense_embeddings_no_mask";
  /** Graph variable: the positional encoding of the embedding grid {@code [1, C, g, g]}. */
  public static final String DENSE_PE = "dense_pe";
  /** Graph variable: the decoder's mask logits {@code [B, M, 4g, 4g]} in the padded model-input frame. */
  public static final String LOW_RES_MASKS = "low_res_masks";
  /** Graph variable: the decoder's IoU estimates {@code [B, M]}. */
  public static final String IOU = "iou_predictions";
  /** Prompt encoder and decoder in one: without a mask input, and with one. */
  static final String PROMPTED_MASKS = "prompted.low_res_masks";
  static final String PROMPTED_IOU = "prompted.iou_predictions";
  static final String PROMPTED_MASKS_WITH_MASK = "prompted_with_mask.low_res_masks";
  static final String PROMPTED_IOU_WITH_MASK = "prompted_with_mask.iou_predictions";

  /** Prompt embeddings for one batch: sparse {@code [B, N, C]} and dense {@code [B, C, g, g]}. */
  public record PromptEmbeddings(INDArray sparse, INDArray dense) {}

  /** Every mask token's low-res logits {@code [B, M, 4g, 4g]} and IoU estimate {@code [B, M]}. */
  public record Decoded(INDArray lowResMasks, INDArray iou) {}

  private final SamConfig cfg;
  private final SameDiff sd;
  private final SessionMemory memory;
  private boolean closed;

  private SamGraph(SamConfig cfg, SameDiff sd) {
    this.cfg = cfg;
    this.sd = sd;
    this.memory = new SessionMemory(sd);
  }

  /**
   * Builds the graph. Its constants are the arrays {@code params} hands out; {@link #close()} frees them all,
   * so the graph takes them over.
   *
   * @param cfg the sizes
   * @param params where the weights come from, by official state-dict name
   * @param encoderExtension modules grafted onto the encoder blocks ({@link EncoderBlockExtension#NONE} for none)
   * @param decoderExtension modules grafted onto the decoder blocks
   * @return the graph, owning the weights' arrays
   */
  public static SamGraph build(SamConfig cfg, ParamSource params, EncoderBlockExtension encoderExtension,
      DecoderBlockExtension decoderExtension) {
    SameDiff sd = SameDiff.create();
    declare(sd, cfg, params, encoderExtension, decoderExtension);
    ConstantFolding.fold(sd);
    return new SamGraph(cfg, sd);
  }

  /** Builds every part into {@code sd}; also used to enumerate the parameters without allocating them. */
  static void declare(SameDiff sd, SamConfig cfg, ParamSource params, EncoderBlockExtension encoderExtension,
      DecoderBlockExtension decoderExtension) {
    Scope root = Scope.root(sd, params);
    int c = cfg.promptEmbedDim();
    int g = cfg.gridSize();
    SDVariable image = SamAssembly.imagesInput(sd, IN_IMAGE, cfg);
    sd.identity(IMAGE_EMBEDDINGS, SamAssembly.encode(root, cfg, encoderExtension, image));

    // Stage by stage, for checking each stage against the reference (declared first: parameter order).
    PromptEncoder prompts = new PromptEncoder(cfg);
    SDVariable coords = SamAssembly.coordsInput(sd, IN_COORDS);
    SDVariable kinds = SamAssembly.kindsInput(sd, IN_KINDS);
    SDVariable mask = sd.placeHolder(IN_MASK, DataType.FLOAT, -1, 1, 4 * g, 4 * g);
    sd.identity(SPARSE, prompts.sparse(root, coords, kinds));
    sd.identity(DENSE_FROM_MASK, prompts.denseFromMask(root, mask));
    sd.identity(DENSE_NO_MASK, prompts.denseWithoutMask(root, coords));
    SDVariable densePe = sd.identity(DENSE_PE, prompts.densePositionalEncoding(root));
    SDVariable embeddings = sd.placeHolder(IN_EMBEDDINGS, DataType.FLOAT, -1, c, g, g);
    SDVariable sparse = sd.placeHolder(IN_SPARSE, DataType.FLOAT, -1, -1, c);
    SDVariable dense = sd.placeHolder(IN_DENSE, DataType.FLOAT, -1, c, g, g);
    MaskDecoder.Output out = new MaskDecoder(cfg, decoderExtension).build(root, embeddings, densePe, sparse, dense);
    sd.identity(LOW_RES_MASKS, out.masks());
    sd.identity(IOU, out.iou());

    // The prediction path: prompts and embedding in, masks out, in one call (the decoder's weights are shared).
    SamAssembly.Decoded plain = SamAssembly.decode(root, cfg, decoderExtension, embeddings, coords, kinds, null);
    sd.identity(PROMPTED_MASKS, plain.masks());
    sd.identity(PROMPTED_IOU, plain.iou());
    SamAssembly.Decoded withMask = SamAssembly.decode(root, cfg, decoderExtension, embeddings, coords, kinds, mask);
    sd.identity(PROMPTED_MASKS_WITH_MASK, withMask.masks());
    sd.identity(PROMPTED_IOU_WITH_MASK, withMask.iou());
  }

  /**
   * The sizes the graph was built with.
   *
   * @return the configuration
   */
  public SamConfig config() {
    return cfg;
  }

  /**
   * The underlying graph, for benchmarks that profile its ops (medsa-bench); not for applications.
   *
   * @return the live SameDiff graph
   */
  public SameDiff sameDiff() {
    return sd;
  }

  /**
   * Sessions the graph holds between calls: 0, however many threads have called.
   *
   * @return the number of live sessions
   */
  public int sessionCount() {
    return memory.sessionCount();
  }

  /**
   * Encoder: normalised, padded {@code [B, 3, S, S]} to {@code [B, C, g, g]}.
   *
   * @param image the normalised encoder input in the model-input frame
   * @return the image embeddings, the caller's to free
   */
  public synchronized INDArray encode(INDArray image) {
    return run(IN_IMAGE, image, IMAGE_EMBEDDINGS).get(IMAGE_EMBEDDINGS);
  }

  /** Encoder outputs by name (embeddings and the {@code tap.*} intermediates); for parity tests. */
  synchronized Map<String, INDArray> encodeWithTaps(INDArray image, String... outputs) {
    return run(IN_IMAGE, image, outputs);
  }

  /**
   * Prompt encoder and mask decoder in one graph call.
   *
   * @param imageEmbeddings {@code [1, C, g, g]} (shared by every prompt) or {@code [B, C, g, g]}
   * @param tokens the batch's prompt tokens
   * @param mask {@code [B, 1, 4g, 4g]} low-res logits as mask inputs, or null for none
   * @return every mask token's low-res logits and IoU estimates
   */
  public synchronized Decoded predict(INDArray imageEmbeddings, PromptTokens tokens, INDArray mask) {
    Map<String, INDArray> in = new HashMap<>();
    in.put(IN_EMBEDDINGS, imageEmbeddings);
    in.put(IN_COORDS, tokens.coords());
    in.put(IN_KINDS, tokens.kinds());
    String masks = mask == null ? PROMPTED_MASKS : PROMPTED_MASKS_WITH_MASK;
    String iou = mask == null ? PROMPTED_IOU : PROMPTED_IOU_WITH_MASK;
    if (mask != null) {
      in.put(IN_MASK, mask);
    }
    Map<String, INDArray> out = run(in, masks, iou);
    return new Decoded(out.get(masks), out.get(iou));
  }

  /** Prompt encoder alone; {@code mask} is {@code [B, 1, 4g, 4g]} low-res logits or null for none. */
  synchronized PromptEmbeddings embedPrompts(PromptTokens tokens, INDArray mask) {
    Map<String, INDArray> in = new HashMap<>();
    in.put(IN_COORDS, tokens.coords());
    in.put(IN_KINDS, tokens.kinds());
    String denseName = mask == null ? DENSE_NO_MASK : DENSE_FROM_MASK;
    if (mask != null) {
      in.put(IN_MASK, mask);
    }
    Map<String, INDArray> out = run(in, SPARSE, denseName);
    return new PromptEmbeddings(out.get(SPARSE), out.get(denseName));
  }

  synchronized INDArray densePositionalEncoding() {
    return run(Map.of(), DENSE_PE).get(DENSE_PE);
  }

  /** Mask decoder alone against {@code imageEmbeddings} {@code [1, C, g, g]} (shared) or {@code [B, C, g, g]}. */
  synchronized Decoded decode(INDArray imageEmbeddings, PromptEmbeddings prompts) {
    Map<String, INDArray> out = run(Map.of(IN_EMBEDDINGS, imageEmbeddings, IN_SPARSE, prompts.sparse(),
        IN_DENSE, prompts.dense()), LOW_RES_MASKS, IOU);
    return new Decoded(out.get(LOW_RES_MASKS), out.get(IOU));
  }

  /**
   * Whether {@link #close()} has run.
   *
   * @return true once closed
   */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Frees the session's cached arrays and every constant and variable array of the graph (the weights
   * included) at once; idempotent. Any later call throws {@link IllegalStateException}.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    memory.close();
    closeArrays(sd, Set.of());
  }

  /**
   * Closes the CONSTANT and VARIABLE arrays of {@code sd} except those named in {@code borrowed}.
   *
   * @param sd the graph whose arrays to free
   * @param borrowed names of arrays owned elsewhere, left open
   */
  public static void closeArrays(SameDiff sd, Set<String> borrowed) {
    for (SDVariable v : sd.variables()) {
      VariableType type = v.getVariableType();
      if ((type == VariableType.CONSTANT || type == VariableType.VARIABLE) && !borrowed.contains(v.name())) {
        NativeMemory.free(v.getArr());
      }
    }
  }

  private Map<String, INDArray> run(String input, INDArray value, String... outputs) {
    return run(Map.of(input, value), outputs);
  }

  private Map<String, INDArray> run(Map<String, INDArray> inputs, String... outputs) {
    checkState(!closed, "the SAM graph is closed");
    return memory.runForOutputs(List.of(outputs), () -> sd.output(inputs, outputs));
  }
}
