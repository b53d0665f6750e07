package io.github.medsa.bench;

import io.github.medsa.MedSA;
import io.github.medsa.SamConfig;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.image.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.factory.Nd4j;

/** What the benchmarks share: JVM options of the forks, the models, synthetic images and the peak-RSS record. */
final class Bench {
  /**
   * Options of every benchmark fork. The heap holds little (weights and activations are off-heap); JavaCPP's
   * off-heap limits default to the heap size, too small for ViT-B at 1024, so they are raised explicitly. The
   * physical cap also decides when JavaCPP forces a GC to free dead off-heap arrays: with 20 GB the ViT-B 1024
   * and training forks grew to 20 GB of garbage and one was killed by the kernel's OOM killer on a shared 24 GB
   * machine, so it is kept at 12 GB.
   */
  static final String XMX = "-Xmx8g";
  static final String OFFHEAP = "-Dorg.bytedeco.javacpp.maxbytes=10G";
  static final String PHYSICAL = "-Dorg.bytedeco.javacpp.maxphysicalbytes=12G";

  /** Side file (relative to the module directory, the forks' working directory) with one line per trial. */
  static final Path RSS_FILE = Path.of(System.getProperty("bench.rss.file", "target/peak-rss.tsv"));

  private static boolean described;

  private Bench() {}

  /** The sam-tiny test fixture (medsa-core/src/test/resources/fixtures/sam-tiny/config.json) as a builder call. */
  static SamConfig tinyConfig() {
    return SamConfig.builder()
        .imageSize(128).pretrainImageSize(128).patchSize(16)
        .encoder(48, 4, 3).mlpRatio(4.0).globalAttnIndexes(List.of(1, 3)).windowSize(3)
        .encoderLayerNormEps(1e-6)
        .promptEmbedDim(32).maskInChans(8).decoderMlpDim(64).decoderNumHeads(4).iouHead(3, 32)
        .pixelMean(123.675, 116.28, 103.53).pixelStd(58.395, 57.12, 57.375)
        .build();
  }

  /** ViT-B run at {@code side} pixels, shaped like the 1024 checkpoint (positional tables resized). */
  static SamConfig vitB(int side) {
    return SamConfig.VIT_B.toBuilder().imageSize(side).pretrainImageSize(1024).build();
  }

  /** "tiny-128", "vitb-256", "vitb-1024", "tinyvit-256" or "tinyvit-1024" (MobileSAM's TinyViT). */
  static SamConfig config(String name) {
    return switch (name) {
      case "tiny-128" -> tinyConfig();
      case "vitb-256" -> vitB(256);
      case "vitb-1024" -> vitB(1024);
      case "tinyvit-256" -> SamConfig.TINY_VIT.toBuilder().imageSize(256).build();
      case "tinyvit-1024" -> SamConfig.TINY_VIT;
      default -> throw new IllegalArgumentException("unknown model " + name);
    };
  }

  static MedSA model(SamConfig config, ModelExtension extension) {
    try {
      return MedSA.builder().config(config).adapters(extension).randomWeights().seed(1).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A smooth synthetic scan-like picture (a bright disc on a gradient) with seeded noise. */
  static RgbImage image(int side, long seed) {
    Random rng = new Random(seed);
    byte[] rgb = new byte[side * side * 3];
    double c = side / 2.0;
    double r = side / 4.0;
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double d = Math.hypot(x - c, y - c);
        int v = (int) (40 + 60.0 * y / side + (d < r ? 120 : 0) + rng.nextInt(20));
        for (int k = 0; k < 3; k++) {
          rgb[(y * side + x) * 3 + k] = (byte) Math.min(255, v);
        }
      }
    }
    return RgbImage.ofRgbBytes(side, side, rgb);
  }

  /** Prints the backend once per fork: BLAS, OpenMP threads, CPU features. */
  static synchronized void describeBackend() {
    if (described) {
      return;
    }
    described = true;
    System.out.println("# ND4J backend: " + Nd4j.getBackend().getClass().getName()
        + ", environment " + Nd4j.getExecutioner().getEnvironmentInformation());
    System.out.println("# ND4J max master threads " + Nd4j.getEnvironment().maxMasterThreads()
        + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS") + ", load " + loadAverage());
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  /** {@code key} (e.g. VmHWM) of /proc/self/status in MiB, -1 when unavailable (not Linux). */
  static long statusMiB(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return -1;
  }

  /**
   * Records the fork's peak resident set (VmHWM): each benchmark and parameter set runs in its own fork, so this
   * is the peak of that workload, model construction included. Printed and appended to {@link #RSS_FILE}.
   */
  static void recordPeakRss(String benchmark, String params, String loadAtStart) {
    long hwm = statusMiB("VmHWM");
    String load = loadAverage();
    System.out.printf("%n# peak RSS %s [%s]: %d MiB (load at start %s, at end %s)%n", benchmark, params, hwm,
        loadAtStart, load);
    String line = String.join("\t", Instant.now().toString(), benchmark, params, Long.toString(hwm),
        loadAtStart, load) + "\n";
    try {
      Files.createDirectories(RSS_FILE.toAbsolutePath().getParent());
      Files.writeString(RSS_FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.out.println("# could not write " + RSS_FILE + ": " + e);
    }
  }
}
