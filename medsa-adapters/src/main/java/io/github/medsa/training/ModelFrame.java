package io.github.medsa.training;

import io.github.medsa.Prompt;
import io.github.medsa.image.PreparedImage;
import io.github.medsa.image.SamPreprocessor;
import io.github.medsa.internal.model.PromptTokens;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.Sample;

/**
 * One training sample in the model's frame: the image as the encoder sees it (longest side resized, normalised,
 * padded), its prompt mapped with {@code apply_coords}, and its mask sampled onto the {@code out x out} grid
 * that covers the padded square (nearest neighbour at each cell centre; padding is background).
 */
record ModelFrame(PreparedImage image, PromptTokens.Input prompt, float[] target) {

  static ModelFrame of(Sample sample, Prompt prompt, SamPreprocessor preprocessor, int out) {
    PreparedImage image = preprocessor.prepare(sample.image());
    int s = image.imageSize();
    PromptTokens.Input input = PromptTokens.Input.of(prompt, image.origH(), image.origW(), s);
    return new ModelFrame(image, input, target(sample.mask(), image, out));
  }

  private static float[] target(BinaryMask mask, PreparedImage image, int out) {
    float[] t = new float[out * out];
    double cell = (double) image.imageSize() / out;
    for (int oy = 0; oy < out; oy++) {
      double my = (oy + 0.5) * cell;
      if (my >= image.inputH()) {
        continue;
      }
      int y = Math.min(image.origH() - 1, (int) (my * image.origH() / image.inputH()));
      for (int ox = 0; ox < out; ox++) {
        double mx = (ox + 0.5) * cell;
        if (mx >= image.inputW()) {
          continue;
        }
        int x = Math.min(image.origW() - 1, (int) (mx * image.origW() / image.inputW()));
        t[oy * out + ox] = mask.get(y, x) ? 1f : 0f;
      }
    }
    return t;
  }
}
