package io.github.medsa.bench;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.extension.ModelExtension;
import java.util.ArrayList;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Interactive latency: click prompts against a cached ViT-B (1024) embedding of a 1024 x 1024 image, i.e. the
 * prompt encoder, the mask decoder and post-processing (upscaling the logits to the original size and
 * thresholding). {@code clicks = 16} sends 16 single-click prompts at once; having the same layout they run as one
 * decoder batch. The encoder runs once in the set-up and is not timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {Bench.XMX, Bench.OFFHEAP, Bench.PHYSICAL})
public class PromptBenchmark {
  static final int SIDE = 1024;

  @Param({"1", "16"})
  public int clicks;

  private EncodedImage encoded;
  private List<Prompt> prompts;
  private String loadAtStart;

  @Setup(Level.Trial)
  public void setUp() {
    loadAtStart = Bench.loadAverage();
    Bench.describeBackend();
    MedSA sam = Bench.model(Bench.vitB(SIDE), ModelExtension.NONE);
    encoded = sam.encode(Bench.image(SIDE, 7));
    prompts = new ArrayList<>();
    for (int i = 0; i < clicks; i++) {
      // A 4 x 4 grid of distinct clicks over the middle of the image.
      prompts.add(Prompt.click(SIDE * (0.2 + 0.2 * (i % 4)), SIDE * (0.2 + 0.2 * (i / 4))));
    }
  }

  @Benchmark
  public void predict(Blackhole blackhole) {
    List<Prediction> predictions = encoded.predict(prompts);
    blackhole.consume(predictions);
    predictions.forEach(Prediction::close); // as an application would, once the masks are used
  }

  @TearDown(Level.Trial)
  public void peakRss() {
    Bench.recordPeakRss("prompt", "clicks=" + clicks, loadAtStart);
  }
}
