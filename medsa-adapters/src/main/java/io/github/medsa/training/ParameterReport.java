package io.github.medsa.training;

import io.github.medsa.internal.model.SamParameters;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How many parameters a model has and how many of them train. Counted from shapes, so it works for ViT-H
 * without allocating it. The prompt encoder's Gaussian matrix is a buffer, not a parameter.
 */
public record ParameterReport(long trainable, long total, int trainableTensors, int tensors) {

  /**
   * Counts the parameters of a model (not counting the fixed Gaussian positional matrix).
   *
   * @param shapes tensor shapes by state-dict key
   * @param trains which keys are trained
   * @return the counts
   */
  public static ParameterReport of(Map<String, long[]> shapes, Predicate<String> trains) {
    long trainable = 0;
    long total = 0;
    int trainableTensors = 0;
    int tensors = 0;
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      if (e.getKey().equals(SamParameters.GAUSSIAN_MATRIX)) {
        continue;
      }
      long n = SamParameters.elements(e.getValue());
      total += n;
      tensors++;
      if (trains.test(e.getKey())) {
        trainable += n;
        trainableTensors++;
      }
    }
    return new ParameterReport(trainable, total, trainableTensors, tensors);
  }

  /** @return the trainable share of all parameters, 0..1 (0 for an empty model) */
  public double trainableShare() {
    return total == 0 ? 0 : (double) trainable / total;
  }

  @Override
  public String toString() {
    return String.format("%,d trainable of %,d parameters (%.2f %%)", trainable, total, 100 * trainableShare());
  }
}
