package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.github.medsa.Prompt;
import io.github.medsa.image.RgbImage;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.TrainingSteps;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.training.data.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Volumes with labels for SD-Trans training: every image/label pair is checked ({@link VolumeChecks}), sliced
 * along an axis, and cut into chunks of D consecutive slices that contain the structure. A step trains on
 * {@code batchSize / D} chunks, each slice with a prompt simulated from its own mask (slices without the
 * structure get the simulator's background click).
 */
public final class VolumeTrainingData {
  /**
   * One labelled volume.
   *
   * @param image the image volume
   * @param label the label volume on the same geometry
   */
  public record Pair(Volume image, Volume label) {}

  /**
   * D consecutive slices of one pair, from {@code start}.
   *
   * @param pair the index of the pair
   * @param start the first slice index along the slicing axis
   */
  public record Chunk(int pair, int start) {}

  private final List<Pair> pairs;
  private final List<SliceView> views;
  private final List<double[]> ranges;
  private final IntPredicate structure;
  private final int slices;
  private final List<Chunk> chunks;

  private VolumeTrainingData(List<Pair> pairs, IntPredicate structure, IntensityWindow window, Axis axis, int slices,
      int stride, IntPredicate usableSlice) {
    this.pairs = ImmutableList.copyOf(pairs);
    this.structure = structure;
    this.slices = slices;
    this.views = new ArrayList<>();
    this.ranges = new ArrayList<>();
    List<Chunk> found = new ArrayList<>();
    for (int p = 0; p < pairs.size(); p++) {
      SliceView view = SliceView.of(pairs.get(p).image().geometry(), axis);
      views.add(view);
      ranges.add(window.range(pairs.get(p).image()));
      checkArgument(view.count() >= slices, "%s has %s slices, fewer than a chunk of %s",
          pairs.get(p).image().source(), view.count(), slices);
      for (int start = 0; start + slices <= view.count(); start += stride) {
        if (allUsable(usableSlice, start) && containsStructure(p, start)) {
          found.add(new Chunk(p, start));
        }
      }
    }
    checkArgument(!found.isEmpty(), "no chunk of %s slices contains the structure", slices);
    this.chunks = ImmutableList.copyOf(found);
  }

  /**
   * Non-overlapping chunks over every slice.
   *
   * @param pairs the labelled volumes
   * @param allowedLabels every label value the files may hold (checked), e.g. 0..116 for AAL
   * @param structure which label values are the structure to segment
   * @param window how voxel values become grey levels
   * @param axis the slicing axis
   * @param slices D, the chunk length of the SD-Trans model
   * @return the training data
   * @throws VolumeCheckException if an image and its label differ in geometry, an image value is not finite or a
   *     label value is not allowed
   * @throws IllegalArgumentException if there is no pair, a volume has fewer than D slices, or no chunk contains
   *     the structure
   */
  public static VolumeTrainingData of(List<Pair> pairs, Set<Integer> allowedLabels, IntPredicate structure,
      IntensityWindow window, Axis axis, int slices) {
    return of(pairs, allowedLabels, structure, window, axis, slices, slices, s -> true);
  }

  /**
   * Chunks starting every {@code stride} slices (overlapping when {@code stride < slices}) that lie entirely on
   * usable slices, e.g. to keep held-out slices out of training.
   *
   * @param pairs the labelled volumes
   * @param allowedLabels every label value the files may hold (checked)
   * @param structure which label values are the structure to segment
   * @param window how voxel values become grey levels
   * @param axis the slicing axis
   * @param slices D, the chunk length of the SD-Trans model
   * @param stride slices between chunk starts, positive
   * @param usableSlice which slice indices along the axis may be used
   * @return the training data
   * @throws VolumeCheckException if an image and its label differ in geometry, an image value is not finite or a
   *     label value is not allowed
   * @throws IllegalArgumentException if there is no pair, D or the stride is not positive, a volume has fewer
   *     than D slices, or no chunk contains the structure
   */
  public static VolumeTrainingData of(List<Pair> pairs, Set<Integer> allowedLabels, IntPredicate structure,
      IntensityWindow window, Axis axis, int slices, int stride, IntPredicate usableSlice) {
    checkArgument(!pairs.isEmpty(), "no volumes");
    checkArgument(slices >= 1 && stride >= 1, "chunk length and stride must be positive, got %s and %s", slices,
        stride);
    for (Pair p : pairs) {
      VolumeChecks.requireTrainable(p.image(), p.label(), allowedLabels);
    }
    return new VolumeTrainingData(pairs, structure, window, axis, slices, stride, usableSlice);
  }

  private boolean allUsable(IntPredicate usableSlice, int start) {
    for (int s = start; s < start + slices; s++) {
      if (!usableSlice.test(s)) {
        return false;
      }
    }
    return true;
  }

  /** @return the chunks that contain the structure, in pair then slice order */
  public List<Chunk> chunks() {
    return chunks;
  }

  /**
   * Slice {@code s} of pair {@code p} as a training sample.
   *
   * @param p the pair index
   * @param s the slice index along the slicing axis
   * @return the windowed grey image and the slice's structure mask
   */
  public Sample sample(int p, int s) {
    SliceView view = views.get(p);
    Pair pair = pairs.get(p);
    RgbImage image = view.image(pair.image(), s, ranges.get(p));
    float[] labels = view.slice(pair.label(), s);
    int[] ints = new int[labels.length];
    for (int i = 0; i < ints.length; i++) {
      ints[i] = (int) labels[i];
    }
    return new Sample(pair.image().source() + "#" + s, image, BinaryMask.fromLabels(ints, view.height(),
        view.width(), structure));
  }

  private boolean containsStructure(int p, int start) {
    for (int s = start; s < start + slices; s++) {
      for (float v : views.get(p).slice(pairs.get(p).label(), s)) {
        if (structure.test((int) v)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The steps of a run: seeded shuffled chunks, {@code config.batchSize() / D} per step.
   *
   * @param config the run's batch size, seed, shuffle and prompt simulator
   * @return the steps
   * @throws IllegalArgumentException if the batch size is not a multiple of D
   */
  public TrainingSteps steps(TrainingConfig config) {
    checkArgument(config.batchSize() % slices == 0, "batch size %s is not a multiple of the chunk length %s",
        config.batchSize(), slices);
    int perStep = config.batchSize() / slices;
    PromptSimulator simulator = config.prompts();
    return new TrainingSteps() {
      @Override
      public int stepsPerEpoch() {
        return (chunks.size() + perStep - 1) / perStep;
      }

      @Override
      public Step step(int epoch, int index) {
        int[] order = PromptSimulator.epochOrder(chunks.size(), config.seed(), epoch, config.shuffle());
        List<Sample> samples = new ArrayList<>();
        List<Prompt> prompts = new ArrayList<>();
        for (int c = index * perStep; c < Math.min(chunks.size(), (index + 1) * perStep); c++) {
          Chunk chunk = chunks.get(order[c]);
          for (int s = chunk.start(); s < chunk.start() + slices; s++) {
            Sample sample = sample(chunk.pair(), s);
            samples.add(sample);
            prompts.add(simulator.simulate(sample.mask(), config.seed(), epoch, order[c] * slices + s - chunk.start()));
          }
        }
        return new Step(samples, prompts);
      }
    };
  }
}
