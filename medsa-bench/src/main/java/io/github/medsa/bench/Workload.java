package io.github.medsa.bench;

import io.github.medsa.Backbone;
import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.image.RgbImage;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One workload of {@code ../shared/peer/peer.py} per JVM, defined as the peer defines it, printing one JSON line
 * like the peer's ({@code "side": "medsa-j"}) plus the process's user and system CPU seconds and minor page faults
 * (from /proc/self/stat) and its peak resident set (VmHWM, model construction included). Random weights: timing
 * does not depend on their values. Run by {@code medsa-bench/compare.sh}, or directly:
 * {@code java -cp <bench classpath> io.github.medsa.bench.Workload vitb_encoder_1024}.
 */
public final class Workload {
  /** The peer's workload names, in its order. */
  static final List<String> NAMES = List.of("vitb_encoder_1024", "vitb_click", "vitb_click16",
      "medsa_vitb_train256", "tinyvit_encoder_1024");

  private Workload() {}

  /** A timed operation; checked exceptions of the library (I/O) are not expected here. */
  private interface Op {
    void run() throws Exception;
  }

  /** The first call's seconds and those of the {@code reps} calls after it (the peer's {@code timed}). */
  private record Timings(double first, double[] timed) {
    static Timings of(Op op, int reps) throws Exception {
      double first = seconds(op);
      double[] t = new double[reps];
      for (int i = 0; i < reps; i++) {
        t[i] = seconds(op);
      }
      return new Timings(first, t);
    }

    /** Also prints each call's time on stderr, so that a run cut short still shows what it measured. */
    private static double seconds(Op op) throws Exception {
      long t0 = System.nanoTime();
      op.run();
      double s = (System.nanoTime() - t0) / 1e9;
      System.err.printf(Locale.ROOT, "# call %.3f s, load %s%n", s, Bench.loadAverage());
      return s;
    }

    double median() {
      double[] s = timed.clone();
      Arrays.sort(s);
      int n = s.length;
      return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; // statistics.median
    }

    double min() {
      return Arrays.stream(timed).min().orElseThrow();
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("soak")) {
      soak(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      return;
    }
    if (args.length != 1 || !NAMES.contains(args[0])) {
      System.err.println("usage: Workload WORKLOAD, one of " + String.join(", ", NAMES));
      System.exit(2);
    }
    String w = args[0];
    Timings t = run(w);
    long[] stat = procStat();
    System.out.println(String.format(Locale.ROOT,
        "{\"side\": \"medsa-j\", \"workload\": \"%s\", \"first_s\": %.3f, \"median_s\": %.3f, \"min_s\": %.3f, "
            + "\"peak_rss_mib\": %d, \"user_s\": %.2f, \"system_s\": %.2f, \"minor_faults\": %d}",
        w, t.first(), t.median(), t.min(), Bench.statusMiB("VmHWM"), stat[0] / 100.0, stat[1] / 100.0, stat[2]));
  }

  private static Timings run(String w) throws Exception {
    switch (w) {
      case "vitb_encoder_1024":
        return encoder(Backbone.VIT_B, 3);
      case "tinyvit_encoder_1024":
        return encoder(Backbone.TINY_VIT, 4);
      case "vitb_click":
      case "vitb_click16":
        return clicks(w.equals("vitb_click16") ? 16 : 1);
      case "medsa_vitb_train256":
        return trainStep();
      default:
        throw new IllegalArgumentException("unknown workload " + w);
    }
  }

  /** A random 1024 x 1024 RGB image (the peer's uniform bytes). */
  private static RgbImage randomImage(int side) {
    byte[] rgb = new byte[side * side * 3];
    new Random(1).nextBytes(rgb);
    return RgbImage.ofRgbBytes(side, side, rgb);
  }

  /** {@code SamPredictor.set_image} / the TinyViT encoder: first call, then {@code reps} timed. */
  private static Timings encoder(Backbone backbone, int reps) throws Exception {
    RgbImage image = randomImage(1024);
    try (MedSA sam = MedSA.builder().backbone(backbone).randomWeights().seed(1).build()) {
      return Timings.of(() -> sam.encode(image).close(), reps);
    }
  }

