package io.github.medsa.bench;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.image.RgbImage;
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
 * Image encoder, one image per operation (preprocessing + ViT + neck), the cost paid once per image. Iterations
 * are time-boxed: at ViT-B 1024 each iteration is a single encode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {Bench.XMX, Bench.OFFHEAP, Bench.PHYSICAL})
public class EncoderBenchmark {
  @Param({"tiny-128", "vitb-256", "vitb-1024", "tinyvit-1024"})
  public String model;

  private MedSA sam;
  private RgbImage image;
  private String loadAtStart;

  @Setup(Level.Trial)
  public void setUp() {
    loadAtStart = Bench.loadAverage();
    Bench.describeBackend();
    sam = Bench.model(Bench.config(model), ModelExtension.NONE);
    image = Bench.image(sam.config().imageSize(), 7);
  }

  @Benchmark
  public EncodedImage encode() {
    return sam.encode(image);
  }

  @TearDown(Level.Trial)
  public void peakRss() {
    Bench.recordPeakRss("encoder", "model=" + model, loadAtStart);
  }
}
