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
    assertThat(out.resolve("pretrained.safetensors")).isRegularFile();
    assertThat(Files.readString(out.resolve("results.md"))).contains("| validation Dice |")
        .contains("the block 70..73").contains("adapter init zero");
    assertThat(Files.readAllLines(out.resolve("results.csv")).get(0)).endsWith(",val_dice_mean,val_dice_std,val_cases");

    // The saved pre-trained model (config.json beside it) skips pre-training and starts from the same weights:
    // the frozen row scores exactly as before, on both blocks.
    Path again = tmp.resolve("demo-again");
    assertThat(MedSACommand.run("demo", "--quick", "--out", again.toString(), "--checkpoint",
        out.resolve("pretrained.safetensors").toString(), "--image-size", "64", "--adapter-init", "pytorch"))
        .isZero();
    String[] first = Files.readAllLines(out.resolve("results.csv")).get(1).split(",");
    String[] second = Files.readAllLines(again.resolve("results.csv")).get(1).split(",");
    assertThat(second[4]).isEqualTo(first[4]); // held-out Dice of the frozen model
    assertThat(second[12]).isEqualTo(first[12]); // validation Dice of the frozen model
    assertThat(second[14]).isEqualTo(first[14]).isEqualTo("2");
    assertThat(Files.readString(again.resolve("results.md"))).contains("adapter init pytorch");
  }

  /** Three disjoint contiguous blocks of axial slices: validation 70..73, training 74..85, held-out 86..91. */
  @Test
  void trainingValidationAndHeldOutAreDisjointBlocks() throws Exception {
    assertThat(DemoCommand.split(69)).isEqualTo(DemoCommand.Split.TRAINING);
    for (int z = 70; z <= 73; z++) {
      assertThat(DemoCommand.split(z)).as("slice %d", z).isEqualTo(DemoCommand.Split.VALIDATION);
    }
    for (int z = 74; z <= 85; z++) {
      assertThat(DemoCommand.split(z)).as("slice %d", z).isEqualTo(DemoCommand.Split.TRAINING);
    }
    for (int z = 86; z <= 91; z++) {
      assertThat(DemoCommand.split(z)).as("slice %d", z).isEqualTo(DemoCommand.Split.HELD_OUT);
    }
    assertThat(DemoCommand.split(92)).isEqualTo(DemoCommand.Split.TRAINING);
    // On the data: the thalamus (>= 20 pixels) spans axial 70..91, so 12 training, 4 validation, 6 held-out slices.
    Colin27 colin = Colin27.load(Colin27.defaultDir());
    assertThat(ids(colin, z -> DemoCommand.split(z) == DemoCommand.Split.TRAINING)).containsExactly(
        "74", "75", "76", "77", "78", "79", "80", "81", "82", "83", "84", "85");
    assertThat(ids(colin, z -> DemoCommand.split(z) == DemoCommand.Split.VALIDATION))
        .containsExactly("70", "71", "72", "73");
    assertThat(ids(colin, DemoCommand::heldOut)).containsExactly("86", "87", "88", "89", "90", "91");
  }

  /** The time budget: 180 pre-training slices (12 steps of 16 an epoch) x 20 epochs, none from the scored blocks. */
  @Test
  void pretrainingUsesOnlyTrainingBlockSlices() throws Exception {
    List<io.github.medsa.training.data.Sample> pre = DemoCommand.pretrainingSamples(Colin27.load(Colin27.defaultDir()), 2);
    assertThat(pre).hasSize(180);
    assertThat(pre).allSatisfy(s -> assertThat(DemoCommand.split(Integer.parseInt(s.id().substring(s.id().indexOf('#') + 1))))
        .isEqualTo(DemoCommand.Split.TRAINING));
    assertThat(pre).noneMatch(s -> s.id().startsWith("thalamus"));
    assertThat(DemoCommand.PRETRAIN_EPOCHS * ((pre.size() + DemoCommand.PRETRAIN_BATCH - 1) / DemoCommand.PRETRAIN_BATCH))
        .isEqualTo(240);
  }

  @Test
  void adapterInitChoosesHowTheUpProjectionsStart() {
    assertThat(DemoCommand.adapters("zero").toString()).contains("zero up-projections");
    assertThat(DemoCommand.adapters("pytorch").toString()).contains("PyTorch init");
    assertThat(MedSACommand.run("demo", "--quick", "--adapter-init", "xavier", "--out",
        tmp.resolve("o").toString())).isEqualTo(MedSACommand.EXIT_USAGE);
  }

  private static List<String> ids(Colin27 colin, java.util.function.IntPredicate slices) {
    return colin.samples("thalamus", DemoCommand.TARGET, slices, 20).stream()
        .map(s -> s.id().substring(s.id().indexOf('#') + 1)).toList();
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
    // What the README says the table shows (measured 2026-12-07, oneDNN build; validation / held-out Dice:
    // frozen 0.000 / 0.000, adapters + decoder 0.850 / 0.642, adapters only 0.189 / 0.087, decoder only
    // 0.840 / 0.524, full fine-tuning 0.881 / 0.245): on validation, adapters + decoder and decoder only are level
    // and full fine-tuning is best; the adapters alone barely learn the structure, the frozen model not at all;
    // on the held-out block full fine-tuning falls below the other two.
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    double[] heldOut = new double[5];
    double[] validation = new double[5];
    for (int row = 0; row < 5; row++) {
      String[] cells = csv.get(row + 1).split(",");
      heldOut[row] = Double.parseDouble(cells[4]);
      validation[row] = Double.parseDouble(cells[12]);
    }
    int frozen = 0;
    int adapters = 1;
    int adaptersOnly = 2;
    int decoder = 3;
    int full = 4;
    assertThat(validation[frozen]).isLessThan(0.05);
    assertThat(heldOut[frozen]).isLessThan(0.05);
    assertThat(validation[adaptersOnly]).isLessThan(0.35);
    assertThat(validation[adapters]).isGreaterThan(0.8);
    assertThat(validation[decoder]).isGreaterThan(0.8);
    assertThat(Math.abs(validation[adapters] - validation[decoder])).isLessThan(0.05);
    assertThat(validation[full]).isGreaterThan(Math.max(validation[adapters], validation[decoder]));
    assertThat(heldOut[full]).isLessThan(Math.min(heldOut[adapters], heldOut[decoder]));
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
