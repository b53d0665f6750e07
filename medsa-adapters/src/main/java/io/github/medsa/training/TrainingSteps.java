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
  /** The samples of one step and one prompt per sample. */
  record Step(List<Sample> samples, List<Prompt> prompts) {}

  int stepsPerEpoch();

  Step step(int epoch, int index);

  /** Seeded shuffled batches of a 2D dataset, prompts simulated from each sample's mask. */
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
