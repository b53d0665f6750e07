package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.Prompt;
import io.github.medsa.image.ResizeLongestSide;
import io.github.medsa.internal.nn.Interpolation;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lays out one batch of prompts as the prompt encoder's tokens, as {@code PromptEncoder._embed_points} and
 * {@code _embed_boxes} do: points (+0.5), then a padding point at (0, 0) when there is no box, then the two
 * box corners (+0.5); coordinates divided by the model's input side. {@link #of} needs one layout per batch
 * (number of points, box or not), as SAM's {@code predict_torch}; {@link #padded} pads mixed layouts with
 * SAM's "not a point" tokens (label -1).
 */
public final class PromptTokens {
  /** The learned embedding each token kind adds, in one-hot column order. */
  public enum Kind {
    /** Padding: a token that is not a point (SAM's label -1). */
    NOT_A_POINT("not_a_point_embed.weight"),
    /** A background click (label 0). */
    NEGATIVE("point_embeddings.0.weight"),
    /** A foreground click (label 1). */
    POSITIVE("point_embeddings.1.weight"),
    /** A box's top-left corner {@code (x0, y0)}. */
    BOX_TOP_LEFT("point_embeddings.2.weight"),
    /** A box's bottom-right corner {@code (x1, y1)}. */
    BOX_BOTTOM_RIGHT("point_embeddings.3.weight");

    private final String embeddingName;

    Kind(String embeddingName) {
      this.embeddingName = embeddingName;
    }

    String embeddingName() {
      return embeddingName;
    }
  }

  /**
   * One prompt in model-input pixels (after {@code apply_coords}).
   *
   * @param points {@code [n][2]} (x, y), may be empty
   * @param labels {@code n} labels, 1 foreground, 0 background
   * @param box {@code x0, y0, x1, y1} or null
   */
  public record Input(float[][] points, int[] labels, float[] box) {
    /**
     * Validates the prompt.
     *
     * @param points {@code [n][2]} (x, y) in model-input pixels, may be empty
     * @param labels {@code n} labels, 1 foreground, 0 background
     * @param box {@code x0, y0, x1, y1} in model-input pixels, or null
     * @throws IllegalArgumentException if the counts differ, there is neither a point nor a box, the box does
     *     not have 4 values, or a label is not 0 or 1
     */
    public Input {
      checkArgument(points.length == labels.length, "%s points but %s labels", points.length, labels.length);
      checkArgument(points.length > 0 || box != null, "a prompt needs at least one point or a box");
      checkArgument(box == null || box.length == 4, "a box has 4 values (x0, y0, x1, y1), got %s",
          box == null ? 0 : box.length);
      for (int l : labels) {
        checkArgument(l == 0 || l == 1, "point labels are 1 (foreground) or 0 (background), got %s", l);
      }
    }

    int tokenCount() {
      return points.length + (box == null ? 1 : 2);
    }

    /**
     * A prompt in original-image pixels mapped into the model's frame, as {@code apply_coords}.
     *
     * @param p the prompt, in original-image pixels
     * @param origH original image height in pixels
     * @param origW original image width in pixels
     * @param imageSize side of the model's square input in pixels
     * @return the prompt in model-input pixels
     */
    public static Input of(Prompt p, int origH, int origW, int imageSize) {
      ResizeLongestSide resize = new ResizeLongestSide(imageSize);
      double[][] xy = new double[p.points().size()][];
      int[] labels = new int[xy.length];
      for (int i = 0; i < xy.length; i++) {
        xy[i] = new double[] {p.points().get(i).x(), p.points().get(i).y()};
        labels[i] = p.points().get(i).label();
      }
      float[][] points = Interpolation.toFloat(resize.applyCoords(xy, origH, origW));
      float[] box = null;
      if (p.box() != null) {
        Prompt.Box b = p.box();
        box = Interpolation.toFloat(resize.applyBoxes(new double[][] {{b.x0(), b.y0(), b.x1(), b.y1()}}, origH, origW))[0];
      }
      return new Input(points, labels, box);
    }

    /**
     * Prompts that can share one decoder batch have equal layouts.
     *
     * @return a key of the point count and whether there is a box
     */
    public String layout() {
      return points.length + (box == null ? "" : "+box");
    }
  }

