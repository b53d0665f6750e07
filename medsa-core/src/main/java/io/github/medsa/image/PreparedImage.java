package io.github.medsa.image;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An image ready for the encoder, with the two sizes SAM needs to map prompts in and masks back out.
 *
 * @param pixels {@code [1, 3, S, S]} float, normalised, zero-padded bottom/right (the array is not copied:
 *     treat it as read-only)
 * @param origH original image height
 * @param origW original image width
 * @param inputH height of the resized image inside the padded square ({@code input_size[0]} in SAM)
 * @param inputW width of the resized image inside the padded square ({@code input_size[1]} in SAM)
 */
public record PreparedImage(INDArray pixels, int origH, int origW, int inputH, int inputW) {
  /**
   * Validates the sizes.
   *
   * @param pixels the normalised encoder input {@code [1, 3, S, S]}
   * @param origH original image height in pixels
   * @param origW original image width in pixels
   * @param inputH resized height inside the padded square, in pixels
   * @param inputW resized width inside the padded square, in pixels
   * @throws NullPointerException if {@code pixels} is null
   * @throws IllegalArgumentException if the shape is not {@code [1, 3, S, S]}, a size is not positive or the
   *     resized image does not fit in the square
   */
  public PreparedImage {
    checkNotNull(pixels, "pixels");
    long[] shape = pixels.shape();
    checkArgument(shape.length == 4 && shape[0] == 1 && shape[1] == 3 && shape[2] == shape[3],
        "pixels must be [1, 3, S, S], got %s", Arrays.toString(shape));
    checkArgument(origH > 0 && origW > 0, "original size must be positive, got %s x %s", origH, origW);
    checkArgument(inputH > 0 && inputW > 0 && inputH <= shape[2] && inputW <= shape[3],
        "input size %s x %s must be positive and fit in %s x %s", inputH, inputW, shape[2], shape[3]);
  }

  /**
   * The side {@code S} of the padded square.
   *
   * @return the side in pixels
   */
  public int imageSize() {
    return (int) pixels.size(2);
  }
}
