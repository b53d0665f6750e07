package io.github.medsa.model;

import io.github.medsa.SamConfig;
import io.github.medsa.nn.ParamSource;
import io.github.medsa.nn.Scope;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SAM for inference as one SameDiff graph with three entry points that run separately, as
 * {@code SamPredictor} uses the model: the image encoder once per image, then the prompt encoder and the mask
 * decoder once per batch of prompts against the cached embedding. Not thread-safe on its own; callers
 * serialise access.
 */
public final class SamGraph {
  static final String IN_IMAGE = "input.image";
  static final String IN_COORDS = "input.point_coords";
  static final String IN_KINDS = "input.point_kinds";
  static final String IN_MASK = "input.mask";
  static final String IN_EMBEDDINGS = "input.image_embeddings";
  static final String IN_SPARSE = "input.sparse_embeddings";
  static final String IN_DENSE = "input.dense_embeddings";
  public static final String IMAGE_EMBEDDINGS = "image_embeddings";
  public static final String SPARSE = "sparse_embeddings";
  public static final String DENSE_FROM_MASK = "dense_embeddings_from_mask";
  public static final String DENSE_NO_MASK = "dense_embeddings_no_mask";
  public static final String DENSE_PE = "dense_pe";
  public static final String LOW_RES_MASKS = "low_res_masks";
  public static final String IOU = "iou_predictions";

  /** Prompt embeddings for one batch: sparse {@code [B, N, C]} and dense {@code [B, C, g, g]}. */
  public record PromptEmbeddings(INDArray sparse, INDArray dense) {}

  /** Every mask token's low-res logits {@code [B, M, 4g, 4g]} and IoU estimate {@code [B, M]}. */
  public record Decoded(INDArray lowResMasks, INDArray iou) {}

  private final SamConfig cfg;
  private final SameDiff sd;

  private SamGraph(SamConfig cfg, SameDiff sd) {
    this.cfg = cfg;
    this.sd = sd;
  }

  public static SamGraph build(SamConfig cfg, ParamSource params, EncoderBlockExtension encoderExtension,
      DecoderBlockExtension decoderExtension) {
    SameDiff sd = SameDiff.create();
    declare(sd, cfg, params, encoderExtension, decoderExtension);
    return new SamGraph(cfg, sd);
  }

  /** Builds every part into {@code sd}; also used to enumerate the parameters without allocating them. */
  static void declare(SameDiff sd, SamConfig cfg, ParamSource params, EncoderBlockExtension encoderExtension,
      DecoderBlockExtension decoderExtension) {
    Scope root = Scope.root(sd, params);
    int s = cfg.imageSize();
    int c = cfg.promptEmbedDim();
    int g = cfg.gridSize();
    SDVariable image = sd.placeHolder(IN_IMAGE, DataType.FLOAT, -1, 3, s, s);
    sd.identity(IMAGE_EMBEDDINGS, EncoderGraph.of(cfg, encoderExtension).build(root, image));

    PromptEncoder prompts = new PromptEncoder(cfg);
    SDVariable coords = sd.placeHolder(IN_COORDS, DataType.FLOAT, -1, -1, 2);
    SDVariable kinds = sd.placeHolder(IN_KINDS, DataType.FLOAT, -1, -1, PromptTokens.Kind.values().length);
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
  }

  public SamConfig config() {
    return cfg;
  }

  /** The underlying graph, for inspection and tests. */
  public SameDiff sameDiff() {
    return sd;
  }

  /** Encoder: normalised, padded {@code [B, 3, S, S]} to {@code [B, C, g, g]}. */
  public synchronized INDArray encode(INDArray image) {
    SessionMemory.bound(sd);
    return sd.output(Map.of(IN_IMAGE, image), IMAGE_EMBEDDINGS).get(IMAGE_EMBEDDINGS);
  }

  /** Encoder outputs by name (embeddings and the {@code tap.*} intermediates). */
  public synchronized Map<String, INDArray> encodeWithTaps(INDArray image, String... outputs) {
    SessionMemory.bound(sd);
    return sd.output(Map.of(IN_IMAGE, image), outputs);
  }

  /** Prompt encoder; {@code mask} is {@code [B, 1, 4g, 4g]} low-res logits or null for none. */
  public synchronized PromptEmbeddings embedPrompts(PromptTokens tokens, INDArray mask) {
    SessionMemory.bound(sd);
    Map<String, INDArray> in = new HashMap<>();
    in.put(IN_COORDS, tokens.coords());
    in.put(IN_KINDS, tokens.kinds());
    String denseName = mask == null ? DENSE_NO_MASK : DENSE_FROM_MASK;
    if (mask != null) {
      in.put(IN_MASK, mask);
    }
    Map<String, INDArray> out = sd.output(in, SPARSE, denseName);
    return new PromptEmbeddings(out.get(SPARSE), out.get(denseName));
  }

  public synchronized INDArray densePositionalEncoding() {
    SessionMemory.bound(sd);
    return sd.output(Map.of(), DENSE_PE).get(DENSE_PE);
  }

  /** Mask decoder against {@code imageEmbeddings} {@code [1, C, g, g]} (shared) or {@code [B, C, g, g]}. */
  public synchronized Decoded decode(INDArray imageEmbeddings, PromptEmbeddings prompts) {
    SessionMemory.bound(sd);
    Map<String, INDArray> out = sd.output(Map.of(IN_EMBEDDINGS, imageEmbeddings, IN_SPARSE, prompts.sparse(),
        IN_DENSE, prompts.dense()), LOW_RES_MASKS, IOU);
    return new Decoded(out.get(LOW_RES_MASKS), out.get(IOU));
  }
}
