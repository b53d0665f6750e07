/**
 * Pre- and post-processing as SAM's {@code SamPredictor} does it: {@link io.github.medsa.image.RgbImage},
 * Pillow-exact {@code ResizeLongestSide}, pixel normalisation and padding, and upscaling of low-resolution mask
 * logits back to the original image. Used by {@link io.github.medsa.MedSA}; most users need only
 * {@link io.github.medsa.image.RgbImage}.
 */
package io.github.medsa.image;
