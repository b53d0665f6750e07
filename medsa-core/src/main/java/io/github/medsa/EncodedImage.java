package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.github.medsa.image.MaskPostprocessor;
import io.github.medsa.image.PreparedImage;
import io.github.medsa.internal.model.NativeMemory;
import io.github.medsa.internal.model.PromptTokens;
import io.github.medsa.internal.model.SamGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One image after the encoder: SamPredictor's state after {@code set_image}. Predictions against it only run
 * the prompt encoder and the mask decoder, in one graph call per batch of prompts.
 *
 * <p>Holds the image embedding in native memory: {@link #close()} frees it at once. Predicting after this image
 * or its {@link MedSA} model was closed throws {@link IllegalStateException}. {@link Prediction}s are plain
 * results: their arrays are the caller's and are freed by the Java collector like any other array.
 */
public final class EncodedImage implements AutoCloseable {
  private static final MaskPostprocessor POSTPROCESSOR = new MaskPostprocessor();

  private final MedSA model;
  private final PreparedImage prepared;
  private final INDArray embeddings;
  private volatile boolean closed;

  EncodedImage(MedSA model, PreparedImage prepared, INDArray embeddings) {
    this.model = model;
    this.prepared = prepared;
    this.embeddings = embeddings;
  }

  /**
   * The image embedding {@code [1, C, g, g]} (the live array: {@link #close()} frees it).
   *
   * @return the embedding, channels then grid rows and columns
   * @throws IllegalStateException if this image is closed
   */
  public INDArray embeddings() {
    checkOpen();
    return embeddings;
  }

  /**
   * Whether {@link #close()} has run.
   *
   * @return true once this image is closed
   */
  public boolean isClosed() {
    return closed;
  }

  /** Frees the image embedding at once; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    NativeMemory.free(embeddings);
  }

  private void checkOpen() {
    checkState(!closed, "EncodedImage is closed");
  }

  /**
   * Height of the image as given to {@link MedSA#encode(io.github.medsa.image.RgbImage)}.
   *
   * @return the original height in pixels (the frame prompts and masks are in)
   */
  public int originalHeight() {
    return prepared.origH();
  }

  /**
   * Width of the image as given to {@link MedSA#encode(io.github.medsa.image.RgbImage)}.
   *
   * @return the original width in pixels (the frame prompts and masks are in)
   */
  public int originalWidth() {
    return prepared.origW();
  }

  /**
   * Size of the image inside the model's padded square, {@code {h, w}}.
   *
   * @return {@code {height, width}} in model-input pixels, after resizing the longest side
   */
  public int[] inputSize() {
    return new int[] {prepared.inputH(), prepared.inputW()};
  }

  /**
   * Predicts masks for one prompt (points and boxes in original-image pixels, (x, y) order).
   *
   * @param prompt the prompt
   * @return the masks at the original image size, with scores and low-res logits
   * @throws IllegalStateException if this image or its model is closed
   * @throws IllegalArgumentException if a point or the box lies outside the image, or the mask input has the
   *     wrong shape
   */
  public Prediction predict(Prompt prompt) {
    return predict(List.of(prompt)).get(0);
  }

  /**
   * Several prompts at once. Prompts with the same layout (number of points, box or not, mask or not) run as
   * one batch through the decoder; results come back in the order given.
   *
   * @param prompts the prompts, in original-image pixels
   * @return one prediction per prompt, in the order given
   * @throws IllegalStateException if this image or its model is closed
   * @throws IllegalArgumentException if {@code prompts} is empty, a point or box lies outside the image, or a
   *     mask input is not {@code [1, m, m]} at the model's low-res mask size
   */
  public List<Prediction> predict(List<Prompt> prompts) {
    model.checkOpen();
    checkOpen();
    checkArgument(!prompts.isEmpty(), "no prompts");
    SamConfig cfg = model.config();
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < prompts.size(); i++) {
      Prompt p = prompts.get(i);
      p.checkInside(prepared.origH(), prepared.origW());
      groups.computeIfAbsent(p.points().size() + "/" + (p.box() != null) + "/" + (p.maskInput() != null) + "/"
          + p.multimask(), k -> new ArrayList<>()).add(i);
    }
    Prediction[] out = new Prediction[prompts.size()];
    SamGraph graph = model.graph();
    for (List<Integer> group : groups.values()) {
      List<PromptTokens.Input> inputs = new ArrayList<>();
      List<INDArray> masks = new ArrayList<>();
      for (int i : group) {
        inputs.add(PromptTokens.Input.of(prompts.get(i), prepared.origH(), prepared.origW(), cfg.imageSize()));
        if (prompts.get(i).maskInput() != null) {
          masks.add(maskInput(prompts.get(i).maskInput(), cfg.lowResMaskSize(), i));
        }
      }
      PromptTokens tokens = PromptTokens.of(inputs, cfg.imageSize());
      INDArray mask = masks.isEmpty() ? null : Nd4j.concat(0, masks.toArray(INDArray[]::new));
      SamGraph.Decoded decoded = graph.predict(embeddings, tokens, mask);
      List<Prediction> predictions = select(decoded, prompts.get(group.get(0)).multimask(), cfg);
      // select() copied what the predictions keep: the graph's outputs and this batch's tokens are dead (a mask
      // input may be the caller's own array, so it is left alone).
      NativeMemory.free(List.of(decoded.lowResMasks(), decoded.iou(), tokens.coords(), tokens.kinds()));
      for (int b = 0; b < group.size(); b++) {
        out[group.get(b)] = predictions.get(b);
      }
    }
    return Arrays.asList(out);
  }

  /** Accepts {@code [m, m]}, {@code [1, m, m]} or {@code [1, 1, m, m]}; returns {@code [1, 1, m, m]} float. */
  private static INDArray maskInput(INDArray mask, int m, int promptIndex) {
    long[] s = mask.shape();
    boolean ok = s.length >= 2 && s.length <= 4 && s[s.length - 1] == m && s[s.length - 2] == m
        && mask.length() == (long) m * m;
    checkArgument(ok, "prompt %s: mask input has shape %s, expected [1, %s, %s] (the low-res logits of an earlier "
        + "prediction of this model)", promptIndex, Arrays.toString(s), m, m);
    return mask.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(1, 1, m, m);
  }

  /**
   * The chosen mask channels of every prompt of a batch, upscaled and thresholded together: each prediction's
   * arrays are views of one batch array, so a batch costs no more per prompt than one prompt.
   */
  private List<Prediction> select(SamGraph.Decoded d, boolean multimask, SamConfig cfg) {
    var channels = multimask ? NDArrayIndex.interval(1, cfg.numMaskTokens()) : NDArrayIndex.interval(0, 1);
    INDArray lowRes = d.lowResMasks().get(NDArrayIndex.all(), channels).dup(); // [B, C, m, m]
    float[][] iou = d.iou().get(NDArrayIndex.all(), channels).dup().toFloatMatrix(); // [B, C]
    INDArray logits = POSTPROCESSOR.upscaleLogits(lowRes, prepared); // [B, C, H, W]
    INDArray masks = MaskPostprocessor.toMasks(logits);
    List<Prediction> out = new ArrayList<>();
    for (int b = 0; b < iou.length; b++) {
      var one = NDArrayIndex.point(b);
      out.add(new Prediction(masks.get(one), logits.get(one), iou[b], lowRes.get(one)));
    }
    return out;
  }
}
