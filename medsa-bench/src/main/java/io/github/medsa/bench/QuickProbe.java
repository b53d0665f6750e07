package io.github.medsa.bench;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.image.RgbImage;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Wall-clock timings of the reference workloads in one JVM, for before/after comparisons in the performance
 * pass where a full JMH run would take too long: ViT-B encoder at 1024, one click on its embedding, and the Med-SA
 * training step at 256 with batch 2. Prints the median of the repetitions after a warm-up, and VmHWM.
 * Run: {@code java -cp <bench classpath> io.github.medsa.bench.QuickProbe [encoder|encoder512|click|train]...}.
 */
public final class QuickProbe {
  private QuickProbe() {}

  public static void main(String[] args) throws Exception {
    List<String> which = args.length == 0 ? List.of("encoder", "click", "train") : List.of(args);
    byte[] rgb = new byte[1024 * 1024 * 3];
    new Random(1).nextBytes(rgb);
    RgbImage image = RgbImage.ofRgbBytes(1024, 1024, rgb);
    if (which.contains("encoder") || which.contains("click")) {
      MedSA sam = MedSA.builder().config(SamConfig.VIT_B).randomWeights().seed(1).build();
      EncodedImage encoded = null;
      double[] t = new double[which.contains("encoder") ? 3 : 1];
      for (int i = 0; i < t.length; i++) {
        long t0 = System.nanoTime();
        encoded = sam.encode(image);
        t[i] = (System.nanoTime() - t0) / 1e9;
      }
      report("ViT-B encoder at 1024", t);
      if (which.contains("click")) {
        double[] c = new double[12];
        for (int i = 0; i < c.length; i++) {
          long t0 = System.nanoTime();
          encoded.predict(Prompt.click(300 + i, 500)).close();
          c[i] = (System.nanoTime() - t0) / 1e9;
        }
        report("one click on a ViT-B 1024 embedding", java.util.Arrays.copyOfRange(c, 2, c.length));
      }
    }
    if (which.contains("encoder512")) {
      // A lighter proxy for the 1024 encode (same blocks, a quarter of the tokens) for development runs.
      MedSA sam = MedSA.builder().config(SamConfig.VIT_B.toBuilder().imageSize(512).pretrainImageSize(1024).build())
          .randomWeights().seed(1).build();
      RgbImage small = RgbImage.ofRgbBytes(512, 512, java.util.Arrays.copyOf(rgb, 512 * 512 * 3));
      double[] t = new double[Integer.getInteger("probe.repeats", 3)];
      for (int i = 0; i < t.length; i++) {
        long t0 = System.nanoTime();
        sam.encode(small);
        t[i] = (System.nanoTime() - t0) / 1e9;
      }
      report("ViT-B encoder at 512", t);
    }
    if (which.contains("train")) {
      MedSA sam = MedSA.builder().config(SamConfig.VIT_B.toBuilder().imageSize(256).pretrainImageSize(1024).build())
          .randomWeights().seed(1).adapters(Adapters.medsa()).build();
      Trainer trainer = new Trainer(sam, TrainingConfig.medsa().batchSize(2).build());
      boolean[] mask = new boolean[256 * 256];
      for (int i = 0; i < mask.length; i += 3) {
        mask[i] = true;
      }
      Sample s = new Sample("probe", RgbImage.ofRgbBytes(256, 256, java.util.Arrays.copyOf(rgb, 256 * 256 * 3)),
          new BinaryMask(256, 256, mask));
      List<Prompt> prompts = List.of(Prompt.builder().point(100, 100).multimask(false).build(),
          Prompt.builder().point(120, 90).multimask(false).build());
      double[] t = new double[5];
      for (int i = 0; i < t.length; i++) {
        long t0 = System.nanoTime();
        trainer.step(List.of(s, s), prompts, 1e-4);
        t[i] = (System.nanoTime() - t0) / 1e9;
      }
      report("Med-SA training step, ViT-B 256, batch 2", java.util.Arrays.copyOfRange(t, 1, t.length));
    }
  }

  private static void report(String what, double[] seconds) throws Exception {
    double[] sorted = seconds.clone();
    java.util.Arrays.sort(sorted);
    System.out.printf("%-45s median %.3f s (min %.3f, max %.3f, n=%d), peak RSS %s%n", what, sorted[sorted.length / 2],
        sorted[0], sorted[sorted.length - 1], sorted.length, peakRss());
  }

  private static String peakRss() throws Exception {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith("VmHWM")) {
        return (Long.parseLong(l.replaceAll("\\D", "")) / 1024) + " MiB";
      }
    }
    return "?";
  }
}
