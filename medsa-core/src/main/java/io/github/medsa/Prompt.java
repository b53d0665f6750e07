package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the user tells SAM about the object: clicks, a box, and optionally the low-resolution logits of an
 * earlier prediction to refine. Coordinates are pixels of the ORIGINAL image, {@code (x, y)} with x to the
 * right and y down; boxes are {@code x0, y0, x1, y1}; labels are 1 for foreground and 0 for background.
 *
 * <pre>{@code
 * Prompt p = Prompt.builder().point(120, 85).negativePoint(40, 60).multimask(false).build();
 * }</pre>
 */
public record Prompt(List<Point> points, Box box, INDArray maskInput, boolean multimask) {

  /** A click; {@code label} 1 = foreground, 0 = background. */
  public record Point(double x, double y, int label) {
    /**
     * Validates the click.
     *
     * @param x column in original-image pixels, to the right
     * @param y row in original-image pixels, down
     * @param label 1 = foreground, 0 = background
     * @throws IllegalArgumentException if a coordinate is not finite or the label is not 0 or 1
     */
    public Point {
      checkArgument(Double.isFinite(x) && Double.isFinite(y), "point coordinates must be finite, got (%s, %s)", x, y);
      checkArgument(label == 0 || label == 1, "point label must be 1 (foreground) or 0 (background), got %s", label);
    }
  }

  /** A box {@code x0, y0, x1, y1} with {@code x0 <= x1} and {@code y0 <= y1}. */
  public record Box(double x0, double y0, double x1, double y1) {
    /**
     * Validates the box.
     *
     * @param x0 left edge in original-image pixels
     * @param y0 top edge in original-image pixels
     * @param x1 right edge in original-image pixels
     * @param y1 bottom edge in original-image pixels
     * @throws IllegalArgumentException if a coordinate is not finite or the corners are not ordered
     */
    public Box {
      checkArgument(Double.isFinite(x0) && Double.isFinite(y0) && Double.isFinite(x1) && Double.isFinite(y1),
          "box coordinates must be finite, got (%s, %s, %s, %s)", x0, y0, x1, y1);
      checkArgument(x0 <= x1 && y0 <= y1, "box corners must be ordered x0 <= x1 and y0 <= y1, got (%s, %s, %s, %s)",
          x0, y0, x1, y1);
    }
  }

  /**
   * Validates and copies the prompt.
   *
   * @param points the clicks in original-image pixels (copied; may be empty if there is a box)
   * @param box the box in original-image pixels, or null
   * @param maskInput low-res logits of an earlier prediction, or null
   * @param multimask whether to return three candidate masks instead of one
   * @throws IllegalArgumentException if there is neither a point nor a box, or the mask input is empty or
   *     contains NaN
   */
  public Prompt {
    points = ImmutableList.copyOf(points);
    checkArgument(!points.isEmpty() || box != null,
        "a prompt needs at least one point or a box (a mask input alone is not supported)");
    if (maskInput != null) {
      checkArgument(!maskInput.isEmpty(), "mask input is empty");
      checkArgument(!maskInput.isR() || !Boolean.TRUE.equals(maskInput.isNaN().any()),
          "mask input contains NaN");
    }
  }

  /**
   * Starts a prompt with no points, no box and multimask output.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A single foreground click with multimask output, SAM's usual first interaction.
   *
   * @param x column in original-image pixels
   * @param y row in original-image pixels
   * @return the prompt
   * @throws IllegalArgumentException if a coordinate is not finite
   */
  public static Prompt click(double x, double y) {
    return builder().point(x, y).build();
  }

  /**
   * A box with a single mask output.
   *
   * @param x0 left edge in original-image pixels
   * @param y0 top edge in original-image pixels
   * @param x1 right edge in original-image pixels
   * @param y1 bottom edge in original-image pixels
   * @return the prompt
   * @throws IllegalArgumentException if a coordinate is not finite or the corners are not ordered
   */
  public static Prompt box(double x0, double y0, double x1, double y1) {
    return builder().box(x0, y0, x1, y1).multimask(false).build();
  }

