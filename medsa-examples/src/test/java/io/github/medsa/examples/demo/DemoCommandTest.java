package io.github.medsa.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.cli.MedSACommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo end to end: smoke mode in the default suite, the real thing under {@code -Pfull}. */
class DemoCommandTest {
  @TempDir
  Path tmp;

  @Test
  void quickModeWritesEveryOutput() throws Exception {
    Path out = tmp.resolve("demo");
    assertThat(MedSACommand.run("demo", "--quick", "--out", out.toString())).isZero();
    assertOutputs(out);
  }

  /** {@code --backbone tiny_vit}: the compact TinyViT is pre-trained instead of the compact ViT. */
  @Test
  void quickModeWithTheTinyVitBackbone() throws Exception {
    Path out = tmp.resolve("demo-tinyvit");
    assertThat(MedSACommand.run("demo", "--quick", "--backbone", "tiny_vit", "--out", out.toString())).isZero();
    assertOutputs(out);
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"embed_dims\"").contains("\"tiny_vit\"");
  }

  /** The real-SAM path (pre-training skipped, run at --image-size 256 by default) on the fixture checkpoint. */
  @Test
  void withACheckpointThePretrainingIsSkipped() throws Exception {
    Path out = tmp.resolve("demo-ckpt");
    assertThat(MedSACommand.run("demo", "--quick", "--out", out.toString(), "--checkpoint",
        io.github.medsa.testing.Fixtures.path("sam-tiny/weights.pth").toString(), "--config",
        io.github.medsa.testing.Fixtures.path("sam-tiny/config.json").toString())).isZero();
    assertOutputs(out);
    assertThat(Files.readString(out.resolve("summary.json"))).contains("\"img_size\": 256");
  }

  @Test
  @Tag("full")
  void fullDemo() throws Exception {
    Path out = tmp.resolve("demo-full");
    assertThat(MedSACommand.run("demo", "--out", out.toString())).isZero();
    assertOutputs(out);
    // The paper's claim at small scale: adapters recover most of full fine-tuning's Dice.
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    double adapters = Double.parseDouble(csv.get(2).split(",")[4]);
    double full = Double.parseDouble(csv.get(5).split(",")[4]);
    assertThat(full).isGreaterThan(0.5);
    assertThat(adapters).isGreaterThan(0.8 * full);
  }

  @Test
  void missingDataIsBadInput() {
    assertThat(MedSACommand.run("demo", "--quick", "--data", tmp.resolve("none").toString(), "--out",
        tmp.resolve("o").toString())).isEqualTo(MedSACommand.EXIT_USAGE);
  }

  private static void assertOutputs(Path out) throws Exception {
    for (String f : List.of("results.md", "results.csv", "summary.json", "overlays.png", "loss-curves.png",
        "adapted.safetensors")) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertThat(csv).hasSize(6);
    assertThat(csv.get(1)).startsWith("\"frozen");
    assertThat(csv.get(2)).startsWith("\"Med-SA adapters (adapters + decoder)");
    assertThat(csv.get(3)).startsWith("\"Med-SA adapters only");
    assertThat(csv.get(4)).startsWith("\"decoder only (no adapters)");
    assertThat(csv.get(5)).startsWith("\"full fine-tuning");
    assertThat(Files.readString(out.resolve("results.md"))).contains("| frozen (no adaptation) |")
        .contains("| Med-SA adapters (adapters + decoder) |").contains("| decoder only (no adapters) |").contains("| full fine-tuning |")
        .contains("held-out block of axial slices (86..91");
  }
}
