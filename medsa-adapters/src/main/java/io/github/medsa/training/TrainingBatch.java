package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.internal.model.PromptTokens;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One optimisation step's input, already in the model's frame: images {@code [B, 3, S, S]} normalised and
 * padded, one prompt per image (image b is decoded with prompt b), targets {@code [B, 1, o, o]} in 0..1.
 */
record TrainingBatch(INDArray images, PromptTokens prompts, INDArray targets) {
  /**
   * Checks the shapes.
   *
   * @param images normalised, padded images {@code [B, 3, S, S]}
   * @param prompts one prompt per image, in the model's {@code S x S} frame
   * @param targets binary targets {@code [B, 1, o, o]}
   * @throws IllegalArgumentException if a shape is wrong or the batch sizes differ
   */
  public TrainingBatch {
    long b = images.size(0);
    checkArgument(images.rank() == 4 && images.size(1) == 3, "images must be [B, 3, S, S], got %s",
        Arrays.toString(images.shape()));
    checkArgument(prompts.coords().size(0) == b, "%s images but %s prompts", b, prompts.coords().size(0));
    checkArgument(targets.rank() == 4 && targets.size(0) == b && targets.size(1) == 1
        && targets.size(2) == targets.size(3), "targets must be [%s, 1, o, o], got %s", b,
        Arrays.toString(targets.shape()));
  }

  /** @return the batch size B */
  public int size() {
    return (int) images.size(0);
  }
}