  /**
   * Checks every coordinate lies inside an {@code width x height} image (edges included).
   *
   * @param height the image height in pixels
   * @param width the image width in pixels
   * @throws IllegalArgumentException naming the first point or the box outside the image
   */
  public void checkInside(int height, int width) {
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      checkArgument(p.x() >= 0 && p.x() <= width && p.y() >= 0 && p.y() <= height,
          "point %s (x=%s, y=%s) lies outside the %s x %s (width x height) image", i, p.x(), p.y(), width, height);
    }
    if (box != null) {
      checkArgument(box.x0() >= 0 && box.y0() >= 0 && box.x1() <= width && box.y1() <= height,
          "box (%s, %s, %s, %s) lies outside the %s x %s (width x height) image", box.x0(), box.y0(), box.x1(),
          box.y1(), width, height);
    }
  }

  /** Builds prompts; {@code multimask} defaults to true (three candidate masks), as in SamPredictor. */
  public static final class Builder {
    private final List<Point> points = new ArrayList<>();
    private Box box;
    private INDArray maskInput;
    private boolean multimask = true;

    private Builder() {}

    /**
     * A foreground click at {@code (x, y)}.
     *
     * @param x column in original-image pixels
     * @param y row in original-image pixels
     * @return this builder
     * @throws IllegalArgumentException if a coordinate is not finite
     */
    public Builder point(double x, double y) {
      return point(x, y, 1);
    }

    /**
     * A background click at {@code (x, y)}.
     *
     * @param x column in original-image pixels
     * @param y row in original-image pixels
     * @return this builder
     * @throws IllegalArgumentException if a coordinate is not finite
     */
    public Builder negativePoint(double x, double y) {
      return point(x, y, 0);
    }

    /**
     * A click at {@code (x, y)} with an explicit label.
     *
     * @param x column in original-image pixels
     * @param y row in original-image pixels
     * @param label 1 = foreground, 0 = background
     * @return this builder
     * @throws IllegalArgumentException if a coordinate is not finite or the label is not 0 or 1
     */
    public Builder point(double x, double y, int label) {
      points.add(new Point(x, y, label));
      return this;
    }

    /**
     * Points {@code [n][2]} as {@code (x, y)} with {@code n} labels.
     *
     * @param xy the points, each {@code {x, y}} in original-image pixels
     * @param labels one label per point, 1 = foreground, 0 = background
     * @return this builder
     * @throws IllegalArgumentException if the counts differ, a point does not have two coordinates, or a point
     *     is invalid
     */
    public Builder points(double[][] xy, int[] labels) {
      checkArgument(xy.length == labels.length, "%s points but %s labels", xy.length, labels.length);
      for (int i = 0; i < xy.length; i++) {
        checkArgument(xy[i].length == 2, "point %s has %s coordinates, expected 2 (x, y): %s", i, xy[i].length,
            Arrays.toString(xy[i]));
        point(xy[i][0], xy[i][1], labels[i]);
      }
      return this;
    }

    /**
     * Sets the box (replacing any earlier one).
     *
     * @param x0 left edge in original-image pixels
     * @param y0 top edge in original-image pixels
     * @param x1 right edge in original-image pixels
     * @param y1 bottom edge in original-image pixels
     * @return this builder
     * @throws IllegalArgumentException if a coordinate is not finite or the corners are not ordered
     */
    public Builder box(double x0, double y0, double x1, double y1) {
      box = new Box(x0, y0, x1, y1);
      return this;
    }

    /**
     * Low-res logits of an earlier prediction ({@link Prediction#lowResLogits()} of one mask).
     *
     * @param lowResLogits the logits, {@code [1, m, m]} at the model's low-res mask size (checked at predict)
     * @return this builder
     */
    public Builder maskInput(INDArray lowResLogits) {
      maskInput = lowResLogits;
      return this;
    }

    /**
     * Whether to return three candidate masks (true, the default) or one.
     *
     * @param v true for three masks
     * @return this builder
     */
    public Builder multimask(boolean v) {
      multimask = v;
      return this;
    }

    /**
     * Builds the prompt.
     *
     * @return the immutable prompt
     * @throws IllegalArgumentException if there is neither a point nor a box, or the mask input is invalid
     */
    public Prompt build() {
      return new Prompt(points, box, maskInput, multimask);
    }
  }
}
