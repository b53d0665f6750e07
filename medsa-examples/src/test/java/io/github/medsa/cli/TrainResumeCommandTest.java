package io.github.medsa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.github.medsa.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --max-steps} then {@code --resume}: the same losses as one uninterrupted run (cosine + warm-up). */
class TrainResumeCommandTest {
  @TempDir
  Path tmp;

  private String[] args(Path data, Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("train", "--images", data.toString(), "--masks", data.toString(),
        "--pair-prefix", "img_,lab_", "--labels", "77,78", "--random-init",
        "--config", Fixtures.path("sam-tiny/config.json").toString(), "--epochs", "2", "--batch-size", "2",
        "--lr", "1e-3", "--schedule", "cosine", "--min-lr", "1e-5", "--warmup", "2", "--seed", "7",
        "--out", out.toString()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  private static List<Double> losses(Path out) throws Exception {
    List<Double> l = new ArrayList<>();
    JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject().getAsJsonArray("losses")
        .forEach(e -> l.add(e.getAsDouble()));
    return l;
  }

  private static long savedStep(Path out) throws Exception {
    return JsonParser.parseString(Files.readString(out.resolve("resume/training.json"))).getAsJsonObject()
        .get("step").getAsLong();
  }

  @Test
  void anInterruptedRunResumesExactly() throws Exception {
    Path data = CliTesting.copyPairs(tmp.resolve("data"), List.of("078", "080", "082", "084"));
    CliTesting.Result straight = CliTesting.run(args(data, tmp.resolve("straight"), "--save-every", "1"));
    assertThat(straight.exitCode()).as(straight.err()).isZero();
    List<Double> expected = losses(tmp.resolve("straight"));
    assertThat(expected).hasSize(4);
    assertThat(savedStep(tmp.resolve("straight"))).isEqualTo(4);

    CliTesting.Result cut = CliTesting.run(args(data, tmp.resolve("cut"), "--max-steps", "3"));
    assertThat(cut.exitCode()).as(cut.err()).isZero();
    assertThat(savedStep(tmp.resolve("cut"))).isEqualTo(3);
    assertThat(losses(tmp.resolve("cut"))).containsExactlyElementsOf(expected.subList(0, 3));

    Path resumeDir = tmp.resolve("cut/resume");
    CliTesting.Result resumed = CliTesting.run(args(data, tmp.resolve("resumed"), "--resume", resumeDir.toString()));
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resumed at step 3 from");
    assertThat(losses(tmp.resolve("resumed"))).containsExactlyElementsOf(expected);

    // A different setting is the user's mistake, named.
    List<String> more = new ArrayList<>(List.of(args(data, tmp.resolve("other"), "--resume", resumeDir.toString())));
    more.set(more.indexOf("--epochs") + 1, "3");
    CliTesting.Result wrong = CliTesting.run(more.toArray(String[]::new));
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("--resume").contains("saved with epochs = 2 but resumes with epochs = 3");
    List<String> warmer = new ArrayList<>(List.of(args(data, tmp.resolve("other"), "--resume", resumeDir.toString())));
    warmer.set(warmer.indexOf("--warmup") + 1, "3");
    CliTesting.Result warm = CliTesting.run(warmer.toArray(String[]::new));
    assertThat(warm.exitCode()).isEqualTo(2);
    assertThat(warm.err()).contains("saved with schedule = cosine(lr=0.001, minLr=1.0E-5).withWarmup(2) but resumes "
        + "with schedule = cosine(lr=0.001, minLr=1.0E-5).withWarmup(3)");
  }
}
