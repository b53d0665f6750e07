package io.github.medsa.bench;

import io.github.medsa.MedSA;
import io.github.medsa.Prompt;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.training.Trainer;
import io.github.medsa.training.TrainingConfig;
import io.github.medsa.training.data.BinaryMask;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Med-SA training step as in the paper's 2D recipe: ViT-B at 256 with the Med-SA adapters, batch 2, one
 * click per image, adapters + decoder trained. One operation = forward, backward and the Adam update.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {Bench.XMX, Bench.OFFHEAP, Bench.PHYSICAL})
public class TrainingStepBenchmark {
  static final int SIDE = 256;

  /** The backbone at {@link #SIDE}: SAM's ViT-B or MobileSAM's TinyViT (adapters in every block of either). */
  @Param({"vitb-256", "tinyvit-256"})
  public String model;

  private Trainer trainer;
  private List<Sample> samples;
  private List<Prompt> prompts;
  private String loadAtStart;

  @Setup(Level.Trial)
  public void setUp() {
    loadAtStart = Bench.loadAverage();
    Bench.describeBackend();
    MedSA sam = Bench.model(Bench.config(model), Adapters.medsa());
    trainer = new Trainer(sam, TrainingConfig.medsa().batchSize(2).build());
    samples = List.of(sample("a", 7), sample("b", 8));
    prompts = List.of(Prompt.click(SIDE / 2.0, SIDE / 2.0), Prompt.click(SIDE / 2.0 + 10, SIDE / 2.0 - 10));
  }

  /** The synthetic image's bright disc is the ground truth. */
  static Sample sample(String id, long seed) {
    boolean[] mask = new boolean[SIDE * SIDE];
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        mask[y * SIDE + x] = Math.hypot(x - SIDE / 2.0, y - SIDE / 2.0) < SIDE / 4.0;
      }
    }
    return new Sample(id, Bench.image(SIDE, seed), new BinaryMask(SIDE, SIDE, mask));
  }

  @Benchmark
  public double step() {
    return trainer.step(samples, prompts, 1e-4);
  }

  @TearDown(Level.Trial)
  public void peakRss() {
    Bench.recordPeakRss("training-step", model + " batch=2 adapters+decoder", loadAtStart);
  }
}
