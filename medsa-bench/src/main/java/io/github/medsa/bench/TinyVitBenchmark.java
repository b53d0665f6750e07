package io.github.medsa.bench;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.image.RgbImage;
import io.github.medsa.model.ModelExtension;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.data.Sample;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * MobileSAM's TinyViT backbone ({@link SamConfig#TINY_VIT}, random weights): the encoder at 1024, one image per
 * operation (the peer's {@code tinyvit_encoder_1024}), and one Med-SA training step at 256 with batch 2 (adapters
 * in every TinyViT block, adapters + decoder trained), beside the ViT-B workloads of {@link EncoderBenchmark} and
 * {@link TrainingStepBenchmark}. Also runnable without JMH: {@code main [encoder|train]} prints wall-clock medians.
 */
public class TinyVitBenchmark {
  private TinyVitBenchmark() {}

  /** The encoder at 1024. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1, time = 10)
  @Measurement(iterations = 3, time = 10)
  @Fork(value = 1, jvmArgsAppend = {Bench.XMX, Bench.OFFHEAP, Bench.PHYSICAL})
  public static class Encoder {
    private MedSA sam;
    private RgbImage image;
    private String loadAtStart;

    @Setup(Level.Trial)
    public void setUp() {
      loadAtStart = Bench.loadAverage();
      Bench.describeBackend();
      sam = Bench.model(SamConfig.TINY_VIT, ModelExtension.NONE);
      image = Bench.image(1024, 7);
    }

    @Benchmark
    public EncodedImage encode() {
      return sam.encode(image);
    }

    @TearDown(Level.Trial)
    public void peakRss() {
      Bench.recordPeakRss("tinyvit-encoder", "tinyvit-1024", loadAtStart);
    }
  }

  /** One Med-SA training step at 256, batch 2. */
  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 1, time = 10)
  @Measurement(iterations = 3, time = 10)
  @Fork(value = 1, jvmArgsAppend = {Bench.XMX, Bench.OFFHEAP, Bench.PHYSICAL})
  public static class TrainingStep {
    private Trainer trainer;
    private List<Sample> samples;
    private List<Prompt> prompts;
    private String loadAtStart;

    @Setup(Level.Trial)
    public void setUp() {
      loadAtStart = Bench.loadAverage();
      Bench.describeBackend();
      MedSA sam = Bench.model(SamConfig.TINY_VIT.toBuilder().imageSize(TrainingStepBenchmark.SIDE).build(),
          Adapters.medsa());
      trainer = new Trainer(sam, TrainingConfig.medsa().batchSize(2).build());
      samples = List.of(TrainingStepBenchmark.sample("a", 7), TrainingStepBenchmark.sample("b", 8));
      double c = TrainingStepBenchmark.SIDE / 2.0;
      prompts = List.of(Prompt.click(c, c), Prompt.click(c + 10, c - 10));
    }

    @Benchmark
    public double step() {
      return trainer.step(samples, prompts, 1e-4);
    }

    @TearDown(Level.Trial)
    public void peakRss() {
      Bench.recordPeakRss("tinyvit-training-step", "tinyvit-256 batch=2 adapters+decoder", loadAtStart);
    }
  }

  /** Wall-clock medians without JMH (for a rough side-by-side with {@code peer.py tinyvit_encoder_1024}). */
  public static void main(String[] args) {
    List<String> which = args.length == 0 ? List.of("encoder", "train") : List.of(args);
    if (which.contains("encoder")) {
      Encoder e = new Encoder();
      e.setUp();
      System.out.printf("TinyViT encoder at 1024: %s%n", seconds(5, e::encode));
    }
    if (which.contains("train")) {
      TrainingStep t = new TrainingStep();
      t.setUp();
      System.out.printf("Med-SA TinyViT training step at 256, batch 2: %s%n", seconds(5, t::step));
    }
    System.out.printf("load average %s%n", Bench.loadAverage());
  }

  /** First call, then the median of the {@code n - 1} following, in seconds. */
  private static String seconds(int n, Runnable op) {
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      op.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
    }
    double[] rest = java.util.Arrays.copyOfRange(t, 1, n);
    java.util.Arrays.sort(rest);
    return String.format(java.util.Locale.ROOT, "first %.2f s, median %.2f s", t[0], rest[rest.length / 2]);
  }
}