  /** {@code n} single-click multimask prompts at (300 + 20 j, 500) in one call, masks at 1024 x 1024; 10 timed. */
  private static Timings clicks(int n) throws Exception {
    List<Prompt> prompts = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      prompts.add(Prompt.click(300.0 + 20 * j, 500.0));
    }
    try (MedSA sam = MedSA.builder().backbone(Backbone.VIT_B).randomWeights().seed(1).build();
        EncodedImage encoded = sam.encode(randomImage(1024))) {
      // As an application would: each call's predictions are closed once used.
      return Timings.of(() -> encoded.predict(prompts).forEach(Prediction::close), 10);
    }
  }

  /**
   * The Med-SA training step: ViT-B at 256 with Space + MLP adapters, batch 2, adapters and decoder trained, BCE
   * (pos_weight 2) on the logits upscaled to 256 x 256 as the peer does, Adam 1e-4; first step, then 4 timed.
   */
  private static Timings trainStep() throws Exception {
    int side = 256;
    Random rng = new Random(2);
    boolean[] mask = new boolean[side * side];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = rng.nextDouble() > 0.7;
    }
    List<Sample> samples = List.of(
        new Sample("a", randomImage(side), new BinaryMask(side, side, mask)),
        new Sample("b", randomImage(side), new BinaryMask(side, side, mask)));
    List<Prompt> prompts = List.of(Prompt.builder().point(100, 100).multimask(false).build(),
        Prompt.builder().point(120, 90).multimask(false).build());
    try (MedSA sam = MedSA.builder().backbone(Backbone.VIT_B).imageSize(side).adapters(Adapters.medsa())
            .randomWeights().seed(1).build();
        Trainer trainer = new Trainer(sam, TrainingConfig.medsa().batchSize(2).outSize(side).build())) {
      return Timings.of(() -> trainer.step(samples, prompts, 1e-4), 4);
    }
  }

  /**
   * Whether memory stays flat in a long-lived JVM: {@code encodes} TinyViT encodes of 1024 x 1024 images, then
   * {@code predictions} one-click predictions on the last embedding, printing the resident set (VmRSS, MiB) after
   * each tenth call as one JSON line per phase. {@code Workload soak 50 1000} is the check.
   */
  private static void soak(int encodes, int predictions) throws Exception {
    RgbImage image = randomImage(1024);
    List<Long> encodeRss = new ArrayList<>();
    List<Long> predictRss = new ArrayList<>();
    try (MedSA sam = MedSA.builder().backbone(Backbone.TINY_VIT).randomWeights().seed(1).build()) {
      EncodedImage last = null;
      for (int i = 1; i <= encodes; i++) {
        if (last != null) {
          last.close();
        }
        last = sam.encode(image);
        if (i % 10 == 0) {
          encodeRss.add(Bench.statusMiB("VmRSS"));
        }
      }
      for (int i = 1; i <= predictions; i++) {
        last.predict(Prompt.click(300.0 + (i % 20) * 20, 500.0)).close();
        if (i % 10 == 0) {
          predictRss.add(Bench.statusMiB("VmRSS"));
        }
      }
      last.close();
    }
    System.out.println(String.format(Locale.ROOT,
        "{\"side\": \"medsa-j\", \"workload\": \"soak\", \"encodes\": %d, \"rss_mib_every_10_encodes\": %s, "
            + "\"predictions\": %d, \"rss_mib_every_10_predictions\": %s, \"peak_rss_mib\": %d}",
        encodes, encodeRss, predictions, predictRss, Bench.statusMiB("VmHWM")));
  }

  /**
   * utime and stime (clock ticks, USER_HZ = 100 on Linux) and minflt of /proc/self/stat; fields are counted after
   * the command name's closing parenthesis, which may itself contain spaces.
   */
  static long[] procStat() throws IOException {
    String s = Files.readString(Path.of("/proc/self/stat"));
    String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
    // f[0] is field 3 (state): minflt is field 10, utime 14, stime 15.
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[7])};
  }
}
