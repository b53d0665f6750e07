package io.github.medsa.volume;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.MedSA;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.metrics.SegmentationMetrics;
import io.github.medsa.sdtrans.SdTrans;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.TrainingListener;
import io.github.medsa.training.LossFunction;
import io.github.medsa.training.data.PromptSimulator;
import io.github.medsa.volume.nifti.NiftiReader;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SD-Trans on a real MRI: the small configuration with 4-slice chunks, adapters and decoder trained on chunks of
 * Colin27 + AAL thalamus in one part of the brain, 3D Dice measured on held-out slices of another part.
 */
class RealVolumeAdaptationTest {
  private static final int D = 4;
  private static final java.util.function.IntPredicate HELD_OUT = z -> (z >= 80 && z <= 83) || (z >= 88 && z <= 91);

  @Test
  void sdTransAdaptersRaiseHeldOutThreeDimensionalDice() throws Exception {
    Volume image = NiftiReader.read(VolumeInferenceTest.colin27("ch2.nii.gz")).volume();
    Volume labels = NiftiReader.read(VolumeInferenceTest.colin27("aal.nii.gz")).volume();
    Set<Integer> aal = IntStream.rangeClosed(0, 116).boxed().collect(Collectors.toSet());
    // Hold out the chunks z 80..83 and 88..91; train on overlapping chunks of the other thalamus slices.
    VolumeTrainingData data = VolumeTrainingData.of(List.of(new VolumeTrainingData.Pair(image, labels)), aal,
        v -> v == 77 || v == 78, IntensityWindow.mri(), Axis.AXIAL, D, 2, z -> !HELD_OUT.test(z));
    assertThat(data.chunks()).extracting(VolumeTrainingData.Chunk::start).containsExactly(66, 68, 70, 72, 74, 76, 84);

    MedSA frozen = MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.safetensors")).adapters(SdTrans.of(Adapters.medsa(), D))
        .seed(3).build();
    TrainingConfig cfg = TrainingConfig.medsa().epochs(12).batchSize(D).learningRate(2e-3).seed(5).outSize(64)
        .loss(LossFunction.diceBce()).prompts(PromptSimulator.builder().positiveClicks(1).build()).build();
    Trainer trainer = new Trainer(frozen, cfg);
    List<Double> losses = trainer.fit(data.steps(cfg), TrainingListener.NONE);

    double before = heldOutDice(frozen, image, labels);
    double after = heldOutDice(trainer.toModel(), image, labels);
    int perEpoch = data.steps(cfg).stepsPerEpoch();
    double first = losses.subList(0, perEpoch).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double last = losses.subList(losses.size() - perEpoch, losses.size()).stream().mapToDouble(Double::doubleValue)
        .average().orElseThrow();
    System.out.printf("real volume: loss %.4f -> %.4f, held-out 3D Dice %.3f -> %.3f%n", first, last, before, after);
    // Measured: loss 1.31 -> 0.30, held-out 3D Dice 0.006 -> 0.789; bounds leave room for other CPUs' rounding.
    assertThat(last).isLessThan(0.5 * first);
    assertThat(before).isLessThan(0.1);
    assertThat(after).as("held-out 3D Dice after adaptation (before %s)", before).isGreaterThan(0.5)
        .isGreaterThan(before + 0.4);
  }

  /** One click per held-out slice (z 80..91) at a thalamus voxel; 3D Dice over those slices. */
  private static double heldOutDice(MedSA model, Volume image, Volume labels) {
    VolumePrompt.Builder prompt = VolumePrompt.builder();
    PromptSimulator click = PromptSimulator.builder().positiveClicks(1).build();
    SliceView view = SliceView.of(image.geometry(), Axis.AXIAL);
    int z0 = 80;
    int z1 = 91;
    for (int z = z0; z <= z1; z++) {
      if (!HELD_OUT.test(z)) {
        continue;
      }
      float[] lab = view.slice(labels, z);
      boolean[] fg = new boolean[lab.length];
      for (int i = 0; i < lab.length; i++) {
        fg[i] = lab[i] == 77 || lab[i] == 78;
      }
      var p = click.simulate(new io.github.medsa.training.data.BinaryMask(view.height(), view.width(), fg), 99, 0, z);
      int[] voxel = view.toVoxel(z, (int) p.points().get(0).x(), (int) p.points().get(0).y());
      prompt.click(voxel[0], voxel[1], voxel[2], 1);
    }
    Volume mask = new VolumeSegmenter(model, IntensityWindow.mri(), Axis.AXIAL, 0).segment(image, prompt.build()).mask();
    int slices = 8;
    int n = slices * 217 * 181;
    boolean[] p = new boolean[n];
    boolean[] t = new boolean[n];
    int k = 0;
    for (int z = z0; z <= z1; z++) {
      if (!HELD_OUT.test(z)) {
        continue;
      }
      for (int y = 0; y < 217; y++) {
        for (int x = 0; x < 181; x++, k++) {
          p[k] = mask.get(x, y, z) > 0.5f;
          float l = labels.get(x, y, z);
          t[k] = l == 77 || l == 78;
        }
      }
    }
    return SegmentationMetrics.monai().fromMasks(p, t, slices, 217, 181).dice();
  }
}
