package io.github.medsa.spark;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.Prompt;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumePrompt;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Prompts simulated from a case's label map, seeded by the run's seed and the case id only, so reruns and any
 * partitioning of the table give every case the same prompt. Volumes get the structure's 3D bounding box, each
 * corner moved by up to {@code boxJitter} voxels (clamped to the grid), and one foreground click on a structure
 * voxel; PNG images get {@link PromptSimulator}'s box (same jitter) plus one foreground click.
 */
final class SimulatedPrompts {
  private SimulatedPrompts() {}

  /** The case's seed: {@link PromptSimulator#sampleSeed} of the run seed and the case id's (stable) hash. */
  static long caseSeed(long seed, String caseId) {
    return PromptSimulator.sampleSeed(seed, 0, caseId.hashCode());
  }

  /**
   * @throws IllegalArgumentException naming the case's labels when no voxel holds one of the structure's values
   */
  static VolumePrompt volume(Volume labels, IntPredicate structure, int boxJitter, long seed) {
    Geometry g = labels.geometry();
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    float[] data = labels.data();
    int count = 0;
    for (int z = 0; z < g.nz(); z++) {
      for (int y = 0; y < g.ny(); y++) {
        for (int x = 0; x < g.nx(); x++) {
          if (inStructure(data[labels.index(x, y, z)], structure)) {
            int[] v = {x, y, z};
            for (int a = 0; a < 3; a++) {
              lo[a] = Math.min(lo[a], v[a]);
              hi[a] = Math.max(hi[a], v[a]);
            }
            count++;
          }
        }
      }
    }
    checkArgument(count > 0, "%s holds none of the structure's label values", labels.source());
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] max = {g.nx() - 1, g.ny() - 1, g.nz() - 1};
    double[] box = new double[6];
    for (int a = 0; a < 3; a++) {
      int c0 = clamp(lo[a] + jitter(rnd, boxJitter), max[a]);
      int c1 = clamp(hi[a] + jitter(rnd, boxJitter), max[a]);
      box[a] = Math.min(c0, c1);
      box[a + 3] = Math.max(c0, c1);
    }
    int pick = rnd.nextInt(count); // the pick-th structure voxel in x-fastest order
    for (int i = 0; i < data.length; i++) {
      if (inStructure(data[i], structure) && pick-- == 0) {
        int x = i % g.nx();
        int y = (i / g.nx()) % g.ny();
        int z = i / (g.nx() * g.ny());
        return VolumePrompt.builder().voxelBox(box[0], box[1], box[2], box[3], box[4], box[5]).click(x, y, z, 1)
            .build();
      }
    }
    throw new AssertionError("unreachable: the structure has " + count + " voxels");
  }

  /** A 2D prompt for a PNG case from its binary mask. */
  static Prompt image(BinaryMask mask, int boxJitter, long seed) {
    checkArgument(!mask.isEmpty(), "the label map holds none of the structure's label values");
    return PromptSimulator.builder().positiveClicks(1).box().clicksWithBox(true).boxJitter(boxJitter).build()
        .simulate(mask, seed);
  }

  static boolean inStructure(float label, IntPredicate structure) {
    return label == Math.rint(label) && structure.test((int) label);
  }

  private static int jitter(SplittableRandom rnd, int boxJitter) {
    return boxJitter == 0 ? 0 : rnd.nextInt(-boxJitter, boxJitter + 1);
  }

  private static int clamp(int v, int max) {
    return Math.max(0, Math.min(max, v));
  }
}