  private final INDArray coords;
  private final INDArray kinds;

  private PromptTokens(INDArray coords, INDArray kinds) {
    this.coords = coords;
    this.kinds = kinds;
  }

  /**
   * Normalised coordinates {@code [B, N, 2]}.
   *
   * @return {@code (x + 0.5, y + 0.5)} (pixel centres) divided by the model-input side, as SAM
   */
  public INDArray coords() {
    return coords;
  }

  /**
   * One-hot kinds {@code [B, N, Kind.values().length]}.
   *
   * @return the one-hot array, columns in {@link Kind} order
   */
  public INDArray kinds() {
    return kinds;
  }

  /**
   * The tokens of prompts with one layout (same number of points, all with or all without a box).
   *
   * @param batch the prompts, in model-input pixels
   * @param inputSize side of the model's square input in pixels
   * @return the batch's tokens
   * @throws IllegalArgumentException if the batch is empty or the layouts differ
   */
  public static PromptTokens of(List<Input> batch, int inputSize) {
    checkArgument(!batch.isEmpty(), "empty prompt batch");
    Input first = batch.get(0);
    for (int b = 1; b < batch.size(); b++) {
      Input p = batch.get(b);
      checkArgument(p.points.length == first.points.length && (p.box == null) == (first.box == null),
          "prompts of one batch need the same layout: prompt %s has %s points%s, prompt 0 has %s points%s", b,
          p.points.length, p.box == null ? "" : " and a box", first.points.length, first.box == null ? "" : " and a box");
    }
    return layOut(batch, first.tokenCount(), inputSize);
  }

  /**
   * The tokens of prompts of any layouts in one batch, for models whose batch cannot be split (SD-Trans chunks):
   * each prompt shorter than the longest gets "not a point" tokens after its points, as SAM lays out points
   * labelled -1 ({@code point_embedding[labels == -1] = not_a_point_embed}, positional encoding zeroed). A prompt
   * so padded decodes as SAM would decode it with those extra -1 points, not exactly as it would alone.
   *
   * @param batch the prompts, in model-input pixels
   * @param inputSize side of the model's square input in pixels
   * @return the batch's tokens, padded to the longest prompt
   * @throws IllegalArgumentException if the batch is empty
   */
  public static PromptTokens padded(List<Input> batch, int inputSize) {
    checkArgument(!batch.isEmpty(), "empty prompt batch");
    return layOut(batch, batch.stream().mapToInt(Input::tokenCount).max().orElseThrow(), inputSize);
  }

  private static PromptTokens layOut(List<Input> batch, int n, int inputSize) {
    float[][][] c = new float[batch.size()][n][2];
    float[][][] k = new float[batch.size()][n][Kind.values().length];
    for (int b = 0; b < batch.size(); b++) {
      Input p = batch.get(b);
      int t = 0;
      for (int i = 0; i < p.points.length; i++, t++) {
        set(c[b][t], k[b][t], p.points[i][0] + 0.5f, p.points[i][1] + 0.5f, inputSize,
            p.labels[i] == 1 ? Kind.POSITIVE : Kind.NEGATIVE);
      }
      for (int pad = p.tokenCount(); pad < n; pad++, t++) {
        set(c[b][t], k[b][t], 0f, 0f, inputSize, Kind.NOT_A_POINT);
      }
      if (p.box == null) {
        set(c[b][t], k[b][t], 0f, 0f, inputSize, Kind.NOT_A_POINT);
      } else {
        set(c[b][t], k[b][t], p.box[0] + 0.5f, p.box[1] + 0.5f, inputSize, Kind.BOX_TOP_LEFT);
        t++;
        set(c[b][t], k[b][t], p.box[2] + 0.5f, p.box[3] + 0.5f, inputSize, Kind.BOX_BOTTOM_RIGHT);
      }
    }
    return new PromptTokens(Nd4j.createFromArray(c), Nd4j.createFromArray(k));
  }

  private static void set(float[] coord, float[] onehot, float x, float y, int inputSize, Kind kind) {
    coord[0] = x / inputSize;
    coord[1] = y / inputSize;
    onehot[kind.ordinal()] = 1f;
  }
}
