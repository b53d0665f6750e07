/**
 * MedSA-J's entry point: {@link io.github.medsa.MedSA} (a SAM model with its weights, built by
 * {@link io.github.medsa.MedSA#builder()}), {@link io.github.medsa.EncodedImage} (one image's embedding, to prompt
 * many times), {@link io.github.medsa.Prompt} and {@link io.github.medsa.Prediction}, and the model sizes
 * ({@link io.github.medsa.Backbone}, {@link io.github.medsa.SamConfig}, {@link io.github.medsa.TinyVitSizes}).
 *
 * <p>Conventions: images are {@code H x W} RGB with values 0..255; point and box coordinates are {@code (x, y)}
 * pixels of the original image, origin at the top-left pixel's corner; masks are {@code [H, W]} at the original
 * size, logits above 0 are foreground. Models and encoded images own native memory: close them
 * (try-with-resources).
 */
package io.github.medsa;
