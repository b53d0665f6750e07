package io.github.medsa.training;

import io.github.medsa.Prompt;
import io.github.medsa.training.data.SegmentationDataset;
import io.github.medsa.training.data.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * What each optimiser step trains on: a deterministic function of (epoch, step in epoch), so that a run is
 * reproducible from its seed and can resume anywhere. Images are decoded with their own prompts, in order.
 */
public interface TrainingSteps {
  /**
   * The samples of one step and one prompt per sample.
   *
   * @param samples the step's samples
   * @param prompts one prompt per sample, in the sample's pixel coordinates
   */
  record Step(List<Sample> samples, List<Prompt> prompts) {}

  /** @return the number of steps in every epoch */
  int stepsPerEpoch();

  /**
   * The samples and prompts of one step.
   *
   * @param epoch the 0-based epoch
   * @param index the 0-based step within the epoch, below {@link #stepsPerEpoch()}
   * @return the step
   */
  Step step(int epoch, int index);

  /**
   * Seeded shuffled batches of a 2D dataset, prompts simulated from each sample's mask.
   *
   * @param data the samples
   * @param config the batch size, seed, shuffle and prompt simulator of the run
   * @return the steps
   * @throws IllegalArgumentException if the dataset is empty
   */
  static TrainingSteps of(SegmentationDataset data, TrainingConfig config) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("empty dataset");
    }
    return new TrainingSteps() {
      @Override
      public int stepsPerEpoch() {
        return (data.size() + config.batchSize() - 1) / config.batchSize();
      }

      @Override
      public Step step(int epoch, int index) {
        List<Integer> indices = data.batches(config.batchSize(), config.seed(), epoch, config.shuffle()).get(index);
        List<Sample> samples = new ArrayList<>();
        List<Prompt> prompts = new ArrayList<>();
        for (int i : indices) {
          Sample s = data.get(i);
          samples.add(s);
          prompts.add(config.prompts().simulate(s.mask(), config.seed(), epoch, i));
        }
        return new Step(samples, prompts);
      }
    };
  }
}
