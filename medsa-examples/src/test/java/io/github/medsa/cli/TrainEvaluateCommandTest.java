package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.medsa.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} and {@code evaluate} on a few Colin27 slices with the sam-tiny sizes. */
class TrainEvaluateCommandTest {
  @TempDir
  Path tmp;

  @Test
  void trainsAFewStepsAndWritesEverything() throws Exception {
    Path data = CliTesting.copyPairs(tmp.resolve("data"), List.of("078", "080", "082", "084"));
    Path out = tmp.resolve("run");
    CliTesting.Result r = CliTesting.run("train", "--images", data.toString(), "--masks", data.toString(),
        "--pair-prefix", "img_,lab_", "--labels", "77,78", "--random-init",
        "--config", Fixtures.path("sam-tiny/config.json").toString(), "--epochs", "1", "--batch-size", "2",
        "--lr", "1e-3", "--seed", "7", "--out", out.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    for (String f : List.of("checkpoint.safetensors", "config.json", "loss.png", "summary.json")) {
      assertThat(out.resolve(f)).isRegularFile();
    }
    assertThat(Files.list(out.resolve("resume")).count()).isPositive();
    assertThat(ImageIO.read(out.resolve("loss.png").toFile()).getWidth()).isEqualTo(800);
    JsonObject s = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
    assertThat(s.getAsJsonArray("losses")).hasSize(2);
    assertThat(s.getAsJsonObject("parameters").get("share").getAsDouble()).isBetween(0.0, 1.0);
    assertThat(s.getAsJsonObject("training").get("trainable").getAsString()).isEqualTo("ADAPTERS_AND_DECODER");

    // The trained checkpoint (adapters inside, config.json beside it) evaluates without further options.
    Path eval = tmp.resolve("eval");
    CliTesting.Result e = CliTesting.run("evaluate", "--images", data.toString(), "--masks", data.toString(),
        "--pair-prefix", "img_,lab_", "--labels", "77,78", "--checkpoint",
        out.resolve("checkpoint.safetensors").toString(), "--out", eval.toString());
    assertThat(e.exitCode()).as(e.err()).isZero();
    List<String> rows = Files.readAllLines(eval.resolve("cases.csv"));
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0)).isEqualTo("id,dice,iou,hd95");
    for (String row : rows.subList(1, 5)) {
      String[] v = row.split(",");
      double dice = Double.parseDouble(v[1]);
      double iou = Double.parseDouble(v[2]);
      assertThat(dice).isBetween(0.0, 1.0);
      assertThat(iou).isCloseTo(dice / (2 - dice), org.assertj.core.data.Offset.offset(1e-5)); // IoU = D / (2 - D)
    }
    assertThat(e.out()).contains("Dice  mean").contains("cases 4  skipped 0");
    assertThat(eval.resolve("summary.json")).isRegularFile();
  }

  @Test
  void badInputNamesTheProblem() throws Exception {
    Path data = CliTesting.copyPairs(tmp.resolve("data"), List.of("080"));
    String cfg = Fixtures.path("sam-tiny/config.json").toString();
    CliTesting.Result r = CliTesting.run("train", "--images", tmp.resolve("missing").toString(), "--masks",
        data.toString(), "--random-init", "--config", cfg, "--out", tmp.resolve("o").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--images").contains("missing does not exist");

    r = CliTesting.run("train", "--images", data.toString(), "--masks", data.toString(), "--pair-prefix", "img_",
        "--random-init", "--config", cfg);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--pair-prefix 'img_'");

    r = CliTesting.run("train", "--images", data.toString(), "--masks", data.toString(), "--pair-prefix",
        "img_,lab_", "--trainable", "everything", "--random-init", "--config", cfg);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--trainable 'everything'");

    r = CliTesting.run("evaluate", "--images", data.toString(), "--masks", data.toString(), "--pair-prefix",
        "img_,lab_", "--checkpoint", tmp.resolve("none.pth").toString(), "--config", cfg);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("none.pth does not exist");

    Path ch2 = CliTesting.colin27Volumes().resolve("ch2.nii.gz");
    r = CliTesting.run("evaluate", "--image-volume", ch2.toString(), "--label-volume",
        CliTesting.colin27Volumes().resolve("aal.nii.gz").toString(), "--labels", "200", "--checkpoint",
        Fixtures.path("sam-tiny/weights.pth").toString(), "--config", cfg);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("label 200 does not occur in");
  }
}
