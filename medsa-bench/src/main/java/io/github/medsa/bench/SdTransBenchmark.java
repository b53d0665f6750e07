package io.github.medsa.bench;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.adapters.Adapters;
import io.github.medsa.image.RgbImage;
import io.github.medsa.sdtrans.SdTrans;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SD-Trans forward of one chunk: ViT-B at 256 with Med-SA adapters and the depth branch, D = 8 slices encoded
 * together (encoder only). One operation = 8 slices; divide by 8 for the per-slice cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {Bench.XMX, Bench.OFFHEAP, Bench.PHYSICAL})
public class SdTransBenchmark {
  static final int SIDE = 256;
  static final int SLICES = 8;

  private MedSA sam;
  private List<RgbImage> chunk;
  private String loadAtStart;

  @Setup(Level.Trial)
  public void setUp() {
    loadAtStart = Bench.loadAverage();
    Bench.describeBackend();
    sam = Bench.model(Bench.vitB(SIDE), SdTrans.of(Adapters.medsa(), SLICES));
    chunk = new ArrayList<>();
    for (int i = 0; i < SLICES; i++) {
      chunk.add(Bench.image(SIDE, 100 + i));
    }
  }

  @Benchmark
  public List<EncodedImage> encodeChunk() {
    return sam.encodeAll(chunk);
  }

  @TearDown(Level.Trial)
  public void peakRss() {
    Bench.recordPeakRss("sdtrans-chunk", "vitb-256 D=" + SLICES, loadAtStart);
  }
}
