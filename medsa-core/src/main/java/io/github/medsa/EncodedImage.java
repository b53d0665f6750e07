package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.Lists;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One image after the encoder: SamPredictor's state after {@code set_image}. Predictions against it only run
 * the prompt encoder and the mask decoder, in one graph call per batch of up to 8 prompts.
 *
 * <p>Holds the image embedding in native memory: {@link #close()} frees it at once. Predicting after this image
 * or its {@link MedSA} model was closed throws {@link IllegalStateException}. Each {@link Prediction} owns its
 * arrays (it stays valid after this image is closed) and is {@link AutoCloseable} too: close it when done.
 */
public final class EncodedImage implements AutoCloseable {
  private static final MaskPostprocessor POSTPROCESSOR = new MaskPostprocessor();
  /**
   * Prompts per decoder graph call. A call's working arrays grow with its batch (the decoder upscales the
   * embedding to {@code [B, 32, 4g, 4g]}) and the session's pool keeps them, so big batches are decoded in groups;
   * each call also has a fixed cost. 16 clicks at 1024: groups of 8 peaked 0.6 GB lower than one call of 16 for
   * about 3% more time, groups of 4 took about 18% more.
   */
  static final int DECODER_BATCH = 8;

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
   * batches through the decoder; results come back in the order given. Each prediction owns its arrays: close
   * every one when done.
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
    Map<String, List<Integer>> layouts = new LinkedHashMap<>();
    for (int i = 0; i < prompts.size(); i++) {
      Prompt p = prompts.get(i);
      p.checkInside(prepared.origH(), prepared.origW());
      layouts.computeIfAbsent(p.points().size() + "/" + (p.box() != null) + "/" + (p.maskInput() != null) + "/"
          + p.multimask(), k -> new ArrayList<>()).add(i);
    }
    Prediction[] out = new Prediction[prompts.size()];
    int m = model.config().lowResMaskSize();
    try (MaskPostprocessor.Upscaler upscaler = POSTPROCESSOR.upscaler(m, m, prepared)) {
      for (List<Integer> layout : layouts.values()) {
        for (List<Integer> batch : Lists.partition(layout, DECODER_BATCH)) {
          decode(prompts, batch, upscaler, out);
        }
      }
    } catch (RuntimeException | Error e) {
      // A failure part way through must not leave the predictions made so far to the collector.
      for (Prediction p : out) {
        if (p != null) {
          p.close();
        }
      }
      throw e;
    }
    return Arrays.asList(out);
  }

  /**
   * One decoder graph call for the prompts at {@code batch} (all of one layout); their predictions go to
   * {@code out} at the same indices.
   */
  private void decode(List<Prompt> prompts, List<Integer> batch, MaskPostprocessor.Upscaler upscaler,
      Prediction[] out) {
    SamConfig cfg = model.config();
    Prompt first = prompts.get(batch.get(0));
    INDArray mask = first.maskInput() == null ? null : maskInputs(prompts, batch, cfg.lowResMaskSize());
    List<PromptTokens.Input> inputs = new ArrayList<>();
    for (int i : batch) {
      inputs.add(PromptTokens.Input.of(prompts.get(i), prepared.origH(), prepared.origW(), cfg.imageSize()));
    }
    PromptTokens tokens = PromptTokens.of(inputs, cfg.imageSize());
    try {
      SamGraph.Decoded decoded = model.graph().predict(embeddings, tokens, mask);
      try {
        var channels = first.multimask() ? NDArrayIndex.interval(1, cfg.numMaskTokens())
            : NDArrayIndex.interval(0, 1);
        INDArray iouCopy = decoded.iou().get(NDArrayIndex.all(), channels).dup();
        float[][] iou = iouCopy.toFloatMatrix(); // [B, C]
        iouCopy.close();
        for (int b = 0; b < batch.size(); b++) {
          // Arrays of its own for each prediction, so that closing it frees them.
          INDArray lowRes = decoded.lowResMasks().get(NDArrayIndex.point(b), channels).dup('c'); // [C, m, m]
          INDArray logits = upscaler.upscale(lowRes); // [C, H, W]
          out[batch.get(b)] = new Prediction(MaskPostprocessor.toMasks(logits), logits, iou[b], lowRes);
        }
      } finally {
        NativeMemory.free(List.of(decoded.lowResMasks(), decoded.iou())); // the predictions have their copies
      }
    } finally {
      NativeMemory.free(Arrays.asList(tokens.coords(), tokens.kinds(), mask));
    }
  }

  /**
   * The batch's mask inputs as one new {@code [B, 1, m, m]} float array, a copy: the callers' arrays stay theirs.
   * Each may be {@code [m, m]}, {@code [1, m, m]} or {@code [1, 1, m, m]} of any type.
   */
  private static INDArray maskInputs(List<Prompt> prompts, List<Integer> batch, int m) {
    for (int i : batch) {
      long[] s = prompts.get(i).maskInput().shape();
      boolean ok = s.length >= 2 && s.length <= 4 && s[s.length - 1] == m && s[s.length - 2] == m
          && prompts.get(i).maskInput().length() == (long) m * m;
      checkArgument(ok, "prompt %s: mask input has shape %s, expected [1, %s, %s] (the low-res logits of an "
          + "earlier prediction of this model)", i, Arrays.toString(s), m, m);
    }
    INDArray all = Nd4j.create(DataType.FLOAT, batch.size(), 1, m, m);
    for (int b = 0; b < batch.size(); b++) {
      INDArray mask = prompts.get(batch.get(b)).maskInput();
      all.get(NDArrayIndex.point(b), NDArrayIndex.point(0)).assign(mask.reshape(m, m));
    }
    return all;
  }
}
