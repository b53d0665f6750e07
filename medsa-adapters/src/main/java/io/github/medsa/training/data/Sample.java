package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.medsa.image.RgbImage;

/** One training example: an image and the ground-truth mask of the same {@code height x width}. */
public record Sample(String id, RgbImage image, BinaryMask mask) {

  /**
   * Checks the parts.
   *
   * @param id the sample id (e.g. its file stem)
   * @param image the image
   * @param mask the ground-truth mask, of the image's size
   * @throws NullPointerException if a part is null
   * @throws IllegalArgumentException if the mask and image differ in size
   */
  public Sample {
    checkNotNull(id, "id");
    checkNotNull(image, "image of sample %s", id);
    checkNotNull(mask, "mask of sample %s", id);
    checkArgument(image.height() == mask.height() && image.width() == mask.width(),
        "sample %s: image is %s x %s but mask is %s x %s (height x width)", id, image.height(), image.width(),
        mask.height(), mask.width());
  }
}
