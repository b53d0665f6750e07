package io.github.medsa.training.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import io.github.medsa.Prompt;
import java.util.ArrayList;
import java.util.List;

/**
 * The samples of one training step, with their indices in the dataset (the indices drive per-sample seeds, so a
 * sample's prompt does not depend on which batch it landed in).
 */
public record Batch(List<Integer> indices, List<Sample> samples) {

  /**
   * Copies and checks the lists.
   *
   * @param indices the samples' indices in the dataset
   * @param samples the samples, in the same order
   * @throws NullPointerException if a list is null
   * @throws IllegalArgumentException if the lists differ in size
   */
  public Batch {
    indices = List.copyOf(checkNotNull(indices, "indices"));
    samples = List.copyOf(checkNotNull(samples, "samples"));
    checkArgument(indices.size() == samples.size(), "%s indices but %s samples", indices.size(), samples.size());
  }

  /** @return the number of samples */
  public int size() {
    return samples.size();
  }

  /**
   * One simulated prompt per sample: sample {@code k} gets
   * {@code simulator.simulate(mask, seed, epoch, indices.get(k))}.
   *
   * @param simulator the prompt simulator
   * @param seed the run's seed
   * @param epoch the 0-based epoch
   * @return one prompt per sample, in sample order
   * @throws NullPointerException if {@code simulator} is null
   */
  public List<Prompt> prompts(PromptSimulator simulator, long seed, int epoch) {
    checkNotNull(simulator, "simulator");
    List<Prompt> out = new ArrayList<>(samples.size());
    for (int k = 0; k < samples.size(); k++) {
      out.add(simulator.simulate(samples.get(k).mask(), seed, epoch, indices.get(k)));
    }
    return List.copyOf(out);
  }
}
